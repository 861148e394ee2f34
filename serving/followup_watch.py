"""The follow-up list's core (:mod:`serving.followup` types and pages it): the
transferees of a window at a date, both risks, early warnings and onboarding plans, as
arrays in look order; cached per date, settings and model in the serving context.

- risk at the decision: the ranker's own features at the move, through
  :func:`models.scoring.score_candidates` (the one scoring path);
- risk now: :class:`models.followup.FollowupModel` on those features plus what happened
  in the new post since (:func:`features.followup.followup_features`). A bundle without
  it (trained before it, or on too little data) says so (:class:`FollowupNotice`): the
  list then stands on the risk at the decision alone;
- surveys are read here as signals only (early warnings), never as a model input.
"""


from dataclasses import dataclass, field, fields
from enum import StrEnum
from numbers import Integral

import numpy as np
import pandas as pd

from features import columns as c
from features import followup as fu
from features import vocab as v
from models.bundle import RankerBundle
from models.scoring import score_candidates
from serving import onboarding
from serving.checks import finite
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.explain import link_factor
from serving.onboarding import OnboardingPlan, OnboardingSettings

MAX_MONTHS = 120                # the longest window followed (months since the move)


class EarlyWarning(StrEnum):
    RISK_HIGH = "risk_high"                          # risk (now, else at the decision) ≥ the threshold
    RISK_ROSE = "risk_rose"                          # risk now − risk at the decision ≥ risk_rise
    APPRAISAL_FELL = "appraisal_fell"                # last score since the move ≥ appraisal_drop below the one before
    SURVEY_UNHAPPY = "survey_unhappy"                # latest survey since the move: satisfaction ≤ unhappy_satisfaction
    SURVEY_WANTS_TO_LEAVE = "survey_wants_to_leave"  # latest survey since the move: wants_to_stay false


class FollowupNotice(StrEnum):
    NO_FOLLOWUP_MODEL = "no_followup_model"          # the bundle has no post-transfer model: no risk now


@dataclass(frozen=True)
class FollowupSettings:
    months: int = fu.FOLLOWUP_MONTHS
    risk_threshold: float = 0.30
    risk_rise: float = 0.10
    appraisal_drop: float = 1.0
    unhappy_satisfaction: int = 2
    onboarding: OnboardingSettings = field(default_factory=OnboardingSettings)


def check_settings(settings: FollowupSettings) -> FollowupSettings:
    """RankingError naming the setting out of its range."""
    months = settings.months
    if isinstance(months, bool) or not isinstance(months, Integral) or not 1 <= months <= MAX_MONTHS:
        raise RankingError("months", f"months must be a whole number from 1 to {MAX_MONTHS}, not {quoted(months)}")
    finite("risk_threshold", settings.risk_threshold, 0, 1)
    finite("risk_rise", settings.risk_rise, 0, 1)
    finite("appraisal_drop", settings.appraisal_drop, 0, v.RATING_SCORE["sangat_baik"])
    unhappy = settings.unhappy_satisfaction
    if isinstance(unhappy, bool) or not isinstance(unhappy, Integral) or not (
            v.MIN_SATISFACTION <= unhappy <= v.MAX_SATISFACTION):
        raise RankingError("unhappy_satisfaction", f"unhappy_satisfaction must be {v.MIN_SATISFACTION} to "
                                                   f"{v.MAX_SATISFACTION}, not {quoted(unhappy)}")
    return settings


def check_warning(warning) -> EarlyWarning | None:
    if warning is None or warning == "":
        return None
    try:
        return EarlyWarning(warning)
    except ValueError:
        raise RankingError("warning", f"warning must be one of {', '.join(EarlyWarning)}, "
                                      f"not {quoted(warning)}") from None


# --- the pure core ------------------------------------------------------------------------------


def latest_surveys(surveys: pd.DataFrame, looks: fu.Looks) -> pd.DataFrame:
    """Per look (in order), its employee's latest survey dated on or after the move and
    before the check: survey_date, satisfaction (NaN), wants_to_stay (NA), comment (None)."""
    rows = looks.rows
    keys = pd.DataFrame({"_look": np.arange(len(rows)), c.EMPLOYEE_ID: rows[c.EMPLOYEE_ID].to_numpy(),
                         fu.MOVE_DATE: rows[fu.MOVE_DATE].to_numpy(), fu.CHECK_DATE: rows[fu.CHECK_DATE].to_numpy()})
    joined = keys.merge(surveys, on=c.EMPLOYEE_ID)
    joined = joined[(joined[c.SURVEY_DATE] >= joined[fu.MOVE_DATE]) & (joined[c.SURVEY_DATE] < joined[fu.CHECK_DATE])]
    last = joined.sort_values(["_look", c.SURVEY_DATE], kind="stable").groupby("_look").last()
    out = pd.DataFrame(index=np.arange(len(rows)))
    out[c.SURVEY_DATE] = last[c.SURVEY_DATE].reindex(out.index)
    out[c.SATISFACTION] = last[c.SATISFACTION].reindex(out.index).astype("float64")
    out[c.WANTS_TO_STAY] = last[c.WANTS_TO_STAY].reindex(out.index).astype("boolean")
    out[c.COMMENT] = last[c.COMMENT].reindex(out.index).astype(object) if c.COMMENT in last else None
    return out


def warning_flags(risk: np.ndarray, risk_at_decision: np.ndarray, risk_now: np.ndarray | None,
                  score_change: np.ndarray, survey: pd.DataFrame,
                  settings: FollowupSettings) -> dict[EarlyWarning, np.ndarray]:
    """Bool per row and warning; ``risk`` is the watched risk (now, else at the decision).
    An unknown value (no appraisal or survey since the move, no risk now) raises nothing."""
    satisfaction = survey[c.SATISFACTION].to_numpy(dtype="float64")
    stay = survey[c.WANTS_TO_STAY].to_numpy(dtype="float64", na_value=np.nan)
    rose = (np.zeros(len(risk), bool) if risk_now is None
            else np.asarray(risk_now) - np.asarray(risk_at_decision) >= settings.risk_rise - 1e-12)
    return {
        EarlyWarning.RISK_HIGH: np.asarray(risk) >= settings.risk_threshold,
        EarlyWarning.RISK_ROSE: rose,
        EarlyWarning.APPRAISAL_FELL: np.nan_to_num(np.asarray(score_change, "float64"), nan=0.0)
                                     <= -settings.appraisal_drop + 1e-12,
        EarlyWarning.SURVEY_UNHAPPY: np.nan_to_num(satisfaction, nan=np.inf) <= settings.unhappy_satisfaction,
        EarlyWarning.SURVEY_WANTS_TO_LEAVE: np.nan_to_num(stay, nan=1.0) == 0.0,
    }


def watch_order(risk: np.ndarray, employee_ids) -> np.ndarray:
    """Highest risk first; equal risks by employee id."""
    return np.lexsort((np.asarray(employee_ids, dtype=str), -np.asarray(risk, dtype="float64")))


def probability_points(raw: np.ndarray, link) -> np.ndarray:
    """TreeSHAP log-odds (base value last) as probability points: each row scaled by the
    link's secant between its base value and its margin, so a row sums to its risk − base."""
    z0, z = raw[:, -1], raw.sum(axis=1)
    return raw[:, :-1] * link_factor(link, z, z0)[:, None]


@dataclass(frozen=True)
class Scored:
    """Every transferee of the window at one date, both risks and the onboarding plans
    (cached per date, window, onboarding settings and model: thresholds change nothing here)."""

    bundle: RankerBundle
    looks: fu.Looks
    features: pd.DataFrame
    risk_at_decision: np.ndarray
    risk_now: np.ndarray | None
    units: np.ndarray
    plans: dict[str, OnboardingPlan]


@dataclass(frozen=True)
class Watch(Scored):
    """:class:`Scored` with each look's latest survey since the move and the early warnings."""

    surveys: pd.DataFrame
    flags: dict[EarlyWarning, np.ndarray]

    @property
    def risk(self) -> np.ndarray:
        """The watched risk: now, else at the decision."""
        return self.risk_at_decision if self.risk_now is None else self.risk_now


def transferee_features(context: ServingContext, when: pd.Timestamp, months: int) -> tuple[fu.Looks, pd.DataFrame]:
    """The transferees of the window and their post-transfer inputs (cached: no model in them)."""
    def build():
        looks = fu.transferees(context.dataset, when, months)
        if not len(looks):               # nobody moved in the window: no feature to build
            return looks, pd.DataFrame({name: np.empty(0) for name in fu.FOLLOWUP_FEATURES})
        return looks, fu.followup_features(context.sources, context.positions, looks)
    return context._cached(("followup_features", when, months), build)


def scored(context: ServingContext, bundle: RankerBundle, when: pd.Timestamp, settings: FollowupSettings) -> Scored:
    """:class:`Scored`, kept in the context (the value holds the bundle, so its id is not reused)."""
    def build() -> Scored:
        looks, frame = transferee_features(context, when, settings.months)
        units = context.units_of(looks.rows[c.POSITION_ID].tolist())
        if not len(looks):
            return Scored(bundle, looks, frame, np.empty(0), None if bundle.followup is None else np.empty(0), units, {})
        now = None if bundle.followup is None else bundle.followup.predict(frame)
        plans = onboarding.onboarding_plans(context, bundle, looks, when, settings.onboarding)
        return Scored(bundle, looks, frame, score_candidates(bundle, frame).risk, now, units, plans)
    return context._cached(("followup", when, settings.months, settings.onboarding, id(bundle)), build)


def watch(context: ServingContext, bundle: RankerBundle, when: pd.Timestamp, settings: FollowupSettings) -> Watch:
    """The scored transferees with their surveys and warnings under ``settings``."""
    base = scored(context, bundle, when, settings)
    survey = latest_surveys(context.dataset.surveys, base.looks)
    risk = base.risk_at_decision if base.risk_now is None else base.risk_now
    flags = warning_flags(risk, base.risk_at_decision, base.risk_now,
                          base.features[fu.SCORE_CHANGE_SINCE_MOVE].to_numpy(dtype="float64"), survey, settings)
    return Watch(**{f.name: getattr(base, f.name) for f in fields(Scored)}, surveys=survey, flags=flags)
