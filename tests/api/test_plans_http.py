"""Round plans over HTTP against a real uvicorn process: the plan document (contract
section 6) recorded in the audit log, reviewers' decisions on its moves, a re-plan that
keeps the accepted moves and never repeats a rejected one, problem documents naming the
field (or the round's row and column), bounded requests and bearer tokens."""

import asyncio
import threading
import time

import httpx
import pytest

from features.round import MAX_ROUND_ROWS
from serving.audit import AuditLog
from serving.limits import MAX_ID_LENGTH
from serving.planning import service

from api_helpers import assert_problem
from servers import start_server

pytestmark = pytest.mark.api

AS_OF = "2021-01-01"
ROUND = [{"position_id": "p1"}, {"position_id": "p2", "priority": 1},
         {"position_id": "p3", "headcount": 2, "priority": 2}, {"position_id": "p4"}]
CONSTRAINTS = {"max_outflow_per_unit", "priority", "fixed_moves", "forbidden_moves", "key_post_guard"}
TOKENS = {"bkd-tool": "tok-plan-5e1d"}


def post_plan(url: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(f"{url}/v1/plans", json=body, headers=headers or {}, timeout=120)


def decide(url: str, audit_id: int, move: dict, decision: str, **extra) -> httpx.Response:
    body = {"employee_id": move["employee_id"], "position_id": move["position_id"], "decision": decision,
            "reviewer": "Bu Sari", **extra}
    return httpx.post(f"{url}/v1/plans/{audit_id}/decisions", json=body, timeout=60)




@pytest.fixture(scope="module")
def planned(server) -> dict:
    response = post_plan(server, {"round": ROUND, "as_of": AS_OF, "max_outflow_per_unit": "20%"})
    assert response.status_code == 200, response.text[:1000]
    return response.json()


def moves_of(doc: dict) -> set[tuple[str, str]]:
    return {(m["employee_id"], m["position_id"]) for m in doc["moves"]}


def test_a_round_plan_follows_the_contract(planned):
    doc = planned
    assert doc["as_of"] == AS_OF and set(doc["model"]) == {"name", "version", "run_id"} and doc["model"]["run_id"]
    assert doc["rules"] == "contract@1" and doc["plan_id"]
    objective = doc["objective"]
    assert {"value", "bound", "gap", "greedy_value"} <= set(objective)
    assert objective["bound"] >= objective["value"] - 1e-6 and 0 <= objective["gap"] <= 1e-3
    assert objective["value"] >= objective["greedy_value"] - 1e-6       # never worse than the greedy pick
    assert {k["name"] for k in doc["constraints"]} == CONSTRAINTS
    assert doc["moves"], "the cloned dataset has candidates for every post"
    for move in doc["moves"]:
        assert {"position_id", "employee_id", "from_position_id", "predicted_performance", "adjustment_risk",
                "preference_met", "explanations", "runners_up"} <= set(move)
        assert 0 <= move["adjustment_risk"] <= 1 and move["employee_id"] not in move["runners_up"]
    assert {m["position_id"] for m in doc["moves"]} <= {r["position_id"] for r in ROUND}
    assert len({m["employee_id"] for m in doc["moves"]}) == len(doc["moves"]), "one move per employee"
    assert len(doc["moves"]) + sum(u["missing"] for u in doc["unfilled"]) == doc["headcount"] == 5
    assert doc["settings"]["outflow"] == "20% of staff"


def test_a_served_plan_is_in_the_audit_log(planned, store):
    entry = AuditLog(store["audit"]).plan_entry(planned["audit_id"])
    assert (entry["caller"], entry["peer"]) == ("anonymous@loopback", "127.0.0.1")
    assert entry["plan_id"] == planned["plan_id"] and entry["as_of"] == AS_OF and entry["previous_id"] is None
    assert [r["position_id"] for r in entry["request"]["round"]] == [r["position_id"] for r in ROUND]
    assert entry["document"]["moves"] == planned["moves"]
    assert entry["document"]["objective"] == planned["objective"]


def test_decisions_are_recorded_and_the_latest_per_move_counts(server, store):
    doc = post_plan(server, {"round": ROUND, "as_of": AS_OF}).json()
    first, second = doc["moves"][:2]
    saved = decide(server, doc["audit_id"], first, "reject", note="belum siap")
    assert saved.status_code == 201, saved.text
    assert saved.json()["decision"] == "reject" and saved.json()["plan_id"] == doc["plan_id"]
    assert decide(server, doc["audit_id"], second, "reject").status_code == 201
    assert decide(server, doc["audit_id"], first, "accept", note="setelah wawancara").status_code == 201

    shown = httpx.get(f"{server}/v1/plans/{doc['audit_id']}", timeout=60).json()
    assert shown["audit_id"] == doc["audit_id"] and shown["moves"] == doc["moves"] and shown["replan_of"] is None
    decided = {(d["employee_id"], d["position_id"]): d for d in shown["decisions"]}
    assert len(shown["decisions"]) == 2
    assert decided[(first["employee_id"], first["position_id"])]["decision"] == "accept"
    assert decided[(first["employee_id"], first["position_id"])]["note"] == "setelah wawancara"
    assert decided[(second["employee_id"], second["position_id"])]["decision"] == "reject"

    log = AuditLog(store["audit"])
    history = log.move_decisions(doc["audit_id"], history=True)
    assert [d["decision"] for d in history] == ["reject", "reject", "accept"]
    assert all((d["caller"], d["peer"], d["reviewer"]) == ("anonymous@loopback", "127.0.0.1", "Bu Sari")
               for d in history)
    assert log.verify().ok


def test_the_announcement_lists_only_accepted_moves_and_no_scores(server):
    doc = post_plan(server, {"round": ROUND, "as_of": AS_OF, "max_outflow_per_unit": None}).json()
    assert len(doc["moves"]) >= 2
    url = f"{server}/v1/plans/{doc['audit_id']}/announcement"
    assert_problem(httpx.get(url, timeout=60), 422, "decisions")           # nothing accepted yet
    accepted, rejected = doc["moves"][:2]
    assert decide(server, doc["audit_id"], accepted, "accept").status_code == 201
    assert decide(server, doc["audit_id"], rejected, "reject").status_code == 201
    shown = httpx.get(url, params={"format": "json", "lang": "en"}, timeout=60)
    assert shown.status_code == 200, shown.text[:500]
    moves = [(m["employee_id"], m["position_id"]) for m in shown.json()["moves"]]
    assert moves == [(accepted["employee_id"], accepted["position_id"])]
    page = httpx.get(url, timeout=60)
    assert page.headers["content-type"].startswith("text/html")
    assert accepted["employee_id"] in page.text and rejected["employee_id"] not in page.text
    for runner in accepted["runners_up"]:
        assert runner not in page.text
    assert str(accepted["predicted_performance"]) not in page.text
    text = httpx.get(url, params={"format": "text"}, timeout=60)
    assert text.headers["content-type"].startswith("text/plain") and accepted["employee_id"] in text.text


def test_replan_forbids_rejected_moves_and_keeps_accepted_ones(server, store):
    doc = post_plan(server, {"round": ROUND, "as_of": AS_OF}).json()
    by_post = {m["position_id"]: m for m in doc["moves"]}
    kept, dropped = by_post["p1"], by_post["p2"]
    assert decide(server, doc["audit_id"], kept, "accept").status_code == 201
    assert decide(server, doc["audit_id"], dropped, "reject").status_code == 201

    response = httpx.post(f"{server}/v1/plans/{doc['audit_id']}/replan", timeout=120)
    assert response.status_code == 200, response.text[:1000]
    new = response.json()
    assert new["audit_id"] != doc["audit_id"] and new["replan_of"] == doc["audit_id"]
    assert (dropped["employee_id"], "p2") not in moves_of(new)
    assert not [m for m in new["moves"] if m["employee_id"] == dropped["employee_id"] and m["position_id"] == "p2"]
    assert any(m["position_id"] == "p2" for m in new["moves"]), "p2 is filled by someone else"
    fixed = [m for m in new["moves"] if (m["employee_id"], m["position_id"]) == (kept["employee_id"], "p1")]
    assert len(fixed) == 1 and fixed[0]["fixed"]
    assert new["settings"]["forbidden"] == [[dropped["employee_id"], "p2"]]
    assert new["settings"]["fixed"] == [[kept["employee_id"], "p1"]]
    assert new["as_of"] == doc["as_of"]

    entry = AuditLog(store["audit"]).plan_entry(new["audit_id"])
    assert entry["previous_id"] == doc["audit_id"] and entry["request"]["replan_of"] == doc["audit_id"]
    assert entry["request"]["forbidden"] == [{"employee_id": dropped["employee_id"], "position_id": "p2"}]
    shown = httpx.get(f"{server}/v1/plans/{new['audit_id']}", timeout=60).json()
    assert shown["replan_of"] == doc["audit_id"] and shown["decisions"] == []


@pytest.mark.parametrize("body, field", [
    ({"round": [{"position_id": "p1"}], "fixed": [{"employee_id": "nobody-here", "position_id": "p1"}]},
     "fixed.0.employee_id"),
    ({"round": [{"position_id": "p1"}], "forbidden": [{"employee_id": "e1-1", "position_id": "p9"}]},
     "forbidden.0.position_id"),
    ({"round": [{"position_id": "p" * (MAX_ID_LENGTH + 1)}]}, "round.0.position_id"),
    ({"round": [{"position_id": "p1"}], "max_outflow_per_unit": "abc"}, "max_outflow_per_unit"),
    ({"round": [{"position_id": "p1"}], "max_outflow_per_unit": 2.5}, "max_outflow_per_unit"),
    ({"round": [{"position_id": "p1"}], "chain_depth": 9}, "chain_depth"),
    ({"round": [{"position_id": "p1"}], "weights": {"risk": -1}}, "weights.risk"),
    ({"round": [{"position_id": "p1"}], "guard": {"min_performance": 9}}, "guard.min_performance"),
    ({"round": [{"position_id": "p1"}], "time_limit_s": 0}, "time_limit_s"),
    ({"round": [{"position_id": "p1"}], "lang": "fr"}, "lang"),
    ({"round": [{"position_id": "p1"}], "as_of": "2021-02-30"}, "as_of"),
    ({"round": [{"position_id": "p1"}] * (MAX_ROUND_ROWS + 1)}, "round"),
])
def test_bad_plan_requests_get_a_problem_naming_the_field(server, store, body, field):
    before = AuditLog(store["audit"]).verify().checked
    assert_problem(post_plan(server, body), 422, field)
    assert AuditLog(store["audit"]).verify().checked == before, "a refused request is not recorded"


def test_round_problems_name_row_and_column(server):
    body = {"round": [{"position_id": "p1"}, {"position_id": "p2", "headcount": 0}, {"position_id": "p3",
                                                                                     "priority": "soon"}]}
    problem = assert_problem(post_plan(server, body), 422, "round.1.headcount")
    listed = {(p["row"], p["column"]): p for p in problem["problems"]}
    assert listed[(2, "headcount")]["value"] == 0 and listed[(2, "headcount")]["table"] == "round"
    assert "at least 1" in listed[(2, "headcount")]["message"]
    assert listed[(3, "priority")]["value"] == "soon"
    assert problem["n_problems"] == 2


def test_decisions_must_fit_the_plan(server, planned):
    audit_id, move = planned["audit_id"], planned["moves"][0]
    assert_problem(decide(server, audit_id, {**move, "position_id": "p-none"}, "accept"), 422, "position_id")
    assert_problem(decide(server, audit_id, {**move, "employee_id": "e-none"}, "accept"), 422, "employee_id")
    assert_problem(decide(server, audit_id, move, "maybe"), 422, "decision")
    assert_problem(decide(server, audit_id, move, "accept", reviewer="  "), 422, "reviewer")
    assert_problem(decide(server, 10**9, move, "accept"), 404, "audit_id")
    assert_problem(httpx.get(f"{server}/v1/plans/{10**9}"), 404, "audit_id")
    assert_problem(httpx.post(f"{server}/v1/plans/{10**9}/replan"), 404, "audit_id")
    assert_problem(httpx.get(f"{server}/v1/plans/{10**30}"), 422, "path.audit_id")


def test_openapi_lists_the_plan_endpoints(server):
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    assert {"/v1/plans", "/v1/plans/{audit_id}", "/v1/plans/{audit_id}/decisions",
            "/v1/plans/{audit_id}/replan"} <= set(paths)
    assert "post" in paths["/v1/plans"] and "get" in paths["/v1/plans/{audit_id}"]


@pytest.fixture(scope="module")
def guarded(store):
    proc, url = start_server(store, {"MUTASI_API_TOKENS": ",".join(f"{n}:{t}" for n, t in TOKENS.items())})
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_plans_need_the_token_when_tokens_are_configured(guarded, store):
    body = {"round": [{"position_id": "p1"}], "as_of": AS_OF}
    for headers in ({}, {"Authorization": "Bearer nope"}):
        response = post_plan(guarded, body, headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    auth = {"Authorization": f"Bearer {TOKENS['bkd-tool']}"}
    doc = post_plan(guarded, body, auth).json()
    assert AuditLog(store["audit"]).plan_entry(doc["audit_id"])["caller"] == "bkd-tool"
    move = doc["moves"][0]
    decision = {"employee_id": move["employee_id"], "position_id": move["position_id"], "decision": "accept",
                "reviewer": "Bu Sari"}
    for method, path, json in [("GET", f"/v1/plans/{doc['audit_id']}", None),
                               ("POST", f"/v1/plans/{doc['audit_id']}/decisions", decision),
                               ("POST", f"/v1/plans/{doc['audit_id']}/replan", None)]:
        assert httpx.request(method, guarded + path, json=json, timeout=60).status_code == 401, path
    assert httpx.post(f"{guarded}/v1/plans/{doc['audit_id']}/decisions", json=decision, headers=auth,
                      timeout=60).status_code == 201
    assert AuditLog(store["audit"]).move_decisions(doc["audit_id"])[0]["caller"] == "bkd-tool"


# --- the time bound and the slots of the plan workers (no server needed) ----------------------


def test_a_plan_that_overruns_its_bound_is_refused_and_keeps_its_slot_until_it_ends():
    finished = threading.Event()

    def slow() -> str:
        time.sleep(1.0)
        finished.set()
        return "late"

    started = time.monotonic()
    with pytest.raises(service.PlanTimeout) as caught:
        asyncio.run(service.bounded(slow, 0.2))
    assert time.monotonic() - started < 0.9, "the request does not wait for the plan"
    assert caught.value.seconds == 0.2 and "0.2 s" in str(caught.value)
    assert finished.wait(5)
    time.sleep(0.05)
    assert asyncio.run(service.bounded(lambda: "ok", 5)) == "ok"


def test_plans_beyond_the_worker_slots_are_refused():
    release = threading.Event()

    async def crowd():
        busy = [asyncio.ensure_future(service.bounded(release.wait, 10)) for _ in range(service.MAX_CONCURRENT_PLANS)]
        try:
            await asyncio.sleep(0.1)
            with pytest.raises(service.PlanBusy):
                await service.bounded(lambda: "one too many", 10)
        finally:
            release.set()
        return await asyncio.gather(*busy)

    assert asyncio.run(crowd()) == [True] * service.MAX_CONCURRENT_PLANS
    time.sleep(0.05)
    assert asyncio.run(service.bounded(lambda: "free again", 5)) == "free again"


def test_the_request_bound_follows_the_solver_limit():
    assert service.request_seconds(60) == 60 + service.PLAN_OVERHEAD_S
    assert service.request_seconds(10_000) == 600 + service.PLAN_OVERHEAD_S
