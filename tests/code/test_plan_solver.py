"""The exact solver of a round (flow and MIP), the greedy baseline and constraint costs:
hand-made rounds with their optimum written out, then many random tiny rounds against
the brute force of :mod:`plan_reference`."""

import numpy as np
import pytest
from plan_reference import brute_force

from serving.planning.costs import ConstraintName, constraint_costs
from serving.planning.greedy import greedy
from serving.planning.problem import NO_CAP, PlanProblem, Solution, check_assignment, objective, priority_fills
from serving.planning.solver import VALUE_SCALE, PlanInfeasible, solve

pytestmark = pytest.mark.code

EXACT = 1e-9            # MIP gap for comparisons with the brute force (the default 1e-3 may stop early)
TOL = 1e-6


def round_problem(pairs: list[tuple[int, int, float]], *, headcount=None, priority=None, employee_unit=None,
                  outflow_cap=None, n_employees: int | None = None, **flags) -> PlanProblem:
    """A round from (employee, vacancy, value) triples; one uncapped unit unless told."""
    employee, vacancy, value = (np.array(column) for column in zip(*pairs))
    n_vacancies = len(headcount) if headcount is not None else int(vacancy.max()) + 1
    n_employees = n_employees or int(employee.max()) + 1
    return PlanProblem(pair_employee=employee, pair_vacancy=vacancy, pair_value=value,
                       headcount=headcount if headcount is not None else np.ones(n_vacancies),
                       priority=priority if priority is not None else np.ones(n_vacancies),
                       employee_unit=employee_unit if employee_unit is not None else np.zeros(n_employees),
                       outflow_cap=outflow_cap if outflow_cap is not None else [NO_CAP], **flags)


def both(problem: PlanProblem) -> list[Solution]:
    return [solve(problem, method="flow"), solve(problem, method="mip", gap_target=EXACT)]


# --- hand-made rounds ----------------------------------------------------------------------

# vacancy 0's top pick (employee 0) is vacancy 1's only candidate
TRAP = [(0, 0, 10.0), (1, 0, 9.0), (0, 1, 8.0)]


def test_greedy_trap_optimum_gives_the_first_vacancy_its_second_pick():
    problem = round_problem(TRAP)
    for solution in both(problem):
        assert solution.chosen.tolist() == [False, True, True]
        assert solution.value == pytest.approx(17.0)
        assert solution.fills.tolist() == [2]
        assert solution.bound >= solution.value and solution.gap <= 1e-3
    assert greedy(problem).tolist() == [True, False, False]


def test_outflow_cap_lets_only_one_of_a_unit_move():
    # employees 0 and 1 in unit 0 (cap 1), employee 2 in unit 1 (no cap)
    problem = round_problem([(0, 0, 5.0), (1, 1, 5.0), (2, 0, 1.0), (2, 1, 2.0)],
                            employee_unit=[0, 0, 1], outflow_cap=[1, NO_CAP])
    for solution in both(problem):
        assert solution.chosen.tolist() == [True, False, False, True]
        assert solution.value == pytest.approx(7.0)
    assert objective(problem.relaxed(outflow=True), solve(problem.relaxed(outflow=True)).chosen) == 10.0
    assert check_assignment(problem, greedy(problem)) == []


def test_priority_one_is_filled_even_when_it_costs_value():
    # employee 0 is the only candidate for both; priority 1 (value -2) beats priority 2 (10)
    problem = round_problem([(0, 0, -2.0), (0, 1, 10.0)], priority=[1, 2])
    for solution in both(problem):
        assert solution.chosen.tolist() == [True, False]
        assert solution.value == pytest.approx(-2.0)
        assert solution.fills.tolist() == [1, 0]
    assert solve(problem.relaxed(priority=True)).value == pytest.approx(10.0)


def test_greedy_serves_the_urgent_vacancy_first():
    # employee 0 is the only candidate: vacancy 1 (priority 1) before vacancy 0 (priority 2)
    problem = round_problem([(0, 0, 10.0), (0, 1, 1.0)], priority=[2, 1])
    assert greedy(problem).tolist() == [False, True]
    assert solve(problem).chosen.tolist() == [False, True]


def test_a_slot_is_filled_even_at_a_negative_value():
    problem = round_problem([(0, 0, -3.0)])
    for solution in both(problem):
        assert solution.chosen.tolist() == [True] and solution.value == -3.0


def test_fixed_move_is_kept():
    problem = round_problem(TRAP, fixed=[True, False, False])
    for solution in both(problem):
        assert solution.chosen.tolist() == [True, False, False]
        assert solution.value == pytest.approx(10.0)
        assert solution.fills.tolist() == [1]
    assert greedy(problem).tolist() == [True, False, False]


@pytest.mark.parametrize("flag", ["forbidden", "guarded"])
def test_forbidden_or_guarded_pair_is_never_chosen(flag):
    problem = round_problem(TRAP, **{flag: [False, True, False]})
    for solution in both(problem):
        assert solution.chosen.tolist() == [True, False, False]
        assert solution.value == pytest.approx(10.0)


# three-post chain: employee 0 opens post 1 (depth 1), employee 1 opens post 2 (depth 2)
CHAIN = dict(headcount=[1, 1, 1], n_employees=3, opened_by=[-1, 0, 1], depth=[0, 1, 2])


def test_chain_of_depth_two_fills_every_post():
    # employee 2 into the round post (10) would leave posts 1 and 2 closed: 1 fill only
    problem = round_problem([(0, 0, 1.0), (1, 1, 4.0), (2, 2, 3.0), (2, 0, 10.0), (1, 0, 2.0)], **CHAIN)
    solution = solve(problem)
    assert solution.solver == "highs-mip"
    assert solution.chosen.tolist() == [True, True, True, False, False]
    assert solution.value == pytest.approx(8.0)
    assert solution.fills.tolist() == [3]
    assert check_assignment(problem, greedy(problem)) == []
    with pytest.raises(ValueError, match="chain"):
        solve(problem, method="flow")


def test_greedy_moves_the_holder_of_a_fixed_chain_post_first():
    # employee 1 is fixed into post 1, so its holder (employee 0) must take the round post,
    # though employee 2 is the round post's top pick
    problem = round_problem([(0, 0, 1.0), (1, 1, 4.0), (2, 2, 3.0), (2, 0, 10.0), (1, 0, 2.0)],
                            fixed=[False, True, False, False, False], **CHAIN)
    assert greedy(problem).tolist() == [True, True, True, False, False]
    assert solve(problem).chosen.tolist() == [True, True, True, False, False]


def test_chain_post_stays_closed_when_the_opener_moves_as_deep():
    # employee 1 moving into post 1 (depth 1) does not open its own depth-1 post 2
    problem = round_problem([(1, 1, 4.0), (2, 2, 3.0), (0, 0, 1.0)], **{**CHAIN, "depth": [0, 1, 1]})
    solution = solve(problem)
    assert solution.chosen.tolist() == [True, False, True]
    assert solution.value == pytest.approx(5.0)


def test_empty_round():
    problem = round_problem([(0, 0, 0.0)]).subset(np.zeros(1, bool))
    for solution in both(problem):
        assert solution.chosen.tolist() == [] and solution.value == 0.0 and solution.fills.tolist() == [0]
    nothing = PlanProblem(pair_employee=[], pair_vacancy=[], pair_value=[], headcount=[], priority=[],
                          employee_unit=[], outflow_cap=[])
    for solution in both(nothing):
        assert solution.value == 0.0 and solution.fills.tolist() == []
    assert greedy(nothing).tolist() == []


def test_flow_bound_covers_the_value_rounding():
    problem = round_problem([(0, 0, 1 / 3), (1, 1, 2 / 3)])
    solution = solve(problem, method="flow")
    assert solution.value == pytest.approx(1.0)
    assert solution.value <= solution.bound <= solution.value + 2 / VALUE_SCALE


def test_flow_bound_holds_when_rounding_misleads():
    # in units of the rounding: plan X = 0.51 + 0.51 rounds to 2, plan Y = 1.4 + 0 rounds to 1
    unit = 1 / VALUE_SCALE
    problem = round_problem([(0, 0, 0.51 * unit), (1, 1, 0.51 * unit), (0, 1, 1.4 * unit), (1, 0, 0.0)])
    solution = solve(problem, method="flow")
    assert solution.value == pytest.approx(1.02 * unit)          # the rounded optimum, not the true one
    assert solution.bound >= brute_force(problem)[0] == pytest.approx(1.4 * unit)


def test_mip_out_of_time_returns_a_feasible_plan_with_a_note():
    problem = round_problem(TRAP)
    solution = solve(problem, method="mip", time_limit_s=0.0)
    assert check_assignment(problem, solution.chosen) == []
    assert solution.notes and "time limit" in solution.notes[0]
    assert solution.bound >= 17.0                                  # still an upper bound on the optimum


# --- infeasible fixed moves ----------------------------------------------------------------

@pytest.mark.parametrize("method", ["flow", "mip"])
def test_employee_fixed_to_two_posts(method):
    problem = round_problem(TRAP, fixed=[True, False, True])
    with pytest.raises(PlanInfeasible, match="employee index 0 go to 2 posts") as raised:
        solve(problem, method=method)
    assert raised.value.constraint == "fixed_moves" and raised.value.indices == (0,)


@pytest.mark.parametrize("method", ["flow", "mip"])
def test_fixed_move_that_is_forbidden(method):
    problem = round_problem(TRAP, fixed=[False, True, False], forbidden=[False, True, False])
    with pytest.raises(PlanInfeasible, match="fixed move of employee index 1 is forbidden") as raised:
        solve(problem, method=method)
    assert raised.value.constraint == "fixed_moves" and raised.value.indices == (1,)


@pytest.mark.parametrize("method", ["flow", "mip"])
def test_fixed_moves_over_a_unit_cap(method):
    problem = round_problem(TRAP, employee_unit=[0, 0], outflow_cap=[1], fixed=[False, True, True])
    with pytest.raises(PlanInfeasible, match=r"take 2 people from unit 0 \(cap 1\)") as raised:
        solve(problem, method=method)
    assert raised.value.constraint == "max_outflow_per_unit" and raised.value.indices == (0,)


@pytest.mark.parametrize("method", ["flow", "mip"])
def test_more_fixed_moves_than_headcount(method):
    problem = round_problem(TRAP, fixed=[True, True, False])
    with pytest.raises(PlanInfeasible, match="vacancy 0 has 2 fixed moves, headcount 1") as raised:
        solve(problem, method=method)
    assert raised.value.constraint == "headcount" and raised.value.indices == (0,)


def test_fixed_move_into_a_chain_post_whose_opener_cannot_move():
    # post 1 opens only if employee 0 moves; employee 0 has no move at all
    problem = round_problem([(1, 1, 4.0), (1, 0, 1.0)], headcount=[1, 1], n_employees=2,
                            opened_by=[-1, 0], depth=[0, 1], fixed=[True, False])
    with pytest.raises(PlanInfeasible, match="vacancy 1 has a fixed move") as raised:
        solve(problem)
    assert raised.value.constraint == "chain" and raised.value.indices == (1,)


def test_fixed_moves_into_chain_posts_that_cannot_both_open():
    # employees 0 and 1 both open a post only by taking round post 0 (headcount 1)
    problem = round_problem([(0, 0, 1.0), (1, 0, 1.0), (2, 1, 1.0), (3, 2, 1.0)], headcount=[1, 1, 1],
                            opened_by=[-1, 0, 1], depth=[0, 1, 1], fixed=[False, False, True, True])
    with pytest.raises(PlanInfeasible, match="vacancy 1 has a fixed move; vacancy 2 has a fixed move: their holders") as raised:
        solve(problem)
    assert raised.value.constraint == "chain" and raised.value.indices == (1, 2)


# --- random tiny rounds against the brute force --------------------------------------------

def random_problem(seed: int, *, chains: bool = False, exact_values: bool = True) -> PlanProblem:
    """At most 4 employees with at most 4 pairs each (the brute force stays fast). Exact
    values are multiples of 1/8, so every sum is exact and ties compare exactly."""
    rng = np.random.default_rng(seed)
    n_employees, n_round, n_units = int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    opened_by, depth = [-1] * n_round, [0] * n_round
    if chains:
        openers = rng.permutation(n_employees)[: int(rng.integers(1, 3))].tolist()
        opened_by += openers
        depth += [1] + [int(rng.integers(1, 3)) for _ in openers[1:]]
    n_vacancies = len(opened_by)
    pairs = [(e, v) for e in range(n_employees) for v in range(n_vacancies)
             if opened_by[v] != e and rng.random() < 0.6]
    pairs = [pair for e in range(n_employees) for pair in [pq for pq in pairs if pq[0] == e][:4]]
    n_pairs = len(pairs)
    values = rng.integers(-8, 41, n_pairs) / 8 if exact_values else rng.uniform(-1, 5, n_pairs)
    forbidden, guarded = rng.random(n_pairs) < 0.1, rng.random(n_pairs) < 0.1
    fixed = np.zeros(n_pairs, bool)
    into_round = np.flatnonzero(~forbidden & ~guarded & (np.array([v for _, v in pairs], int) < n_round))
    if len(into_round) and rng.random() < 0.3:
        fixed[rng.choice(into_round, size=min(len(into_round), int(rng.integers(1, 3))), replace=False)] = True
    return PlanProblem(
        pair_employee=[e for e, _ in pairs], pair_vacancy=[v for _, v in pairs], pair_value=values,
        headcount=[int(rng.integers(1, 3)) for _ in range(n_round)] + [1] * (n_vacancies - n_round),
        priority=rng.integers(1, 4, n_vacancies), employee_unit=rng.integers(0, n_units, n_employees),
        outflow_cap=[NO_CAP if rng.random() < 0.5 else int(rng.integers(0, 3)) for _ in range(n_units)],
        fixed=fixed, forbidden=forbidden, guarded=guarded, opened_by=opened_by, depth=depth)


def methods(problem: PlanProblem) -> list[str]:
    return ["mip"] if problem.has_chains else ["flow", "mip"]


def assert_optimal(problem: PlanProblem, best: tuple[float, np.ndarray]) -> list[Solution]:
    solutions = [solve(problem, method=method, gap_target=EXACT) for method in methods(problem)]
    for solution in solutions:
        assert check_assignment(problem, solution.chosen) == []
        assert solution.fills.tolist() == best[1].tolist()
        assert solution.value == pytest.approx(best[0], abs=TOL)
        assert solution.bound >= solution.value and solution.gap <= 1e-3
    return solutions


def assert_greedy_not_better(problem: PlanProblem, best: tuple[float, np.ndarray]) -> None:
    chosen = greedy(problem)
    assert check_assignment(problem, chosen) == []
    fills = priority_fills(problem, chosen).tolist()
    assert fills <= best[1].tolist()                     # lexicographically
    if fills == best[1].tolist():
        assert objective(problem, chosen) <= best[0] + TOL


@pytest.mark.parametrize("chains", [False, True])
@pytest.mark.parametrize("seed", range(60))
def test_random_round_matches_brute_force(seed, chains):
    problem = random_problem(seed, chains=chains)
    best = brute_force(problem)
    if best is None:
        for method in methods(problem):
            with pytest.raises(PlanInfeasible):
                solve(problem, method=method)
        with pytest.raises(ValueError):
            greedy(problem)
        return
    assert_optimal(problem, best)
    assert_greedy_not_better(problem, best)


@pytest.mark.parametrize("seed", range(10))
def test_random_continuous_values_bound_holds(seed):
    problem = random_problem(100 + seed, exact_values=False)
    best = brute_force(problem)
    if best is None:
        return
    solution = solve(problem, method="flow")
    assert solution.fills.tolist() == best[1].tolist()
    assert solution.value <= best[0] + TOL <= solution.bound + TOL
    assert solution.bound - solution.value <= int(solution.chosen.sum()) / VALUE_SCALE


@pytest.mark.parametrize("seed", range(8))
def test_flow_and_mip_agree_on_larger_rounds(seed):
    rng = np.random.default_rng(1000 + seed)
    n_employees, n_vacancies, n_pairs = 40, 12, 150
    keys = rng.choice(n_employees * n_vacancies, n_pairs, replace=False)
    problem = PlanProblem(pair_employee=keys // n_vacancies, pair_vacancy=keys % n_vacancies,
                          pair_value=rng.integers(-16, 81, n_pairs) / 16, headcount=rng.integers(1, 4, n_vacancies),
                          priority=rng.integers(1, 4, n_vacancies), employee_unit=rng.integers(0, 5, n_employees),
                          outflow_cap=rng.integers(1, 5, 5), forbidden=rng.random(n_pairs) < 0.05)
    flow, mip = solve(problem, method="flow"), solve(problem, method="mip", gap_target=EXACT)
    assert flow.fills.tolist() == mip.fills.tolist()
    assert flow.value == pytest.approx(mip.value, abs=TOL)
    chosen = greedy(problem)
    assert check_assignment(problem, chosen) == []
    assert priority_fills(problem, chosen).tolist() <= flow.fills.tolist()


# --- constraint costs -----------------------------------------------------------------------

RELAX = {ConstraintName.MAX_OUTFLOW_PER_UNIT: "outflow", ConstraintName.PRIORITY: "priority",
         ConstraintName.FIXED_MOVES: "fixed", ConstraintName.FORBIDDEN_MOVES: "forbidden",
         ConstraintName.KEY_POST_GUARD: "guard"}


@pytest.mark.parametrize("chains", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_constraint_costs_match_brute_force(seed, chains):
    problem = random_problem(200 + seed, chains=chains)
    best = brute_force(problem)
    if best is None:
        return
    solution = solve(problem, gap_target=EXACT)
    costs, all_relaxed = constraint_costs(problem, solution, gap_target=EXACT)
    assert [cost.name for cost in costs] == list(ConstraintName)
    for cost in costs:
        relaxed_best = brute_force(problem.relaxed(**{RELAX[cost.name]: True}))
        expected = max(0.0, relaxed_best[0] - best[0])
        assert cost.cost == pytest.approx(expected, abs=TOL)
        gained = int(relaxed_best[1].sum() - best[1].sum())
        assert cost.slots_gained == gained
        assert cost.binding == (expected > TOL or gained > 0)
        if relaxed_best[1].sum() == best[1].sum() and len(relaxed_best[1]) == len(best[1]):
            assert cost.relaxed_value >= solution.value - TOL     # the plan is a candidate of the relaxed round
    every = brute_force(problem.relaxed(outflow=True, priority=True, fixed=True, forbidden=True, guard=True))
    assert all_relaxed.value == pytest.approx(every[0], abs=TOL)
    assert all_relaxed.fills.sum() >= solution.fills.sum()
    if every[1].sum() == best[1].sum():
        assert all_relaxed.value >= solution.value - TOL


def test_constraint_costs_of_a_hand_made_round():
    # the trap, with employee 1 -> vacancy 0 forbidden and vacancy 1 at priority 2
    problem = round_problem(TRAP, priority=[1, 2], forbidden=[False, True, False])
    solution = solve(problem)
    assert solution.value == 10.0
    costs = {cost.name: cost for cost in constraint_costs(problem, solution)[0]}
    assert costs[ConstraintName.FORBIDDEN_MOVES].cost == pytest.approx(7.0)
    assert costs[ConstraintName.FORBIDDEN_MOVES].binding
    assert costs[ConstraintName.PRIORITY].cost == 0.0 and not costs[ConstraintName.PRIORITY].binding
    for absent in (ConstraintName.MAX_OUTFLOW_PER_UNIT, ConstraintName.FIXED_MOVES, ConstraintName.KEY_POST_GUARD):
        assert costs[absent].cost == 0.0 and not costs[absent].binding
        assert costs[absent].relaxed_value == solution.value


def test_relaxing_can_lower_the_value_when_it_fills_more():
    # only employee 0 may move: vacancy 0 at 10. Allowing employee 1 fills both, at 1 + 1.
    problem = round_problem([(0, 0, 10.0), (0, 1, 1.0), (1, 0, 1.0)], forbidden=[False, False, True])
    solution = solve(problem)
    costs, all_relaxed = constraint_costs(problem, solution)
    forbidden = costs[list(ConstraintName).index(ConstraintName.FORBIDDEN_MOVES)]
    assert forbidden.relaxed_value == pytest.approx(2.0)
    assert forbidden.cost == 0.0 and forbidden.slots_gained == 1 and forbidden.binding
    assert all_relaxed.value == pytest.approx(2.0)
    assert all_relaxed.value < solution.value and all_relaxed.fills.sum() > solution.fills.sum()
