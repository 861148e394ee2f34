"""Mentor assignment on random units: every suggested mentor meets every rule (checked
here element by element, not with the module's own masks), nobody mentors more than
``max_mentees`` or themselves, and as many mentees are covered, with as much strength, as
a brute-force search finds on small cases."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from serving.mentors import NONE, Candidates, Mentees, assign_mentors, eligible_pairs, strength_scores, strong_codes

CODES = 3
UNITS = ("u1", "u2")
DOMAINS = ("keuangan", "kesehatan")


def _level(draw, missing: bool) -> float:
    return np.nan if missing else draw(st.sampled_from([1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0]))


@st.composite
def problems(draw):
    n_mentees = draw(st.integers(0, 6))
    n_candidates = draw(st.integers(0, 4))
    mentee_ids = np.array([f"e{i}" for i in range(n_mentees)], dtype=object)
    # candidates may share an id with a mentee (someone both moved and a candidate)
    candidate_ids = np.array([draw(st.sampled_from([f"e{i}" for i in range(6)] + [f"k{j}" for j in range(4)]))
                              for _ in range(n_candidates)], dtype=object)
    candidate_ids = np.array(list(dict.fromkeys(candidate_ids)), dtype=object)
    n_candidates = len(candidate_ids)
    units = UNITS[:draw(st.integers(1, 2))]          # often one unit: mentees compete for mentors
    pick = lambda values, n: np.array([draw(st.sampled_from(values)) for _ in range(n)], dtype=object)  # noqa: E731
    mentees = Mentees(
        ids=mentee_ids, units=pick(units, n_mentees), domains=pick(DOMAINS, n_mentees),
        grade_ranks=np.array([draw(st.integers(5, 11)) for _ in range(n_mentees)], dtype=float),
        gap_required=np.array([[_level(draw, draw(st.booleans())) for _ in range(CODES)]
                               for _ in range(n_mentees)], dtype=float).reshape(n_mentees, CODES))
    candidates = Candidates(
        ids=candidate_ids, units=pick(units, n_candidates), domains=pick(DOMAINS, n_candidates),
        grade_ranks=np.array([draw(st.integers(8, 17)) for _ in range(n_candidates)], dtype=float),
        levels=np.array([[_level(draw, draw(st.integers(0, 4)) == 0) for _ in range(CODES)]
                         for _ in range(n_candidates)], dtype=float).reshape(n_candidates, CODES))
    rules = dict(min_grade_steps=draw(st.integers(0, 2)), same_domain=draw(st.booleans()),
                 strength_margin=draw(st.sampled_from([0.0, 0.5])))
    return mentees, candidates, rules, draw(st.integers(1, 2))


def meets_rules(mentees: Mentees, candidates: Candidates, rules: dict, i: int, k: int) -> bool:
    """The mentor rules for one pair, written out."""
    if mentees.ids[i] == candidates.ids[k] or mentees.units[i] != candidates.units[k]:
        return False
    if rules["same_domain"] and mentees.domains[i] != candidates.domains[k]:
        return False
    if not candidates.grade_ranks[k] >= mentees.grade_ranks[i] + rules["min_grade_steps"]:
        return False
    return any(not np.isnan(mentees.gap_required[i, j]) and not np.isnan(candidates.levels[k, j])
               and candidates.levels[k, j] >= mentees.gap_required[i, j] + rules["strength_margin"]
               for j in range(CODES))


def best_by_search(allowed: np.ndarray, strength: np.ndarray, capacity: int) -> tuple[int, int]:
    """(mentees covered, total strength), the lexicographic best over every assignment."""
    n_mentees, n_candidates = allowed.shape
    load = [0] * n_candidates

    def search(i: int) -> tuple[int, int]:
        if i == n_mentees:
            return 0, 0
        best = search(i + 1)
        for k in range(n_candidates):
            if allowed[i, k] and load[k] < capacity:
                load[k] += 1
                covered, total = search(i + 1)
                load[k] -= 1
                best = max(best, (covered + 1, total + int(strength[i, k])))
        return best

    return search(0)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_assignment_respects_the_rules_and_is_maximal(problem):
    mentees, candidates, rules, capacity = problem
    strong = strong_codes(mentees, candidates, rules["strength_margin"])
    eligible = eligible_pairs(mentees, candidates, strong, rules["min_grade_steps"], rules["same_domain"])
    strength = strength_scores(candidates, strong)
    chosen = assign_mentors(eligible, strength, capacity)
    assert chosen.shape == (len(mentees.ids),)
    for i, k in enumerate(chosen):
        if k != NONE:
            assert meets_rules(mentees, candidates, rules, i, k), (i, k)
            assert mentees.ids[i] != candidates.ids[k]
    counts = np.bincount(chosen[chosen != NONE], minlength=len(candidates.ids))
    assert (counts <= capacity).all()
    # the reference search only uses the written-out rules
    allowed = np.zeros(eligible.shape, dtype=bool)
    for i, k in np.ndindex(allowed.shape):
        allowed[i, k] = meets_rules(mentees, candidates, rules, i, k)
    covered = int((chosen != NONE).sum())
    total = int(sum(strength[i, k] for i, k in enumerate(chosen) if k != NONE))
    assert (covered, total) == best_by_search(allowed, strength, capacity)


def test_strength_prefers_more_codes_then_higher_levels():
    mentees = Mentees(np.array(["e"], dtype=object), np.array(["u"], dtype=object), np.array(["d"], dtype=object),
                      np.array([8.0]), np.array([[3.0, 3.0, np.nan]]))
    candidates = Candidates(np.array(["a", "b", "c"], dtype=object), np.array(["u"] * 3, dtype=object),
                            np.array(["d"] * 3, dtype=object), np.array([10.0, 10.0, 10.0]),
                            np.array([[3.0, 3.0, 5.0], [5.0, 2.0, 5.0], [4.0, 3.5, 1.0]]))
    strong = strong_codes(mentees, candidates, 0.0)
    strength = strength_scores(candidates, strong)
    assert strength[0, 0] > strength[0, 1]            # two codes beat one at a higher level
    assert strength[0, 2] > strength[0, 0]            # same codes: the higher levels win
    eligible = eligible_pairs(mentees, candidates, strong, 1, True)
    assert assign_mentors(eligible, strength, 1).tolist() == [2]
