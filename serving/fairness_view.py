"""A model version's fairness audit as bar rows for the fairness page (pure).

The audit (``fairness/audit.json`` of the version's run, :mod:`training.fairness`) has one
row per protected attribute and group with the *selection impact ratio* of the served
top lists and, beside it, those of the plain model's lists, the DUK seniority order and
the oracle's own lists when the simulator's oracle was there. Each becomes a bar on a
common scale with the four-fifths line (the audit's ``min_impact_ratio``) marked; groups
are named in words (home regions by the regions table's names, not ids).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from serving import texts

SERVED, PLAIN, DUK, ORACLE = "served", "plain", "duk", "oracle"
SERIES = (SERVED, PLAIN, DUK, ORACLE)
GENDER, AGE_BAND, HOME_REGION = "gender", "age_band", "home_region"
UNKNOWN_GROUP = "unknown"
DEFAULT_THRESHOLD = 0.8                 # the four-fifths rule, when the audit does not say
SCALE_STEP = 0.25                       # the chart's right end is a multiple of this
MAX_SCALE = 2.0                         # ratios beyond it are drawn to the end (the text says the value)

WORDS: dict[str, tuple[str, str]] = {
    SERVED: ("daftar yang dilayani", "served lists"),
    PLAIN: ("model tanpa batasan keadilan", "plain model"),
    DUK: ("urutan DUK (senioritas)", "DUK seniority order"),
    ORACLE: ("kebenaran simulator (oracle)", "simulator's truth (oracle)"),
    GENDER: ("Jenis kelamin", "Gender"),
    AGE_BAND: ("Kelompok usia", "Age band"),
    HOME_REGION: ("Daerah asal", "Home region"),
    UNKNOWN_GROUP: ("tidak diketahui", "unknown"),
    "passed": ("Lulus: tidak ada kelompok yang rasionya di bawah garis empat perlima secara bermakna.",
               "Passed: no group's ratio is significantly below the four-fifths line."),
    "failed": ("Tidak lulus: kelompok berikut berada di bawah garis empat perlima secara bermakna: {groups}.",
               "Failed: these groups are significantly below the four-fifths line: {groups}."),
}
GENDERS = {"l": ("laki-laki", "men"), "p": ("perempuan", "women")}
AGE_BANDS = {"<30": ("di bawah 30 tahun", "under 30"), "30-39": ("30\u201339 tahun", "30\u201339"),
             "40-49": ("40\u201349 tahun", "40\u201349"), "50+": ("50 tahun ke atas", "50 and over")}


@dataclass(frozen=True)
class Bar:
    series: str
    value: float
    text: str                           # the ratio in words (2 decimals, the language's comma)
    width: float                        # percent of the chart's width
    below: bool                         # under the four-fifths line


@dataclass(frozen=True)
class GroupRow:
    attribute: str
    group: str
    label: str
    candidates: int
    enough_data: bool                   # big enough to fail the audit
    flagged: bool
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    attribute: str
    title: str
    rows: tuple[GroupRow, ...]


@dataclass(frozen=True)
class FairnessView:
    passed: bool
    verdict: str
    threshold: float
    threshold_text: str
    threshold_pct: float                # where the four-fifths line is, percent of the width
    scale: float                        # the ratio at the chart's right end
    series: tuple[str, ...]             # the series the audit has, in drawing order
    charts: tuple[Chart, ...]
    as_of: str
    positions: int
    top_k: int


def word(key: str, lang: str) -> str:
    return texts.pick(WORDS[key], lang) if key in WORDS else key


def group_label(attribute: str, group: str, region_names: Mapping[str, str], lang: str) -> str:
    """A group in words: gender and age band by name, a home region by the region's name."""
    if group == UNKNOWN_GROUP:
        return word(UNKNOWN_GROUP, lang)
    if attribute == GENDER and group in GENDERS:
        return texts.pick(GENDERS[group], lang)
    if attribute == AGE_BAND and group in AGE_BANDS:
        return texts.pick(AGE_BANDS[group], lang)
    if attribute == HOME_REGION:
        return str(region_names.get(group, group))
    return str(group)


def ratio_text(value: float, lang: str) -> str:
    """A ratio with two decimals: 0,80 (id), 0.80 (en)."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "id" else text


def _order(row: "GroupRow") -> tuple:
    """Unknown last; age bands youngest first; other groups by their words."""
    bands = list(AGE_BANDS)
    return (row.group == UNKNOWN_GROUP, bands.index(row.group) if row.group in bands else len(bands), row.label)


def _ratio(row: Mapping, series: str) -> float | None:
    value = row.get("selection_impact_ratio" if series == SERVED else f"{series}_selection_impact_ratio")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def chart_scale(values: list[float], threshold: float) -> float:
    """The chart's right end: at least 1 and the threshold, up to :data:`MAX_SCALE`."""
    top = max([1.0, threshold, *values])
    return min(MAX_SCALE, math.ceil(top / SCALE_STEP - 1e-9) * SCALE_STEP)


def fairness_view(audit: Mapping, region_names: Mapping[str, str], lang: str = "id") -> FairnessView:
    """The audit's selection impact ratios per attribute and group as bars."""
    settings = audit.get("settings") or {}
    threshold = float(settings.get("min_impact_ratio", DEFAULT_THRESHOLD))
    rates = list(audit.get("rates") or [])
    series = tuple(s for s in SERIES if any(_ratio(r, s) is not None for r in rates))
    scale = chart_scale([v for r in rates for s in series if (v := _ratio(r, s)) is not None], threshold)
    attributes = list(dict.fromkeys(r["attribute"] for r in rates))
    charts = []
    for attribute in attributes:
        rows = []
        for r in (r for r in rates if r["attribute"] == attribute):
            bars = tuple(Bar(s, v, ratio_text(v, lang), round(100 * min(v, scale) / scale, 2), v < threshold)
                         for s in series if (v := _ratio(r, s)) is not None)
            rows.append(GroupRow(attribute, str(r["group"]), group_label(attribute, str(r["group"]), region_names, lang),
                                 int(r.get("candidates") or 0), bool(r.get("enough_data", True)),
                                 bool(r.get("flagged", False)), bars))
        rows.sort(key=_order)
        charts.append(Chart(attribute, word(attribute, lang), tuple(rows)))
    passed = bool(audit.get("passed"))
    flagged = [f"{word(row.attribute, lang).lower()} {row.label}" for chart in charts for row in chart.rows
               if row.flagged]
    verdict = word("passed", lang) if passed else word("failed", lang).replace("{groups}", ", ".join(flagged) or "-")
    return FairnessView(passed=passed, verdict=verdict, threshold=threshold,
                        threshold_text=ratio_text(threshold, lang),
                        threshold_pct=round(100 * threshold / scale, 2), scale=scale, series=series,
                        charts=tuple(charts), as_of=str(audit.get("as_of", "")),
                        positions=int(audit.get("positions") or 0), top_k=int(settings.get("top_k") or 0))
