"""A slow, obviously correct reference for tiny rounds: try every assignment.

Each employee either stays or takes one of their pairs; every combination is checked with
:func:`check_assignment`, and the best feasible one is the lexicographic maximum of
(fills of the most urgent level, ..., fills of the last level, objective).
"""

import itertools

import numpy as np

from serving.planning.problem import PlanProblem, check_assignment, objective, priority_fills

STAYS = -1


def brute_force(problem: PlanProblem) -> tuple[float, np.ndarray] | None:
    """(best objective, its fills per priority level), or None when nothing is feasible."""
    options = [[STAYS, *np.flatnonzero(problem.pair_employee == e).tolist()] for e in range(problem.n_employees)]
    best: tuple[tuple[int, ...], float] | None = None
    for picks in itertools.product(*options):
        chosen = np.zeros(problem.n_pairs, bool)
        chosen[[j for j in picks if j != STAYS]] = True
        if check_assignment(problem, chosen):
            continue
        key = (tuple(priority_fills(problem, chosen).tolist()), objective(problem, chosen))
        if best is None or key > best:
            best = key
    if best is None:
        return None
    return best[1], np.array(best[0], np.int64)
