"""POST /v1/what-if over a real server: a candidate re-scored with chosen trainings by the
same re-scoring as the ranking's training recommendations, in words in percentage
points; 422 naming the field for an unknown training or a non-candidate (with the reasons)."""

import httpx
import pytest

from api_helpers import POSITION, assert_problem, rank

pytestmark = pytest.mark.api

AS_OF = "2021-01-01"


def what_if(url: str, body: dict) -> httpx.Response:
    return httpx.post(f"{url}/v1/what-if", json={"position_id": POSITION, "as_of": AS_OF, **body}, timeout=60)


@pytest.fixture(scope="module")
def ranked(server) -> dict:
    doc = rank(server, {"position_id": POSITION, "as_of": AS_OF, "top_k": 10, "include_excluded": True}).json()
    assert doc["candidates"] and doc["excluded"]
    return doc


def test_before_is_the_ranking_and_after_is_before_plus_the_change(server, ranked):
    """(That the change is the recommendations' re-scoring: test_what_if_rescoring.py; the
    model trained here recommends no training.)"""
    candidate = ranked["candidates"][1]
    response = what_if(server, {"employee_id": candidate["employee_id"], "trainings": ["pkp"]})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["before"] == {"predicted_performance": candidate["predicted_performance"],
                                "adjustment_risk": candidate["adjustment_risk"]}
    for name in ("predicted_performance", "adjustment_risk"):
        assert answer["after"][name] == pytest.approx(answer["before"][name] + answer["change"][name], abs=1e-4)
    assert set(answer["assumed_uplift"]) <= set(answer["trainings"][0]["competencies"])
    assert answer["model"] == ranked["model"] and answer["as_of"] == AS_OF
    assert "poin persen risiko" in answer["summary"] and "poin SKP" in answer["summary"]


def test_several_trainings_and_english_words(server, ranked):
    candidate = ranked["candidates"][0]
    response = what_if(server, {"employee_id": candidate["employee_id"], "trainings": ["pkp", "keu01"], "lang": "en"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [t["training_code"] for t in answer["trainings"]] == ["pkp", "keu01"]
    assert "pp of risk" in answer["summary"] and answer["language"] == "en"


@pytest.mark.parametrize("trainings, field", [(["no-such-training"], "trainings.0"), (["pkp", "pkp"], "trainings.1"),
                                              ([], "trainings")])
def test_an_unknown_training_is_422_naming_it(server, ranked, trainings, field):
    employee = ranked["candidates"][0]["employee_id"]
    assert_problem(what_if(server, {"employee_id": employee, "trainings": trainings}), 422, field)


def test_a_non_candidate_is_422_with_the_reasons_that_exclude_them(server, ranked):
    excluded = ranked["excluded"][0]
    problem = assert_problem(what_if(server, {"employee_id": excluded["employee_id"], "trainings": ["pkp"]}),
                             422, "employee_id")
    assert problem["reasons"] == excluded["reasons"]
    assert all(code in problem["detail"] for code in excluded["reasons"])


def test_an_unknown_post_is_404(server):
    assert_problem(what_if(server, {"position_id": "no-such-post", "employee_id": "e1-0", "trainings": ["pkp"]}),
                   404, "position_id")
