"""The HTTP door against a real uvicorn process: contract document, problem documents
naming the field, audit log, no token beyond loopback."""

import subprocess
import sys

import httpx
import pytest

from serving.audit import AuditLog
from serving.limits import MAX_EXCLUDED_PAGE

from api_helpers import POSITION, own_entry, rank

pytestmark = pytest.mark.api


def test_health_and_model(server, store):
    health = httpx.get(f"{server}/v1/health").json()
    assert health == {"status": "ok", "model": {"name": "mutasi-ranker", "version": "1"}}
    model = httpx.get(f"{server}/v1/model").json()
    assert model["name"] == "mutasi-ranker" and "managerial_shortfall" in model["features"]
    assert model["run_id"] and model["dataset"] == store["data"].name and model["default_as_of"]


def test_ranking_follows_the_contract(server):
    response = rank(server, {"position_id": POSITION, "as_of": "2021-01-01", "top_k": 3, "include_excluded": True,
                             "excluded_limit": MAX_EXCLUDED_PAGE})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["position_id"] == POSITION and doc["as_of"] == "2021-01-01"
    assert set(doc["model"]) == {"name", "version", "run_id"} and doc["model"]["run_id"]
    assert 1 <= len(doc["candidates"]) <= 3
    assert [c["rank"] for c in doc["candidates"]] == list(range(1, len(doc["candidates"]) + 1))
    for cand in doc["candidates"]:
        assert {"employee_id", "score", "predicted_performance", "adjustment_risk", "explanations",
                "training_recommendations"} <= set(cand)
    assert doc["excluded"] and all(e["reasons"] for e in doc["excluded"])
    assert doc["n_excluded"] == doc["excluded_page"]["total"] == len(doc["excluded"])


def test_every_served_ranking_is_in_the_audit_log(server, store):
    doc = rank(server, own_entry({"position_id": POSITION, "top_k": 2}, 21)).json()
    entry = AuditLog(store["root"] / "home" / "audit.db").ranking(doc["audit_id"])
    assert entry["caller"] == "anonymous@loopback" and entry["peer"] == "127.0.0.1"
    assert entry["position_id"] == POSITION
    assert [r["employee_id"] for r in entry["results"]] == [c["employee_id"] for c in doc["candidates"]]
    assert entry["model_version"] == doc["model"]["version"]


@pytest.mark.parametrize("body, status, field", [
    ({"position_id": "no-such-post"}, 404, "position_id"),
    ({"position_id": POSITION, "as_of": "2021-13-45"}, 422, "as_of"),
    ({"position_id": POSITION, "top_k": 0}, 422, "top_k"),
    ({"position_id": POSITION, "top_k": 5000}, 422, "top_k"),
    ({"position_id": POSITION, "lang": "fr"}, 422, "lang"),
    ({"top_k": 3}, 422, "position_id"),
    ({"vacancy": {"position_id": "darurat-1", "unit_id": "u-none", "position_type": "pengawas",
                  "domain": "kebencanaan", "job_class": 9, "standards": {"m.08": 4}}}, 422, "vacancy.unit_id"),
])
def test_bad_input_gets_a_problem_document(server, body, status, field):
    response = rank(server, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["field"] == field and problem["detail"]


def test_malformed_json_is_a_4xx_not_a_500(server):
    response = httpx.post(f"{server}/v1/rankings", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::"])
def test_beyond_loopback_needs_a_token(store, host):
    """"" binds every interface: it is not loopback, whatever it looks like."""
    result = subprocess.run([sys.executable, "-m", "mutasi.cli", "serve", "--data", str(store["data"]),
                             "--host", host, "--port", "1"], env=store["env"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0 and "MUTASI_API_TOKEN" in result.stderr
