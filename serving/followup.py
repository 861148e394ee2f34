"""The follow-up list after a transfer (the watchlist): everyone moved into their current
post within the last ``months`` months (:class:`FollowupSettings`), the adjustment risk the
decision saw and the risk re-scored from what is known now, the change, its reasons, the
early warnings (:class:`EarlyWarning`) and the onboarding plan of the new post; highest
risk first, with counts per warning and per unit. Every door (Python, CLI, page, HTTP)
reads :func:`follow_up`.

The arrays behind it are :mod:`serving.followup_watch`'s (cached per date, settings and
model); this module types one page of them. Reasons are the post-transfer model's TreeSHAP
values in probability points, scaled per row like :func:`serving.explain.link_factor`
does for the ranker (the decision's risk model's when the bundle has no post-transfer model).
"""

from datetime import date
from numbers import Integral

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from features import columns as c
from features import followup as fu
from features.snapshot import LAST_SCORE
from models.bundle import RISK_MODEL, RankerBundle
from serving.checks import known_or_none
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.followup_watch import (
    EarlyWarning,
    FollowupNotice,
    FollowupSettings,
    Watch,
    check_settings,
    check_warning,
    probability_points,
    watch,
    watch_order,
)
from serving.followup_words import describe
from serving.onboarding import NoMentor, OnboardingPlan
from serving.ranking import date_notices, resolve_as_of
from serving.result import Notice, PostHolder

__all__ = ["EarlyWarning", "FollowupNotice", "FollowupSettings", "FollowUp", "FollowEntry", "follow_up"]

REASONS_SHOWN = 3               # reasons raising and lowering the risk, each
MIN_REASON_POINTS = 1e-3        # a smaller effect on the risk (0.1 percentage point) is no reason
DIGITS = 4
MAX_ENTRIES = 1_000_000         # entries in one answer, and the largest offset (every transferee of a province)
HTTP_PAGE_SIZE = 100            # entries of a page of ``GET /v1/follow-up`` unless asked
MAX_HTTP_PAGE_SIZE = 1_000      # the most it gives in one page


class RiskReason(BaseModel):
    feature: str
    label: str = Field(description="the feature and its value in words")
    value: float | str | bool | None = None
    points: float = Field(description="its share of the risk, as a probability (+0.05 = 5 percentage points)")


class SurveyNote(BaseModel):
    survey_date: date
    satisfaction: int = Field(description="1 (very unhappy) .. 5 (very satisfied)")
    wants_to_stay: bool | None = None
    comment: str | None = None


class CompetencyGap(BaseModel):
    competency_code: str
    required_level: float
    level: float | None = Field(None, description="latest assessed level (null: never assessed)")


class PlannedTraining(BaseModel):
    training_code: str
    name: str
    hours: float = Field(description="JP")
    competency_codes: list[str] = Field(description="the gap codes it develops")
    expected_risk_change: float = Field(description="the recommender's estimate (negative lowers the risk)")


class MentorSuggestion(BaseModel):
    employee_id: str
    display_name: str | None = None
    position_id: str
    grade: str
    strengths: list[str] = Field(description="gap codes of the mentee where the mentor is strong")


class Onboarding(BaseModel):
    """The onboarding plan of :mod:`serving.onboarding`, dates as days."""

    gaps: list[CompetencyGap]
    trainings: list[PlannedTraining]
    jp_last_12_months: float
    jp_planned: float
    jp_short: float = Field(description="JP still owed toward the JP a year every ASN is owed")
    mentor: MentorSuggestion | None = None
    no_mentor: NoMentor | None = None
    check_ins: list[date]
    next_check_in: date | None = None


class FollowEntry(PostHolder):
    move_date: date
    move_type: str
    months_since_move: float
    risk_at_decision: float = Field(description="the ranker's risk at the move (what the decision saw)")
    risk_now: float | None = Field(None, description="the post-transfer model's risk now (null: no such model)")
    risk_change: float | None = None
    warnings: list[EarlyWarning]
    raising: list[RiskReason] = Field(default_factory=list, description="what raises the risk most")
    lowering: list[RiskReason] = Field(default_factory=list, description="what lowers it most")
    last_score_before: float | None = Field(None, description="the last SKP score before the move")
    last_score_since: float | None = Field(None, description="the last SKP score in the new post")
    survey: SurveyNote | None = None
    plan: Onboarding | None = None


class FollowUnitCount(BaseModel):
    unit_id: str
    unit_name: str | None
    transferees: int
    warned: int = Field(description="transferees with any early warning")
    by_warning: dict[EarlyWarning, int]


class FollowUp(BaseModel):
    """The follow-up list at a date: one page of entries (highest risk first), the counts
    per warning and per unit (of the unit asked, else every unit; never narrowed by warning)."""

    as_of: date
    months: int
    risk_threshold: float
    risk_rise: float
    appraisal_drop: float
    unhappy_satisfaction: int
    jp_per_year: float
    unit: str | None = None
    warning: EarlyWarning | None = None
    followup_model: bool = Field(description="whether the risk now comes from a post-transfer model")
    transferees: int = Field(description="transferees of the window (of the unit asked)")
    warned: int
    matching: int = Field(description="entries matching unit and warning (every page)")
    offset: int = 0
    entries: list[FollowEntry]
    by_warning: dict[EarlyWarning, int]
    units: list[FollowUnitCount]
    notices: list[Notice] = Field(default_factory=list)
    followup_notices: list[FollowupNotice] = Field(default_factory=list)

    def to_document(self) -> dict:
        return self.model_dump(mode="json")


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), DIGITS)


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _reasons(row: dict, effect: np.ndarray, order: np.ndarray, names: tuple[str, ...], lang: str) -> list[RiskReason]:
    """The first :data:`REASONS_SHOWN` features of ``order`` moving the risk by at least
    :data:`MIN_REASON_POINTS` (``order`` runs from the largest effect of one sign)."""
    out = []
    for j in order[:REASONS_SHOWN]:
        if abs(effect[j]) < MIN_REASON_POINTS:
            break
        value = _plain(row.get(names[j]))
        out.append(RiskReason(feature=names[j], label=describe(names[j], value, row, lang),
                          value=round(value, DIGITS) if isinstance(value, float) else value,
                          points=round(float(effect[j]), 6)))
    return out


def reason_lists(points: np.ndarray, records: list[dict], names: tuple[str, ...],
                 lang: str) -> list[tuple[list[RiskReason], list[RiskReason]]]:
    """Per row, the :data:`REASONS_SHOWN` features raising the risk most and lowering it most."""
    out = []
    for row, effect in zip(records, points):
        up, down = np.argsort(-effect, kind="stable"), np.argsort(effect, kind="stable")
        out.append((_reasons(row, effect, up[effect[up] > 0], names, lang),
                    _reasons(row, effect, down[effect[down] < 0], names, lang)))
    return out


def row_reasons(w: Watch, rows: np.ndarray, lang: str) -> list[tuple[list[RiskReason], list[RiskReason]]]:
    """Reasons of the given rows: the post-transfer model's, else the decision's risk model's."""
    if not len(rows):
        return []
    frame = w.features.iloc[rows]
    model = w.bundle.followup
    if model is None:
        x = w.bundle.matrix(frame)
        points = probability_points(w.bundle.contributions(x, RISK_MODEL),
                                    lambda z: w.bundle.to_prediction(z, RISK_MODEL))
        names = w.bundle.spec.features
    else:
        points = probability_points(model.contributions(model.matrix(frame)), model.to_probability)
        names = model.spec.features
    return reason_lists(points, frame.to_dict("records"), tuple(names), lang)


def plan_out(plan: OnboardingPlan | None) -> Onboarding | None:
    if plan is None:
        return None
    day = lambda t: pd.Timestamp(t).date()  # noqa: E731
    mentor = None if plan.mentor is None else MentorSuggestion.model_validate(plan.mentor, from_attributes=True)
    return Onboarding(gaps=[CompetencyGap.model_validate(g, from_attributes=True) for g in plan.gaps],
                      trainings=[PlannedTraining.model_validate(t, from_attributes=True) for t in plan.trainings],
                      jp_last_12_months=plan.jp_last_12_months, jp_planned=plan.jp_planned, jp_short=plan.jp_short,
                      mentor=mentor, no_mentor=plan.no_mentor,
                      check_ins=[day(t) for t in plan.check_ins],
                      next_check_in=None if plan.next_check_in is None else day(plan.next_check_in))


def entries(context: ServingContext, w: Watch, rows: np.ndarray, lang: str) -> list[FollowEntry]:
    """Typed entries of the given rows (a page: reasons only for what is shown)."""
    titles = dict(zip(context.dataset.positions[c.POSITION_ID], context.dataset.positions[c.TITLE]))
    names, unit_names = context.display_names, context.unit_names
    looks, frame = w.looks.rows, w.features
    out = []
    for i, (raising, lowering) in zip(rows, row_reasons(w, rows, lang)):
        look, survey = looks.iloc[i], w.surveys.iloc[i]
        eid, pid, unit = str(look[c.EMPLOYEE_ID]), str(look[c.POSITION_ID]), w.units[i]
        now = None if w.risk_now is None else float(w.risk_now[i])
        out.append(FollowEntry(
            employee_id=eid, display_name=names.get(eid), unit_id=unit, unit_name=unit_names.get(unit),
            position_id=pid, title=titles.get(pid), move_date=look[fu.MOVE_DATE].date(), move_type=look[c.MOVE_TYPE],
            months_since_move=round(float(frame[fu.MONTHS_SINCE_MOVE].iat[i]), 2),
            risk_at_decision=round(float(w.risk_at_decision[i]), DIGITS), risk_now=_number(now),
            risk_change=None if now is None else round(now - float(w.risk_at_decision[i]), DIGITS),
            warnings=[code for code in EarlyWarning if w.flags[code][i]], raising=raising, lowering=lowering,
            last_score_before=_number(frame[LAST_SCORE].iat[i]),
            last_score_since=_number(frame[fu.LAST_SCORE_SINCE_MOVE].iat[i]),
            survey=None if pd.isna(survey[c.SATISFACTION]) else SurveyNote(
                survey_date=survey[c.SURVEY_DATE].date(), satisfaction=int(survey[c.SATISFACTION]),
                wants_to_stay=None if pd.isna(survey[c.WANTS_TO_STAY]) else bool(survey[c.WANTS_TO_STAY]),
                comment=None if pd.isna(survey[c.COMMENT]) else str(survey[c.COMMENT])),
            plan=plan_out(w.plans.get(eid))))
    return out


def unit_counts(w: Watch, keep: np.ndarray, names: dict[str, str]) -> list[FollowUnitCount]:
    """Per unit of the kept rows: transferees, warned, per warning; most warned first."""
    table = pd.DataFrame({str(code): w.flags[code][keep].astype("int64") for code in EarlyWarning})
    table = table.assign(_unit=w.units[keep], _warned=table.any(axis=1).astype("int64"), _n=1)
    table = table[pd.notna(table["_unit"])].groupby("_unit").sum().sort_values(["_warned", "_n"], ascending=False,
                                                                              kind="stable")
    return [FollowUnitCount(unit_id=str(u), unit_name=names.get(u), transferees=int(row["_n"]), warned=int(row["_warned"]),
                      by_warning={code: int(row[str(code)]) for code in EarlyWarning})
            for u, row in zip(table.index, table.to_dict("records"))]


def check_page(offset, limit) -> None:
    if isinstance(offset, bool) or not isinstance(offset, Integral) or offset < 0:
        raise RankingError("offset", f"offset must be a whole number >= 0, not {quoted(offset)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, Integral) or not 1 <= limit <= MAX_ENTRIES):
        raise RankingError("limit", f"limit must be a whole number from 1 to {MAX_ENTRIES}, not {quoted(limit)}")


def follow_up(context: ServingContext, bundle: RankerBundle, as_of=None, settings: FollowupSettings = FollowupSettings(),
              *, unit: str | None = None, warning: str | None = None, offset: int = 0, limit: int | None = None,
              lang: str = "id") -> FollowUp:
    """The follow-up list at ``as_of`` (default: the day after the data ends), narrowed to
    one unit and/or one warning; entries ``offset`` .. ``offset + limit`` (all when None).
    RankingError naming ``as_of``, ``unit``, ``warning``, ``offset``, ``limit`` or a setting."""
    when = resolve_as_of(context, as_of)
    unit = known_or_none("unit", unit, context.unit_ids, "units.csv")
    wanted = check_warning(warning)
    check_page(offset, limit)
    w = watch(context, bundle, when, check_settings(settings))
    keep = np.ones(len(w.looks), bool) if unit is None else w.units == unit
    warned = np.logical_or.reduce([w.flags[code] for code in EarlyWarning]) if len(keep) else keep
    matching = keep if wanted is None else keep & w.flags[wanted]
    order = [i for i in watch_order(w.risk, w.looks.rows[c.EMPLOYEE_ID]) if matching[i]]
    page = np.asarray(order[offset:] if limit is None else order[offset:offset + limit], dtype=np.int64)
    return FollowUp(
        as_of=when.date(), months=settings.months, risk_threshold=settings.risk_threshold, risk_rise=settings.risk_rise,
        appraisal_drop=settings.appraisal_drop, unhappy_satisfaction=settings.unhappy_satisfaction,
        jp_per_year=settings.onboarding.jp_per_year, unit=unit, warning=wanted, followup_model=w.risk_now is not None,
        transferees=int(keep.sum()), warned=int((warned & keep).sum()), matching=len(order), offset=offset,
        entries=entries(context, w, page, lang), by_warning={code: int((w.flags[code] & keep).sum()) for code in EarlyWarning},
        units=unit_counts(w, keep, context.unit_names), notices=date_notices(context, when, lang),
        followup_notices=[] if w.risk_now is not None else [FollowupNotice.NO_FOLLOWUP_MODEL])
