"""The baseline a round is compared with: HR's vacancy-by-vacancy top pick.

Fixed moves are placed first (and when one goes into a chain post, that post's holder is
moved first to their best shallower vacancy). Then each vacancy, in order of
(depth, priority, index), repeatedly takes its highest-valued allowed pair whose employee
is still free and whose unit still has outflow left, until its headcount is met or no
candidate is left. Chain vacancies come after the round ones, one depth after another, and
a chain post is only offered when its holder has already moved into a vacancy of a smaller
depth (otherwise it stays closed). Without chains the order is simply (priority, index).

Pure numpy; the exact solver lives in :mod:`serving.planning.solver`.
"""

import numpy as np

from serving.planning.problem import PlanProblem, check_assignment

NOT_MOVED = -1          # depth of the vacancy an employee moved into, before they move


class _Picks:
    """The moves taken so far and what they leave: free employees, open slots, outflow."""

    def __init__(self, p: PlanProblem):
        self.p = p
        self.unit = p.pair_unit()
        self.chosen = np.zeros(p.n_pairs, bool)
        self.moved_depth = np.full(p.n_employees, NOT_MOVED, np.int64)
        self.filled = np.zeros(p.n_vacancies, np.int64)
        self.outflow_left = p.outflow_cap.copy()

    def take(self, j: int) -> None:
        v = self.p.pair_vacancy[j]
        self.chosen[j] = True
        self.moved_depth[self.p.pair_employee[j]] = self.p.depth[v]
        self.filled[v] += 1
        self.outflow_left[self.unit[j]] -= 1

    def can_take(self, j: int) -> bool:
        """The employee is free, the unit has outflow left and the vacancy an open slot."""
        return bool(self.moved_depth[self.p.pair_employee[j]] == NOT_MOVED and self.outflow_left[self.unit[j]] > 0
                    and self.filled[self.p.pair_vacancy[j]] < self.capacity(int(self.p.pair_vacancy[j])))

    def capacity(self, v: int) -> int:
        """Headcount of a round vacancy; a chain post's only once its holder moved shallower."""
        holder = int(self.p.opened_by[v])
        if holder < 0:
            return int(self.p.headcount[v])
        moved_to = self.moved_depth[holder]
        return int(self.p.headcount[v]) if moved_to != NOT_MOVED and moved_to < self.p.depth[v] else 0


def greedy(problem: PlanProblem) -> np.ndarray:
    """Chosen pairs (bool per pair) of the top-pick baseline; always a feasible plan.

    Raises ValueError when the fixed moves themselves cannot be honoured this way (see
    :func:`serving.planning.solver.solve` for which constraint they break)."""
    p = problem
    picks = _Picks(p)
    for j in np.flatnonzero(p.fixed).tolist():
        picks.take(j)
    _move_holders_of_fixed_posts(p, picks)

    by_vacancy = _pairs_by_vacancy(p, p.allowed() & ~picks.chosen)
    for v in _vacancy_order(p).tolist():
        candidates = by_vacancy[v]
        candidates = candidates[(picks.moved_depth[p.pair_employee[candidates]] == NOT_MOVED)
                                & (picks.outflow_left[picks.unit[candidates]] > 0)]
        for j in candidates.tolist():
            if picks.filled[v] >= picks.capacity(v):
                break
            if picks.can_take(j):           # not taken by an earlier pick of this same vacancy
                picks.take(j)

    broken = check_assignment(p, picks.chosen)
    if broken:
        raise ValueError(f"the fixed moves cannot all be honoured: {'; '.join(broken)}")
    return picks.chosen


def _move_holders_of_fixed_posts(p: PlanProblem, picks: _Picks) -> None:
    """A fixed move into a chain post needs its holder gone: move them to their best
    allowed vacancy of a smaller depth (shallowest posts first)."""
    fixed_into = np.unique(p.pair_vacancy[p.fixed])
    posts = fixed_into[p.opened_by[fixed_into] >= 0]
    for v in posts[np.argsort(p.depth[posts], kind="stable")].tolist():
        holder = p.opened_by[v]
        if picks.moved_depth[holder] != NOT_MOVED:
            continue
        own = np.flatnonzero((p.pair_employee == holder) & p.allowed() & (p.depth[p.pair_vacancy] < p.depth[v]))
        for j in own[np.argsort(-p.pair_value[own], kind="stable")].tolist():
            if picks.can_take(j):
                picks.take(j)
                break


def _vacancy_order(p: PlanProblem) -> np.ndarray:
    """Round vacancies first, then chain posts by depth; within a depth by priority, index."""
    return np.lexsort((np.arange(p.n_vacancies), p.priority, p.depth))


def _pairs_by_vacancy(p: PlanProblem, usable: np.ndarray) -> list[np.ndarray]:
    """For each vacancy, its usable pairs, highest value first (ties: lower pair index)."""
    idx = np.flatnonzero(usable)
    idx = idx[np.lexsort((idx, -p.pair_value[idx], p.pair_vacancy[idx]))]
    starts = np.searchsorted(p.pair_vacancy[idx], np.arange(p.n_vacancies + 1))
    return [idx[starts[v]:starts[v + 1]] for v in range(p.n_vacancies)]
