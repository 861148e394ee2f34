"""The onboarding plan of a transferee: trainings that close the gaps of the new post
(with JP toward the 20 JP a year every ASN is owed), a mentor in the new unit, check-in
dates.

INTERFACE SKELETON written by the lead: the dataclasses and signatures below are shared
with ``serving.followup`` (the follow-up list, its page, API and export). The helper who
owns this file fills in the functions and may add fields with defaults, but must not
rename or remove any.
"""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.arrays import Columns, floats, objects
from features.asof import AsOfQuery
from features.followup import MOVE_DATE, Looks
from features.names import AS_OF
from features.pairs import PositionTable, float_columns, pair_features
from features.snapshot import build_snapshot
from models.bundle import RankerBundle
from models.scoring import ScoredCandidates, score_candidates
from serving.context import ServingContext
from serving.mentors import NONE, Candidates, Mentees, assign_mentors, eligible_pairs, strength_scores, strong_codes
from serving.recommend import MIN_EFFECT, CatalogIndex, uplifts, what_if

JP_PER_YEAR = 20.0                 # hours of development every ASN is owed a year (PP 11/2017 Pasal 203)
CHECK_IN_MONTHS = (1, 3, 6, 12)    # check-ins after the move
JP_WINDOW_MONTHS = 12              # jp_last_12_months: trainings that ended in this window before as_of
MENTOR_STATUS = "pns"              # only civil servants (not CPNS, not PPPK) mentor
SETTLED_MONTHS = 12                # a mentor has held their post at least this long
AWAY_KINDS = ("tugas_belajar", "cltn", "pemberhentian_sementara")   # released from duties: no mentoring
assert set(AWAY_KINDS) <= set(v.STATUS_KINDS)


class NoMentor(StrEnum):
    """Why a transferee has no suggested mentor."""

    NO_CANDIDATE = "no_candidate"          # nobody in the new unit meets the mentor rules
    ALL_AT_CAPACITY = "all_at_capacity"    # those who do already have max_mentees each


@dataclass(frozen=True)
class MentorSettings:
    max_mentees: int = 3               # most transferees one mentor takes
    min_grade_steps: int = 1           # mentor's grade at least this many steps above the mentee's
    same_domain: bool = True           # mentor's current post in the new post's domain
    strength_margin: float = 0.0       # mentor's level ≥ the post's standard + margin on a gap code


@dataclass(frozen=True)
class OnboardingSettings:
    mentors: MentorSettings = field(default_factory=MentorSettings)
    check_in_months: tuple[int, ...] = CHECK_IN_MONTHS
    jp_per_year: float = JP_PER_YEAR
    max_trainings: int = 3


@dataclass(frozen=True)
class Gap:
    competency_code: str
    required_level: float
    level: float | None                # latest assessed level before the as-of date (None: never)


@dataclass(frozen=True)
class TrainingStep:
    training_code: str
    name: str
    hours: float                       # JP
    competency_codes: tuple[str, ...]  # the gap codes it develops
    expected_risk_change: float        # the recommender's estimate (negative lowers risk)


@dataclass(frozen=True)
class Mentor:
    employee_id: str
    display_name: str | None
    position_id: str
    grade: str
    strengths: tuple[str, ...]         # gap codes of the mentee where the mentor is strong


@dataclass(frozen=True)
class OnboardingPlan:
    employee_id: str
    position_id: str
    gaps: tuple[Gap, ...]
    trainings: tuple[TrainingStep, ...]
    jp_last_12_months: float           # JP completed in the 12 months before the as-of date
    jp_planned: float                  # JP of the trainings above
    jp_short: float                    # max(0, jp_per_year - jp_last_12_months - jp_planned)
    mentor: Mentor | None
    no_mentor: NoMentor | None         # why there is none (None when there is one)
    check_ins: tuple[pd.Timestamp, ...]  # move date + each of check_in_months
    next_check_in: pd.Timestamp | None   # the first check-in on or after the as-of date


# --- the plan -------------------------------------------------------------------------------


def onboarding_plans(context: ServingContext, bundle: RankerBundle, looks: Looks, as_of,
                     settings: OnboardingSettings = OnboardingSettings()) -> dict[str, OnboardingPlan]:
    """The onboarding plan of each look's transferee at ``as_of``, keyed by employee_id.

    Gaps: the new post's standard against the latest level assessed before ``as_of``.
    Trainings: scored at :func:`scoring_rows` (the ranker's snapshot at the move date, with
    the levels known at ``as_of``) paired with the new post, as the recommender scores them.
    Mentors: one joint assignment over every look (:mod:`serving.mentors`)."""
    t = pd.Timestamp(as_of).normalize()
    rows = looks.rows.reset_index(drop=True)
    if not len(rows):
        return {}
    ids = rows[c.EMPLOYEE_ID].astype(str).to_numpy(dtype=object)
    posts = rows[c.POSITION_ID].astype(str).to_numpy(dtype=object)
    now = context.snapshot(t).set_index(c.EMPLOYEE_ID)
    codes = tuple(str(code) for code in context.positions.standards.columns)
    required = context.positions.required(posts, codes)
    levels = float_columns(now.reindex(ids), [s.level_column(code) for code in codes])
    gap_required = gap_matrix(required, levels)
    steps = ranked_trainings(bundle, scoring_rows(context, looks, t), context.positions, posts,
                             context.catalog_index, codes, gap_required)
    jp_done = jp_completed(context.dataset.trainings, ids, t)
    mentors, no_mentor = suggest_mentors(context, now, posts, ids, codes, gap_required, t, settings.mentors)
    plans = {}
    for i, employee_id in enumerate(ids):
        chosen = covering_trainings(steps[i], settings.max_trainings)
        planned = float(sum(step.hours for step in chosen))
        gaps = tuple(Gap(code, float(required[i, k]), None if np.isnan(levels[i, k]) else float(levels[i, k]))
                     for k, code in enumerate(codes) if not np.isnan(gap_required[i, k]))
        ins = check_ins(rows[MOVE_DATE].iloc[i], settings.check_in_months)
        plans[employee_id] = OnboardingPlan(
            employee_id=employee_id, position_id=posts[i], gaps=gaps, trainings=tuple(chosen),
            jp_last_12_months=float(jp_done[i]), jp_planned=planned,
            jp_short=max(0.0, settings.jp_per_year - float(jp_done[i]) - planned),
            mentor=mentors[i], no_mentor=no_mentor[i], check_ins=ins, next_check_in=next_check_in(ins, t))
    return plans


def gap_matrix(required: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The required level where it is a gap (level missing or below it), NaN elsewhere."""
    with np.errstate(invalid="ignore"):
        gapped = ~np.isnan(required) & (np.isnan(levels) | (levels < required))
    return np.where(gapped, required, np.nan)


def check_ins(move_date, months: tuple[int, ...]) -> tuple[pd.Timestamp, ...]:
    """The move date plus each of ``months``."""
    start = pd.Timestamp(move_date).normalize()
    return tuple(start + pd.DateOffset(months=m) for m in months)


def next_check_in(dates: tuple[pd.Timestamp, ...], as_of) -> pd.Timestamp | None:
    """The first check-in on or after ``as_of`` (None when all are past)."""
    t = pd.Timestamp(as_of).normalize()
    return next((d for d in sorted(dates) if d >= t), None)


def jp_completed(trainings: pd.DataFrame, employee_ids: np.ndarray, as_of) -> np.ndarray:
    """JP (hours) of the trainings each employee ended in the 12 months before ``as_of``."""
    t = pd.Timestamp(as_of).normalize()
    window = trainings[(trainings[c.END_DATE] >= t - pd.DateOffset(months=JP_WINDOW_MONTHS))
                       & (trainings[c.END_DATE] < t)]
    hours = window.groupby(c.EMPLOYEE_ID)[c.HOURS].sum()
    return hours.reindex(pd.Index(employee_ids, dtype=object)).fillna(0.0).to_numpy(dtype="float64")


# --- trainings ------------------------------------------------------------------------------


def scoring_rows(context: ServingContext, looks: Looks, as_of) -> Columns:
    """The rows the trainings are scored at, one per look: the ranker's snapshot at the move
    date (what the decision knew, as the recommender scores a candidate), with each
    competency level replaced by the latest one assessed before ``as_of`` (so the gaps the
    re-scoring closes are the gaps of today)."""
    rows = looks.rows.reset_index(drop=True)
    query = pd.DataFrame({c.EMPLOYEE_ID: rows[c.EMPLOYEE_ID].astype(str).to_numpy(),
                          AS_OF: rows[MOVE_DATE].to_numpy()})
    at_move = build_snapshot(context.sources, AsOfQuery(query))
    now = context.snapshot(pd.Timestamp(as_of).normalize()).set_index(c.EMPLOYEE_ID)
    now = now.reindex(query[c.EMPLOYEE_ID])
    for code in context.sources.competency_codes:
        column = s.level_column(code)
        if column in now.columns:
            at_move[column] = now[column].to_numpy(dtype="float64", na_value=np.nan)
    return Columns.from_frame(at_move)


def score_rows(bundle: RankerBundle, rows: Columns, positions: PositionTable, position_ids: np.ndarray
               ) -> ScoredCandidates:
    """Both models on ``rows`` paired with ``position_ids`` (one per row): the recommender's
    re-scoring (pair features by the same code, then the one scoring path)."""
    return score_candidates(bundle, rows.merge(pair_features(rows, positions, position_ids)))


def ranked_trainings(bundle: RankerBundle, rows: Columns, positions: PositionTable, position_ids: np.ndarray,
                     catalog: CatalogIndex, codes: tuple[str, ...], gap_required: np.ndarray
                     ) -> list[list[TrainingStep]]:
    """Per row, every catalog training that develops one of its gap codes and lowers the
    risk by at least the recommender's ``MIN_EFFECT``, sorted as the recommender sorts
    (risk change, then the larger performance gain). Each training is applied as
    :func:`serving.recommend.what_if` applies it (the bundle's uplift per level)."""
    at = [codes.index(code) if code in codes else -1 for code in catalog.codes]
    gapped = np.zeros((len(rows), len(catalog.codes)), dtype=bool)
    for j, k in enumerate(at):
        if k >= 0:
            gapped[:, j] = ~np.isnan(gap_required[:, k])
    relevant = (gapped.astype(int) @ catalog.membership.T.astype(int)) > 0
    owner, training = np.nonzero(relevant)
    out: list[list[TrainingStep]] = [[] for _ in range(len(rows))]
    if not len(owner):
        return out
    ids = np.asarray(position_ids, dtype=object)
    base = score_rows(bundle, rows, positions, ids)
    gains = uplifts(bundle, catalog)
    after = score_rows(bundle, what_if(rows.take(owner), catalog, training, gains.__getitem__), positions, ids[owner])
    keys: list[list[tuple]] = [[] for _ in range(len(rows))]
    for k, (i, t) in enumerate(zip(owner, training)):
        change = round(float(after.risk[k] - base.risk[i]), 4)
        if change > -MIN_EFFECT:
            continue
        develops = tuple(code for j, code in enumerate(catalog.codes) if catalog.membership[t, j] and gapped[i, j])
        hours = float(np.nan_to_num(catalog.hours[t]))
        step = TrainingStep(str(catalog.training_codes[t]), str(catalog.names[t]), hours, develops, change)
        keys[i].append((change, -round(float(after.performance[k] - base.performance[i]), 4)))
        out[i].append(step)
    for i in range(len(rows)):
        order = sorted(range(len(out[i])), key=keys[i].__getitem__)
        out[i] = [out[i][k] for k in order]
    return out


def covering_trainings(ranked: list[TrainingStep], most: int) -> list[TrainingStep]:
    """Up to ``most`` of ``ranked`` (best first), each covering a gap code that no better
    one chosen covers."""
    chosen: list[TrainingStep] = []
    covered: set[str] = set()
    for step in ranked:
        if len(chosen) >= most:
            break
        if set(step.competency_codes) - covered:
            chosen.append(step)
            covered |= set(step.competency_codes)
    return chosen


# --- mentors --------------------------------------------------------------------------------


def mentor_candidates(context: ServingContext, now: pd.DataFrame, codes: tuple[str, ...], as_of) -> Candidates:
    """Who may mentor at ``as_of`` (``now`` = the snapshot then, indexed by employee_id):
    PNS holding a post they have held at least :data:`SETTLED_MONTHS`, not exited, not away
    (study leave, leave outside state pay, suspension)."""
    t = pd.Timestamp(as_of).normalize()
    post = objects(now, s.CURRENT_POSITION_ID)
    start = now[s.CURRENT_POST_START].to_numpy(dtype="datetime64[ns]")
    away = np.zeros(len(now), dtype=bool)
    for kind in AWAY_KINDS:
        if s.status_column(kind) in now.columns:
            away |= floats(now, s.status_column(kind)) > 0
    keep = ((now[c.EMPLOYMENT_STATUS] == MENTOR_STATUS).to_numpy() & pd.notna(post)
            & ~now[s.EXITED].to_numpy(dtype=bool) & ~away
            & (start <= np.datetime64(t - pd.DateOffset(months=SETTLED_MONTHS))))
    picked = now[keep]
    return Candidates(ids=picked.index.to_numpy(dtype=object), units=context.units_of(post[keep]),
                      domains=objects(picked, s.CURRENT_DOMAIN), grade_ranks=floats(picked, s.GRADE_RANK),
                      levels=float_columns(picked, [s.level_column(code) for code in codes]))


def suggest_mentors(context: ServingContext, now: pd.DataFrame, posts: np.ndarray, ids: np.ndarray,
                    codes: tuple[str, ...], gap_required: np.ndarray, as_of, settings: MentorSettings
                    ) -> tuple[list[Mentor | None], list[NoMentor | None]]:
    """A mentor (or why none) for each transferee, assigned jointly."""
    domains = context.positions.columns_for(posts, (c.DOMAIN,))[c.DOMAIN]
    mentees = Mentees(ids=ids, units=context.units_of(posts), domains=np.asarray(domains, dtype=object),
                      grade_ranks=floats(now.reindex(ids), s.GRADE_RANK), gap_required=gap_required)
    pool = mentor_candidates(context, now, codes, as_of)
    strong = strong_codes(mentees, pool, settings.strength_margin)
    eligible = eligible_pairs(mentees, pool, strong, settings.min_grade_steps, settings.same_domain)
    chosen = assign_mentors(eligible, strength_scores(pool, strong), settings.max_mentees)
    names = context.display_names
    grade_of = {rank: grade for grade, rank in v.GRADE_RANK.items()}
    mentors: list[Mentor | None] = []
    reasons: list[NoMentor | None] = []
    for i, k in enumerate(chosen):
        if k == NONE:
            mentors.append(None)
            reasons.append(NoMentor.ALL_AT_CAPACITY if eligible[i].any() else NoMentor.NO_CANDIDATE)
            continue
        mentor_id = str(pool.ids[k])
        strengths = tuple(codes[j] for j in np.flatnonzero(strong[i, k]))
        mentors.append(Mentor(mentor_id, names.get(mentor_id), str(now.at[mentor_id, s.CURRENT_POSITION_ID]),
                              grade_of.get(int(pool.grade_ranks[k]), ""), strengths))
        reasons.append(None)
    return mentors, reasons
