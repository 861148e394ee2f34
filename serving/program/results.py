"""What a programme evaluation finds, as plain frozen dataclasses (JSON via ``to_dict``).

Every number is on the outcome's own scale: appraisal score points (1–5), work behaviour
(−1 below / 0 as / +1 above expectation), sanction and exit as a share of people per
period, satisfaction points (1–5), a service indicator's own unit per 100% of a unit's
staff moved."""

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from features import program_panel as pp


class Outcome(StrEnum):
    """Employee outcomes measured per appraisal period (calendar year of ``period_end``)."""

    APPRAISAL = pp.APPRAISAL_SCORE    # rating scored 5 (sangat_baik) … 1 (sangat_kurang)
    BEHAVIOR = pp.WORK_BEHAVIOR       # di_atas +1, sesuai 0, di_bawah −1
    SANCTION = pp.SANCTION            # 1 when a discipline record starts in the period
    EXIT = pp.EXIT                    # 1 when the employee leaves service (not retirement) in the period
    SATISFACTION = pp.SATISFACTION    # mean survey satisfaction in the period (surveys table)


class Split(StrEnum):
    """Groups of moves whose effects are compared (heterogeneity)."""

    ALL = "all"
    MATCH = "match"                   # into the domain of the post left (own) vs another
    GAP = "gap"                       # competency gap to the new post's standard: small vs large
    MOVE_TYPE = "move_type"           # rotasi/mutasi (rotation) vs promosi (promotion)
    FOLLOWED = "followed"             # the moved employee was the product's first-ranked candidate or not
    UNIT = "unit"                     # destination unit (``--by unit``)
    DOMAIN = "domain"                 # destination domain (``--by domain``)


class Notice(StrEnum):
    """Why a part of the report is missing or to be read with care."""

    NO_SURVEYS = "no_surveys"                     # the surveys table is absent or empty
    NO_SERVICE_INDICATORS = "no_service_indicators"
    NO_AUDIT_LOG = "no_audit_log"                 # no ranking in the audit log matches a move: no followed split
    TOO_FEW_TREATED = "too_few_treated"           # a group had fewer moved employees than the minimum
    PRETREND_FAILED = "pretrend_failed"           # the pre-trend test rejects parallel trends at 5%
    PLACEBO_FAILED = "placebo_failed"             # the placebo's CI excludes zero
    EXIT_SURVIVAL = "exit_survival"               # exits: movers stayed in service until their move by construction


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and 95% confidence interval."""

    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float

    @property
    def significant(self) -> bool:
        """The 95% CI excludes zero."""
        return not (self.ci_low <= 0.0 <= self.ci_high)

    @classmethod
    def normal(cls, estimate: float, std_error: float) -> "Estimate":
        """Normal-approximation 95% CI and two-sided p-value (p = 1 when the SE is 0)."""
        z = abs(estimate) / std_error if std_error > 0 else 0.0
        half = 1.959963984540054 * std_error
        return cls(float(estimate), float(std_error), float(estimate - half), float(estimate + half),
                   float(math.erfc(z / math.sqrt(2.0))))


@dataclass(frozen=True)
class EventEffect:
    """The effect ``event_time`` periods after the move (negative: before it)."""

    event_time: int
    effect: Estimate
    cohorts: int                      # cohorts (move periods) that contribute
    reference: bool = False           # the base period (effect 0 by construction)


@dataclass(frozen=True)
class PreTrend:
    """Joint Wald test that the effects before the anticipation window are all zero."""

    statistic: float
    dof: int
    p_value: float

    @property
    def passed(self) -> bool:
        return self.p_value >= 0.05


@dataclass(frozen=True)
class DidResult:
    """One staggered DiD: an outcome, for one group of moves."""

    outcome: str                      # an Outcome value
    split: str                        # a Split value
    group: str                        # the group's label within the split ('all', 'own', 'other', 'small', ...)
    att: Estimate                     # average of the post-move event effects 0..max_event
    events: tuple[EventEffect, ...]
    pretrend: PreTrend | None
    naive: Estimate                   # moved employees' mean after − mean before, no comparison group
    n_treated: int                    # moved employees in the estimation
    n_comparison: int                 # employees only ever used as comparison (never moved in the window)
    n_rows: int
    cohorts: tuple[int, ...]          # the move periods estimated
    truth: float | None = None        # the simulator's true average effect on the same cells, when known


@dataclass(frozen=True)
class DoseResult:
    """Units' service indicator against the share of their staff moved in a period."""

    indicator: str
    higher_is_better: bool
    att: Estimate                     # average of the lag effects 0..max_event, per 100% of staff moved
    events: tuple[EventEffect, ...]   # leads and lags of the share moved
    pretrend: PreTrend | None
    naive: Estimate                   # mean (after − before) change per 100% moved, no comparison
    n_units: int
    n_rows: int
    truth: float | None = None


@dataclass(frozen=True)
class DidSettings:
    """Design choices of the estimators (all have defaults; see ``serving.program.settings``)."""

    anticipation: int = 2             # the two appraisals before a move are its eligibility check (Peraturan BKN 5/2019)
    max_event: int = 4                # post-move periods averaged into the ATT
    max_lead: int = 5                 # pre-move periods shown
    min_treated: int = 30             # a group with fewer moved employees is not estimated
    placebo_seed: int = 0
    cluster: str = "employee"         # clustering of the employee-level SEs ('employee' or 'unit')
    comparison: str = "not_yet_moved" # who compares in a cell: serving.program.cs.Comparison
    dose_leads: int = 2               # units: future shares tested for a pre-trend (k = -2..-dose_leads)
    dose_lags: int = 3                # units: periods after a round whose effects are averaged into the ATT


@dataclass(frozen=True)
class ProgramEvaluation:
    """The whole evaluation, as the report, JSON and MLflow run show it."""

    since: str | None
    until: str | None
    periods: tuple[int, ...]
    settings: DidSettings
    main: tuple[DidResult, ...]                  # one per outcome, split ALL
    placebo: DidResult | None                    # fake move dates for never-moved employees, appraisal score
    splits: tuple[DidResult, ...]                # appraisal score by group (match, gap, move_type, followed, --by)
    satisfaction: DidResult | None
    service: tuple[DoseResult, ...]
    notices: tuple[str, ...] = ()                # Notice values
    data: dict = field(default_factory=dict)     # counts: employees, moved, periods, units, surveys ...

    def to_dict(self) -> dict:
        return asdict(self)
