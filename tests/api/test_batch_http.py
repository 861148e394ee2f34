"""POST /v1/rankings:batch over a real server: each request ranked as /v1/rankings ranks it
and recorded alike, one bad request answered at its index without failing the others, a
bounded size."""

import httpx
import pytest

from serving.audit import AuditLog
from serving.limits import MAX_BATCH, MAX_TOP_K

from api_helpers import POSITION, assert_problem, rank

pytestmark = pytest.mark.api

GOOD = {"position_id": POSITION, "as_of": "2021-01-02", "top_k": 4}
OTHER = {"position_id": "p2", "as_of": "2021-01-02", "top_k": 2, "lang": "en"}
BAD_VACANCY = {"as_of": "2021-01-02", "vacancy": {"position_id": "x-1", "unit_id": "u2", "position_type": "boss",
                                                   "domain": "kebencanaan", "job_class": 9, "standards": {"m.08": 4}}}


def batch(url: str, requests: list) -> httpx.Response:
    return httpx.post(f"{url}/v1/rankings:batch", json={"requests": requests}, timeout=120)


@pytest.fixture(scope="module")
def answered(server) -> dict:
    response = batch(server, [GOOD, BAD_VACANCY, {"position_id": "no-such-post"}, OTHER,
                              {**GOOD, "top_k": MAX_TOP_K + 1}, "not an object"])
    assert response.status_code == 200, response.text
    return response.json()


def test_each_request_is_ranked_as_a_single_ranking_would_be(server, answered):
    rankings = answered["rankings"]
    assert len(rankings) == 6 and rankings[0] and rankings[3]
    for index, body in ((0, GOOD), (3, OTHER)):
        single = rank(server, body).json()
        assert rankings[index]["position_id"] == body["position_id"]
        assert rankings[index]["language"] == body.get("lang", "id")
        assert rankings[index]["candidates"] == single["candidates"]
        assert rankings[index]["excluded"] is None and rankings[index]["n_excluded"] == single["n_excluded"]
    assert rankings[0]["model"] == rankings[3]["model"]


def test_one_bad_request_does_not_fail_the_others(answered):
    errors = {e["index"]: e["problem"] for e in answered["errors"]}
    assert set(errors) == {1, 2, 4, 5}
    assert [answered["rankings"][i] for i in errors] == [None] * 4
    expected = {1: (422, "requests.1.vacancy.position_type"), 2: (404, "requests.2.position_id"),
                4: (422, "requests.4.top_k"), 5: (422, "requests.5")}
    assert {i: (p["status"], p["field"]) for i, p in errors.items()} == expected
    assert str(MAX_TOP_K) in errors[4]["detail"] and "boss" in errors[1]["detail"]


def test_each_ranking_is_in_the_audit_log(answered, store):
    log = AuditLog(store["audit"])
    for doc in (answered["rankings"][0], answered["rankings"][3]):
        entry = log.ranking(doc["audit_id"])
        assert entry["position_id"] == doc["position_id"] and entry["caller"] == "anonymous@loopback"
        assert [r["employee_id"] for r in entry["results"]] == [c["employee_id"] for c in doc["candidates"]]


@pytest.mark.parametrize("requests", [[], [GOOD] * (MAX_BATCH + 1)])
def test_the_batch_size_is_bounded(server, requests):
    problem = assert_problem(batch(server, requests), 422, "requests")
    assert not requests or str(MAX_BATCH) in problem["detail"]
