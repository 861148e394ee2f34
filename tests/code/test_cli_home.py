"""The command line without a model: the default home, the date rule, --version,
``positions --search``, the position-id files of ``rank-many`` and the audit table's words."""

import json
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from models import store
from mutasi.cli import app
from mutasi.common import as_of_option
from mutasi.data_cli import find_positions, position_rows
from mutasi.inspect_words import audit_rows, fairness_summary, fairness_text
from mutasi.ranking_cli import read_position_ids

pytestmark = pytest.mark.code


def flat(text: str) -> str:
    """Output with rich's wrapping undone."""
    return " ".join(text.split())


# --- the home ---------------------------------------------------------------------------------

def test_home_honours_mutasi_home_whatever_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "mine"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    first = store.home()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert store.home() == first == (tmp_path / "mine").resolve()
    assert store.tracking_uri() == f"sqlite:///{first / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking:5000")
    assert store.tracking_uri() == "http://tracking:5000"          # still overrides the store
    assert store.tracking_uri("sqlite:///x.db") == "sqlite:///x.db"


def test_home_falls_back_to_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MUTASI_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))               # never the real home
    monkeypatch.chdir(tmp_path)
    assert store.home() == tmp_path / "user" / ".local" / "share" / "mutasi"
    assert str(tmp_path) + "/.mutasi" not in store.tracking_uri()     # not the current folder any more
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.home() == tmp_path / "xdg" / "mutasi"
    assert store.user_data_dir({"LOCALAPPDATA": r"C:\Users\a\AppData\Local"}, "win32").name == "mutasi"
    assert store.user_data_dir({}, "darwin") == tmp_path / "user" / "Library" / "Application Support" / "mutasi"
    from serving.audit import default_path

    assert default_path() == tmp_path / "xdg" / "mutasi" / "audit.db"   # the audit log follows the home
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "user").exists()   # nothing written


def test_the_store_line_hides_passwords(monkeypatch, tmp_path):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path))
    line = store.describe("postgresql://mlflow:s3cret@db:5432/mlflow")
    assert "s3cret" not in line and "db:5432/mlflow" in line and str(tmp_path) in line


# --- dates --------------------------------------------------------------------------------------

def test_as_of_is_iso_or_explicitly_day_first():
    assert as_of_option("2025-02-01") == date(2025, 2, 1)
    assert as_of_option("01/02/2025", day_first=True) == date(2025, 2, 1)      # 1 February, never 2 January
    assert as_of_option(None) is None
    for text in ("01/02/2025", "2025/02/01", "1 Feb 2025", "20250201"):
        with pytest.raises(typer.Exit):
            as_of_option(text)


@pytest.mark.parametrize("command", [["rank", "--position", "p1"], ["plan", "--round", "ROUND"], ["audit"],
                                     ["rank-many", "--positions", "ROUND"]])
def test_us_order_dates_are_refused_before_any_work(command, tiny_dir, tmp_path):
    round_file = tmp_path / "round.csv"
    round_file.write_text("position_id\np1\n")
    args = [str(round_file) if a == "ROUND" else a for a in command]
    done = CliRunner().invoke(app, [*args, "--data", str(tiny_dir), "--as-of", "01/02/2025"])
    said = flat(done.output)
    assert done.exit_code == 2, said
    assert "YYYY-MM-DD" in said and "not '01/02/2025'" in said and "--day-first" in said
    shown = flat(CliRunner().invoke(app, [args[0], "--help"]).output)
    assert "YYYY-MM-DD" in shown and "--day-first" in shown and "DD/MM/YYYY" in shown


# --- --version, positions -------------------------------------------------------------------------

def test_version_comes_from_the_package_metadata():
    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0 and done.output.strip() == f"mutasi {version('mutasi')}"


def test_positions_search_matches_every_word_in_any_case(tiny_dir, monkeypatch):
    from mutasi import common

    monkeypatch.setattr(common.out, "_width", 200)          # one line per row
    def search(*words: str) -> list[str]:
        done = CliRunner().invoke(app, ["positions", "--data", str(tiny_dir), "--json", "--search", " ".join(words)])
        assert done.exit_code == 0, done.output
        return [row["position_id"] for row in json.loads(done.output)]

    assert search("KEPALA", "keuangan") == ["p2"]             # title word and unit-name word, both needed
    assert search("kepala") == ["p2", "p3"]
    assert search("kepala", "nothing-like-this") == []
    table = flat(CliRunner().invoke(app, ["positions", "--data", str(tiny_dir), "--search", "anggaran",
                                          "--lang", "en"]).output)
    assert "Kepala Subbidang Anggaran │ Badan Keuangan Daerah │ supervisor │ 9 │" in table


def test_find_positions_on_a_hand_made_table():
    positions = pd.DataFrame({"position_id": ["a1", "b2", "c3"], "unit_id": ["u1", "u2", "u9"],
                              "title": ["Analis Data", "Kepala Bidang Data", "Kepala Seksi"],
                              "position_type": ["fungsional", "administrator", "pengawas"], "job_class": [8, 11, 9]})
    units = pd.DataFrame({"unit_id": ["u1", "u2"], "name": ["Dinas Kominfo", "Bappeda"]})
    rows = position_rows(positions, units)
    assert find_positions(rows, "data kepala")["position_id"].tolist() == ["b2"]
    assert find_positions(rows, "KOMINFO")["position_id"].tolist() == ["a1"]
    assert find_positions(rows, "u9")["unit"].tolist() == ["u9"]         # an unnamed unit shows its id
    assert len(find_positions(rows, "", limit=2)) == 2


# --- rank-many's file ---------------------------------------------------------------------------

def test_position_files_csv_or_one_id_per_line(tmp_path: Path):
    csv = tmp_path / "round.csv"
    csv.write_text("priority,position_id\n1,p2\n2,p9\n3,p2\n")
    assert read_position_ids(csv) == ["p2", "p9"]
    txt = tmp_path / "ids.txt"
    txt.write_text("# vacancies of March\np1\n\n p3 \n")
    assert read_position_ids(txt) == ["p1", "p3"]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,headcount\np1,2\n")
    with pytest.raises(ValueError, match="position_id column"):
        read_position_ids(wrong)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n")
    with pytest.raises(ValueError, match="no position ids"):
        read_position_ids(empty)


# --- the words of models and audit ------------------------------------------------------------------

def test_audit_groups_are_named_not_coded():
    rates = pd.DataFrame({"attribute": ["gender", "age_band", "home_region", "home_region"],
                          "group": ["p", "<30", "r7", "unknown"], "candidates": [80, 40, 60, 5],
                          "selected": [20, 6, 9, 1], "selection_rate": [0.25, 0.15, 0.15, 0.2],
                          "selection_impact_ratio": [1.0, 0.62, 0.95, 0.8], "scoring_impact_ratio": [1.0, 0.9, 0.7, 1],
                          "flagged": [False, True, False, False], "scoring_flagged": [False, False, True, False],
                          "enough_data": [True, True, True, False]})
    rows = audit_rows(rates, {"r7": "Kab. Sumba Timur"}, 0.8, "id")
    assert [r[1] for r in rows] == ["perempuan", "di bawah 30 tahun", "Kab. Sumba Timur (r7)", "tidak diketahui"]
    assert rows[0][0] == "jenis kelamin" and rows[1][5] == "0,62" and rows[0][4] == "25,0%"
    assert rows[1][-1].startswith("DITANDAI") and rows[3][-1].startswith("kelompok kecil")
    assert "dilaporkan" in rows[2][-1] and rows[0][-1] == "lolos"
    english = audit_rows(rates, {}, 0.8, "en")
    assert [r[1] for r in english][:2] == ["women", "under 30"] and english[1][-1] == "FLAGGED: under 0.80"


def test_fairness_verdict_from_the_tag_with_the_lowest_served_ratio():
    metrics = {"fairness_passed": 1.0, "fairness_gender_min_selection_impact_ratio": 0.91,
               "fairness_home_region_min_selection_impact_ratio": 0.84,
               "fairness_gender_min_scoring_impact_ratio": 0.5}                 # scores, not the served lists
    assert fairness_summary(metrics) == {"passed": True, "min_impact_ratio": 0.84}
    assert fairness_summary(metrics, "failed")["passed"] is False             # the version's tag decides
    assert fairness_text(fairness_summary(metrics), "en") == "passed, lowest ratio 0.84"
    assert fairness_text(fairness_summary(metrics, "failed"), "id") == "gagal, rasio terendah 0,84"
    assert fairness_text(fairness_summary({}), "id") == "-"
