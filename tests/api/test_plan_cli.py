"""``mutasi plan`` as a user runs it: a real process on the trained throw-away store."""

import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

pytestmark = pytest.mark.api

FILES = ["plan.csv", "plan.html", "plan.xlsx", "unfilled.csv"]


def mutasi_plan(store: dict, round_file, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", "plan", "--data", str(store["data"]),
                           "--round", str(round_file), *args], env=store["env"], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def round_file(store, tmp_path_factory):
    """Three posts of the dataset, one of them needing two people."""
    positions = pd.read_csv(store["data"] / "positions.csv", dtype=str)["position_id"].tolist()[1:4]
    path = tmp_path_factory.mktemp("round") / "round.csv"
    pd.DataFrame({"position_id": positions, "headcount": [1, 2, 1]}).to_csv(path, index=False)
    return path


def test_json_is_the_only_thing_on_stdout(store, round_file):
    result = mutasi_plan(store, round_file, "--json", "--as-of", "2020-01-01")
    assert result.returncode == 0, result.stderr[-3000:]
    doc = json.loads(result.stdout)                     # one document, nothing else
    assert {"value", "bound", "gap", "greedy_value"} <= set(doc["objective"])
    assert isinstance(doc["moves"], list) and isinstance(doc["unfilled"], list)
    assert doc["headcount"] == 4 and doc["as_of"] == "2020-01-01"
    filled = len(doc["moves"]) + sum(u["missing"] for u in doc["unfilled"])
    assert filled == doc["headcount"]
    assert {c["name"] for c in doc["constraints"]} >= {"max_outflow_per_unit", "priority"}
    assert "loading" in result.stderr
    logged = subprocess.run([sys.executable, "-m", "mutasi.cli", "audit-log", "--plans", "--json"], env=store["env"],
                            capture_output=True, text=True, timeout=120)
    entries = {e["id"]: e for e in json.loads(logged.stdout)}
    assert entries[doc["audit_id"]]["document"]["moves"] == doc["moves"]      # recorded as printed
    assert entries[doc["audit_id"]]["caller"] == "cli"


def test_out_writes_the_reports_and_the_announcement(store, round_file, tmp_path):
    out = tmp_path / "reports"
    result = mutasi_plan(store, round_file, "--out", str(out), "--announce", "--lang", "en",
                         "--max-outflow-per-unit", "none", "--w-risk", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES + ["announcement.html", "announcement.txt"])
    assert "Objective value" in result.stdout and "Proven upper bound" in result.stdout
    moves = pd.read_csv(out / "plan.csv")
    assert {"employee_id", "position_id", "predicted_performance", "reasons_for"} <= set(moves.columns)
    assert openpyxl.load_workbook(out / "plan.xlsx").sheetnames[0] == "Summary"
    html = (out / "plan.html").read_text(encoding="utf-8")
    assert "<script" not in html and "Transfer plan" in html
    assert (out / "announcement.txt").read_text(encoding="utf-8").startswith("# Announcement")
    assert [p.parent for p in tmp_path.iterdir()] == [tmp_path] and len(list(tmp_path.iterdir())) == 1


def test_round_with_headcount_zero_names_row_and_column(store, tmp_path):
    positions = pd.read_csv(store["data"] / "positions.csv", dtype=str)["position_id"].tolist()[:2]
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"position_id": positions, "headcount": [1, 0]}).to_csv(bad, index=False)
    result = mutasi_plan(store, bad, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "round.headcount row 2" in result.stderr and "at least 1" in result.stderr


def test_unknown_fixed_employee_names_the_field(store, round_file):
    position = pd.read_csv(round_file, dtype=str)["position_id"][0]
    result = mutasi_plan(store, round_file, "--json", "--fix", f"nobody-here:{position}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "fixed.0.employee_id" in result.stderr and "nobody-here" in result.stderr


def test_bad_setting_fails_before_loading(store, round_file):
    result = mutasi_plan(store, round_file, "--max-outflow-per-unit", "1.5")
    assert result.returncode == 2
    assert "max_outflow_per_unit" in result.stderr and "loading" not in result.stderr
