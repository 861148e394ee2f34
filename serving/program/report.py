"""The programme evaluation as one self-contained HTML page (``report.html``): the window and
counts, the plain summary in both languages (the chosen one first), the DiD effect beside
the naive before/after per outcome with why they differ, event-study plots, pre-trend test,
placebo, group differences, satisfaction, units' service, notices and how to read it.

The page is the jinja2 template ``serving/web/templates/program_report.html`` (autoescaped,
its style sheet inline; the plots are inline SVG: no script, no outside resource). Words
come from :mod:`serving.program.words`, plots from :mod:`serving.program.plot`."""

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from serving.program import plot
from serving.program import words as w
from serving.program.cs import Comparison
from serving.program.results import DidResult, DoseResult, EventEffect, Outcome, ProgramEvaluation
from serving.texts import pick

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
TEMPLATE = "program_report.html"
DATA_WORDS = {"employees": ("pegawai", "employees"),
              "moved": ("dimutasi dalam jendela (DiD memakai yang punya periode dasar)",
                        "moved in the window (the DiD uses those with a base period)"),
              "periods": ("periode", "periods"), "units": ("unit", "units"), "surveys": ("survei", "surveys"),
              "rows": ("baris", "rows"), "appraisals": ("penilaian", "appraisals"),
              "never_moved": ("tidak pernah dimutasi", "never moved"),
              "followed_known": ("mutasi dengan ranking di log audit", "moves with a ranking in the audit log")}


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(TEMPLATE)


def _p(value: float, lang: str) -> str:
    return w.num(value, lang, 3)


def _event_plot(events: tuple[EventEffect, ...], unit: str, key: str, anticipation: int, lang: str,
                factor: float = 1.0, x_key: str = "event_time") -> Markup | None:
    if not events:
        return None
    labels = plot.EventLabels(x=w.t(x_key, lang), y=w.t("effect_axis", lang, unit=unit),
                              reference=w.t("reference", lang), anticipation=w.t("anticipation", lang))
    return Markup(plot.event_svg(events, labels, key, anticipation=anticipation, factor=factor))


def _pretrend(result: DidResult | DoseResult, lang: str) -> str:
    test = result.pretrend
    if test is None:
        return ""
    return w.t("pretrend_line", lang, dof=test.dof, stat=w.num(test.statistic, lang), p=_p(test.p_value, lang),
               verdict=w.t("passed" if test.passed else "failed", lang))


def outcome_view(r: DidResult, key: str, anticipation: int, lang: str) -> dict:
    """One outcome's row of the findings table and its block (plot, sentences)."""
    factor, unit = w.scale(r.outcome), w.unit_name(r.outcome, lang)
    return {"key": key, "name": w.outcome_name(r.outcome, lang), "unit": unit,
            "did": f"{w.num(r.att.estimate * factor, lang, signed=True)} {w.ci(r.att, lang, factor)}",
            "naive": f"{w.num(r.naive.estimate * factor, lang, signed=True)} {w.ci(r.naive, lang, factor)}",
            "truth": "" if r.truth is None else w.num(r.truth * factor, lang, signed=True),
            "significant": r.att.significant, "verdict": w.t(w.outcome_verdict(r).value, lang),
            "treated": w.count(r.n_treated, lang),
            "comparison": w.count(r.n_comparison, lang),
            "pretrend_p": "–" if r.pretrend is None else _p(r.pretrend.p_value, lang),
            "pretrend_passed": r.pretrend is None or r.pretrend.passed,
            "why": w.why_differ(r, lang), "pretrend": _pretrend(r, lang),
            "plot": _event_plot(r.events, unit, key, anticipation, lang, factor)}


def split_rows(splits: tuple[DidResult, ...], lang: str) -> list[dict]:
    return [{"split": w.split_name(r.split, lang), "group": w.group_name(r.split, r.group, lang),
             "did": f"{w.num(r.att.estimate, lang, signed=True)} {w.ci(r.att, lang)}",
             "naive": w.num(r.naive.estimate, lang, signed=True), "treated": w.count(r.n_treated, lang),
             "significant": r.att.significant} for r in splits]


def split_plot(splits: tuple[DidResult, ...], lang: str) -> Markup | None:
    if not splits:
        return None
    rows = [(f"{w.split_name(r.split, lang)}: {w.group_name(r.split, r.group, lang)}", r.att) for r in splits]
    axis = w.t("effect_axis", lang, unit=w.unit_name(Outcome.APPRAISAL, lang))
    return Markup(plot.forest_svg(rows, axis, "splits"))


def service_view(d: DoseResult, k: int, lang: str) -> dict:
    unit = w.t("unit_of_service", lang)
    return {"name": w.indicator_name(d.indicator, lang), "direction": w.t("better" if d.higher_is_better else "worse", lang),
            "did": f"{w.num(d.att.estimate, lang, signed=True)} {w.ci(d.att, lang)}",
            "naive": w.num(d.naive.estimate, lang, signed=True), "units": w.count(d.n_units, lang),
            "truth": "" if d.truth is None else w.num(d.truth, lang, signed=True), "significant": d.att.significant,
            "reading": w.t(w.verdict(d.att, d.higher_is_better).value, lang), "pretrend": _pretrend(d, lang),
            "plot": _event_plot(d.events, unit, f"service{k}", 0, lang, x_key="share_axis")}


def placebo_view(r: DidResult | None, anticipation: int, lang: str) -> dict | None:
    if r is None:
        return None
    ok = not r.att.significant
    return {"line": w.t("placebo_line", lang, est=w.num(r.att.estimate, lang, signed=True), ci=w.ci(r.att, lang),
                        verdict=w.t("placebo_ok" if ok else "placebo_bad", lang)), "ok": ok,
            "plot": _event_plot(r.events, w.unit_name(r.outcome, lang), "placebo", anticipation, lang)}


def header_view(e: ProgramEvaluation, lang: str) -> dict:
    periods = e.periods or (0,)
    window = w.t("window", lang, since=e.since or w.t("start", lang), until=e.until or w.t("end", lang),
                 first=periods[0], last=periods[-1])
    counts = [(pick(DATA_WORDS.get(k, (k, k)), lang), w.count(v, lang) if isinstance(v, int) else str(v))
              for k, v in e.data.items()]
    return {"title": w.t("title", lang), "window": window, "counts": counts}


def how_view(e: ProgramEvaluation, lang: str) -> list[str]:
    s = e.settings
    cluster = pick(w.CLUSTERS.get(s.cluster, (s.cluster, s.cluster)), lang)
    comparison = "how_comparison" if s.comparison == Comparison.NOT_YET_MOVED else "how_comparison_package"
    return [w.t("how_did", lang), w.t(comparison, lang, k=s.anticipation),
            w.t("how_anticipation", lang, k=s.anticipation, ref=w.num(-(s.anticipation + 1), lang, 0)),
            w.t("how_selection", lang), w.t("how_ci", lang, cluster=cluster)]


def report_html(evaluation: ProgramEvaluation, lang: str = "id") -> str:
    """The whole page in ``lang`` (summaries in both languages), self-contained."""
    e, other = evaluation, w.other_lang(lang)
    k = e.settings.anticipation
    heads = {key: pick(pair, lang) for key, pair in w.TEXTS.items() if "{" not in pair[0]}
    return _template().render(
        lang=lang, w=heads, header=header_view(e, lang),
        summary=w.summary(e, lang), other_summary=w.summary(e, other),
        other_lang=other, outcomes=[outcome_view(r, f"outcome{i}", k, lang) for i, r in enumerate(e.main)],
        placebo=placebo_view(e.placebo, k, lang), splits=split_rows(e.splits, lang), split_plot=split_plot(e.splits, lang),
        satisfaction=None if e.satisfaction is None else outcome_view(e.satisfaction, "satisfaction", k, lang),
        service=[service_view(d, i, lang) for i, d in enumerate(e.service)],
        notices=[w.notice_text(n, lang) for n in e.notices], how=how_view(e, lang))
