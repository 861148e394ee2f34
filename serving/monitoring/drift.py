"""Data drift per model feature: the population scored now against what the version
learned from, measured by Evidently (:mod:`serving.monitoring.evidently_edge`).

Methods are fixed per feature, never chosen by sample size: Jensen-Shannon distance for
categorical features and numeric ones with at most :data:`FEW_VALUES` distinct values,
normed Wasserstein distance for the other numeric ones — the methods Evidently itself
picks for a reference of more than 1,000 rows. Both are distances with Evidently's default
threshold 0.1 and a feature drifts when its distance is **at least** the threshold
(Evidently's own column verdict, read from its column test). Unlike a p-value, a distance
does not call a negligible difference significant because the sample is large.

A feature with no value on one side (all missing) cannot be compared: it is listed as
skipped, not counted. The share drifted is over the compared features; the alarm rings
when it reaches ``MonitorSettings.max_drift_share``.
"""

import warnings
from dataclasses import asdict, dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from models.spec import FeatureSpec
from serving.monitoring.settings import MonitorSettings

FEW_VALUES = 5                  # a numeric feature with this many distinct values or fewer is compared as categories
JENSEN_SHANNON = "jensenshannon"
WASSERSTEIN = "wasserstein"


class Rule(StrEnum):
    """How a method's value decides drift."""

    AT_LEAST = "value >= threshold"             # distances
    BELOW = "p_value < threshold"               # tests (not used by default)


RULES = {JENSEN_SHANNON: Rule.AT_LEAST, WASSERSTEIN: Rule.AT_LEAST}


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    method: str
    value: float
    threshold: float
    drifted: bool
    rule: str


@dataclass(frozen=True)
class DriftResult:
    features: tuple[FeatureDrift, ...]          # drifted first, then by value over threshold
    max_share: float
    n_reference: int
    n_current: int
    skipped: tuple[str, ...] = ()               # features with no value on one side
    reference: str = ""                         # what the reference population is (words)
    current: str = ""                           # what the current population is (words)

    @property
    def drifted(self) -> tuple[str, ...]:
        return tuple(f.feature for f in self.features if f.drifted)

    @property
    def share(self) -> float:
        return len(self.drifted) / len(self.features) if self.features else 0.0

    @property
    def alarm(self) -> bool:
        return bool(self.features) and self.share >= self.max_share

    def to_document(self) -> dict:
        return {"share": self.share, "max_share": self.max_share, "alarm": self.alarm,
                "drifted": list(self.drifted), "n_reference": self.n_reference, "n_current": self.n_current,
                "reference": self.reference, "current": self.current, "skipped": list(self.skipped),
                "features": [asdict(f) for f in self.features]}


def model_frame(frame: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """The model's features of ``frame`` as Evidently compares them: numeric as float64,
    categoricals as strings (missing stays missing)."""
    out = {}
    for name in spec.features:
        col = frame[name]
        if name in spec.categorical:
            out[name] = pd.Series([None if pd.isna(x) else str(x) for x in col], index=frame.index, dtype=object)
        else:
            out[name] = pd.to_numeric(col.astype("float64") if col.dtype == bool else col,
                                      errors="coerce").astype("float64")
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def methods_for(reference: pd.DataFrame, current: pd.DataFrame, spec: FeatureSpec) -> dict[str, str]:
    """The drift method of each feature (see the module's note)."""
    methods = {}
    for name in spec.features:
        few = pd.concat([reference[name], current[name]]).nunique(dropna=True) <= FEW_VALUES
        methods[name] = JENSEN_SHANNON if name in spec.categorical or few else WASSERSTEIN
    return methods


def comparable(reference: pd.DataFrame, current: pd.DataFrame, names) -> tuple[list[str], list[str]]:
    """(compared, skipped): a feature needs at least one value on each side."""
    keep = [n for n in names if reference[n].notna().any() and current[n].notna().any()]
    return keep, [n for n in names if n not in keep]


def sample_rows(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """At most ``rows`` rows, a seeded uniform sample when there are more."""
    if len(frame) <= rows:
        return frame.reset_index(drop=True)
    picked = np.sort(np.random.default_rng(seed).choice(len(frame), size=rows, replace=False))
    return frame.iloc[picked].reset_index(drop=True)


def measure_drift(reference: pd.DataFrame, current: pd.DataFrame, spec: FeatureSpec,
                  settings: MonitorSettings = MonitorSettings(), *, reference_words: str = "",
                  current_words: str = "") -> tuple[DriftResult, object]:
    """Drift of every model feature from ``reference`` to ``current`` (feature frames, each
    cut to ``settings.rows`` rows). Returns the result and Evidently's run (its HTML)."""
    if reference.empty or current.empty:
        raise ValueError(f"drift needs rows on both sides: reference {len(reference)}, current {len(current)}")
    from serving.monitoring.evidently_edge import run_drift  # Evidently costs seconds: only here

    ref = model_frame(sample_rows(reference, settings.rows, settings.seed), spec)
    cur = model_frame(sample_rows(current, settings.rows, settings.seed + 1), spec)
    names, skipped = comparable(ref, cur, spec.features)
    methods = {k: m for k, m in methods_for(ref, cur, spec).items() if k in names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # Evidently's histograms divide by zero on constant columns
        run = run_drift(ref[names], cur[names], [n for n in names if n not in spec.categorical],
                        [n for n in names if n in spec.categorical], methods)
    features = tuple(sorted((FeatureDrift(d.column, d.method, d.value, d.threshold, d.drifted,
                                          str(RULES.get(d.method, Rule.AT_LEAST))) for d in run.columns),
                            key=lambda f: (not f.drifted, -(f.value / f.threshold if f.threshold else 0.0))))
    return DriftResult(features, settings.max_drift_share, len(ref), len(cur), tuple(skipped),
                       reference_words, current_words), run
