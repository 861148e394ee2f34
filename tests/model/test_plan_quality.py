"""A round plan of the held-out vacancies of a simulated province, judged by the simulator's
truth (its oracle file), and the plan's batched pair scoring against the numbers a ranking
of each vacancy's own pool gives."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.candidates import candidate_pool
from features.names import AS_OF, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from features.pairs import PREF_DOMAIN_MATCH, PREF_REGION_MATCH, RELOCATION_UNWILLING
from features.round import positions_with_round, round_from_frame
from models.scoring import score_candidates
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.planning import build
from serving.planning.greedy import greedy
from serving.planning.plan import plan
from serving.planning.problem import check_assignment
from serving.planning.settings import PlanSettings, PlanWeights
from training.baselines import duk_score
from training.evaluate import read_oracle, with_age

pytestmark = [pytest.mark.model, pytest.mark.slow]

SAME = 1e-9


@pytest.fixture(scope="module")
def oracle_round(trained):
    """The round of every oracle vacancy (headcount 1, priority 1) at the oracle's date."""
    dataset = trained["dataset"]
    context = ServingContext.from_dataset(dataset)
    oracle = read_oracle(trained["path"])
    dates = oracle[AS_OF].dt.normalize().unique()
    assert len(dates) == 1
    round_ = round_from_frame(pd.DataFrame({c.POSITION_ID: pd.unique(oracle[c.POSITION_ID])}), dataset)
    return SimpleNamespace(context=context, oracle=oracle, when=pd.Timestamp(dates[0]), round=round_,
                           bundle=trained["fitted"].bundle,
                           positions=positions_with_round(context.positions, dataset, round_))


def pairs_of(r, settings: PlanSettings) -> build.RoundPairs:
    return build.build_round(r.context, r.bundle, r.round, r.when, settings, r.positions)


def truth(pairs: build.RoundPairs, oracle: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """True expected score and failure probability of every pair (each one is in the oracle)."""
    p = pairs.problem
    keys = pd.DataFrame({c.EMPLOYEE_ID: pairs.view[c.EMPLOYEE_ID][p.pair_employee],
                         c.POSITION_ID: pairs.vacancy_ids[p.pair_vacancy]}).astype(str)
    joined = keys.merge(oracle, on=[c.EMPLOYEE_ID, c.POSITION_ID], how="left", validate="one_to_one")
    assert len(oracle) == len(keys) and not joined[TRUE_EXPECTED_SCORE].isna().any()
    return joined[TRUE_EXPECTED_SCORE].to_numpy(float), joined[TRUE_FAILURE_PROB].to_numpy(float)


def test_plan_beats_greedy_and_duk_on_the_true_expected_score_and_keeps_every_constraint(oracle_round):
    """Default outflow cap, key post guard and risk weight; the stated-wish terms are off, as
    the simulator's truth does not score them (with them on, the plan trades some expected
    score for met preferences: on this province it then ends 0.5 points below the greedy)."""
    r = oracle_round
    settings = PlanSettings(weights=PlanWeights(preference=0.0, unwilling=0.0))
    pairs = pairs_of(r, settings)
    problem = pairs.problem
    document = plan(r.context, ServedModel(r.bundle, "test", "0", ""), r.round, r.when, settings)
    chosen = pairs.chosen_by(document.moves)
    assert check_assignment(problem, chosen) == []
    assert document.n_pairs == problem.n_pairs

    true_score, true_failure = truth(pairs, r.oracle)
    snapshot = with_age(r.context.snapshot(r.when).reset_index(drop=True), r.context.dataset)
    baselines = {"greedy": greedy(problem),
                 "duk": greedy(replace(problem, pair_value=duk_score(snapshot)[problem.pair_employee]))}
    for name, other in baselines.items():
        assert check_assignment(problem, other) == []
        assert chosen.sum() >= other.sum(), f"the plan fills fewer posts than {name}"
        assert true_score[chosen].sum() >= true_score[other].sum(), f"{name} reaches a higher true score"
    # and on the truth of what the plan maximises: expected score - risk weight x failure probability
    true_value = true_score - settings.weights.risk * true_failure
    assert true_value[chosen].sum() >= true_value[baselines["greedy"]].sum()
    assert document.objective.value >= document.objective.greedy_value - SAME
    # the plan weighs risk: its true failure total stays far below the seniority order's
    assert true_failure[chosen].sum() < true_failure[baselines["duk"]].sum()


def test_round_pairs_carry_the_ranking_numbers_of_each_vacancy_pool(oracle_round, monkeypatch):
    r = oracle_round
    monkeypatch.setattr(build, "CHUNK_ROWS", 3000)    # many chunks, each scored while the next is built
    settings = PlanSettings(chain_depth=1)            # chain posts go through the same path
    pairs = pairs_of(r, settings)
    p = pairs.problem
    assert (p.depth > 0).sum() > 10
    view = r.context.snapshot_columns(r.when)
    masks = r.context.employee_masks(r.when, settings.rules)
    for v, pid in enumerate(pairs.vacancy_ids.tolist()):
        mine = np.flatnonzero(p.pair_vacancy == v)
        pool = candidate_pool(view, pairs.positions, pid, settings.rules, employee_masks=masks)
        scored = score_candidates(r.bundle, pool.frame)
        assert p.pair_employee[mine].tolist() == np.flatnonzero(pool.reasons == "").tolist(), pid
        assert pairs.n_excluded[v] == len(view) - len(pool)
        np.testing.assert_allclose(pairs.performance[mine], scored.performance, rtol=0, atol=SAME)
        np.testing.assert_allclose(pairs.risk[mine], scored.risk, rtol=0, atol=SAME)
        frame = pool.frame
        pref = (np.asarray(frame[PREF_DOMAIN_MATCH]) == 1) | (np.asarray(frame[PREF_REGION_MATCH]) == 1)
        assert pairs.preference_met[mine].tolist() == pref.tolist()
        unwilling = np.nan_to_num(np.asarray(frame[RELOCATION_UNWILLING], float), nan=0.0) > 0
        assert pairs.against_wish[mine].tolist() == unwilling.tolist()
