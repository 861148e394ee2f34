"""Readable terminal rendering of a ranking document (rich), in Indonesian or English.

A table of the candidates (name and id, current post and grade, score, performance, risk,
the reason for and against, the moves to notice, the best training with its effect in
percentage points of risk), then per candidate its main contributions in the unit of the
prediction (SKP points, percentage points of risk: never log-odds) and every recommended
training with the assumption behind its effect, then the counts of the excluded by reason
in words. Fits a 100-column terminal.
"""

from collections.abc import Mapping

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from models.policy import ScorePolicy
from serving.excluded import reason_counts
from serving.texts import MINUS, baselines_text, effect_text, flag_text, number, reason_text, risk_change_text

RISK_WEIGHT = ScorePolicy().risk_penalty      # orders one reason list across both models (score points)
MAIN_REASONS = 3                              # contributions shown per candidate
TOP_EXCLUSION_REASONS = 4
INDENT = 3                                    # columns of indentation of a candidate's details

WORDS = {
    "id": {"title": "Kandidat untuk {pid} per {as_of}", "rank": "#", "employee": "pegawai", "score": "skor",
           "perf": "kinerja", "risk": "risiko", "why": "alasan dan catatan", "train": "pelatihan terbaik",
           "post": "jabatan {post}, gol. {grade}", "details": "Rincian per kandidat",
           "trainings": "pelatihan", "no_training": "tidak ada",
           "excluded": "{n} pegawai tidak memenuhi syarat; alasan terbanyak: {top}", "model": "model",
           "eligible": "{n} kandidat memenuhi syarat", "none": "Tidak ada kandidat yang memenuhi syarat.",
           "perf_change": "kinerja"},
    "en": {"title": "Candidates for {pid} as of {as_of}", "rank": "#", "employee": "employee", "score": "score",
           "perf": "perf.", "risk": "risk", "why": "reasons and notes", "train": "best training",
           "post": "post {post}, grade {grade}", "details": "Details per candidate",
           "trainings": "trainings", "no_training": "none",
           "excluded": "{n} employees not eligible; most common reasons: {top}", "model": "model",
           "eligible": "{n} eligible candidates", "none": "No eligible candidate.",
           "perf_change": "performance"},
}


def _weight(e: Mapping) -> float:
    """An explanation's size in score points (risk shares weighted by the default penalty)."""
    return abs(e["contribution"]) * (RISK_WEIGHT if e["target"] == "risk" else 1.0)


def _helps(e: Mapping) -> bool:
    return (e["contribution"] > 0) == (e["target"] == "performance")


def _reasons(candidate: Mapping, n: int = MAIN_REASONS, lang: str = "id") -> str:
    """The ``n`` largest contributions, one line per feature (a feature that moves both
    models is named once, by its larger share), each with its effect in the unit of its
    prediction: ``+ label (+0,12 poin SKP)``; ``+`` helps the candidate, ``−`` hurts."""
    by_feature: dict[str, Mapping] = {}
    for e in sorted(candidate["explanations"], key=lambda e: -_weight(e)):
        by_feature.setdefault(e["feature"], e)
    return "\n".join(f"{'+' if _helps(e) else MINUS} {e['label']} ({effect_text(e['target'], e['contribution'], lang)})"
                     for e in list(by_feature.values())[:n])


def _person(candidate: Mapping, lang: str) -> str:
    name = candidate.get("display_name")
    head = f"{name}\n{candidate['employee_id']}" if name else candidate["employee_id"]
    post, grade = candidate.get("current_position_id"), candidate.get("current_grade")
    if post or grade:
        head += "\n" + WORDS[lang]["post"].format(post=post or "-", grade=grade or "-")
    return head


def _notes(candidate: Mapping, lang: str = "id") -> str:
    """Reason for (+), reason against (−) and the moves to notice (!), in words."""
    lines = []
    if candidate.get("reason_for"):
        lines.append(f"+ {candidate['reason_for']}")
    if candidate.get("reason_against"):
        lines.append(f"{MINUS} {candidate['reason_against']}")
    lines += [f"! {flag_text(flag, lang)}" for flag in candidate.get("flags") or ()]
    return "\n".join(lines)


def _training_effect(r: Mapping, lang: str) -> str:
    perf = r.get("expected_performance_change") or 0.0
    text = risk_change_text(r["expected_risk_change"], lang)
    return text + (f"; {effect_text('performance', perf, lang)}" if round(perf, 2) else "")


def _best_training(candidate: Mapping, lang: str) -> str:
    recs = candidate.get("training_recommendations") or []
    if not recs:
        return WORDS[lang]["no_training"]
    return f"{recs[0]['name']}\n{risk_change_text(recs[0]['expected_risk_change'], lang)}"


def _trainings(candidate: Mapping, lang: str = "id") -> str:
    """Every recommended training with its effect (risk in percentage points) and the
    assumption behind it, or the note saying why there is none."""
    recs = candidate.get("training_recommendations") or []
    if not recs:
        return candidate.get("recommendation_note") or ""
    return "\n".join(f"{r['name']} ({_training_effect(r, lang)})"
                     + (f"\n  {r['assumption']}" if r.get("assumption") else "") for r in recs)


def _table(doc: Mapping, lang: str) -> Table:
    words = WORDS[lang]
    table = Table(title=words["title"].format(pid=doc["position_id"], as_of=doc["as_of"]), show_lines=True,
                  padding=(0, 1))
    table.add_column(words["rank"], justify="right", no_wrap=True)
    table.add_column(words["employee"], ratio=3, overflow="fold")
    for key in ("score", "perf", "risk"):
        table.add_column(words[key], justify="right", no_wrap=True)
    table.add_column(words["why"], ratio=5, overflow="fold")
    table.add_column(words["train"], ratio=3, overflow="fold")
    for cand in doc["candidates"]:
        table.add_row(str(cand["rank"]), escape(_person(cand, lang)), number(cand["score"], lang, 2),
                      number(cand["predicted_performance"], lang, 2),
                      f"{number(100 * cand['adjustment_risk'], lang, 0)}%",
                      escape(_notes(cand, lang)), escape(_best_training(cand, lang)))
    return table


def _details(doc: Mapping, console: Console, lang: str) -> None:
    words = WORDS[lang]
    console.print(f"[bold]{words['details']}[/bold]")
    for cand in doc["candidates"]:
        start = baselines_text(cand.get("baseline") or {}, lang)
        name = cand.get("display_name")
        who = f"{name} ({cand['employee_id']})" if name else cand["employee_id"]
        console.print(Text(f"{cand['rank']}. {who}" + (f" \u2014 {start}" if start else "")))
        for line in _reasons(cand, MAIN_REASONS, lang).splitlines():
            console.print(Padding(Text(line), (0, 0, 0, INDENT), expand=False))
        trainings = _trainings(cand, lang)
        if not cand.get("training_recommendations"):
            console.print(Padding(Text(f"{words['trainings']}: {trainings}"), (0, 0, 0, INDENT), expand=False))
            continue
        console.print(Padding(Text(f"{words['trainings']}:"), (0, 0, 0, INDENT), expand=False))
        for line in trainings.splitlines():     # a training, then its assumption (indented by two)
            assumption = line.startswith("  ")
            console.print(Padding(Text(line.strip() if assumption else f"\u00b7 {line}"),
                                  (0, 0, 0, INDENT + (4 if assumption else 2)), expand=False))


def excluded_summary(doc: Mapping, lang: str = "id") -> str:
    """How many were excluded and the most common reasons in words (the count only when
    the document carries no excluded list)."""
    listed = doc.get("excluded")
    total = doc.get("n_excluded") or (len(listed) if listed else 0)
    counts = reason_counts(listed) if listed else {}
    top = ", ".join(f"{reason_text(code, lang)} ({n})" for code, n in list(counts.items())[:TOP_EXCLUSION_REASONS])
    return WORDS[lang]["excluded"].format(n=total, top=top or "-")


def render_ranking(doc: dict, console: Console, lang: str = "id") -> None:
    words = WORDS[lang]
    if doc["candidates"]:
        console.print(_table(doc, lang))
        _details(doc, console, lang)
    else:
        console.print(words["none"])
    console.print(words["eligible"].format(n=doc.get("n_eligible", len(doc["candidates"]))))
    console.print(escape(excluded_summary(doc, lang)), highlight=False)
    model = doc["model"]
    console.print(f"{words['model']}: {model['name']} v{model['version']} (run {model['run_id']})", highlight=False)
