"""The simulator's known programme effect (issue 17): what a move does to the appraisals,
the yearly staff survey's satisfaction and the units' service indicators, and the truth of
it, so that ``mutasi evaluate-program`` can be checked against it.

Appraisals (``ProgramSettings.appraisal``):

- ``None`` (default): the simulator's own mechanism, unchanged (a move's fit to the new
  post sets the latent mean). The truth is still recorded: for every appraisal of an
  employee after their first transfer, ``E[score | actual mean] − E[score | the steady mean
  in the post held before that first transfer, on the same day]``.
- an :class:`AppraisalEffect`: after their first transfer an employee's latent mean is the
  steady mean in that pre-move ("home") post plus ``own[k]`` or ``other[k]`` (the latest
  move into the left post's domain or not; ``k`` = periods since that move, the last value
  repeating). The truth per appraisal is ``E[score | home mean + effect] − E[score | home mean]``.
  :meth:`AppraisalEffect.zero` moves nothing: the true effect is exactly 0.

Satisfaction: a yearly staff survey (1 December, a share of the active staff answer) whose
latent satisfaction gets ``satisfaction[k]`` after a move (k = periods since the latest move).

Service: per unit and period, indicator ``ikm`` (0–100, higher is better) gets
``service[k]`` points per 100% of the unit's staff moved k periods earlier
(``features.program_panel.share_moved``, computed on the simulator's own tables).

Each of the three has its own random stream: with ``appraisal=None`` every other table is
identical to a run without them.

Timing: a move dated in year Y counts from the appraisal of 31 December Y (k = 0); a move
dated 31 December itself happens after that day's appraisal and counts from the next one
(rare: only an own-request move or demotion can fall on that day). The yearly survey counts
moves on or before its day. The truth is written beside the tables (:data:`TRUTH_FILES`).
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from features import columns as c
from simulator.outcomes import OutcomeParams, expected_score

# recorder tables of the truth collected while the history runs
APPRAISAL_TRUTH = "program_truth_appraisal"
SATISFACTION_TRUTH = "program_truth_satisfaction"
# truth frames' columns
PERIOD = "period"                   # calendar year of the appraisal or survey
EFFECT = "effect"                   # true effect on the outcome's own scale
SINCE_MOVE = "periods_since_move"   # k: the period minus the period of the latest move
MATCH = "match"                     # latest move into the left post's domain: 'own', else 'other'
OWN, OTHER = "own", "other"
INDICATOR, LAG = "indicator", "lag"
IKM = "ikm"                         # indeks kepuasan masyarakat (0-100, higher is better)
# the truth as files next to the oracle's (simulator.writer)
TRUTH_FILES = {"appraisal": "program_truth_appraisal.parquet",
               "satisfaction": "program_truth_satisfaction.parquet",
               "service": "program_truth_service.parquet"}


@dataclass(frozen=True)
class AppraisalEffect:
    """Latent-scale effect of a move on later appraisals by periods since the move (0, 1, 2, ...)."""

    own: tuple[float, ...] = (-0.20, 0.00, 0.10, 0.15)       # into the left post's domain: a small dip, then better
    other: tuple[float, ...] = (-0.50, -0.25, -0.10, 0.00)   # into another domain: a deeper dip, slow recovery

    def __post_init__(self) -> None:
        _check_profile("own", self.own)
        _check_profile("other", self.other)

    @classmethod
    def zero(cls) -> "AppraisalEffect":
        return cls(own=(0.0,), other=(0.0,))

    def at(self, since: np.ndarray, own: np.ndarray) -> np.ndarray:
        """The latent effect ``since`` periods after a move (own domain or not)."""
        return np.where(own, profile_at(self.own, since), profile_at(self.other, since))


@dataclass(frozen=True)
class ProgramSettings:
    appraisal: AppraisalEffect | None = None
    satisfaction: tuple[float, ...] = (-0.40, 0.00, 0.20)    # latent satisfaction points by periods since a move
    service: tuple[float, ...] = (-4.0, 2.0, 3.0)            # IKM points per 100% of staff moved, by lag
    survey_share: float = 0.5                                 # of the active staff answering the yearly survey
    survey_day: tuple[int, int] = (12, 1)                     # (month, day) of the yearly survey
    rating_drift: float = 0.0                                 # everyone's latent appraisal mean rises this much a year

    def __post_init__(self) -> None:
        _check_profile("satisfaction", self.satisfaction)
        _check_profile("service", self.service)
        if not np.isfinite(self.rating_drift):
            raise ValueError(f"rating_drift must be a finite number, not {self.rating_drift!r}")
        if not 0.0 <= self.survey_share <= 1.0:
            raise ValueError(f"survey_share must be between 0 and 1, not {self.survey_share!r}")
        month, day = self.survey_day
        if not (1 <= month <= 12 and 1 <= day <= 28):
            raise ValueError(f"survey_day must be (month 1-12, day 1-28), not {self.survey_day!r}")

    @classmethod
    def zero(cls) -> "ProgramSettings":
        """No effect anywhere: appraisals, satisfaction and service."""
        return cls(appraisal=AppraisalEffect.zero(), satisfaction=(0.0,), service=(0.0,))


@dataclass(frozen=True)
class ProgramTruth:
    """The true effects of a run.

    ``appraisal``: ``employee_id, period, effect`` for every appraisal after the employee's
    first transfer (score points), with ``periods_since_move`` and ``match`` of the latest
    move. ``satisfaction``: the same for yearly-survey answers after a transfer
    (satisfaction points). ``service``: ``indicator, lag, effect`` per 100% of staff moved."""

    appraisal: pd.DataFrame
    satisfaction: pd.DataFrame
    service: pd.DataFrame
    settings: ProgramSettings = field(default_factory=ProgramSettings)


def _check_profile(name: str, values: tuple[float, ...]) -> None:
    if len(values) == 0 or not np.all(np.isfinite(np.asarray(values, dtype=float))):
        raise ValueError(f"{name} must be a non-empty tuple of finite numbers, not {values!r}")


def profile_at(profile: tuple[float, ...], since: np.ndarray) -> np.ndarray:
    """``profile[k]`` for each k >= 0 (the last value repeating)."""
    values = np.asarray(profile, dtype=float)
    return values[np.clip(np.asarray(since, dtype=np.int64), 0, len(values) - 1)]


def score_change(params: OutcomeParams, base_mu: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """E[score | mu] − E[score | base_mu] (appraisal score points)."""
    return expected_score(params, mu) - expected_score(params, base_mu)


def truth_frame(employee_ids: np.ndarray, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """A recorded truth table (employee rows, period, effect, k, match) with employee ids,
    sorted by employee and period."""
    if not cols:
        return pd.DataFrame({c.EMPLOYEE_ID: pd.Series(dtype="str"), PERIOD: pd.Series(dtype="int64"),
                             EFFECT: pd.Series(dtype=float), SINCE_MOVE: pd.Series(dtype="int64"),
                             MATCH: pd.Series(dtype="str")})
    out = pd.DataFrame({c.EMPLOYEE_ID: employee_ids[cols[c.EMPLOYEE_ID]].astype(object),
                        PERIOD: cols[PERIOD].astype(np.int64), EFFECT: cols[EFFECT].astype(float),
                        SINCE_MOVE: cols[SINCE_MOVE].astype(np.int64),
                        MATCH: np.where(cols[MATCH], OWN, OTHER).astype(object)})
    out = out.astype({c.EMPLOYEE_ID: "str", MATCH: "str"})
    return out.sort_values([c.EMPLOYEE_ID, PERIOD], kind="stable").reset_index(drop=True)


def service_truth(settings: ProgramSettings) -> pd.DataFrame:
    """``indicator, lag, effect``: IKM points per 100% of a unit's staff moved ``lag`` periods earlier."""
    return pd.DataFrame({INDICATOR: pd.Series([IKM] * len(settings.service), dtype="str"),
                         LAG: np.arange(len(settings.service), dtype=np.int64),
                         EFFECT: np.asarray(settings.service, dtype=float)})


NATURAL, SET, ZERO = "natural", "set", "zero"
# ``set`` and ``zero``: ratings drift up province-wide, as they did when PermenPANRB 6/2022
# replaced the old SKP: no programme effect, but what a before/after comparison mistakes for one
EVALUATION_DRIFT = 0.04
PROGRAM_EFFECTS = (NATURAL, SET, ZERO)


def program_settings(effect: str) -> ProgramSettings:
    """The settings of ``mutasi simulate --program-effect``: ``natural`` (the simulator's own
    appraisals, the default satisfaction and service effects), ``set`` (the default
    :class:`AppraisalEffect` as well) or ``zero`` (:meth:`ProgramSettings.zero`)."""
    if effect == NATURAL:
        return ProgramSettings()
    if effect == SET:
        return ProgramSettings(appraisal=AppraisalEffect(), rating_drift=EVALUATION_DRIFT)
    if effect == ZERO:
        return replace(ProgramSettings.zero(), rating_drift=EVALUATION_DRIFT)
    raise ValueError(f"the programme effect must be one of {PROGRAM_EFFECTS}, not {effect!r}")
