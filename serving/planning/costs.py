"""What each constraint of a round costs: the objective gained by dropping it alone.

Each constraint present in the round is relaxed on its own and the round solved again;
its cost is how much more objective the relaxed round reaches (never below 0). Relaxing
``priority`` puts every vacancy on one level, so only the objective is then maximised
after filling as many slots as possible. A relaxation that lets more slots be filled can
end with a *lower* objective (slots are filled before value counts): its cost reports 0 and
``slots_gained`` says how many more slots it fills, which makes the constraint binding too.
Constraints the round does not use are reported too, as not binding at cost 0.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from serving.planning.problem import NO_CAP, PlanProblem, Solution
from serving.planning.solver import solve as exact_solve

MIN_TOLERANCE = 1e-9        # a cost above this (or above both solves' bound slack) is binding


class ConstraintName(StrEnum):
    MAX_OUTFLOW_PER_UNIT = "max_outflow_per_unit"
    PRIORITY = "priority"
    FIXED_MOVES = "fixed_moves"
    FORBIDDEN_MOVES = "forbidden_moves"
    KEY_POST_GUARD = "key_post_guard"


# the PlanProblem.relaxed keyword that drops each constraint
RELAX_FLAG = {
    ConstraintName.MAX_OUTFLOW_PER_UNIT: "outflow",
    ConstraintName.PRIORITY: "priority",
    ConstraintName.FIXED_MOVES: "fixed",
    ConstraintName.FORBIDDEN_MOVES: "forbidden",
    ConstraintName.KEY_POST_GUARD: "guard",
}


@dataclass(frozen=True)
class ConstraintCost:
    name: ConstraintName
    binding: bool               # the relaxed round reaches more objective (beyond the solves' slack)
    cost: float                 # max(0, relaxed value - plan value)
    relaxed_value: float        # objective of the round without this constraint
    relaxed_bound: float        # proven bound of that solve
    slots_gained: int = 0       # slots the relaxed round fills beyond the plan's


def present(problem: PlanProblem, name: ConstraintName) -> bool:
    """Whether the round uses the constraint at all."""
    return {
        ConstraintName.MAX_OUTFLOW_PER_UNIT: bool((problem.outflow_cap < NO_CAP).any()),
        ConstraintName.PRIORITY: len(np.unique(problem.priority)) > 1,
        ConstraintName.FIXED_MOVES: bool(problem.fixed.any()),
        ConstraintName.FORBIDDEN_MOVES: bool(problem.forbidden.any()),
        ConstraintName.KEY_POST_GUARD: bool(problem.guarded.any()),
    }[name]


def slack_everywhere(problem: PlanProblem, solution: Solution, name: ConstraintName) -> bool:
    """Whether relaxing ``name`` provably cannot change the plan: without chains the round
    is a min-cost flow, a linear programme, and an optimum where no unit reaches its
    outflow cap stays optimal when the caps go (no re-solve needed)."""
    if name is not ConstraintName.MAX_OUTFLOW_PER_UNIT or problem.has_chains:
        return False
    leaving = np.bincount(problem.pair_unit()[solution.chosen], minlength=len(problem.outflow_cap))
    return bool((leaving < problem.outflow_cap).all())


def constraint_costs(problem: PlanProblem, solution: Solution, solve: Callable[..., Solution] = exact_solve,
                     time_limit_s: float | None = None, **solve_kwargs) -> tuple[list[ConstraintCost], Solution]:
    """The cost of every constraint (all five names, in ConstraintName order) and the
    solution with all of them relaxed at once. ``time_limit_s`` bounds all the re-solves
    together (shared evenly)."""
    resolve = [n for n in ConstraintName if present(problem, n) and not slack_everywhere(problem, solution, n)]
    if time_limit_s is not None:
        solve_kwargs["time_limit_s"] = time_limit_s / (len(resolve) + 1)
    costs = []
    for name in ConstraintName:
        if name not in resolve:
            costs.append(ConstraintCost(name, False, 0.0, solution.value, solution.bound))
            continue
        relaxed = solve(problem.relaxed(**{RELAX_FLAG[name]: True}), **solve_kwargs)
        cost = max(0.0, relaxed.value - solution.value)
        tolerance = max(MIN_TOLERANCE, (solution.bound - solution.value) + (relaxed.bound - relaxed.value))
        gained = int(relaxed.fills.sum() - solution.fills.sum())
        costs.append(ConstraintCost(name, cost > tolerance or gained > 0, cost, relaxed.value, relaxed.bound,
                                    gained))
    everything = solve(problem.relaxed(**{flag: True for flag in RELAX_FLAG.values()}), **solve_kwargs)
    return costs, everything
