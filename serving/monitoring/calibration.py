"""Calibration on matured cohorts, per model version (pure functions of frames).

A cohort row is one person moved into a post with what a version predicted for them
(``predicted_risk``, ``predicted_performance``) and what happened (``failure`` 0/1,
``performance`` 1..5; missing while not matured). Two sources:

- **audit**: rankings served at least ``matured_months`` before the date, and the
  candidates of each who were then actually moved into that post (a transfer starting
  after the ranking's date, within ``move_within_days``); the predictions are the ones
  served, read from the audit log (:func:`audit_cohort`).
- **transfers**: transfers after the version's training data ended, scored at their
  decision date with that version (:func:`matured_transfers` picks them).

A failure counts only when the move's whole 730-day window lies inside the data
(``failure_followed_up``), as in training: an early failure is known before the window
ends, a success only after, so unfinished windows would over-count failures.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from features import columns as c
from features.names import AS_OF, FAILURE, FOLLOWED_UP, PERFORMANCE
from models.reliability import BINS, brier, calibration_table, expected_calibration_error
from serving.monitoring.settings import MonitorSettings

VERSION = "model_version"
SOURCE = "source"
PREDICTED_RISK = "predicted_risk"
PREDICTED_PERFORMANCE = "predicted_performance"
RANKED_AS_OF = "ranked_as_of"
COHORT_COLUMNS = (VERSION, SOURCE, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF, PREDICTED_RISK, PREDICTED_PERFORMANCE,
                  FAILURE, PERFORMANCE)


class Source(StrEnum):
    AUDIT = "audit"               # rankings served, from the audit log
    TRANSFERS = "transfers"       # transfers after the version's training data, scored at decision


@dataclass(frozen=True)
class VersionCalibration:
    """One version's predictions against what happened on its matured cohort."""

    version: str
    sources: dict[str, int]             # rows per source
    n_risk: int                         # rows with a realised failure label
    mean_predicted_risk: float
    failure_rate: float
    ece: float
    brier: float
    reliability: pd.DataFrame           # bin, count, predicted, observed (10 equal-width bins)
    n_performance: int                  # rows with a realised score
    mean_predicted_performance: float
    mean_performance: float
    performance_mae: float
    performance_bias: float             # mean predicted − realised score (> 0: the version promised too much)

    def judged(self, settings: MonitorSettings) -> tuple[bool, bool]:
        """Whether the cohort is large enough to ring the alarm (risk, performance)."""
        return self.n_risk >= settings.min_cohort, self.n_performance >= settings.min_cohort

    def ece_alarm(self, settings: MonitorSettings) -> bool:
        return self.judged(settings)[0] and self.ece > settings.max_ece

    def bias_alarm(self, settings: MonitorSettings) -> bool:
        return self.judged(settings)[1] and abs(self.performance_bias) > settings.max_performance_bias

    def to_document(self, settings: MonitorSettings) -> dict:
        risk_judged, perf_judged = self.judged(settings)
        return {"version": self.version, "sources": self.sources, "n_risk": self.n_risk,
                "mean_predicted_risk": _num(self.mean_predicted_risk), "failure_rate": _num(self.failure_rate),
                "ece": _num(self.ece), "brier": _num(self.brier), "n_performance": self.n_performance,
                "mean_predicted_performance": _num(self.mean_predicted_performance),
                "mean_performance": _num(self.mean_performance), "performance_mae": _num(self.performance_mae),
                "performance_bias": _num(self.performance_bias), "risk_judged": risk_judged,
                "performance_judged": perf_judged, "ece_alarm": self.ece_alarm(settings),
                "bias_alarm": self.bias_alarm(settings),
                "reliability": [{k: _num(v) if isinstance(v, float) else int(v) for k, v in row.items()}
                                for row in self.reliability.to_dict("records")]}


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def calibrate_version(version: str, rows: pd.DataFrame) -> VersionCalibration:
    """The figures of one version's cohort rows (:data:`COHORT_COLUMNS`)."""
    risk = rows[rows[FAILURE].notna()]
    y, p = risk[FAILURE].to_numpy(dtype="float64"), risk[PREDICTED_RISK].to_numpy(dtype="float64")
    perf = rows[rows[PERFORMANCE].notna()]
    real, pred = perf[PERFORMANCE].to_numpy(dtype="float64"), perf[PREDICTED_PERFORMANCE].to_numpy(dtype="float64")
    table = calibration_table(y, p, BINS) if len(y) else pd.DataFrame(columns=["bin", "count", "predicted", "observed"])
    return VersionCalibration(
        version=str(version), sources={str(k): int(v) for k, v in rows[SOURCE].value_counts().sort_index().items()},
        n_risk=len(y), mean_predicted_risk=_mean(p), failure_rate=_mean(y),
        ece=expected_calibration_error(y, p, BINS) if len(y) else float("nan"),
        brier=brier(y, p) if len(y) else float("nan"), reliability=table,
        n_performance=len(real), mean_predicted_performance=_mean(pred), mean_performance=_mean(real),
        performance_mae=_mean(np.abs(pred - real)), performance_bias=_mean(pred - real))


def calibrate(cohort: pd.DataFrame) -> tuple[VersionCalibration, ...]:
    """Per version (in version order, numbers numerically), the figures of its rows."""
    versions = sorted(cohort[VERSION].astype(str).unique(), key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
    return tuple(calibrate_version(v, cohort[cohort[VERSION].astype(str) == v]) for v in versions)


def matured_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """``labels`` (with ``failure``, ``performance``, ``failure_followed_up``) with a failure
    kept only where its whole window was followed up."""
    return labels.assign(**{FAILURE: labels[FAILURE].where(labels[FOLLOWED_UP].astype(bool))})


def audit_cohort(rankings: list[dict], moves: pd.DataFrame, as_of, settings: MonitorSettings) -> pd.DataFrame:
    """Rows of the **audit** source. ``rankings``: audit log entries (``position_id``,
    ``as_of``, ``model_version``, ``results`` with ``employee_id``, ``predicted_performance``,
    ``adjustment_risk``); ``moves``: transfers with ``employee_id, position_id, as_of``
    (the move date) and their matured labels. A ranking counts once ``matured_months`` old
    at ``as_of``; a move matches the latest counting ranking of its post that listed the
    person, dated before the move and at most ``move_within_days`` before it."""
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(months=settings.matured_months)
    served = [{VERSION: str(r["model_version"]), c.POSITION_ID: str(r["position_id"]),
               RANKED_AS_OF: pd.Timestamp(r["as_of"]), c.EMPLOYEE_ID: str(x["employee_id"]),
               PREDICTED_RISK: float(x["adjustment_risk"]), PREDICTED_PERFORMANCE: float(x["predicted_performance"])}
              for r in rankings if pd.Timestamp(r["as_of"]) <= cutoff for x in r["results"]]
    if not served or moves.empty:
        return pd.DataFrame(columns=list(COHORT_COLUMNS))
    joined = pd.DataFrame(served).merge(moves[[c.EMPLOYEE_ID, c.POSITION_ID, AS_OF, FAILURE, PERFORMANCE]],
                                        on=[c.EMPLOYEE_ID, c.POSITION_ID])
    gap = joined[AS_OF] - joined[RANKED_AS_OF]
    joined = joined[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=settings.move_within_days))]
    latest = joined.sort_values(RANKED_AS_OF, kind="stable").drop_duplicates([c.EMPLOYEE_ID, c.POSITION_ID, AS_OF],
                                                                             keep="last")
    return latest.assign(**{SOURCE: Source.AUDIT.value})[list(COHORT_COLUMNS)].reset_index(drop=True)


def matured_transfers(events: pd.DataFrame, trained_until) -> pd.DataFrame:
    """The transfers (with labels, :func:`matured_labels`) a version never saw: dated after
    ``trained_until`` (its training data's end), with a realised failure or score."""
    after = events[AS_OF] > pd.Timestamp(trained_until)
    known = events[FAILURE].notna() | events[PERFORMANCE].notna()
    return events[after & known].reset_index(drop=True)
