"""What training produces, as plain values: the fitted models, their evaluation, a run
ready to be logged, and the result of logging and registering it.

These types sit below both :mod:`training.pipeline` (which makes them) and
:mod:`training.mlflow_run` (which logs them), so neither imports the other's types.
"""

from dataclasses import dataclass, field

import pandas as pd

from features.io import Dataset
from models.bundle import RankerBundle
from models.tags import promote_command
from training.audit_words import audit_markdown
from training.baselines import LinearBaseline
from training.card import model_card, tradeoff_markdown
from training.correction import Selection
from training.fairness import AuditReport
from training.fit import FitSettings
from training.followup import FollowupFit
from training.registry import Comparison, Decision
from training.split import TemporalSplit

AUDIT_FILE = "fairness/audit.md"


@dataclass(frozen=True)
class Fitted:
    bundle: RankerBundle
    linear: LinearBaseline
    perf_split: TemporalSplit
    risk_split: TemporalSplit
    uncorrected: RankerBundle | None = None      # the plain fit, when a selection correction was applied
    selection: Selection | None = None           # the selection model, its weights and report
    followup: FollowupFit | None = None          # the post-transfer model's rows, split and fit


@dataclass(frozen=True)
class Evaluated:
    table: pd.DataFrame            # one row per (method, target, split)
    calibration: pd.DataFrame
    promotion: dict[str, float]


@dataclass(frozen=True)
class TrainedRun:
    """Everything one training run produced, ready to be logged and registered."""

    dataset: Dataset
    table: pd.DataFrame
    fitted: Fitted
    evaluated: Evaluated
    audit: AuditReport
    info: dict
    settings: FitSettings

    def card(self, version: str, comparison: Comparison | None = None) -> str:
        """The model card of this run as registered ``version`` (with the registry decision)."""
        return model_card({**self.fitted.bundle.metadata, **self.info, "version": version}, self.evaluated.table,
                          self.fitted.bundle.spec.features, audit_markdown(self.audit),
                          None if comparison is None else (comparison.decision, comparison.reason),
                          tradeoff_markdown(self.audit.tradeoff, self.fitted.bundle.fair))


@dataclass(frozen=True)
class TrainResult:
    run_id: str
    version: str | None
    alias: str | None
    decision: Decision
    reason: str                               # the decision's sentence, for people
    evaluation: pd.DataFrame
    metrics: dict[str, float] = field(default_factory=dict)
    flagged_groups: int = 0                   # groups the fairness audit flagged
    champion_version: str | None = None       # who holds ``champion`` after this run (None: nobody)


def outcome_line(result: TrainResult) -> str:
    """One line at the end of ``mutasi train``: what happened to the version, and what to
    do next when it did not become champion."""
    version, decision = result.version, result.decision
    if decision is Decision.PROMOTE:
        return f"version {version} is champion: {result.reason}"
    if decision is Decision.FORCED:
        return (f"version {version} is champion, forced past its fairness audit "
                f"({result.flagged_groups} flagged group(s)); the override is recorded on the version")
    if decision is Decision.KEEP:
        return (f"version {version} is {result.alias}: {result.reason}; champion stays v{result.champion_version}; "
                f"{promote_command(version, force=False)} moves it by hand")
    refused = f"version {version} is {result.alias}: refused by the fairness audit ({result.flagged_groups} flagged group(s))"
    if result.champion_version is None:
        return (f"{refused}; there is no champion yet, so nothing can rank: review {AUDIT_FILE} "
                f"(run {result.run_id}), then {promote_command(version, force=True)}")
    return (f"{refused}; champion stays v{result.champion_version}: review {AUDIT_FILE} (run {result.run_id}), "
            f"then {promote_command(version, force=True)} to override")
