"""From a round to the solver's arrays: pools of every vacancy through the one scoring
path, the value of each pair, and the reviewer's and the key posts' constraints.

Pools are built vacancy by vacancy (eligibility and pair features, as a ranking does);
their frames are scored in chunks with :func:`models.scoring.score_candidate_frames` and
only the numbers are kept: a round of thousands of posts would not fit otherwise.
Explanations are rebuilt later for the rows a plan shows.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import Columns, floats
from features.candidates import candidate_pool
from features.pairs import PREF_DOMAIN_MATCH, PREF_REGION_MATCH, RELOCATION_UNWILLING, PositionTable
from features.round import Round, is_key_post
from models.bundle import RankerBundle
from models.scoring import score_candidate_frames
from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning.problem import NO_CAP, PlanProblem
from serving.planning.settings import PlanSettings

CHUNK_ROWS = 200_000            # candidate rows scored per model call
Progress = Callable[[str, int, int], None]      # (stage, done, total)


@dataclass(frozen=True)
class RoundPairs:
    """The solver's problem and, aligned with it, what a plan document needs to show."""

    problem: PlanProblem
    view: Columns                   # every employee at the as-of date (employee index = row)
    positions: PositionTable        # the dataset's posts and the round's ad-hoc ones
    vacancy_ids: np.ndarray         # position_id of each vacancy index
    vacancy_units: np.ndarray       # unit_id of each vacancy
    vacancy_rows: np.ndarray        # 1-based round-file row, 0 for a chain post
    unit_ids: np.ndarray            # unit_id of each unit index
    staff: np.ndarray               # employees holding a post in each unit
    performance: np.ndarray         # per pair
    risk: np.ndarray
    preference_met: np.ndarray      # bool per pair
    against_wish: np.ndarray        # bool per pair: relocation against a stated unwillingness
    n_excluded: np.ndarray          # per vacancy: employees not eligible
    key_post: np.ndarray = None     # bool per vacancy: JPT, administrator or strategic

    def employee_ids(self, employees: np.ndarray) -> np.ndarray:
        return self.view[c.EMPLOYEE_ID][employees]


@dataclass
class _Pools:
    """Pairs gathered vacancy by vacancy, then scored chunk by chunk."""

    employee: list
    vacancy: list
    perf: list
    risk: list
    pref: list
    unwilling: list
    pending: list
    pending_rows: int = 0


def pair_values(settings: PlanSettings, perf: np.ndarray, risk: np.ndarray, preference_met: np.ndarray,
                against_wish: np.ndarray) -> np.ndarray:
    """The objective value of each pair (see :mod:`serving.planning.settings`)."""
    w = settings.weights
    return (w.performance * perf - w.risk * risk + w.preference * preference_met.astype("float64")
            - w.unwilling * against_wish.astype("float64"))


def build_round(context: ServingContext, bundle: RankerBundle, round_: Round, when: pd.Timestamp,
                settings: PlanSettings, positions: PositionTable, progress: Progress | None = None) -> RoundPairs:
    """Score every eligible pair of the round (and of the chain posts) into a PlanProblem."""
    view = context.snapshot_columns(when)
    masks = context.employee_masks(when, settings.rules)
    unit_of_post = _unit_of_post(context, round_)
    unit_ids = np.array(sorted(set(context.dataset.units[c.UNIT_ID])), dtype=object)
    employee_unit, staff = _employee_units(view, unit_of_post, unit_ids)

    vacancy_ids = [v.position_id for v in round_.vacancies]
    headcount = [v.headcount for v in round_.vacancies]
    priority = [v.priority for v in round_.vacancies]
    rows = [v.row for v in round_.vacancies]
    opened_by, depth = [-1] * len(vacancy_ids), [0] * len(vacancy_ids)
    pools = _Pools([], [], [], [], [], [], [])
    n_excluded: list[int] = []

    level = list(range(len(vacancy_ids)))
    lowest = max(priority, default=1)
    for d in range(settings.chain_depth + 1):
        for k, v in enumerate(level):
            if progress:
                progress("pairs" if d == 0 else f"chain posts, depth {d}", k, len(level))
            pool = candidate_pool(view, positions, vacancy_ids[v], settings.rules, employee_masks=masks)
            n_excluded.append(len(view) - len(pool))
            _add_pool(pools, bundle, settings, pool, np.flatnonzero(pool.reasons == ""), v)
        if progress:
            progress("pairs" if d == 0 else f"chain posts, depth {d}", len(level), len(level))
        if d == settings.chain_depth:
            break
        _flush(pools, bundle)
        openers = _chain_openers(pools, level, settings, view, set(vacancy_ids), opened_by)
        level = []
        for e in openers:
            level.append(len(vacancy_ids))
            vacancy_ids.append(view[s.CURRENT_POSITION_ID][e])
            headcount.append(1)
            priority.append(lowest)
            rows.append(0)
            opened_by.append(int(e))
            depth.append(d + 1)
    _flush(pools, bundle)

    pair_employee = _cat(pools.employee, np.int64)
    pair_vacancy = _cat(pools.vacancy, np.int64)
    perf, risk = _cat(pools.perf, np.float64), _cat(pools.risk, np.float64)
    pref, unwilling = _cat(pools.pref, bool), _cat(pools.unwilling, bool)
    vacancy_ids_arr = np.array(vacancy_ids, dtype=object)
    vacancy_units = np.array([unit_of_post.get(p) for p in vacancy_ids], dtype=object)
    caps = np.array([NO_CAP if (cap := settings.outflow.cap(int(n))) is None else cap for n in staff]
                    + [NO_CAP], dtype=np.int64)         # the last unit: employees without a post
    problem = PlanProblem(
        pair_employee, pair_vacancy, pair_values(settings, perf, risk, pref, unwilling),
        np.array(headcount, np.int64), np.array(priority, np.int64), employee_unit, caps,
        opened_by=np.array(opened_by, np.int64), depth=np.array(depth, np.int64))
    pairs = RoundPairs(problem, view, positions, vacancy_ids_arr, vacancy_units, np.array(rows, np.int64),
                       unit_ids, staff, perf, risk, pref, unwilling, np.array(n_excluded, np.int64))
    return _with_reviewer_and_guard(pairs, context, round_, settings)


def _add_pool(pools: _Pools, bundle: RankerBundle, settings: PlanSettings, pool, rows: np.ndarray, v: int) -> None:
    if not len(rows):
        return
    frame = pool.frame
    pools.employee.append(rows)
    pools.vacancy.append(np.full(len(rows), v, np.int64))
    pools.pref.append((floats(frame, PREF_DOMAIN_MATCH) == 1) | (floats(frame, PREF_REGION_MATCH) == 1))
    pools.unwilling.append(np.nan_to_num(floats(frame, RELOCATION_UNWILLING), nan=0.0) > 0)
    pools.pending.append(frame)
    pools.pending_rows += len(rows)
    if pools.pending_rows >= CHUNK_ROWS:
        _flush(pools, bundle)


def _flush(pools: _Pools, bundle: RankerBundle) -> None:
    """Score the pending frames in one model call and keep only the numbers."""
    if not pools.pending:
        return
    scored = score_candidate_frames(bundle, pools.pending)
    pools.perf.append(scored.performance)
    pools.risk.append(scored.risk)
    pools.pending, pools.pending_rows = [], 0


def _chain_openers(pools: _Pools, level: list[int], settings: PlanSettings, view: Columns,
                   round_posts: set, opened_by: list[int]) -> list[int]:
    """Employees whose post opens at the next depth: each vacancy's best candidates by value,
    once each, whose post is not already a vacancy of the round."""
    employee, vacancy = _cat(pools.employee, np.int64), _cat(pools.vacancy, np.int64)
    value = pair_values(settings, _cat(pools.perf, np.float64), _cat(pools.risk, np.float64),
                        _cat(pools.pref, bool), _cat(pools.unwilling, bool))
    seen = {e for e in opened_by if e >= 0}
    posts = view[s.CURRENT_POSITION_ID]
    openers: list[int] = []
    for v in level:
        mine = np.flatnonzero(vacancy == v)
        best = mine[np.argsort(-value[mine], kind="stable")[: settings.chain_candidates]]
        for e in employee[best].tolist():
            if e not in seen and posts[e] is not None and posts[e] not in round_posts:
                seen.add(e)
                openers.append(e)
    return openers


def _unit_of_post(context: ServingContext, round_: Round) -> dict:
    unit_of = dict(zip(context.dataset.positions[c.POSITION_ID], context.dataset.positions[c.UNIT_ID]))
    for v in round_.vacancies:
        if v.ad_hoc:
            unit_of[v.position_id] = v.ad_hoc[c.UNIT_ID]
    return unit_of


def _employee_units(view: Columns, unit_of_post: dict, unit_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit index of each employee's current post (the extra last index when none) and the
    staff of each unit (employees holding a post there, exited ones not counted)."""
    units = np.array([unit_of_post.get(p) for p in view[s.CURRENT_POSITION_ID]], dtype=object)
    at = pd.Index(unit_ids).get_indexer(units)
    at = np.where(at < 0, len(unit_ids), at)
    present = ~(floats(view, s.EXITED) > 0)
    staff = np.bincount(at[present], minlength=len(unit_ids) + 1)[: len(unit_ids)]
    return at.astype(np.int64), staff


def _cat(parts: list, dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)


def _with_reviewer_and_guard(pairs: RoundPairs, context: ServingContext, round_: Round,
                             settings: PlanSettings) -> RoundPairs:
    """Mark fixed and forbidden pairs and the pairs below a key post's guard; a fixed move
    that is no pair (unknown id, not in the round, not eligible) is an error naming it."""
    p = pairs.problem
    key = _key_posts(context, round_, pairs.vacancy_ids)
    g = settings.guard
    below = np.zeros(p.n_pairs, bool)
    if g.min_performance is not None:
        below |= pairs.performance < g.min_performance
    if g.max_risk is not None:
        below |= pairs.risk > g.max_risk
    guarded = key[p.pair_vacancy] & below
    index = _pair_index(pairs)
    known = (set(pairs.view[c.EMPLOYEE_ID].tolist()), set(pairs.vacancy_ids.tolist()))
    fixed = np.zeros(p.n_pairs, bool)
    for i, move in enumerate(settings.fixed):
        at = _find_pair(pairs, index, known, move, f"fixed.{i}", settings)
        if guarded[at]:
            raise RankingError(f"fixed.{i}", f"fixed move of {move[0]} to {move[1]} breaks the key post guard "
                                             f"(predicted {pairs.performance[at]:.2f}, risk {pairs.risk[at]:.0%})")
        fixed[at] = True
    forbidden = np.zeros(p.n_pairs, bool)
    for i, move in enumerate(settings.forbidden):
        _check_known(known, move, f"forbidden.{i}")
        at = index.get(tuple(move))
        if at is not None:
            forbidden[at] = True
    both = np.flatnonzero(fixed & forbidden)
    if len(both):
        e, v = pairs.view[c.EMPLOYEE_ID][p.pair_employee[both[0]]], pairs.vacancy_ids[p.pair_vacancy[both[0]]]
        raise RankingError("forbidden", f"the move of {e} to {v} is both fixed and forbidden")
    return replace(pairs, key_post=key, problem=replace(p, fixed=fixed, forbidden=forbidden, guarded=guarded))


def _key_posts(context: ServingContext, round_: Round, vacancy_ids: np.ndarray) -> np.ndarray:
    pos = context.dataset.positions.set_index(c.POSITION_ID)
    strategic = pos[c.STRATEGIC] if c.STRATEGIC in pos.columns else pd.Series(False, index=pos.index)
    types = dict(zip(pos.index, pos[c.POSITION_TYPE]))
    flags = dict(zip(pos.index, strategic.fillna(False).astype(bool)))
    for v in round_.vacancies:
        if v.ad_hoc:
            types[v.position_id] = v.ad_hoc[c.POSITION_TYPE]
            flags[v.position_id] = bool(v.ad_hoc.get(c.STRATEGIC) or False)
    return np.asarray(is_key_post(np.array([types.get(p) for p in vacancy_ids], dtype=object),
                                  np.array([flags.get(p, False) for p in vacancy_ids], dtype=bool)), dtype=bool)


def _pair_index(pairs: RoundPairs) -> dict[tuple[str, str], int]:
    p = pairs.problem
    employees = pairs.view[c.EMPLOYEE_ID][p.pair_employee]
    return {(e, v): k for k, (e, v) in enumerate(zip(employees.tolist(), pairs.vacancy_ids[p.pair_vacancy].tolist()))}


def _check_known(known: tuple[set, set], move, field: str) -> None:
    employee, position = move
    if employee not in known[0]:
        raise RankingError(f"{field}.employee_id", f"{field}: unknown employee_id {employee!r}")
    if position not in known[1]:
        raise RankingError(f"{field}.position_id", f"{field}: position_id {position!r} is not a vacancy of this round")


def _find_pair(pairs: RoundPairs, index: dict, known: tuple[set, set], move, field: str,
               settings: PlanSettings) -> int:
    _check_known(known, move, field)
    at = index.get(tuple(move))
    if at is None:
        employee, position = move
        row = int(np.flatnonzero(pairs.view[c.EMPLOYEE_ID] == employee)[0])
        pool = candidate_pool(pairs.view.take(np.array([row])), pairs.positions, position, settings.rules)
        reasons = pool.reasons[0] or "not a candidate"
        raise RankingError(field, f"fixed move of {employee} to {position} is not allowed: {employee} is not "
                                  f"eligible ({reasons.replace(';', ', ')})")
    return at
