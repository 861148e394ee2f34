"""Rank eligible candidates for a vacancy: the function every door (Python, CLI, HTTP,
web page) calls.

Flow: snapshot of every employee at the as-of date (cached per date) → contract
eligibility and pool filters → pair features of the eligible → both models → policy
score → the served order (:func:`served_order`: the plain order, or the fair top list of
the version's :class:`~models.fair.FairRanking`) → explanations and training
recommendations for the rows returned only.

Protected attributes (:func:`models.scoring.served_order`) are read only when the
version serves fair top lists, and only as constraints on who fills the top list: no
score changes.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import Columns
from features.candidates import CandidatePool, candidate_pool
from features.eligibility import EligibilityRules
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
from serving.explain import base_values, contributions, explain_rows
from serving.pool import PoolFilter
from serving.recommend import recommend
from serving.result import Candidate, Excluded, FairRankingInfo, ModelInfo, Ranking

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
    rules: EligibilityRules = field(default_factory=EligibilityRules)
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
        vacancy.job_class, vacancy.min_grade, vacancy.min_education, vacancy.standards, vacancy.functional_level)


def _pool_masks(context: ServingContext, view: Columns, positions: PositionTable, position_id: str,
                pool: PoolFilter) -> dict[str, np.ndarray]:
    """Masks of employees outside the caller's pool filters (by their current post)."""
    masks = {}
    if pool.units:
        unit_of = context.dataset.positions.set_index(c.POSITION_ID)[c.UNIT_ID].to_dict()
        units = np.array([unit_of.get(p) for p in view[s.CURRENT_POSITION_ID]], dtype=object)
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


def rank(context: ServingContext, served: ServedModel, position_id: str, as_of=None,
         options: RankingOptions = RankingOptions(), vacancy: Vacancy | None = None) -> Ranking:
    """The ranking document for one vacancy."""
    check_options(options)          # top_k, lang, pool filters, policy: serving.checks
    pid = vacancy.position_id if vacancy else position_id
    positions = _positions_for(context, pid, vacancy)
    when = resolve_as_of(context, as_of)
    bundle = served.bundle
    scored_pool = score_pool(context, bundle, positions, pid, when, options)
    pool, scored = scored_pool.pool, scored_pool.scored
    view, reasons, cand, frame, x = pool.view, pool.reasons, pool.candidates, pool.frame, scored.matrix
    perf, risk, score = scored.performance, scored.risk, scored.score
    fair = served_order(context, bundle, scored_pool, pid, when)
    top = fair.order[: options.top_k]
    if len(top):            # nothing to explain when nobody is eligible
        contrib = contributions(bundle, x[top])
        explanations = explain_rows(bundle, frame.take(top), contrib, options.lang, options.explanations_per_target)
        recs = recommend(bundle, cand.take(top), positions, pid, context.catalog_index,
                         risk[top], perf[top], options.lang, options.recommendations_per_candidate)
    employee, current, distance = cand[c.EMPLOYEE_ID], cand[s.CURRENT_POSITION_ID], frame[DISTANCE_KM]
    candidates = [
        Candidate(rank=k + 1, employee_id=str(employee[i]), score=round(float(score[i]), 4),
                  predicted_performance=round(float(perf[i]), 4), adjustment_risk=round(float(risk[i]), 4),
                  explanations=explanations[k], training_recommendations=recs[k][0], recommendation_note=recs[k][1],
                  current_position_id=current[i],
                  distance_km=None if np.isnan(distance[i]) else round(float(distance[i]), 1),
                  base_values=base_values(contrib, k))
        for k, i in enumerate(top)
    ]
    excluded_rows = np.flatnonzero(reasons != "")
    codes_of = {words: words.split(";") for words in set(reasons[excluded_rows])}
    excluded: list[Excluded] = [{"employee_id": e, "reasons": codes_of[r]} for e, r in
                zip(view[c.EMPLOYEE_ID][excluded_rows].tolist(), reasons[excluded_rows].tolist())]
    # every part is built and typed above: skip re-validating thousands of excluded entries
    return Ranking.model_construct(
        position_id=pid, as_of=when.date(), model=ModelInfo(name=served.name, version=served.version,
                                                            run_id=served.run_id),
        candidates=candidates, excluded=excluded, n_eligible=len(cand), policy=options.policy.describe(),
        language=options.lang, fair_ranking=fair_info(fair, bundle.fair.threshold, cand[c.EMPLOYEE_ID]))
