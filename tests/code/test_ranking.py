"""Ranking, explanations, recommendations and texts on the tiny dataset with a small
synthetic bundle (risk driven by managerial shortfall)."""

import json

import numpy as np
import pytest

from features.model_inputs import FEATURES
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.explain import contributions
from serving.pool import PoolFilter
from serving.ranking import RankingError, RankingOptions, Vacancy, rank
from serving.texts import describe, labelled

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"


@pytest.fixture(scope="module")
def context(tiny):
    return ServingContext.from_dataset(tiny)


@pytest.fixture(scope="module")
def served(tiny):
    return ChampionCache.fixed(synthetic_bundle(tiny.training_catalog), version="7", run_id="r1").get()


def test_ranking_document_follows_the_contract(context, served):
    doc = rank(context, served, "p3", AS_OF).to_document()
    assert set(doc) >= {"position_id", "as_of", "model", "candidates", "excluded"}
    assert doc["as_of"] == AS_OF and doc["model"] == {"name": "local", "version": "7", "run_id": "r1"}
    assert [c["employee_id"] for c in doc["candidates"]] == ["e1"]
    cand = doc["candidates"][0]
    assert cand["rank"] == 1 and 1 <= cand["predicted_performance"] <= 5 and 0 <= cand["adjustment_risk"] <= 1
    for item in cand["explanations"]:
        assert set(item) >= {"target", "feature", "label", "value", "contribution"}
    excluded = {e["employee_id"]: set(e["reasons"]) for e in doc["excluded"]}
    assert excluded["e2"] == {"holds_position"}
    assert {"not_pns", "tenure_under_min"} <= excluded["e3"]
    json.dumps(doc)                                       # plain JSON, no numpy leftovers


def test_every_employee_is_ranked_or_excluded(context, served, tiny):
    ranking = rank(context, served, "p2", AS_OF)
    seen = [c.employee_id for c in ranking.candidates] + [e["employee_id"] for e in ranking.excluded]
    assert sorted(seen) == sorted(tiny.employees["employee_id"])


def test_contributions_add_up_to_the_model_output(served):
    from synthetic_bundle import random_features

    frame = random_features(25, seed=3)
    x = served.bundle.matrix(frame)
    contrib = contributions(served.bundle, x)
    np.testing.assert_allclose(contrib[PERFORMANCE_MODEL].sum(axis=1), served.bundle.performance.predict(x), atol=1e-6)
    np.testing.assert_allclose(contrib[RISK_MODEL].sum(axis=1), served.bundle.risk.predict(x, raw_score=True), atol=1e-6)


def test_recommendation_targets_the_gap_and_lowers_risk(context, served):
    cand = rank(context, served, "p3", AS_OF, RankingOptions(lang="en")).candidates[0]
    codes = [r.training_code for r in cand.training_recommendations]
    assert codes == ["pkp"]                                # the only training developing m.02
    rec = cand.training_recommendations[0]
    assert rec.expected_risk_change < 0 and "teamwork" in rec.reason


def test_no_gap_means_a_note_not_a_recommendation(context, served):
    cand = rank(context, served, "p2", AS_OF).candidates[0]     # e2: m.08 3.5 vs 3, no other assessment
    assert cand.training_recommendations == [] and cand.recommendation_note


def test_ad_hoc_vacancy(context, served):
    post = Vacancy("darurat-1", "u2", "pengawas", "kebencanaan", 9, {"m.08": 4, "t.kebencanaan": 3})
    ranking = rank(context, served, "", AS_OF, vacancy=post)
    assert ranking.position_id == "darurat-1"
    assert {c.employee_id for c in ranking.candidates} == {"e1", "e2"}


@pytest.mark.parametrize("kwargs, field", [
    ({"position_id": "nope"}, "position_id"),
    ({"position_id": "p3", "as_of": "yesterday-ish"}, "as_of"),
    ({"position_id": "p3", "options": RankingOptions(top_k=0)}, "top_k"),
    ({"position_id": "p3", "options": RankingOptions(lang="fr")}, "lang"),
    ({"position_id": "", "vacancy": Vacancy("darurat-1", "u-none", "pengawas", "kebencanaan", 9, {"m.08": 4})},
     "vacancy.unit_id"),
])
def test_bad_requests_name_the_field(context, served, kwargs, field):
    with pytest.raises(RankingError) as err:
        rank(context, served, **kwargs)
    assert err.value.field == field


def test_every_feature_has_words_in_both_languages():
    assert [f for f in FEATURES if not labelled(f)] == []
    assert describe("gap_m.08", -1.2, {}, "id") == "Kompetensi pengambilan keputusan 1,2 level di bawah standar jabatan"
    assert describe("gap_m.08", -1.2, {}, "en") == "Decision-making competency 1.2 levels below the post's standard"
    assert describe("distance_km", 371.29, {}, "id") == "Jarak ke lokasi jabatan 371 km"
    assert describe("tech_gap", float("nan"), {"target_domain": "kesehatan"}, "en") == \
        "Health technical competency not assessed"


def test_nobody_eligible_is_an_empty_ranking(context, served, tiny):
    ranking = rank(context, served, "p3", "2005-01-01")
    assert ranking.candidates == [] and ranking.n_eligible == 0
    assert len(ranking.excluded) == len(tiny.employees)


def test_training_hours_feature_is_not_a_competency_gap():
    assert describe("gap_training_hours_3y", 40.0, {}, "en").startswith("40 hours (JP) of training")


@pytest.mark.parametrize("pool, reason", [
    (PoolFilter(regions=("r2",)), "outside_regions_filter"),
    (PoolFilter(domains=("kesehatan",)), "outside_domains_filter"),
    (PoolFilter(units=("u2",)), "outside_units_filter"),
    (PoolFilter(max_distance_km=100), "beyond_max_distance"),
])
def test_pool_filters_exclude_with_a_reason(context, served, pool, reason):
    open_pool = rank(context, served, "p3", AS_OF)
    assert [c.employee_id for c in open_pool.candidates] == ["e1"]          # e1 works in r1, keuangan, u1
    filtered = rank(context, served, "p3", AS_OF, RankingOptions(pool=pool))
    assert filtered.candidates == []
    assert {e["employee_id"]: e["reasons"] for e in filtered.excluded}["e1"] == [reason]


def test_pool_filter_keeps_matching_candidates(context, served):
    kept = rank(context, served, "p3", AS_OF, RankingOptions(pool=PoolFilter(regions=("r1",), max_distance_km=500)))
    assert [c.employee_id for c in kept.candidates] == ["e1"]


def test_batch_scores_match_the_rankings(context, served):
    from serving.batch import score_vacancies

    batch = score_vacancies(context, served, ["p2", "p3"], AS_OF).set_index(["position_id", "employee_id"])
    for pid in ("p2", "p3"):
        for cand in rank(context, served, pid, AS_OF).candidates:
            row = batch.loc[(pid, cand.employee_id)]
            assert row["score"] == pytest.approx(cand.score, abs=1e-4)
            assert row["adjustment_risk"] == pytest.approx(cand.adjustment_risk, abs=1e-4)
    assert len(batch) == sum(rank(context, served, pid, AS_OF).n_eligible for pid in ("p2", "p3"))
