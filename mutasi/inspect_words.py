"""Pure helpers of ``mutasi models`` and ``mutasi audit``: a version's key metrics and
fairness verdict from its run's metrics, and the fairness audit's groups in words (gender,
age band, home region by name), Indonesian first."""

import math
from datetime import UTC, datetime

import pandas as pd

from features.protected import AGE_BAND, GENDER, HOME_REGION
from models.tags import AUDIT_FAILED, AUDIT_PASSED

# (label, run metric) shown for each version; the metric names are training.evaluate.flat_metrics'
KEY_METRICS = (
    ("spearman test", "performance_test_model_spearman"),
    ("ndcg@10 test", "performance_test_model_ndcg_at_10"),
    ("spearman oracle", "performance_oracle_model_spearman"),
    ("ndcg@10 oracle", "performance_oracle_model_ndcg_at_10"),
    ("risk AUC", "risk_test_model_roc_auc"),
    ("risk ECE", "risk_test_model_ece"),
)
FAIRNESS_PASSED = "fairness_passed"
SERVED_RATIO_SUFFIX = "_min_selection_impact_ratio"     # training.mlflow_run.audit_metrics' served-list ratios

WORDS = {
    "attribute": {GENDER: ("jenis kelamin", "gender"), AGE_BAND: ("kelompok usia", "age band"),
                  HOME_REGION: ("daerah asal", "home region")},
    "flagged": ("DITANDAI: di bawah {t}", "FLAGGED: under {t}"),
    "scoring": ("skor di bawah {t} (dilaporkan, tidak menggagalkan)", "scores under {t} (reported, not failing)"),
    "small": ("kelompok kecil (tidak dinilai)", "small group (not judged)"),
    "ok": ("lolos", "passed"),
    "passed": ("LOLOS", "PASSED"), "failed": ("GAGAL", "FAILED"),
    "verdict": ("Audit keadilan {verdict}: {n} lowongan per {as_of}, daftar {k} teratas yang disajikan; "
                "ambang rasio dampak {t} (aturan empat-perlima).",
                "Fairness audit {verdict}: {n} vacancies as of {as_of}, the served top-{k} lists; impact ratio "
                "threshold {t} (four-fifths rule)."),
    "models": (("versi", "alias", "dibuat (UTC)", "audit keadilan", "keputusan"),
               ("version", "aliases", "created (UTC)", "fairness audit", "decision")),
    "columns": (("atribut", "kelompok", "kandidat", "terpilih", "tingkat terpilih", "rasio dampak",
                 "rasio dampak skor", "penilaian"),
                ("attribute", "group", "candidates", "selected", "selection rate", "impact ratio",
                 "scoring impact ratio", "verdict")),
}


def pick(pair, lang: str):
    return pair[1] if lang == "en" else pair[0]


def number(value, lang: str, digits: int = 2) -> str:
    """A figure with the language's decimal mark ('-' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if lang != "en" else text


def created_day(milliseconds) -> str:
    """A registry timestamp (ms since the epoch) as a UTC date-time, minutes."""
    if milliseconds is None:
        return "-"
    return datetime.fromtimestamp(int(milliseconds) / 1000, UTC).strftime("%Y-%m-%d %H:%M")


def key_metrics(metrics: dict[str, float]) -> dict[str, float]:
    """The logged key metrics of a version's run (those it has)."""
    return {label: float(metrics[name]) for label, name in KEY_METRICS if name in metrics}


def fairness_summary(metrics: dict[str, float], tag: str | None = None) -> dict:
    """The audit's verdict (the version's ``fairness_audit`` tag, else the run's metric; None
    when neither says) and the lowest impact ratio of the served lists over gender, age band
    and home region."""
    ratios = [v for k, v in metrics.items() if k.startswith("fairness_") and k.endswith(SERVED_RATIO_SUFFIX)]
    passed = {AUDIT_PASSED: True, AUDIT_FAILED: False}.get(tag or "", metrics.get(FAIRNESS_PASSED))
    return {"passed": None if passed is None else bool(passed), "min_impact_ratio": min(ratios) if ratios else None}


def fairness_text(summary: dict, lang: str = "en") -> str:
    """'passed, lowest ratio 0.91' / 'lolos, rasio terendah 0,91'."""
    if summary["passed"] is None:
        return "-"
    verdict = pick(WORDS["ok"] if summary["passed"] else ("gagal", "failed"), lang)
    if summary["min_impact_ratio"] is None:
        return verdict
    return f"{verdict}, {pick(('rasio terendah', 'lowest ratio'), lang)} {number(summary['min_impact_ratio'], lang)}"


def group_name(attribute: str, group, region_names: dict, lang: str) -> str:
    """A group in words as the fairness page names it (:func:`serving.fairness_view.group_label`),
    a home region with its id beside its name."""
    from serving.fairness_view import group_label

    group = str(group)
    label = group_label(attribute, group, region_names, lang)
    return f"{label} ({group})" if attribute == HOME_REGION and group in region_names else label


def row_verdict(row: dict, threshold: float, lang: str) -> str:
    """One group's verdict in words."""
    t = number(threshold, lang)
    if row.get("flagged"):
        return pick(WORDS["flagged"], lang).format(t=t)
    if not row.get("enough_data", True):
        return pick(WORDS["small"], lang)
    if row.get("scoring_flagged"):
        return pick(WORDS["scoring"], lang).format(t=t)
    return pick(WORDS["ok"], lang)


def audit_rows(rates: pd.DataFrame, region_names: dict, threshold: float, lang: str) -> list[tuple[str, ...]]:
    """The audit's rate table as rows of words: attribute, group, candidates, selected,
    selection rate, impact ratio (served lists), scoring impact ratio, verdict."""
    rows = []
    for r in rates.to_dict("records"):
        attribute = r["attribute"]
        rows.append((pick(WORDS["attribute"].get(attribute, (attribute, attribute)), lang),
                     group_name(attribute, r["group"], region_names, lang), str(int(r["candidates"])),
                     str(int(r["selected"])), number(100 * r["selection_rate"], lang, 1) + "%",
                     number(r["selection_impact_ratio"], lang), number(r["scoring_impact_ratio"], lang),
                     row_verdict(r, threshold, lang)))
    return rows


def verdict_line(report, lang: str) -> str:
    """The audit's overall verdict in one sentence."""
    return pick(WORDS["verdict"], lang).format(
        verdict=pick(WORDS["passed" if report.passed else "failed"], lang), n=report.positions, as_of=report.as_of,
        k=report.settings.top_k, t=number(report.settings.min_impact_ratio, lang))
