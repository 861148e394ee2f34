"""Mentor suggestions for transferees: who may mentor whom, and one joint assignment.

Pure functions on plain arrays (no dataset, no pandas): :func:`eligible_pairs` applies the
mentor rules to mentees x candidates, :func:`strength_scores` says how strong each pair
is, :func:`assign_mentors` solves the assignment with OR-Tools' min cost flow, the way the
OR-Tools samples do: build the network from arrays, solve, check the status, read the flows.

The network: source -> each mentee (capacity 1) -> each eligible mentor (capacity 1, cost
``top - strength``) -> sink (capacity ``max_mentees``); each mentee also has a bypass arc
straight to the sink whose cost is higher than any set of assigned arcs could save, so
the optimum first covers as many mentees as possible, then maximises total strength.
"""

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

NONE = -1                   # "no mentor" in an assignment
LEVEL_SCALE = 10            # strength ties go to the higher level: levels in tenths
CODE_WEIGHT = 1000          # one more gap code covered outweighs any sum of levels (≤ 12 codes x 5.0 x 10)


class AssignmentError(RuntimeError):
    """The solver did not reach an optimal assignment (names its status)."""


@dataclass(frozen=True)
class Mentees:
    """One row per transferee: the new post's unit and domain, grade rank, and the
    required level of each gap code (columns = codes; NaN where the code is not a gap)."""

    ids: np.ndarray             # object
    units: np.ndarray           # object
    domains: np.ndarray         # object
    grade_ranks: np.ndarray     # float
    gap_required: np.ndarray    # mentees x codes, float (NaN = not a gap)


@dataclass(frozen=True)
class Candidates:
    """One row per possible mentor (already filtered: PNS, holding a post, not exited, not
    moved recently): their unit, domain of their post, grade rank and latest levels."""

    ids: np.ndarray             # object
    units: np.ndarray           # object
    domains: np.ndarray         # object
    grade_ranks: np.ndarray     # float
    levels: np.ndarray          # candidates x codes, float (NaN = never assessed)


def strong_codes(mentees: Mentees, candidates: Candidates, strength_margin: float) -> np.ndarray:
    """mentees x candidates x codes: the candidate's level ≥ the required level + margin
    on a gap code of the mentee (NaN compares False: no gap, or never assessed)."""
    with np.errstate(invalid="ignore"):
        return candidates.levels[None, :, :] >= mentees.gap_required[:, None, :] + strength_margin


def eligible_pairs(mentees: Mentees, candidates: Candidates, strong: np.ndarray, min_grade_steps: int,
                   same_domain: bool) -> np.ndarray:
    """mentees x candidates: the candidate may mentor the mentee: same unit as the new post,
    same domain (when ``same_domain``), grade ≥ the mentee's + ``min_grade_steps``, strong
    on at least one gap code (``strong``: :func:`strong_codes`), and not the mentee."""
    unit = mentees.units[:, None] == candidates.units[None, :]
    domain = (mentees.domains[:, None] == candidates.domains[None, :]) if same_domain else True
    with np.errstate(invalid="ignore"):
        senior = candidates.grade_ranks[None, :] >= mentees.grade_ranks[:, None] + min_grade_steps
    strong = strong.any(axis=2)
    other = mentees.ids[:, None] != candidates.ids[None, :]
    return unit & domain & senior & strong & other


def strength_scores(candidates: Candidates, strong: np.ndarray) -> np.ndarray:
    """mentees x candidates integer strength: gap codes covered (``strong``:
    :func:`strong_codes`) x ``CODE_WEIGHT`` plus the candidate's levels on those codes in
    tenths (ties go to the higher level)."""
    levels = np.where(strong, np.nan_to_num(candidates.levels)[None, :, :], 0.0)
    return (strong.sum(axis=2) * CODE_WEIGHT + np.rint(levels.sum(axis=2) * LEVEL_SCALE)).astype(np.int64)


def assign_mentors(eligible: np.ndarray, strength: np.ndarray, max_mentees: int) -> np.ndarray:
    """The mentor (candidate position, or :data:`NONE`) of each mentee: at most one mentor
    per mentee, at most ``max_mentees`` mentees per mentor, only eligible pairs; as many
    mentees covered as possible, then the highest total strength."""
    n_mentees, n_candidates = eligible.shape
    result = np.full(n_mentees, NONE, dtype=np.int64)
    pair_mentee, pair_candidate = np.nonzero(eligible)
    if not len(pair_mentee) or max_mentees < 1:
        return result
    source, sink = 0, 1 + n_mentees + n_candidates
    mentee_node = 1 + np.arange(n_mentees)
    candidate_node = 1 + n_mentees + np.arange(n_candidates)
    pair_strength = strength[pair_mentee, pair_candidate].astype(np.int64)
    top = int(pair_strength.max()) + 1
    bypass = n_mentees * top + 1                      # leaving one mentee out never pays

    starts = np.concatenate([np.full(n_mentees, source), mentee_node[pair_mentee], candidate_node, mentee_node])
    ends = np.concatenate([mentee_node, candidate_node[pair_candidate], np.full(n_candidates, sink),
                           np.full(n_mentees, sink)])
    capacities = np.concatenate([np.ones(n_mentees), np.ones(len(pair_mentee)),
                                 np.full(n_candidates, max_mentees), np.ones(n_mentees)]).astype(np.int64)
    costs = np.concatenate([np.zeros(n_mentees), top - pair_strength, np.zeros(n_candidates),
                            np.full(n_mentees, bypass)]).astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(starts, ends, capacities, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = n_mentees, -n_mentees
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise AssignmentError(f"mentor assignment: min cost flow ended with status {status!r}")
    pair_arcs = arcs[n_mentees:n_mentees + len(pair_mentee)]
    used = flow.flows(pair_arcs) > 0
    result[pair_mentee[used]] = pair_candidate[used]
    return result
