"""``mutasi plan --pairs DIR`` and ``mutasi plan --engine dask`` as a user runs them: real
processes on the trained throw-away store (helpers and round of test_plan_cli), the second
with its own Dask LocalCluster of two worker processes."""

import json
import subprocess
import sys

import pytest
from test_plan_cli import mutasi_plan
from test_plan_cli import round_file as round_file  # noqa: F401  (the module's round, a fixture)

pytestmark = [pytest.mark.api, pytest.mark.slow]

AS_OF = "2020-01-01"


def score_round(store: dict, round_file, out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", "score-round", "--data", str(store["data"]),
                           "--round", str(round_file), "--out", str(out), *args], env=store["env"],
                          capture_output=True, text=True, timeout=300)


def plan_document(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def plain(store, round_file):
    """The plan scored in the planner's own process."""
    return plan_document(mutasi_plan(store, round_file, "--json", "--as-of", AS_OF))


@pytest.fixture(scope="module")
def scored_dir(store, round_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("scored") / "round"
    result = score_round(store, round_file, out, "--as-of", AS_OF, "--slice-employees", "50")
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_plan_from_a_scored_folder_makes_the_same_moves(store, round_file, plain, scored_dir):
    doc = plan_document(mutasi_plan(store, round_file, "--json", "--as-of", AS_OF, "--pairs", str(scored_dir)))
    assert doc["moves"] == plain["moves"] and len(plain["moves"]) == plain["headcount"]
    assert doc["objective"]["value"] == plain["objective"]["value"] and doc["unfilled"] == plain["unfilled"]
    assert doc["settings"]["pairs_source"]["engine"] == "local" and "pairs_source" not in plain["settings"]


def test_plan_on_dask_makes_the_same_moves(store, round_file, plain):
    result = mutasi_plan(store, round_file, "--json", "--as-of", AS_OF, "--engine", "dask", "--workers", "2",
                         "--slice-employees", "50")
    doc = plan_document(result)
    assert doc["moves"] == plain["moves"] and doc["objective"]["value"] == plain["objective"]["value"]
    source = doc["settings"]["pairs_source"]
    assert {k: source[k] for k in ("engine", "workers", "top_n", "score_floor")} == {
        "engine": "dask", "workers": 2, "top_n": 100, "score_floor": None}
    assert source["pairs_kept"] == doc["n_pairs"] == plain["n_pairs"]
    assert "scoring the pairs on Dask" in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--workers", "2", "--score-floor", "3"], "--workers, --score-floor: only with --engine dask"),
    (["--engine", "dask", "--pairs", "."], "leave out --engine dask"),
    (["--pairs", "."], "pairs: . is not a scored round"),
    (["--engine", "dask", "--chain-depth", "1"], "chain_depth: chain_depth must be 0"),
])
def test_scoring_options_out_of_place_fail_before_loading(store, round_file, args, words):
    result = mutasi_plan(store, round_file, *args)
    assert result.returncode == 2 and words in result.stderr and "loading" not in result.stderr
