"""The exact solve of a round (the edge of the planning package: OR-Tools and HiGHS).

Two methods, both lexicographic in priority (fill the most urgent level first) and then
maximising the objective:

- ``"flow"`` (default without chain vacancies): one min-cost flow, source -> unit (outflow
  cap) -> employee (1) -> vacancy (headcount) -> sink, plus a free source -> sink bypass.
  Priority levels become integer bonuses on the pair arcs, large enough to make the order
  exact (see :func:`_level_bonuses`); values are scaled to integers and the rounding is
  accounted for in the proven ``bound``.
- ``"mip"`` (default with chain vacancies): HiGHS through ``scipy.optimize.milp``, in
  stages: each priority level's fill count is maximised with the earlier counts held,
  then the objective with all counts held.

Fixed moves are checked first (:class:`PlanInfeasible` names the conflict by index), and
every plan is read back through :func:`check_assignment` before it is returned.
"""

import time

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp

from serving.planning.greedy import greedy
from serving.planning.problem import PlanProblem, Solution, check_assignment, objective, priority_fills

VALUE_SCALE = 1_000_000                 # pair values are rounded to 1e-6 for the flow's integer costs
INT64_MAX = int(np.iinfo(np.int64).max)
FLOW_SOLVER = "ortools-min-cost-flow"
MIP_SOLVER = "highs-mip"
METHODS = ("auto", "flow", "mip")

# HiGHS presolve stalls on large rounds with the dense held-count rows (a 60k-pair chain round:
# 90 s in presolve and past the time limit, against 3 s without), so it runs on small ones only
# (without it HiGHS 1.12 prints a stray "transformNewIntegerFeasibleSolution" debug line)
MIP_PRESOLVE_MAX_COLUMNS = 10_000
# scipy.optimize.milp statuses
MILP_OPTIMAL, MILP_INFEASIBLE = 0, 2

# min-cost flow node numbering: source, sink, then units, employees, vacancies
SOURCE, SINK, FIRST_UNIT = 0, 1, 2


class PlanInfeasible(ValueError):
    """No plan honours the fixed moves. ``constraint`` is the one they break
    ("fixed_moves", "max_outflow_per_unit", "headcount" or "chain"); ``indices`` are the
    offending indices, all of one kind: employees for "fixed_moves", units for
    "max_outflow_per_unit", vacancies otherwise. The message names each as
    "employee index i", "unit i " or "vacancy i " (followed by a space), for callers that
    put ids in place of indices."""

    def __init__(self, constraint: str, message: str, indices: tuple[int, ...]):
        super().__init__(message)
        self.constraint = constraint
        self.indices = tuple(int(i) for i in indices)


def solve(problem: PlanProblem, *, time_limit_s: float = 60.0, gap_target: float = 1e-3,
          method: str = "auto") -> Solution:
    """The best plan of the round: most urgent fills first, then the largest objective.

    The flow method is exact (up to the value rounding reported in ``bound``) and ignores
    ``time_limit_s`` and ``gap_target``; the MIP stops at ``gap_target`` (relative, on the
    objective stage) or when ``time_limit_s`` runs out over all its stages, with a note."""
    start = time.perf_counter()
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if method == "auto":
        method = "mip" if problem.has_chains else "flow"
    if method == "flow" and problem.has_chains:
        raise ValueError("the min-cost flow cannot express chain vacancies; use method='mip'")
    check_fixed_moves(problem)

    notes: tuple[str, ...] = ()
    if method == "flow":
        name = FLOW_SOLVER
        chosen, rounding_slack = _solve_flow(problem)
        bound = objective(problem, chosen) + rounding_slack
    else:
        name = MIP_SOLVER
        chosen, bound, notes = _solve_mip(problem, time_limit_s, gap_target, start)

    broken = check_assignment(problem, chosen)
    if broken:
        raise RuntimeError(f"{name} returned a plan that breaks: {'; '.join(broken)}")
    value = objective(problem, chosen)
    return Solution(chosen=chosen, value=value, bound=max(bound, value), fills=priority_fills(problem, chosen),
                    solver=name, seconds=time.perf_counter() - start, notes=notes)


# --- fixed moves -------------------------------------------------------------------------

def check_fixed_moves(problem: PlanProblem) -> None:
    """Raise :class:`PlanInfeasible` when the fixed moves alone break a constraint.

    Without chains, fixed moves that pass these checks are a feasible plan by themselves;
    with chains the MIP finds the remaining conflicts (an opener who cannot move)."""
    p, fixed = problem, problem.fixed
    bad = np.unique(p.pair_employee[fixed & ~p.allowed()])
    if len(bad):
        raise PlanInfeasible("fixed_moves", "; ".join(f"the fixed move of employee index {e} is forbidden or guarded"
                                                      for e in bad.tolist()), tuple(bad.tolist()))
    per_employee = np.bincount(p.pair_employee[fixed], minlength=p.n_employees)
    bad = np.flatnonzero(per_employee > 1)
    if len(bad):
        raise PlanInfeasible("fixed_moves", "; ".join(f"fixed moves of employee index {e} go to {per_employee[e]} posts"
                                                      for e in bad.tolist()), tuple(bad.tolist()))
    per_unit = np.bincount(p.pair_unit()[fixed], minlength=len(p.outflow_cap))
    bad = np.flatnonzero(per_unit > p.outflow_cap)
    if len(bad):
        raise PlanInfeasible("max_outflow_per_unit",
                             "; ".join(f"fixed moves take {per_unit[u]} people from unit {u} (cap {p.outflow_cap[u]})"
                                       for u in bad.tolist()), tuple(bad.tolist()))
    per_vacancy = np.bincount(p.pair_vacancy[fixed], minlength=p.n_vacancies)
    bad = np.flatnonzero(per_vacancy > p.headcount)
    if len(bad):
        raise PlanInfeasible("headcount", "; ".join(f"vacancy {v} has {per_vacancy[v]} fixed moves, headcount "
                                                    f"{p.headcount[v]}" for v in bad.tolist()), tuple(bad.tolist()))
    _check_fixed_chain_openers(p, per_vacancy)


def _check_fixed_chain_openers(p: PlanProblem, per_vacancy: np.ndarray) -> None:
    """A fixed move into a chain post needs its opener able to move into a shallower vacancy."""
    stuck = []
    for v in np.flatnonzero((per_vacancy > 0) & (p.opened_by >= 0)).tolist():
        mine = p.pair_employee == p.opened_by[v]
        possible = mine & p.fixed if (mine & p.fixed).any() else mine & p.allowed()   # a fixed opener has one move
        if not (p.depth[p.pair_vacancy[possible]] < p.depth[v]).any():
            stuck.append(v)
    if stuck:
        raise PlanInfeasible("chain", "; ".join(f"vacancy {v} has a fixed move but its holder cannot move into "
                                                f"a post of depth < {p.depth[v]}" for v in stuck), tuple(stuck))


# --- min-cost flow -----------------------------------------------------------------------

def _solve_flow(p: PlanProblem) -> tuple[np.ndarray, float]:
    """Chosen pairs and the rounding slack of the objective (bound = value + slack)."""
    chosen = p.fixed.copy()
    employee_free = np.ones(p.n_employees, bool)
    employee_free[p.pair_employee[chosen]] = False
    vacancy_left = p.headcount - np.bincount(p.pair_vacancy[chosen], minlength=p.n_vacancies)
    n_units = len(p.outflow_cap)
    unit_left = np.minimum(p.outflow_cap - np.bincount(p.pair_unit()[chosen], minlength=n_units),
                           np.bincount(p.employee_unit[employee_free], minlength=n_units))
    pair_unit = p.pair_unit()
    free = np.flatnonzero(p.allowed() & ~chosen & employee_free[p.pair_employee]
                          & (vacancy_left[p.pair_vacancy] > 0) & (unit_left[pair_unit] > 0))
    if len(free) == 0:
        return chosen, 0.0

    employees, vacancies = np.unique(p.pair_employee[free]), np.unique(p.pair_vacancy[free])
    units = np.unique(p.employee_unit[employees])
    supply = int(min(len(employees), vacancy_left[vacancies].sum(), unit_left[units].sum()))
    values = p.pair_value[free]
    scaled = _scaled_values(values)
    n_nodes = FIRST_UNIT + n_units + p.n_employees + p.n_vacancies
    level_bonus = _level_bonuses(p, scaled, max_cycle_pairs=min(2 * min(len(employees), len(vacancies)), len(free)),
                                 n_nodes=n_nodes)
    costs = -(scaled + level_bonus[np.searchsorted(np.unique(p.priority), p.priority[p.pair_vacancy[free]])])

    unit_node = FIRST_UNIT
    employee_node = unit_node + n_units
    vacancy_node = employee_node + p.n_employees
    tails = np.concatenate([np.full(len(units), SOURCE), unit_node + p.employee_unit[employees],
                            employee_node + p.pair_employee[free], vacancy_node + vacancies, [SOURCE]])
    heads = np.concatenate([unit_node + units, employee_node + employees,
                            vacancy_node + p.pair_vacancy[free], np.full(len(vacancies), SINK), [SINK]])
    capacities = np.concatenate([unit_left[units], np.ones(len(employees), np.int64), np.ones(len(free), np.int64),
                                 vacancy_left[vacancies], [supply]])
    unit_costs = np.concatenate([np.zeros(len(units) + len(employees), np.int64), costs,
                                 np.zeros(len(vacancies) + 1, np.int64)])
    first_pair_arc = len(units) + len(employees)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                                     capacities.astype(np.int64), unit_costs.astype(np.int64))
    flow.set_nodes_supplies(np.array([SOURCE, SINK], np.int32), np.array([supply, -supply], np.int64))
    status = flow.solve()
    if status == flow.BAD_COST_RANGE:
        raise ValueError("the min-cost flow's integer costs overflow: too many priority levels or too large "
                         "pair values for this round's size")
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status!r}")
    used = flow.flows(np.asarray(arcs)[first_pair_arc:first_pair_arc + len(free)]) > 0
    chosen[free[used]] = True

    # Why bound = value + 2 k e_max is proven. Let e_j = value_j - scaled_j / SCALE be the
    # rounding error of pair j (|e_j| <= e_max <= 0.5 / SCALE). The flow maximises the scaled
    # sum among plans with the lexicographically best fills (see _level_bonuses), and every
    # such plan has the same number k of free (non-fixed) moves, since its fills are equal.
    # For any such plan y and ours x: value(y) = fixed + S(y)/SCALE + sum e over y
    #   <= fixed + S(x)/SCALE + k e_max <= value(x) + 2 k e_max.
    rounding_error = float(np.abs(values - scaled / VALUE_SCALE).max())
    return chosen, 2 * int(used.sum()) * rounding_error


def _scaled_values(values: np.ndarray) -> np.ndarray:
    """Pair values as integers in units of 1 / VALUE_SCALE."""
    scaled = values * VALUE_SCALE
    if not np.isfinite(scaled).all() or np.abs(scaled).max() >= 2.0 ** 62:
        raise ValueError(f"pair values must be finite and below {2.0 ** 62 / VALUE_SCALE:.3g} in magnitude")
    return np.rint(scaled).astype(np.int64)


def _level_bonuses(p: PlanProblem, scaled: np.ndarray, *, max_cycle_pairs: int, n_nodes: int) -> np.ndarray:
    """Integer bonus per priority level (levels ascending, most urgent first).

    Exactness: two plans differ by a set of simple cycles in the flow's residual network,
    each of which is a feasible change on its own and adds at most one filled slot and
    removes at most one (it crosses the sink once). If a plan has lexicographically better
    fills, one such cycle alone is a lexicographic gain: it fills a slot at level a and
    empties none, or one at a later level b > a. A simple cycle has at most
    ``max_cycle_pairs`` pair arcs (it visits each employee and vacancy node once), each
    changing the scaled objective by at most W = max |scaled|, so with
    bonus[a] - bonus[b] > max_cycle_pairs * W and bonus[last] > max_cycle_pairs * W that
    cycle has positive gain, and a min-cost flow has none. Hence bonuses spaced by
    ``max_cycle_pairs * W + 1`` (linear in the number of levels) make the order exact."""
    n_levels = len(np.unique(p.priority))
    step = max_cycle_pairs * int(np.abs(scaled).max()) + 1          # Python ints: no overflow here
    largest_cost = n_levels * step + int(np.abs(scaled).max())
    limit = INT64_MAX // (2 * (n_nodes + 1))                        # OR-Tools scales costs by nodes + 1
    if largest_cost > limit:
        raise ValueError(f"{n_levels} priority levels with pair values up to {np.abs(scaled).max() / VALUE_SCALE:g} "
                         f"need flow costs up to {largest_cost}, above int64's {limit} for {n_nodes} nodes: "
                         "use fewer priority levels or smaller values")
    return np.array([(n_levels - i) * step for i in range(n_levels)], np.int64)


# --- MIP ---------------------------------------------------------------------------------

def _solve_mip(p: PlanProblem, time_limit_s: float, gap_target: float,
               start: float) -> tuple[np.ndarray, float, tuple[str, ...]]:
    """Chosen pairs, the proven bound on the objective and notes (time limit reached)."""
    columns = np.flatnonzero(p.allowed())
    if len(columns) == 0:
        return np.zeros(p.n_pairs, bool), 0.0, ()
    rows = LinearConstraint(*_constraint_rows(p, columns))
    bounds = Bounds(p.fixed[columns].astype(float), np.ones(len(columns)))
    levels = _level_rows(p, columns)
    presolve = len(columns) <= MIP_PRESOLVE_MAX_COLUMNS

    def run(cost: np.ndarray, counts: list[float], gap: float):
        held = [LinearConstraint(levels[:len(counts)], counts, np.inf)] if counts else []
        remaining = max(time_limit_s - (time.perf_counter() - start), 0.0)
        return milp(cost, constraints=[rows, *held], integrality=np.ones(len(columns)), bounds=bounds,
                    options={"time_limit": remaining, "mip_rel_gap": gap, "presolve": presolve})

    counts: list[float] = []
    notes: list[str] = []
    x = None
    for level in range(levels.shape[0]):
        result = run(-levels[[level]].toarray().ravel(), counts, 0.0)
        if result.status == MILP_INFEASIBLE:
            _raise_infeasible(p, stage=level)
        if result.x is None:
            return _best_effort(p, columns, x, [*notes, f"time limit at priority level {level + 1}"], None)
        x = np.round(result.x)
        if result.status != MILP_OPTIMAL:
            notes.append(f"time limit: the fill of priority level {level + 1} is not proven maximal")
        counts.append(float((levels @ x)[level]))

    result = run(-p.pair_value[columns], counts, gap_target)
    if result.status == MILP_INFEASIBLE:
        _raise_infeasible(p, stage=len(counts))
    if result.x is None:
        return _best_effort(p, columns, x, [*notes, "time limit before the objective stage found a plan"], None)
    x = np.round(result.x)
    dual = result.mip_dual_bound            # milp minimises -value: its dual bound is -(upper bound)
    bound = min(-float(dual) if dual is not None and np.isfinite(dual) else np.inf, _trivial_bound(p))
    if result.status != MILP_OPTIMAL:
        notes.append(f"time limit: objective gap {result.mip_gap:.3g} above the target {gap_target:g}")
    if notes:
        return _best_effort(p, columns, x, notes, bound)
    return _columns_to_pairs(p, columns, x), bound, ()


def _columns_to_pairs(p: PlanProblem, columns: np.ndarray, x: np.ndarray) -> np.ndarray:
    chosen = np.zeros(p.n_pairs, bool)
    chosen[columns[x > 0.5]] = True
    return chosen


def _raise_infeasible(p: PlanProblem, *, stage: int) -> None:
    """The first stage is infeasible only when chain capacity rejects the fixed moves (the
    other fixed-move conflicts were checked before); later stages start from a plan."""
    if stage > 0:
        raise RuntimeError(f"HiGHS found stage {stage + 1} infeasible after a feasible stage")
    into_chain = np.flatnonzero((np.bincount(p.pair_vacancy[p.fixed], minlength=p.n_vacancies) > 0)
                                & (p.opened_by >= 0))
    raise PlanInfeasible("chain", "; ".join(f"vacancy {v} has a fixed move" for v in into_chain.tolist())
                         + ": their holders cannot all move into shallower posts", tuple(into_chain.tolist()))


def _best_effort(p: PlanProblem, columns: np.ndarray, x: np.ndarray | None, notes: list[str],
                 bound: float | None) -> tuple[np.ndarray, float, tuple[str, ...]]:
    """After a time limit: the MIP's last plan or the greedy one, whichever has the better
    (fills, objective); a greedy plan, or a plan without an objective stage, gets the bound
    that holds for every plan."""
    mip_plan = None if x is None else _columns_to_pairs(p, columns, x)
    try:
        greedy_plan = greedy(p)
    except ValueError:
        greedy_plan = None                  # greedy cannot honour these fixed moves into chains
    plans = [plan for plan in (mip_plan, greedy_plan) if plan is not None]
    if not plans:
        raise RuntimeError(f"{notes[-1]}: no feasible plan found")
    best = max(plans, key=lambda chosen: (priority_fills(p, chosen).tolist(), objective(p, chosen)))
    if best is not mip_plan:
        notes.append("the greedy plan is returned")
        bound = None
    return best, _trivial_bound(p) if bound is None else bound, tuple(notes)


def _trivial_bound(p: PlanProblem) -> float:
    """Every employee's best allowed value if positive: no plan's objective exceeds it."""
    best = np.zeros(p.n_employees)
    allowed = p.allowed()
    np.maximum.at(best, p.pair_employee[allowed], p.pair_value[allowed])
    return float(best.sum())


def _constraint_rows(p: PlanProblem, columns: np.ndarray) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """A x <= ub for employees (one move), vacancies (headcount), units (outflow cap) and
    chain posts (filled at most as often as the opener moves shallower)."""
    n = len(columns)
    employee, vacancy = p.pair_employee[columns], p.pair_vacancy[columns]
    unit = p.employee_unit[employee]
    ones = np.ones(n)
    per_employee = sp.csr_array((ones, (employee, np.arange(n))), shape=(p.n_employees, n))
    per_vacancy = sp.csr_array((ones, (vacancy, np.arange(n))), shape=(p.n_vacancies, n))
    capped = np.flatnonzero(p.outflow_cap < np.bincount(p.employee_unit, minlength=len(p.outflow_cap)))
    per_unit = sp.csr_array((ones, (unit, np.arange(n))), shape=(len(p.outflow_cap), n))[capped]
    chain_rows = _chain_rows(p, columns)
    matrix = sp.vstack([per_employee, per_vacancy, per_unit, chain_rows], format="csr")
    upper = np.concatenate([np.ones(p.n_employees), p.headcount, p.outflow_cap[capped],
                            np.zeros(chain_rows.shape[0])]).astype(float)
    return matrix, np.full(len(upper), -np.inf), upper


def _chain_rows(p: PlanProblem, columns: np.ndarray) -> sp.csr_array:
    """One row per chain post v (opener e, depth d): fills of v - moves of e to depth < d <= 0."""
    chain = np.flatnonzero(p.opened_by >= 0)
    n = len(columns)
    row_of = np.full(p.n_vacancies, -1)
    row_of[chain] = np.arange(len(chain))
    vacancy = p.pair_vacancy[columns]
    into = np.flatnonzero(row_of[vacancy] >= 0)
    # the opener's own moves: every (chain row, column of the opener) with a shallower vacancy
    order = np.argsort(p.pair_employee[columns], kind="stable")
    starts = np.searchsorted(p.pair_employee[columns][order], np.arange(p.n_employees + 1))
    openers = p.opened_by[chain]
    lengths = starts[openers + 1] - starts[openers]
    row = np.repeat(np.arange(len(chain)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    col = order[np.repeat(starts[openers], lengths) + offset]
    shallower = p.depth[vacancy[col]] < p.depth[chain[row]]
    data = np.concatenate([np.ones(len(into)), -np.ones(int(shallower.sum()))])
    return sp.csr_array((data, (np.concatenate([row_of[vacancy[into]], row[shallower]]),
                                np.concatenate([into, col[shallower]]))), shape=(len(chain), n))


def _level_rows(p: PlanProblem, columns: np.ndarray) -> sp.csr_array:
    """Row k counts the chosen pairs into vacancies of the k-th priority level."""
    level = np.searchsorted(np.unique(p.priority), p.priority[p.pair_vacancy[columns]])
    return sp.csr_array((np.ones(len(columns)), (level, np.arange(len(columns)))),
                        shape=(len(np.unique(p.priority)), len(columns)))
