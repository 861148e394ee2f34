"""``GET /v1/follow-up`` against the real server of tests/api (a model trained by
``mutasi train`` on the cloned tiny dataset), and ``mutasi follow-up`` on the same store:
pages that add up to the whole list, problems naming the field, and whichever risk-now
path the trained bundle has (its post-transfer model, or the notice that it has none —
the clones may be too few to fit one)."""

import json
import subprocess
import sys

import httpx
import pytest

from api_helpers import assert_problem

pytestmark = pytest.mark.api
AS_OF = "2016-01-01"              # the clones' moves of 2014-2015 are inside the 24-month window


def get(url: str, query: str) -> httpx.Response:
    return httpx.get(f"{url}/v1/follow-up?{query}", timeout=120)


@pytest.fixture(scope="module")
def whole(server) -> dict:
    answer = get(server, f"as_of={AS_OF}&limit=1000")
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def test_pages_add_up_to_the_whole_list(server, whole):
    assert whole["matching"] == whole["transferees"] == len(whole["entries"]) > 10
    pages = [get(server, f"as_of={AS_OF}&offset={k}&limit=7").json() for k in range(0, whole["matching"], 7)]
    assert [e["employee_id"] for p in pages for e in p["entries"]] == [e["employee_id"] for e in whole["entries"]]
    assert all(p["matching"] == whole["matching"] and p["units"] == whole["units"] for p in pages)
    assert len(get(server, f"as_of={AS_OF}").json()["entries"]) == min(100, whole["matching"])


def test_the_risk_now_path_the_model_has(whole):
    entries = whole["entries"]
    if whole["followup_model"]:
        assert whole["followup_notices"] == [] and all(e["risk_now"] is not None for e in entries)
        watched = [e["risk_now"] for e in entries]
    else:
        assert whole["followup_notices"] == ["no_followup_model"] and all(e["risk_now"] is None for e in entries)
        assert whole["by_warning"]["risk_rose"] == 0
        watched = [e["risk_at_decision"] for e in entries]
    assert watched == sorted(watched, reverse=True)
    assert all(e["plan"] is not None and e["plan"]["check_ins"] for e in entries)


def test_filters_and_problems_name_the_field(server, whole):
    unit = whole["units"][0]
    narrowed = get(server, f"as_of={AS_OF}&unit={unit['unit_id']}").json()
    assert narrowed["transferees"] == unit["transferees"] and {e["unit_id"] for e in narrowed["entries"]} == {
        unit["unit_id"]}
    empty = get(server, "").json()          # the day after the data ends: the clones' last moves are older
    assert (empty["transferees"], empty["entries"], empty["units"]) == (0, [], [])
    assert_problem(get(server, "unit=nowhere"), 422, "unit")
    assert_problem(get(server, "warning=sad"), 422, "query.warning")
    assert_problem(get(server, "limit=1001"), 422, "query.limit")
    assert_problem(get(server, "as_of=2016-02-30"), 422, "query.as_of")


def test_the_command_reads_the_champion_of_the_store(store, whole):
    result = subprocess.run([sys.executable, "-m", "mutasi.cli", "follow-up", "--data", str(store["data"]),
                             "--as-of", AS_OF, "--json"], env=store["env"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    doc = json.loads(result.stdout)
    assert [e["employee_id"] for e in doc["entries"]] == [e["employee_id"] for e in whole["entries"]]
    assert doc["by_warning"] == whole["by_warning"]
