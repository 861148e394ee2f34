"""The what-if re-scoring is the training recommendations' re-scoring: one recommended
training gives the change the ranking's recommendation states (on the tiny dataset with a
synthetic model, where a training lowers the risk)."""

import pytest

from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.ranking import RankingOptions, rank
from serving.texts import effect_text
from serving.what_if import NotACandidate, rescore_with_trainings

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code

POST = "p3"


@pytest.fixture(scope="module")
def served_context(tiny):
    return ServingContext.from_dataset(tiny), ChampionCache.fixed(synthetic_bundle(tiny.training_catalog, n=300)).get()


def test_a_recommended_training_changes_what_its_recommendation_says(served_context):
    context, served = served_context
    ranking = rank(context, served, POST, options=RankingOptions(top_k=5))
    pairs = [(c, r) for c in ranking.candidates for r in c.training_recommendations]
    assert pairs, "the comparison needs a recommendation"
    for candidate, recommended in pairs:
        answer = rescore_with_trainings(context, served, POST, candidate.employee_id, [recommended.training_code])
        assert answer.before.adjustment_risk == candidate.adjustment_risk
        assert answer.before.predicted_performance == candidate.predicted_performance
        assert answer.change.adjustment_risk == pytest.approx(recommended.expected_risk_change, abs=1e-4)
        assert answer.change.predicted_performance == pytest.approx(recommended.expected_performance_change, abs=1e-4)
        assert answer.assumed_uplift == pytest.approx(recommended.assumed_uplift)
        assert effect_text("risk", recommended.expected_risk_change) in answer.summary      # percentage points


def test_trainings_add_up_in_order(served_context):
    """Two trainings are both applied (the second on top of the first), not only the last."""
    context, served = served_context
    employee = rank(context, served, POST, options=RankingOptions(top_k=1)).candidates[0].employee_id
    one = rescore_with_trainings(context, served, POST, employee, ["pkp"])
    both = rescore_with_trainings(context, served, POST, employee, ["pkp", "keu01"])
    assert set(one.assumed_uplift) < set(both.assumed_uplift) and min(both.assumed_uplift.values()) > 0
    assert {code: both.assumed_uplift[code] for code in one.assumed_uplift} == one.assumed_uplift


def test_the_reasons_of_a_non_candidate_are_given(served_context, tiny):
    context, served = served_context
    excluded = {e["employee_id"]: e["reasons"] for e in rank(context, served, POST).excluded}
    employee, reasons = next(iter(excluded.items()))
    with pytest.raises(NotACandidate) as caught:
        rescore_with_trainings(context, served, POST, employee, ["pkp"])
    assert caught.value.details["reasons"] == reasons and caught.value.field == "employee_id"
