"""``mutasi monitor``'s work without the command line: gather the populations, measure
drift, calibrate on matured cohorts, and the verdict."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from models.bundle import RankerBundle
from serving.context import ServingContext
from serving.monitoring import cohorts
from serving.monitoring.calibration import VersionCalibration, calibrate
from serving.monitoring.drift import DriftResult, measure_drift
from serving.monitoring.settings import MonitorSettings

Step = Callable[[str, int, int], None]
DRIFT_STAGE = "drift (Evidently)"
METRIC_PREFIX = "monitor_"


class Alarm(StrEnum):
    DRIFT = "drift"                         # share of drifted features at or above max_drift_share
    CALIBRATION = "calibration"             # the served version's ECE above max_ece
    PERFORMANCE_BIAS = "performance_bias"   # its mean predicted − realised score beyond max_performance_bias


@dataclass(frozen=True)
class ModelRef:
    name: str
    version: str
    run_id: str


@dataclass(frozen=True)
class MonitorReport:
    as_of: pd.Timestamp
    model: ModelRef
    settings: MonitorSettings
    drift: DriftResult
    calibrations: tuple[VersionCalibration, ...]      # every version with a matured cohort

    @property
    def served(self) -> VersionCalibration | None:
        """The monitored version's calibration (None: no matured cohort yet)."""
        return next((v for v in self.calibrations if v.version == self.model.version), None)

    @property
    def alarms(self) -> tuple[Alarm, ...]:
        served = self.served
        found = [Alarm.DRIFT] if self.drift.alarm else []
        if served is not None and served.ece_alarm(self.settings):
            found.append(Alarm.CALIBRATION)
        if served is not None and served.bias_alarm(self.settings):
            found.append(Alarm.PERFORMANCE_BIAS)
        return tuple(found)

    def metrics(self) -> dict[str, float]:
        """The figures logged to MLflow on the version's run (finite values only)."""
        served = self.served
        values = {"drift_share": self.drift.share, "drifted_features": float(len(self.drift.drifted)),
                  "alarm": float(bool(self.alarms))}
        if served is not None:
            values |= {"matured_risk_rows": float(served.n_risk), "ece": served.ece, "brier": served.brier,
                       "mean_predicted_risk": served.mean_predicted_risk, "failure_rate": served.failure_rate,
                       "matured_performance_rows": float(served.n_performance),
                       "performance_mae": served.performance_mae, "performance_bias": served.performance_bias}
        return {METRIC_PREFIX + k: float(v) for k, v in values.items() if np.isfinite(v)}

    def to_document(self) -> dict:
        return {"as_of": self.as_of.date().isoformat(),
                "model": {"name": self.model.name, "version": self.model.version, "run_id": self.model.run_id},
                "alarms": [a.value for a in self.alarms], "settings": self.settings.to_dict(),
                "drift": self.drift.to_document(),
                "calibration": [v.to_document(self.settings) for v in self.calibrations]}


def run_monitor(context: ServingContext, bundle: RankerBundle, model: ModelRef, rankings: list[dict],
                as_of: pd.Timestamp, settings: MonitorSettings = MonitorSettings(),
                step: Step | None = None) -> tuple[MonitorReport, object]:
    """The report and Evidently's run (for its HTML). ``rankings``: the audit log's entries
    (:meth:`serving.audit.AuditLog.rankings`)."""
    tick = step or (lambda _stage, _done, _total: None)
    reference, reference_words = cohorts.reference_rows(context, bundle, as_of, settings, tick)
    current, current_words = cohorts.current_rows(context, rankings, as_of, settings, tick)
    tick(DRIFT_STAGE, 0, 1)
    drift, run = measure_drift(reference, current, bundle.spec, settings, reference_words=reference_words,
                               current_words=current_words)
    tick(DRIFT_STAGE, 1, 1)
    cohort = cohorts.matured_cohort(context, bundle, model.version, rankings, as_of, settings, tick)
    return MonitorReport(pd.Timestamp(as_of), model, settings, drift, calibrate(cohort)), run
