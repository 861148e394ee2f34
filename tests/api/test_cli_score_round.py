"""``mutasi score-round`` as a user runs it: a real process on the trained throw-away
store (a CSV dataset), locally and on a LocalCluster the command starts itself."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from serving.scale.scored import read_scored

pytestmark = pytest.mark.api


def score_round(store: dict, round_file, out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", "score-round", "--data", str(store["data"]),
                           "--round", str(round_file), "--out", str(out), *args], env=store["env"],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def round_file(store, tmp_path_factory):
    positions = pd.read_csv(store["data"] / "positions.csv", dtype=str)["position_id"].tolist()[:6]
    path = tmp_path_factory.mktemp("round") / "round.csv"
    pd.DataFrame({"position_id": positions}).to_csv(path, index=False)
    return path


def test_dask_and_local_write_the_same_pairs(store, round_file, tmp_path):
    local = score_round(store, round_file, tmp_path / "local", "--top-n", "3", "--slice-employees", "40")
    assert local.returncode == 0, local.stderr[-3000:]
    dask = score_round(store, round_file, tmp_path / "dask", "--top-n", "3", "--slice-employees", "40",
                       "--engine", "dask", "--workers", "2", "--json")
    assert dask.returncode == 0, dask.stderr[-3000:]
    doc = json.loads(dask.stdout)                        # --json: only the manifest on stdout
    assert doc["engine"] == "dask" and doc["workers"] == 2 and doc["keep"]["top_n"] == 3
    assert len(doc["memory_mb"]["peak"]) == 2 and "memory tcp://" in dask.stderr and "pairs scored" in dask.stderr
    got, want = read_scored(tmp_path / "dask"), read_scored(tmp_path / "local")
    assert len(want.pairs) > 0 and (want.vacancies["n_kept"] <= 3).all()
    pd.testing.assert_frame_equal(got.pairs, want.pairs, check_exact=False, rtol=0, atol=1e-9)
    assert "plan from it: mutasi plan" in local.stderr


def test_bad_inputs_exit_2_and_write_nothing(store, round_file, tmp_path):
    bad_round = tmp_path / "bad.csv"
    pd.DataFrame({"position_id": ["nope"], "headcount": [0]}).to_csv(bad_round, index=False)
    result = score_round(store, bad_round, tmp_path / "out")
    assert result.returncode == 2 and "round" in result.stderr and "headcount" in result.stderr
    result = score_round(store, round_file, tmp_path / "out", "--top-n", "0")
    assert result.returncode == 2
    result = score_round(store, round_file, tmp_path / "out", "--engine", "dask", "--memory-limit", "lots")
    assert result.returncode == 2 and "--memory-limit" in result.stderr and "'lots'" in result.stderr
    result = score_round(store, round_file, tmp_path / "out", "--score-floor", "nan")
    assert result.returncode == 2 and "score_floor" in result.stderr
    assert not (tmp_path / "out").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = score_round(store, round_file, tmp_path / "full")
    assert result.returncode == 2 and "--force" in result.stderr


def test_an_unreachable_scheduler_is_said(store, round_file, tmp_path):
    result = score_round(store, round_file, tmp_path / "out", "--engine", "dask", "--scheduler",
                         "tcp://127.0.0.1:9")
    assert result.returncode == 1 and "Dask scheduler" in result.stderr
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == []
