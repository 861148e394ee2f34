"""Rank eligible candidates for a vacancy: the function every door (Python, CLI, HTTP,
web page) calls.

Flow: snapshot of every employee at the as-of date (cached per date) → contract
eligibility and pool filters → pair features of the eligible → both models → policy
score → the served order (:func:`served_order`: the plain order, or the fair top list of
the version's :class:`~models.fair.FairRanking`) → for the rows returned only:
explanations in the prediction's unit (``serving.explain``), the reasons for and against,
names and current post, the moves to notice (``serving.flags``) and training
recommendations. Unknown pool-filter units or regions are a RankingError
(``serving.pool.check_pool``); a date outside the data's window is a notice.

Protected attributes (:func:`models.scoring.served_order`) are read only when the
version serves fair top lists, and only as constraints on who fills the top list: no
score changes.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features import columns as c
from features import pairs as fp
from features import snapshot as s
from features.arrays import Columns
from features.candidates import CandidatePool, candidate_pool
from features.eligibility import DEFAULT_RULES, EligibilityRules, rules_label
from features.geo import haversine_km
from features.pairs import DISTANCE_KM, PositionTable
from models.bundle import RankerBundle
from models.fair import FairOrder
from models.policy import ScorePolicy
from models.scoring import ScoredCandidates, score_candidates
from models.scoring import served_order as order_pool
from serving.champion import ServedModel
from serving.checks import as_of_date, check_options, check_vacancy
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.excluded import excluded_of
from serving.explain import (
    base_values,
    baselines,
    contributions,
    explain_rows,
    in_prediction_units,
    reasons,
    score_effects,
)
from serving.flags import move_flags
from serving.pool import PoolFilter, check_pool
from serving.recommend import recommend
from serving.result import Candidate, FairRankingInfo, ModelInfo, Notice, NoticeCode, Ranking
from serving.texts import grade_name, notice_text

DEFAULT_MIN_GRADE = "III/a"         # an ad-hoc vacancy's minimums when the caller gives none
DEFAULT_MIN_EDUCATION = "s1"


@dataclass(frozen=True)
class Vacancy:
    """An ad-hoc post not in the data yet (e.g. an urgent disaster-response post)."""

    position_id: str
    unit_id: str
    position_type: str
    domain: str
    job_class: float
    standards: dict[str, float]
    min_grade: str = DEFAULT_MIN_GRADE
    min_education: str = DEFAULT_MIN_EDUCATION
    functional_level: str | None = None
    required_fields: str | None = None          # ';'-separated education fields (rule required_fields)

    def __post_init__(self):
        """Vocabulary, sizes and finite numbers (serving.checks); RankingError names the field."""
        for name, value in check_vacancy(self).items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class RankingOptions:
    top_k: int = 10
    lang: str = "id"
    pool: PoolFilter = field(default_factory=PoolFilter)
    policy: ScorePolicy = field(default_factory=ScorePolicy)
    rules: EligibilityRules = DEFAULT_RULES
    explanations_per_target: int = 5
    recommendations_per_candidate: int = 3


def resolve_as_of(context: ServingContext, as_of) -> pd.Timestamp:
    if as_of is None:
        return context.default_as_of
    return as_of_date(as_of)        # inside serving.limits' date window, else RankingError


def _positions_for(context: ServingContext, position_id: str, vacancy: Vacancy | None) -> PositionTable:
    if vacancy is None:
        if position_id not in context.positions.attributes.index:
            raise RankingError("position_id", f"unknown position_id {position_id!r}")
        return context.positions
    units = context.dataset.units.set_index(c.UNIT_ID)
    if vacancy.unit_id not in units.index:
        raise RankingError("vacancy.unit_id", f"unknown unit_id {quoted(vacancy.unit_id)}")
    return context.positions.with_vacancy(
        vacancy.position_id, units.loc[vacancy.unit_id, c.REGION_ID], vacancy.position_type, vacancy.domain,
        vacancy.job_class, vacancy.min_grade, vacancy.min_education, vacancy.standards, vacancy.functional_level,
        vacancy.required_fields)


def _pool_masks(context: ServingContext, view: Columns, positions: PositionTable, position_id: str,
                pool: PoolFilter) -> dict[str, np.ndarray]:
    """Masks of employees outside the caller's pool filters (by their current post)."""
    masks = {}
    if pool.units:
        units = context.units_of(view[s.CURRENT_POSITION_ID])
        masks["outside_units_filter"] = ~np.isin(units, pool.units)
    if pool.regions:
        masks["outside_regions_filter"] = ~np.isin(view[s.CURRENT_REGION_ID], pool.regions)
    if pool.domains:
        masks["outside_domains_filter"] = ~np.isin(view[s.CURRENT_DOMAIN], pool.domains)
    if pool.max_distance_km is not None:
        target = positions.attributes.loc[position_id]
        distance = haversine_km(*positions.region_coordinates(view[s.CURRENT_REGION_ID]),
                                target[c.LATITUDE], target[c.LONGITUDE])
        masks["beyond_max_distance"] = ~(distance <= pool.max_distance_km)
    return masks


@dataclass(frozen=True)
class ScoredPool:
    """One post's candidate pool (after the caller's pool filters) and its scores."""

    pool: CandidatePool
    scored: ScoredCandidates


def score_pool(context: ServingContext, bundle: RankerBundle, positions: PositionTable, position_id: str,
               when: pd.Timestamp, options: RankingOptions) -> ScoredPool:
    """Eligibility, pool filters, pair features and both models for one post."""
    view = context.snapshot_columns(when)
    pool = candidate_pool(view, positions, position_id, options.rules,
                          employee_masks=context.employee_masks(when, options.rules),
                          extra_masks=_pool_masks(context, view, positions, position_id, options.pool))
    return ScoredPool(pool, score_candidates(bundle, pool.frame, options.policy))


def served_order(context: ServingContext, bundle: RankerBundle, scored_pool: ScoredPool, position_id: str,
                 when: pd.Timestamp) -> FairOrder:
    """The order the version serves for one scored pool: its fair top list when it has a
    fair setting on (groups at ``when``, bounds seeded by ``position_id``), else the plain order."""
    return order_pool(bundle, scored_pool.scored.score, context.dataset, scored_pool.pool.candidates[c.EMPLOYEE_ID],
                      when, position_id)


def fair_info(fair: FairOrder, threshold: float, employees: np.ndarray) -> FairRankingInfo:
    """The ranking document's ``fair_ranking`` field."""
    ids = np.asarray(employees, dtype=object)
    return FairRankingInfo(applied=fair.applied, threshold=threshold, top_k=fair.top_k, binding=fair.binding,
                           entered=[str(e) for e in ids[fair.entered]], left=[str(e) for e in ids[fair.left]],
                           score_given_up=round(fair.score_given_up, 4), relaxed=list(fair.relaxed))


def date_notices(context: ServingContext, when: pd.Timestamp, lang: str) -> list[Notice]:
    """A warning when ``when`` lies outside the data's window: not after its first record
    (nobody held a post yet) or after the default decision date (the day after its end)."""
    window = context.data_window
    code = (NoticeCode.AS_OF_BEFORE_DATA if when <= window.first
            else NoticeCode.AS_OF_AFTER_DATA if when > window.default_as_of else None)
    if code is None:
        return []
    day = "{:%Y-%m-%d}".format
    return [Notice(code=code, field="as_of",
                   message=notice_text(code, lang, day(when), day(window.first), day(window.end)))]


def _candidates(context: ServingContext, bundle: RankerBundle, scored_pool: ScoredPool, top: np.ndarray,
                positions: PositionTable, pid: str, options: RankingOptions) -> list[Candidate]:
    """The returned rows: predictions, explanations in the prediction's unit, reasons for
    and against, names, current post, flags and training recommendations."""
    if not len(top):            # nothing to explain when nobody is eligible
        return []
    cand, frame = scored_pool.pool.candidates.take(top), scored_pool.pool.frame.take(top)
    scored = scored_pool.scored
    perf, risk, score = scored.performance[top], scored.risk[top], scored.score[top]
    contrib = contributions(bundle, scored.matrix[top])
    units = in_prediction_units(bundle, contrib)
    explanations = explain_rows(bundle, frame, contrib, options.lang, options.explanations_per_target, units)
    for_against = reasons(bundle, frame, score_effects(units, options.policy), options.lang)
    recs = recommend(bundle, cand, positions, pid, context.catalog_index, risk, perf, options.lang,
                     options.recommendations_per_candidate)
    flags = move_flags(cand[s.CURRENT_JOB_CLASS], frame[fp.TARGET_JOB_CLASS], cand[s.CURRENT_DOMAIN],
                       frame[fp.TARGET_DOMAIN], frame[DISTANCE_KM], cand[s.CURRENT_POSITION_TYPE],
                       frame[fp.TARGET_POSITION_TYPE])
    names, unit_of = context.display_names, context.unit_of_position
    employee, current, distance = cand[c.EMPLOYEE_ID], cand[s.CURRENT_POSITION_ID], frame[DISTANCE_KM]
    return [
        Candidate(rank=k + 1, employee_id=str(employee[k]), score=round(float(score[k]), 4),
                  predicted_performance=round(float(perf[k]), 4), adjustment_risk=round(float(risk[k]), 4),
                  explanations=explanations[k], training_recommendations=recs[k][0], recommendation_note=recs[k][1],
                  current_position_id=current[k],
                  distance_km=None if np.isnan(distance[k]) else round(float(distance[k]), 1),
                  base_values=base_values(contrib, k), baseline=baselines(units, k),
                  display_name=names.get(str(employee[k])), current_unit_id=unit_of.get(current[k]),
                  current_grade=grade_name(cand[s.GRADE_RANK][k]), flags=flags[k],
                  reason_for=for_against[k][0], reason_against=for_against[k][1])
        for k in range(len(top))
    ]


def rank(context: ServingContext, served: ServedModel, position_id: str, as_of=None,
         options: RankingOptions = RankingOptions(), vacancy: Vacancy | None = None) -> Ranking:
    """The ranking document for one vacancy."""
    check_options(options)          # top_k, lang, pool filters, policy: serving.checks
    check_pool(options.pool, context.unit_ids, context.region_ids)
    pid = vacancy.position_id if vacancy else position_id
    positions = _positions_for(context, pid, vacancy)
    when = resolve_as_of(context, as_of)
    bundle = served.bundle
    scored_pool = score_pool(context, bundle, positions, pid, when, options)
    cand = scored_pool.pool.candidates
    fair = served_order(context, bundle, scored_pool, pid, when)
    candidates = _candidates(context, bundle, scored_pool, fair.order[: options.top_k], positions, pid, options)
    excluded = excluded_of(scored_pool.pool)
    # every part is built and typed above: skip re-validating thousands of excluded entries
    return Ranking.model_construct(
        position_id=pid, as_of=when.date(), model=ModelInfo(name=served.name, version=served.version,
                                                            run_id=served.run_id),
        candidates=candidates, excluded=excluded, n_eligible=len(cand), n_excluded=len(excluded),
        excluded_page=None, rules=rules_label(options.rules), notices=date_notices(context, when, options.lang),
        policy=options.policy.describe(), language=options.lang,
        fair_ranking=fair_info(fair, bundle.fair.threshold, cand[c.EMPLOYEE_ID]), audit_id=None)
