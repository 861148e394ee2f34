"""A round as plain arrays: what the solver, the greedy baseline and the constraint costs
read. Built by :mod:`serving.planning.build` from scored candidate pools; tests build
small ones by hand.

One *pair* is an allowed (employee, vacancy) move with its objective value. Vacancies are
the round's posts (``opened_by = -1``) and, with vacancy chains, the current posts of
possible movers (``opened_by = e``: at most one person, and only if ``e`` moves into a
vacancy of a smaller chain depth). Every move of a unit's employee counts against that
unit's outflow cap (a move within the unit too: the old post is left behind either way).

Priorities are lexicographic: filling one more slot of a more urgent level (1 first) is
worth more than anything at a later level or in the objective; within that, the objective
is maximised. Every vacancy is filled when an allowed assignment can fill it.
"""

from dataclasses import dataclass, field, replace

import numpy as np

NO_CAP = np.iinfo(np.int64).max // 4        # an outflow cap that never binds


@dataclass(frozen=True)
class PlanProblem:
    pair_employee: np.ndarray       # int64, employee index of each pair, 0..n_employees-1
    pair_vacancy: np.ndarray        # int64, vacancy index of each pair, 0..n_vacancies-1
    pair_value: np.ndarray          # float64, the pair's objective value
    headcount: np.ndarray           # int64 per vacancy, >= 1 (chain vacancies: 1)
    priority: np.ndarray            # int64 per vacancy, >= 1, 1 = filled first
    employee_unit: np.ndarray       # int64 per employee, index into outflow_cap
    outflow_cap: np.ndarray         # int64 per unit: most employees of the unit who move
    fixed: np.ndarray = None        # bool per pair: a reviewer fixed this move
    forbidden: np.ndarray = None    # bool per pair: a reviewer forbade this move (kept for its cost)
    guarded: np.ndarray = None      # bool per pair: breaks a key post's floor or ceiling (kept for its cost)
    opened_by: np.ndarray = None    # int64 per vacancy: -1, or the employee whose move opens it
    depth: np.ndarray = None        # int64 per vacancy: 0 for the round, k for a chain post

    def __post_init__(self):
        n_pairs, n_vac = len(self.pair_value), len(self.headcount)
        for name, default in (("fixed", np.zeros(n_pairs, bool)), ("forbidden", np.zeros(n_pairs, bool)),
                              ("guarded", np.zeros(n_pairs, bool)), ("opened_by", np.full(n_vac, -1)),
                              ("depth", np.zeros(n_vac, np.int64))):
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)
        for name, dtype in (("pair_employee", np.int64), ("pair_vacancy", np.int64), ("pair_value", np.float64),
                            ("headcount", np.int64), ("priority", np.int64), ("employee_unit", np.int64),
                            ("outflow_cap", np.int64), ("fixed", bool), ("forbidden", bool),
                            ("guarded", bool), ("opened_by", np.int64),
                            ("depth", np.int64)):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=dtype))

    @property
    def n_pairs(self) -> int:
        return len(self.pair_value)

    @property
    def n_vacancies(self) -> int:
        return len(self.headcount)

    @property
    def n_employees(self) -> int:
        return len(self.employee_unit)

    @property
    def has_chains(self) -> bool:
        return bool((self.opened_by >= 0).any())

    def pair_unit(self) -> np.ndarray:
        """The unit each pair's employee leaves."""
        return self.employee_unit[self.pair_employee]

    def allowed(self) -> np.ndarray:
        """Pairs a plan may choose: neither forbidden by a reviewer nor below a key post's guard."""
        return ~(self.forbidden | self.guarded)

    def relaxed(self, *, outflow: bool = False, priority: bool = False, fixed: bool = False,
                forbidden: bool = False, guard: bool = False) -> "PlanProblem":
        """The same round with some constraints dropped (for what each one costs)."""
        changes: dict = {}
        if forbidden:
            changes["forbidden"] = np.zeros_like(self.forbidden)
        if guard:
            changes["guarded"] = np.zeros_like(self.guarded)
        if outflow:
            changes["outflow_cap"] = np.full_like(self.outflow_cap, NO_CAP)
        if priority:
            changes["priority"] = np.ones_like(self.priority)
        if fixed:
            changes["fixed"] = np.zeros_like(self.fixed)
        return replace(self, **changes)

    def subset(self, keep: np.ndarray) -> "PlanProblem":
        """Only the pairs where ``keep`` is true (vacancies and employees unchanged)."""
        return replace(self, pair_employee=self.pair_employee[keep], pair_vacancy=self.pair_vacancy[keep],
                       pair_value=self.pair_value[keep], fixed=self.fixed[keep],
                       forbidden=self.forbidden[keep], guarded=self.guarded[keep])


def check_assignment(problem: PlanProblem, chosen: np.ndarray) -> list[str]:
    """Every constraint the chosen pairs break (empty when the assignment is feasible);
    tests and the solver's own read-back both use it."""
    p, chosen = problem, np.asarray(chosen, dtype=bool)
    broken: list[str] = []
    per_employee = np.bincount(p.pair_employee[chosen], minlength=p.n_employees)
    if (per_employee > 1).any():
        broken.append(f"employee {int(np.argmax(per_employee))} holds {per_employee.max()} posts")
    filled = np.bincount(p.pair_vacancy[chosen], minlength=p.n_vacancies)
    capacity = p.headcount.copy()
    chain = p.opened_by >= 0
    if chain.any():
        moves_into = _moves_by_depth(p, chosen)
        capacity[chain] = [min(int(p.headcount[v]), moves_into[int(p.opened_by[v])][: int(p.depth[v])].sum())
                           for v in np.flatnonzero(chain)]
    over = np.flatnonzero(filled > capacity)
    if len(over):
        broken.append(f"vacancy {int(over[0])} filled {filled[over[0]]} times, capacity {capacity[over[0]]}")
    leaving = np.bincount(p.pair_unit()[chosen], minlength=len(p.outflow_cap))
    over_units = np.flatnonzero(leaving > p.outflow_cap)
    if len(over_units):
        u = int(over_units[0])
        broken.append(f"unit {u} loses {leaving[u]}, cap {p.outflow_cap[u]}")
    if (chosen & ~p.allowed()).any():
        broken.append(f"pair {int(np.flatnonzero(chosen & ~p.allowed())[0])} is forbidden or guarded")
    if (p.fixed & ~chosen).any():
        broken.append(f"fixed pair {int(np.flatnonzero(p.fixed & ~chosen)[0])} not chosen")
    return broken


def _moves_by_depth(p: PlanProblem, chosen: np.ndarray) -> dict[int, np.ndarray]:
    """For each employee who opens a chain post: chosen moves into vacancies of each depth."""
    top = int(p.depth.max()) + 1
    out: dict[int, np.ndarray] = {}
    for e in np.unique(p.opened_by[p.opened_by >= 0]).tolist():
        counts = np.zeros(top, np.int64)
        mine = chosen & (p.pair_employee == e)
        np.add.at(counts, p.depth[p.pair_vacancy[mine]], 1)
        out[e] = counts
    return out


@dataclass(frozen=True)
class Solution:
    """What a solve gives back, read only after its status was checked."""

    chosen: np.ndarray              # bool per pair
    value: float                    # objective of the chosen pairs
    bound: float                    # proven upper bound on the objective at the same priority fills
    fills: np.ndarray               # slots filled per priority level (levels ascending)
    solver: str                     # which solver answered
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gap(self) -> float:
        """(bound - value) / |bound|, 0 when both are 0."""
        if self.bound == self.value:
            return 0.0
        return float((self.bound - self.value) / max(abs(self.bound), 1e-12))


def objective(problem: PlanProblem, chosen: np.ndarray) -> float:
    return float(problem.pair_value[np.asarray(chosen, dtype=bool)].sum())


def priority_fills(problem: PlanProblem, chosen: np.ndarray) -> np.ndarray:
    """Filled slots per priority level (distinct priorities ascending)."""
    levels = np.unique(problem.priority)
    at = np.searchsorted(levels, problem.priority[problem.pair_vacancy[np.asarray(chosen, dtype=bool)]])
    return np.bincount(at, minlength=len(levels))
