"""``mutasi due`` on the tiny dataset through typer's CliRunner: per-unit counts and the
top of the list in words, the JSON document, files written whole (CSV pair, XLSX) or not
at all, a rule pack changing who is due, and bad options named with exit code 2."""

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from mutasi.cli import app
from mutasi.common import write_whole

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"            # e2: assessment 2.9 years past its period; e1: kerja sama 0.5 below p2's standard
# e1's shortfall is exactly the default tolerance (half a level): an agency pack in the
# home's rules/ folder, without tolerance, makes e1 due (and shows --rules finding it by name)
ZERO = "tanpa-toleransi"
ZERO_PACK = (f'[pack]\nname = "{ZERO}"\nversion = "1"\nextends = "contract"\n\n'
             '[rules.competency_standard]\ngap_tolerance = 0.0\n')


@pytest.fixture(autouse=True)
def zero_pack(throwaway_home):
    (throwaway_home / "rules").mkdir(exist_ok=True)
    (throwaway_home / "rules" / f"{ZERO}.toml").write_text(ZERO_PACK, encoding="utf-8")


def due(*args: str):
    rules = [] if "--rules" in args else ["--rules", ZERO]
    return CliRunner().invoke(app, ["due", *args, *rules])


def test_counts_and_the_top_in_words(tiny_dir):
    result = due("--data", str(tiny_dir), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"Jatuh tempo mutasi per 2020-01-01 · aturan {ZERO}@1" in text
    assert "Badan Keuangan Daerah" in text and "UPT Kesehatan Sumba Timur" in text
    assert text.index("Budi Santoso (e2)") < text.index("Siti Rahmawati (e1)")        # furthest past due first
    assert "asesmen kompetensi sudah kedaluwarsa" in text and "lewat 2 tahun 11 bulan" in text
    assert "kerja sama kurang 0,5 level" in text
    english = due("--data", str(tiny_dir), "--as-of", AS_OF, "--lang", "en", "--top", "1")
    assert "competency assessment out of date" in english.stdout and "e1" not in english.stdout.split("Top of")[1]


def test_json_document(tiny_dir):
    result = due("--data", str(tiny_dir), "--as-of", AS_OF, "--json", "--unit", "u1")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == AS_OF and doc["rules"] == f"{ZERO}@1" and doc["unit"] == "u1"
    assert [e["employee_id"] for e in doc["entries"]] == ["e1"]
    assert doc["entries"][0]["shortfalls"] == [{"competency_code": "m.02", "levels": 0.5}]
    assert doc["units"][0]["by_reason"]["below_post_standard"] == 1


def test_files_csv_pair_and_xlsx(tiny_dir, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    listed = tmp_path / "due.csv"
    result = due("--data", str(tiny_dir), "--as-of", AS_OF, "--out", str(listed), "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(listed.open(encoding="utf-8-sig")))
    assert [r["Employee id"] for r in rows] == ["e2", "e1"]
    units = list(csv.DictReader((tmp_path / "due-unit.csv").open(encoding="utf-8-sig")))
    assert {r["Unit id"]: r["Due"] for r in units} == {"u1": "1", "u2": "1"}
    book = tmp_path / "due.xlsx"
    assert due("--data", str(tiny_dir), "--as-of", AS_OF, "--out", str(book)).exit_code == 0
    sheets = openpyxl.load_workbook(book).worksheets
    assert [s.title for s in sheets] == ["Jatuh tempo mutasi", "Per unit"] and sheets[0].max_row == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["due-unit.csv", "due.csv", "due.xlsx"]    # no leftovers


def test_a_rule_pack_changes_who_is_due(tiny_dir, tmp_path):
    """A local pack with four years in post at most: e2 (4.5 years in p3) becomes due for it too."""
    pack = tmp_path / "empat-tahun.toml"
    pack.write_text('[pack]\nname = "empat-tahun"\nversion = "1"\nextends = "contract"\n\n'
                    '[rules.max_time_in_post]\nyears = 4.0\n', encoding="utf-8")
    result = due("--data", str(tiny_dir), "--as-of", AS_OF, "--json", "--rules", str(pack))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rules"] == "empat-tahun@1" and doc["max_years_in_post"] == 4.0
    e2 = next(e for e in doc["entries"] if e["employee_id"] == "e2")
    assert e2["reasons"] == ["past_max_time_in_post", "assessment_outdated"]
    assert e2["years_past_max"] == pytest.approx(0.5038, abs=1e-3)


@pytest.mark.parametrize(("args", "named"), [
    (["--reason", "lazy"], "--reason"), (["--unit", "u9"], "--unit"), (["--as-of", "31/12/2019"], "--as-of"),
    (["--out", "due.txt"], "--out"), (["--lang", "fr"], "--lang"), (["--rules", "no-such-pack"], "no-such-pack"),
])
def test_bad_options_exit_2_naming_them_and_write_nothing(tiny_dir, tmp_path, monkeypatch, args, named):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    result = due("--data", str(tiny_dir), *args, "--out", "due.xlsx") if "--out" not in args else \
        due("--data", str(tiny_dir), *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_whole_leaves_nothing_half_written(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "missing" / "b.csv"
    with pytest.raises(OSError):
        write_whole({first: b"one", second: b"two"})
    assert list(tmp_path.iterdir()) == []
    write_whole({first: b"one", tmp_path / "b.csv": b"two"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"] and Path(first).read_bytes() == b"one"
