"""The public announcement of an accepted plan ("announce the results openly", Binawidya).

Who moves from which post to which, and why in plain words. What it never carries:
protected attributes (gender, birth date or age, home region), scores or predictions
(predicted performance, risk, objective values), anything about people not chosen
(runners-up), reviewers' comments, and no weakness of the person named: only favourable
reasons that are presentable in public (a competency below the post's standard, a
disciplinary record or an unknown value is never announced, even when the model counted
it in the person's favour). Names only on request (``with_names``): the dataset's
``display_name`` is meant for reviewers.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from features import pairs as fp
from features import snapshot as fs
from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning import words as w
from serving.planning.document import Plan
from serving.planning.html import render
from serving.result import Explanation

MAX_REASONS = 3
ANNOUNCEMENT_HTML, ANNOUNCEMENT_TEXT = "announcement.html", "announcement.txt"

NEVER_PUBLIC = {fs.N_SANCTIONS}                                         # disciplinary records
AT_LEAST = {fs.LAST_SCORE: 4, fs.PREV_SCORE: 4, fs.MEAN_SCORE_3: 4, fs.LAST_WORK_RESULT: 0,
            fs.LAST_WORK_BEHAVIOR: 0, fs.MEAN_WORK_BEHAVIOR_3: 0,
            fp.TECH_GAP: 0, **{gap: 0 for gap in fp.GAP_COLUMNS}}      # only good ratings, no shortfall
AT_MOST = {fp.MANAGERIAL_SHORTFALL: 0, fp.N_SHORTFALLS: 0}
TRUE_ONLY = {fs.WILLING_TO_RELOCATE}
FALSE_ONLY = {fp.RELOCATION_UNWILLING}


class AnnouncedMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: str
    name: str | None = None
    from_position_id: str | None
    from_title: str
    from_unit: str
    position_id: str
    title: str
    unit: str
    reasons: list[str]
    preference_met: bool


class Announcement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_id: str
    as_of: date
    lang: str
    moves: list[AnnouncedMove]


def presentable(e: Explanation) -> bool:
    """Whether a favourable explanation may be read out in public (see the module text)."""
    value = e.value
    if e.feature in NEVER_PUBLIC or value is None:
        return False
    if isinstance(value, str):                  # a category (field, post type): words, not a rating
        return e.feature not in AT_LEAST and e.feature not in AT_MOST
    if e.feature in AT_LEAST:
        return float(value) >= AT_LEAST[e.feature]
    if e.feature in AT_MOST:
        return float(value) <= AT_MOST[e.feature]
    if e.feature in TRUE_ONLY:
        return bool(value)
    if e.feature in FALSE_ONLY:
        return not bool(value)
    return True


def announcement(plan: Plan, context: ServingContext, accepted: set[tuple[str, str]] | None = None,
                 lang: str = "id", with_names: bool = False) -> Announcement:
    """The announcement of ``plan``'s moves (only those in ``accepted``, as (employee_id,
    position_id) pairs, when given). An accepted pair that is not a move of the plan is a
    RankingError naming ``accepted``: announcing less than was decided must not go unseen."""
    w.check_lang(lang)
    if accepted is not None:
        planned = {(m.employee_id, m.position_id) for m in plan.moves}
        unknown = sorted(set(accepted) - planned)
        if unknown:
            shown = ", ".join(f"{e}:{p}" for e, p in unknown[:5])
            raise RankingError("accepted", f"accepted moves that are not in plan {plan.plan_id}: {shown}")
    names = w.Names.from_context(context)
    display = context.display_names if with_names else {}
    moves = []
    for m in plan.moves:
        if accepted is not None and (m.employee_id, m.position_id) not in accepted:
            continue
        moves.append(AnnouncedMove(
            employee_id=m.employee_id, name=display.get(m.employee_id) if with_names else None,
            from_position_id=m.from_position_id, from_title=names.title(m.from_position_id),
            from_unit=names.unit(m.from_unit_id), position_id=m.position_id, title=names.title(m.position_id),
            unit=names.unit(m.unit_id),
            reasons=names.reasons(m, lang, plan.language, favourable=True, limit=MAX_REASONS, keep=presentable),
            preference_met=m.preference_met))
    return Announcement(plan_id=plan.plan_id, as_of=plan.as_of, lang=lang, moves=moves)


# --- rendering ------------------------------------------------------------------------------

ANNOUNCEMENT_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t("announce_title") }} · {{ ann.as_of }}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<h1>{{ t("announce_title") }}</h1>
<p>{{ t("announce_intro", as_of=ann.as_of.isoformat(), plan_id=ann.plan_id) }}</p>
{% if ann.moves %}
<table>
  <thead><tr><th>#</th><th>{{ t("employee") }}</th><th>{{ t("from") }}</th><th>{{ t("to") }}</th>
    <th>{{ t("reasons_for") }}</th></tr></thead>
  <tbody>
  {% for m in ann.moves %}
  <tr>
    <td class="num" data-label="#">{{ loop.index }}</td>
    <td class="id" data-label="{{ t('employee') }}">{% if m.name %}{{ m.name }}<br><span class="muted">{{ m.employee_id }}</span>{% else %}{{ m.employee_id }}{% endif %}</td>
    <td data-label="{{ t('from') }}">{{ place(m.from_title, m.from_position_id, m.from_unit) }}</td>
    <td data-label="{{ t('to') }}">{{ place(m.title, m.position_id, m.unit) }}</td>
    <td data-label="{{ t('reasons_for') }}"><ul class="reasons">{% for r in m.reasons %}<li>{{ r }}</li>{% endfor %}
      {% if m.preference_met %}<li>{{ t("pref_met_note") }}</li>{% endif %}</ul></td>
  </tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p>{{ t("announce_none") }}</p>{% endif %}
</main>
</body>
</html>
"""


def _place(title: str, position_id: str | None, unit: str, lang: str) -> str:
    what = title or position_id or w.t("unknown_post", lang)
    return f"{what}, {unit}" if unit else what


def render_announcement_html(ann: Announcement) -> str:
    """A self-contained page (inline style, no scripts, no links); every value escaped."""
    lang = ann.lang
    return render(ANNOUNCEMENT_TEMPLATE, lang=lang, ann=ann, t=lambda key, **kw: w.t(key, lang, **kw),
                  place=lambda title, pid, unit: _place(title, pid, unit, lang))


def render_announcement_text(ann: Announcement) -> str:
    """Plain text (readable as Markdown) for a notice board or a message."""
    lang = ann.lang
    lines = [f"# {w.t('announce_title', lang)}", "",
             w.t("announce_intro", lang, as_of=ann.as_of.isoformat(), plan_id=ann.plan_id), ""]
    if not ann.moves:
        lines.append(w.t("announce_none", lang))
    for k, m in enumerate(ann.moves, start=1):
        who = f"{m.name} ({m.employee_id})" if m.name else m.employee_id
        lines.append(f"{k}. {_one_line(who)}")
        lines.append(f"   {w.t('from', lang)}: {_one_line(_place(m.from_title, m.from_position_id, m.from_unit, lang))}")
        lines.append(f"   {w.t('to', lang)}: {_one_line(_place(m.title, m.position_id, m.unit, lang))}")
        reasons = list(m.reasons) + ([w.t("pref_met_note", lang)] if m.preference_met else [])
        if reasons:
            lines.append(f"   {w.t('reasons_for', lang)}: {_one_line('; '.join(reasons))}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _one_line(text: str) -> str:
    """A value on one line (a newline in a title must not forge a line of the notice)."""
    return " ".join(str(text).split())


def announcement_files(ann: Announcement) -> dict:
    """Writers of announcement.html and announcement.txt for :func:`export.write_files`."""
    html, text = render_announcement_html(ann), render_announcement_text(ann)
    return {ANNOUNCEMENT_HTML: lambda path: path.write_text(html, encoding="utf-8"),
            ANNOUNCEMENT_TEXT: lambda path: path.write_text(text, encoding="utf-8")}


__all__ = ["Announcement", "AnnouncedMove", "announcement", "render_announcement_html", "render_announcement_text",
           "announcement_files", "presentable"]
