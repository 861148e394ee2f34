"""The same ranking from three doors: Python, command line and HTTP."""

import json
import subprocess
import sys

import pytest

from serving.limits import MAX_EXCLUDED_PAGE

from api_helpers import POSITION, rank

pytestmark = pytest.mark.api
REQUEST = {"position_id": POSITION, "as_of": "2021-01-01", "top_k": 5, "include_excluded": True,
           "excluded_limit": MAX_EXCLUDED_PAGE}


def core(doc: dict) -> dict:
    """What must agree between doors (audit ids differ per served ranking)."""
    return {"position_id": doc["position_id"], "as_of": str(doc["as_of"]), "model": doc["model"],
            "candidates": [(c["employee_id"], c["score"], c["adjustment_risk"]) for c in doc["candidates"]],
            "excluded": sorted((e["employee_id"], tuple(e["reasons"])) for e in doc["excluded"])}


def test_python_cli_and_http_agree(server, store, monkeypatch):
    http = rank(server, REQUEST).json()
    cli = subprocess.run([sys.executable, "-m", "mutasi.cli", "rank", "--data", str(store["data"]), "--position",
                          POSITION, "--as-of", "2021-01-01", "--top", "5", "--json"],
                         env=store["env"], capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr[-2000:]
    monkeypatch.setenv("MUTASI_HOME", store["env"]["MUTASI_HOME"])
    from serving import rank_candidates

    python = rank_candidates(POSITION, "2021-01-01", 5, data=store["data"]).to_document()
    assert core(http) == core(json.loads(cli.stdout)) == core(python)
    assert http["candidates"], "the request must rank somebody for the comparison to mean anything"


def test_cli_rank_readable_table_and_errors(store):
    ok = subprocess.run([sys.executable, "-m", "mutasi.cli", "rank", "--data", str(store["data"]), "--position",
                         POSITION, "--lang", "en"], env=store["env"], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and "Candidates for p3" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "mutasi.cli", "rank", "--data", str(store["data"]), "--position",
                          "nope", "--json"], env=store["env"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "unknown position_id 'nope'" in bad.stderr
