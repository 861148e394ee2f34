"""From a round to the solver's arrays: pools of every vacancy through the one scoring
path, the value of each pair, and the reviewer's and the key posts' constraints.

A round of thousands of posts against tens of thousands of employees has millions of
pairs, so pools are not built one vacancy at a time as a ranking does. Eligibility is
decided per vacancy by :class:`features.eligibility.PostEligibility` (the cached employee masks and the
post's own rules, as :func:`features.candidates.candidate_pool` decides); the eligible pairs of many vacancies
are then gathered into chunks of about ``CHUNK_ROWS`` rows, whose pair features come from
one :func:`features.pairs.pair_features` call (a position id per row) and whose model
matrix reuses each employee's encoded features. Each chunk is scored by
:func:`models.scoring.score_matrix` with ``SCORING_THREADS`` threads and only its numbers
are kept, so no more than one chunk's features are ever held. The numbers are those a
ranking of each vacancy's own pool gives (tests/model/test_plan_quality.py checks it).
Explanations are rebuilt later for the rows a plan shows.
"""

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import Columns, floats
from features.candidates import candidate_pool
from features.eligibility import PostEligibility
from features.pairs import (
    PREF_DOMAIN_MATCH,
    PREF_REGION_MATCH,
    RELOCATION_UNWILLING,
    TARGET_DOMAIN,
    TARGET_POSITION_TYPE,
    PositionTable,
    pair_features,
)
from features.round import Round, is_key_post
from models.bundle import RankerBundle
from models.scoring import score_matrix
from models.spec import FeatureSpec
from serving.context import ServingContext
from serving.due import NOT_DUE, due_mask
from serving.errors import RankingError
from serving.planning.problem import NO_CAP, PlanProblem
from serving.planning.settings import Movers, PlanSettings

CHUNK_ROWS = 200_000            # pairs whose features and model matrix are built and scored at once
SCORING_THREADS = max(1, min(os.cpu_count() or 1, 4))      # LightGBM threads for a chunk
PER_VACANCY = (TARGET_POSITION_TYPE, TARGET_DOMAIN)        # pair features that only depend on the post
Progress = Callable[[str, int, int], None]      # (stage, done, total)


@dataclass(frozen=True)
class RoundPairs:
    """The solver's problem and, aligned with it, what a plan document needs to show."""

    problem: PlanProblem
    view: Columns                   # every employee at the as-of date (employee index = row)
    positions: PositionTable        # the dataset's posts and the round's ad-hoc ones
    vacancy_ids: np.ndarray         # position_id of each vacancy index
    vacancy_units: np.ndarray       # unit_id of each vacancy
    unit_ids: np.ndarray            # unit_id of each unit index
    staff: np.ndarray               # employees holding a post in each unit
    performance: np.ndarray         # per pair
    risk: np.ndarray
    preference_met: np.ndarray      # bool per pair
    against_wish: np.ndarray        # bool per pair: relocation against a stated unwillingness
    n_excluded: np.ndarray          # per vacancy: employees not eligible
    key_post: np.ndarray = None     # bool per vacancy: JPT, administrator or strategic

    def chosen_by(self, moves) -> np.ndarray:
        """Bool per pair: the pairs of a plan's moves (anything with ``employee_id`` and
        ``position_id``), e.g. to score a plan document against other values."""
        pairs = [(m.employee_id, m.position_id) for m in moves]
        index = _pair_index(self, pairs)
        chosen = np.zeros(self.problem.n_pairs, bool)
        chosen[[index[move] for move in pairs]] = True
        return chosen


def pair_values(settings: PlanSettings, perf: np.ndarray, risk: np.ndarray, preference_met: np.ndarray,
                against_wish: np.ndarray) -> np.ndarray:
    """The objective value of each pair (see :mod:`serving.planning.settings`)."""
    w = settings.weights
    return (w.performance * perf - w.risk * risk + w.preference * preference_met.astype("float64")
            - w.unwilling * against_wish.astype("float64"))


def build_round(context: ServingContext, bundle: RankerBundle, round_: Round, when: pd.Timestamp,
                settings: PlanSettings, positions: PositionTable, progress: Progress | None = None,
                kept: tuple[np.ndarray, ...] | None = None) -> RoundPairs:
    """Score every eligible pair of the round (and of the chain posts) into a PlanProblem.

    With ``kept`` the round's pairs come scored already, e.g. from a scored round
    (:func:`serving.planning.sparse.round_arrays`): per pair employee row, vacancy index,
    performance, risk, preference met and against wish, then per vacancy the employees not
    eligible. Nothing is scored here then, and no chain post joins (the caller refuses
    ``chain_depth`` > 0)."""
    view = context.snapshot_columns(when)
    unit_of_post = _unit_of_post(context, round_)
    unit_ids = np.array(sorted(set(context.dataset.units[c.UNIT_ID])), dtype=object)
    employee_unit, staff = _employee_units(view, unit_of_post, unit_ids)

    vacancy_ids = [v.position_id for v in round_.vacancies]
    headcount = [v.headcount for v in round_.vacancies]
    priority = [v.priority for v in round_.vacancies]
    opened_by, depth = [-1] * len(vacancy_ids), [0] * len(vacancy_ids)
    if kept is not None:
        pair_employee, pair_vacancy, perf, risk, pref, unwilling, n_excluded = kept
    else:
        eligibility = PostEligibility(view, mover_masks(context, when, settings), settings.rules)
        n_excluded: list[int] = []
        scorer = PairScorer(view, positions, bundle, chunk_rows=CHUNK_ROWS)
        level = list(range(len(vacancy_ids)))
        lowest = max(priority, default=1)
        with closing(scorer):
            for d in range(settings.chain_depth + 1):
                stage = "pairs" if d == 0 else f"chain posts, depth {d}"
                level_ids = np.array([vacancy_ids[v] for v in level], dtype=object)
                for k, (v, eligible) in enumerate(zip(level, eligibility.rows(positions, level_ids))):
                    if progress:
                        progress(stage, k, len(level))
                    n_excluded.append(len(view) - len(eligible))
                    scorer.add(eligible, v, vacancy_ids[v])
                if progress:
                    progress(stage, len(level), len(level))
                if d == settings.chain_depth:
                    break
                scorer.flush()
                openers = _chain_openers(scorer, level, settings, view, set(vacancy_ids), opened_by)
                level = []
                for e in openers:
                    level.append(len(vacancy_ids))
                    vacancy_ids.append(view[s.CURRENT_POSITION_ID][e])
                    headcount.append(1)
                    priority.append(lowest)
                    opened_by.append(int(e))
                    depth.append(d + 1)
            scorer.flush()
        pair_employee, pair_vacancy, perf, risk, pref, unwilling = scorer.arrays()

    vacancy_ids_arr = np.array(vacancy_ids, dtype=object)
    vacancy_units = np.array([unit_of_post.get(p) for p in vacancy_ids], dtype=object)
    caps = np.array([NO_CAP if (cap := settings.outflow.cap(int(n))) is None else cap for n in staff]
                    + [NO_CAP], dtype=np.int64)         # the last unit: employees without a post
    problem = PlanProblem(
        pair_employee, pair_vacancy, pair_values(settings, perf, risk, pref, unwilling),
        np.array(headcount, np.int64), np.array(priority, np.int64), employee_unit, caps,
        opened_by=np.array(opened_by, np.int64), depth=np.array(depth, np.int64))
    pairs = RoundPairs(problem, view, positions, vacancy_ids_arr, vacancy_units, unit_ids, staff, perf, risk, pref,
                       unwilling, np.array(n_excluded, np.int64))
    return _with_reviewer_and_guard(pairs, context, round_, settings)


def mover_masks(context: ServingContext, when: pd.Timestamp, settings: PlanSettings) -> dict[str, np.ndarray]:
    """The employee masks of the rules and, with ``movers=due``, one more that keeps off
    everyone not on the due list at ``when`` (:func:`serving.due.due_mask`)."""
    masks = context.employee_masks(when, settings.rules)
    if settings.movers != Movers.DUE:
        return masks
    return {**masks, NOT_DUE: ~due_mask(context.snapshot_columns(when), context.positions, settings.rules)}


class RowsOf(Columns):
    """Some rows of a ``Columns``, each column gathered only when first read (pair features
    read a few dozen of the snapshot's columns), with more columns laid over them."""

    def __init__(self, base: Columns, rows: np.ndarray, over: Columns | None = None):
        self._base, self._at = base, rows
        self._over = over
        self._over_names = set() if over is None else set(over.columns)
        self._arrays = {}
        self._rows = len(rows)

    @property
    def columns(self) -> list[str]:
        names = self._base.columns
        return names if self._over is None else list(dict.fromkeys([*names, *self._over.columns]))

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._over_names:
            return self._over[name]
        got = self._arrays.get(name)
        if got is None:
            got = self._arrays[name] = self._base[name][self._at]
        return got

    def take(self, rows: np.ndarray) -> Columns:
        return Columns({name: self[name][rows] for name in self.columns})

    def assign(self, **arrays: np.ndarray) -> Columns:
        return self.merge(Columns(arrays))

    def merge(self, other: Columns) -> Columns:
        return Columns({**{name: self[name] for name in self.columns}, **{n: other[n] for n in other.columns}})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: self[name] for name in self.columns})

    def over(self, columns: Columns) -> "RowsOf":
        """The same rows with ``columns`` laid over (sharing the columns gathered so far)."""
        out = RowsOf(self._base, self._at, columns)
        out._arrays = self._arrays
        return out


@dataclass
class PairScorer:
    """Eligible pairs added vacancy by vacancy, scored a chunk at a time; keeps only numbers.

    While the model scores one chunk (LightGBM releases the GIL), the next chunk's pair
    features are built: at most two chunks' matrices exist at once. Call :meth:`flush`
    before reading :meth:`arrays`, and :meth:`close` when done."""

    view: Columns
    positions: PositionTable
    bundle: RankerBundle
    chunk_rows: int = CHUNK_ROWS
    threads: int = SCORING_THREADS
    pending: list = field(default_factory=list)         # (rows, vacancy index, position id)
    pending_rows: int = 0
    parts: dict = field(default_factory=lambda: {k: [] for k in ("employee", "vacancy", "perf", "risk", "pref",
                                                                  "unwilling")})
    _employee_matrix: np.ndarray | None = None
    _employee_at: list | None = None                    # matrix column of each of its columns
    _scoring: Future | None = None                      # the chunk being scored
    _executor: ThreadPoolExecutor | None = None

    def add(self, rows: np.ndarray, v: int, position_id: str) -> None:
        if not len(rows):
            return
        self.pending.append((rows, v, position_id))
        self.pending_rows += len(rows)
        if self.pending_rows >= self.chunk_rows:
            self._start_chunk()

    def flush(self) -> None:
        """Score every pair added so far (returns when their numbers are in :attr:`parts`)."""
        self._start_chunk()
        self._collect()

    def drain(self) -> tuple[np.ndarray, ...]:
        """:meth:`arrays` of every pair added so far, then forget them (the encoded employee
        matrix stays): a caller that keeps only some pairs holds one batch's numbers at a time."""
        self.flush()
        out = self.arrays()
        self.parts = {key: [] for key in self.parts}
        return out

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _start_chunk(self) -> None:
        """Pair features and model matrix of the pending pairs, then their scoring in the
        background (after the previous chunk's is collected)."""
        if not self.pending:
            return
        pending, self.pending, self.pending_rows = self.pending, [], 0
        rows = np.concatenate([r for r, _, _ in pending])
        lengths = np.array([len(r) for r, _, _ in pending])
        local = np.repeat(np.arange(len(pending)), lengths)       # which pending vacancy each row belongs to
        ids = np.array([pid for _, _, pid in pending], dtype=object)
        cand = RowsOf(self.view, rows)
        pairs = pair_features(cand, self.positions, ids[local])
        frame = cand.over(pairs)
        x = self._matrix(frame, rows, pairs, local, lengths)
        pref = (floats(frame, PREF_DOMAIN_MATCH) == 1) | (floats(frame, PREF_REGION_MATCH) == 1)
        unwilling = np.nan_to_num(floats(frame, RELOCATION_UNWILLING), nan=0.0) > 0
        vacancy = np.repeat(np.array([v for _, v, _ in pending], np.int64), lengths)
        del cand, pairs, frame
        self._collect()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-scoring")
        self._scoring = self._executor.submit(self._score, x, rows.astype(np.int64, copy=False), vacancy,
                                              pref, unwilling)

    def _score(self, x: np.ndarray, rows, vacancy, pref, unwilling) -> tuple:
        scored = score_matrix(self.bundle, x, num_threads=self.threads)
        return rows, vacancy, scored.performance, scored.risk, pref, unwilling

    def _collect(self) -> None:
        if self._scoring is None:
            return
        done, self._scoring = self._scoring.result(), None
        for key, part in zip(("employee", "vacancy", "perf", "risk", "pref", "unwilling"), done):
            self.parts[key].append(part)

    def _matrix(self, frame: RowsOf, rows: np.ndarray, pairs: Columns, local: np.ndarray,
                lengths: np.ndarray) -> np.ndarray:
        """The model matrix of a chunk, as :meth:`FeatureSpec.matrix` of ``frame`` makes it:
        employee features from each employee's row of a matrix encoded once, categorical
        features of the post encoded once per vacancy, the rest column by column."""
        spec = self.bundle.spec
        if self._employee_matrix is None:
            own = tuple(f for f in spec.features if f not in pairs.columns)
            self._employee_matrix = _sub_spec(spec, own).matrix(self.view)
            self._employee_at = [spec.features.index(f) for f in own]
        x = np.empty((len(rows), len(spec.features)), dtype="float64")
        x[:, self._employee_at] = self._employee_matrix[rows]
        first = np.cumsum(lengths) - lengths               # the first row of each pending vacancy
        for j, name in enumerate(spec.features):
            if name not in pairs.columns:
                continue
            sub = _sub_spec(spec, (name,))
            if name in PER_VACANCY and name in spec.categorical:
                x[:, j] = sub.matrix(Columns({name: frame[name][first]}))[local, 0]
            else:
                x[:, j] = sub.matrix(Columns({name: frame[name]}))[:, 0]
        return x

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Employee, vacancy, performance, risk, preference met, against wish: per pair."""
        return tuple(_cat(self.parts[k], dtype) for k, dtype in (
            ("employee", np.int64), ("vacancy", np.int64), ("perf", np.float64), ("risk", np.float64),
            ("pref", bool), ("unwilling", bool)))


def _sub_spec(spec: FeatureSpec, names: tuple[str, ...]) -> FeatureSpec:
    """The spec restricted to some of its features (same categories)."""
    return FeatureSpec(names, tuple(n for n in names if n in spec.categorical),
                       {n: spec.categories[n] for n in names if n in spec.categories})


def _chain_openers(scorer: PairScorer, level: list[int], settings: PlanSettings, view: Columns,
                   round_posts: set, opened_by: list[int]) -> list[int]:
    """Employees whose post opens at the next depth: each vacancy's best candidates by value,
    once each, whose post is not already a vacancy of the round."""
    employee, vacancy, perf, risk, pref, unwilling = scorer.arrays()
    value = pair_values(settings, perf, risk, pref, unwilling)
    by_vacancy = np.argsort(vacancy, kind="stable")          # each vacancy's pairs in pair order
    starts = np.searchsorted(vacancy[by_vacancy], np.arange(max(level, default=-1) + 2))
    seen = {e for e in opened_by if e >= 0}
    posts = view[s.CURRENT_POSITION_ID]
    openers: list[int] = []
    for v in level:
        mine = by_vacancy[starts[v]:starts[v + 1]]
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
    index = _pair_index(pairs, (*settings.fixed, *settings.forbidden))
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


def _pair_index(pairs: RoundPairs, moves) -> dict[tuple[str, str], int]:
    """Pair index of each (employee_id, position_id) among the pairs of the moves' employees
    (a round has millions of pairs; only these few are looked up)."""
    p = pairs.problem
    wanted = {move[0] for move in moves}
    if not wanted:
        return {}
    ids = pairs.view[c.EMPLOYEE_ID]
    rows = np.array([i for i, e in enumerate(ids.tolist()) if e in wanted], dtype=np.int64)
    keep = np.flatnonzero(np.isin(p.pair_employee, rows))
    employees = ids[p.pair_employee[keep]]
    return {(e, v): k for k, e, v in zip(keep.tolist(), employees.tolist(),
                                         pairs.vacancy_ids[p.pair_vacancy[keep]].tolist())}


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
        reasons = pool.reasons[0] or (NOT_DUE if settings.movers == Movers.DUE else "not a candidate")
        raise RankingError(field, f"fixed move of {employee} to {position} is not allowed: {employee} is not "
                                  f"eligible ({reasons.replace(';', ', ')})")
    return at
