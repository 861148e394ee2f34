"""``GET /v1/talent`` and ``GET /v1/succession/{position_id}`` in process on the tiny
dataset: the same map and lists as the functions, paged, under the server's rule pack,
and errors naming the field."""

import pytest
from fastapi.testclient import TestClient

from features.rule_packs import load_rules
from serving.api import create_app
from serving.audit import AuditLog
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.succession import key_post_ids, succession_list
from serving.talent import talent_map

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"


@pytest.fixture(scope="module")
def context(tiny) -> ServingContext:
    return ServingContext.from_dataset(tiny)


def client(context, tmp_path, rules=None) -> TestClient:
    extra = {} if rules is None else {"rules": rules}
    app = create_app(context, ChampionCache(None), AuditLog(tmp_path / "audit.db"), tokens={}, **extra)
    return TestClient(app, base_url="http://127.0.0.1")


def test_talent_pages_the_map_the_function_draws(context, tmp_path):
    expected = talent_map(context, AS_OF)
    http = client(context, tmp_path)
    whole = http.get(f"/v1/talent?as_of={AS_OF}").json()
    assert whole["counts"] == {str(k): n for k, n in expected.counts().items()}
    assert [p["employee_id"] for p in whole["people"]] == list(expected.people["employee_id"])
    assert whole["n_people"] == len(expected.people) and whole["rules"] == "contract@1"
    page = http.get(f"/v1/talent?as_of={AS_OF}&offset=1&limit=1").json()
    assert [p["employee_id"] for p in page["people"]] == list(expected.people["employee_id"])[1:2]
    box = int(expected.people["box"].iloc[0])
    boxed = http.get(f"/v1/talent?as_of={AS_OF}&box={box}").json()
    assert {p["box"] for p in boxed["people"]} == {box} and boxed["n_people"] == len(expected.in_box(box))


def test_talent_follows_the_servers_rule_pack(context, tmp_path):
    """nasional excludes a running tugas belajar: e2 (on study leave on 2020-01-01) leaves the map."""
    on_leave = "e2"
    plain = client(context, tmp_path).get(f"/v1/talent?as_of={AS_OF}").json()
    national = client(context, tmp_path / "n", load_rules("nasional")).get(f"/v1/talent?as_of={AS_OF}").json()
    assert on_leave in {p["employee_id"] for p in plain["people"]}
    assert on_leave not in {p["employee_id"] for p in national["people"]}
    assert national["rules"] == "nasional@2026.1"


@pytest.mark.parametrize(("query", "status", "field"), [
    ("box=10", 422, "query.box"), ("limit=0", 422, "query.limit"), ("unit=u9", 422, "unit"),
    ("as_of=2020-13-01", 422, "query.as_of")])
def test_talent_names_bad_fields(context, tmp_path, query, status, field):
    answer = client(context, tmp_path).get(f"/v1/talent?{query}")
    assert answer.status_code == status and answer.json()["field"] == field


def test_succession_answers_as_the_function_without_a_model(context, tmp_path):
    http = client(context, tmp_path)
    for post in key_post_ids(context.dataset.positions):
        doc = http.get(f"/v1/succession/{post}?as_of={AS_OF}").json()
        assert doc == succession_list(context, post, None, AS_OF).to_document()
        assert doc["model"] is None
    assert http.get("/v1/succession/no-such-post").status_code == 404
    plain = context.dataset.positions.loc[context.dataset.positions["position_type"] == "pelaksana", "position_id"]
    refused = http.get(f"/v1/succession/{plain.iloc[0]}")
    assert refused.status_code == 422 and refused.json()["field"] == "position_id"
