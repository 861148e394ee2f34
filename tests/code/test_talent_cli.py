"""``mutasi talent`` on the tiny dataset (tests/tiny_dataset.py): the 3x3 grid with box
numbers and counts, the pools, the JSON document with both axes' inputs, the CSV/XLSX
export, and clear errors for a bad filter or file."""

import csv
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from mutasi.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    from tiny_dataset import tiny_tables, write_tables

    return write_tables(tiny_tables(), tmp_path_factory.mktemp("tiny-talent"))


def talent(*args: str):
    return runner.invoke(app, ["talent", *args])


def test_the_grid_shows_every_box_number_with_its_count(tiny_data):
    result = talent("--data", str(tiny_data))
    assert result.exit_code == 0, result.output
    text = result.stdout
    for box in range(1, 10):
        assert f"Kotak {box}" in text
    # rows top to bottom: potential high, middle, low
    assert text.index("Kotak 4") < text.index("Kotak 2") < text.index("Kotak 1")
    assert "2 pegawai dalam peta" in text                  # e1 and e2 (e3 is PPPK)
    assert "Kelompok rencana suksesi" in text


def test_the_json_document_has_each_persons_box_and_inputs(tiny_data):
    result = talent("--data", str(tiny_data), "--json", "--as-of", "2020-01-01")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2020-01-01" and doc["rules"] == "contract@1" and doc["pool_boxes"] == [7, 8, 9]
    people = {p["employee_id"]: p for p in doc["people"]}
    assert set(people) == {"e1", "e2"}
    e1 = people["e1"]
    # appraisals 2018 and 2019 both baik: 4.0, sesuai ekspektasi
    assert (e1["last_score"], e1["prev_score"], e1["performance_score"], e1["performance"]) == (4.0, 4.0, 4.0, 2)
    assert e1["next_job_class"] == 9.0 and e1["standard_scope"] == "own_class"
    assert sum(doc["counts"].values()) == 2 and doc["counts"][str(e1["box"])] >= 1
    assert {"competency_share", "training_hours_3y", "hours_owed", "learning_agility", "potential_score"} <= set(e1)


def test_filters_and_english(tiny_data):
    result = talent("--data", str(tiny_data), "--unit", "u2", "--lang", "en", "--json")
    assert [p["employee_id"] for p in json.loads(result.stdout)["people"]] == ["e2"]
    result = talent("--data", str(tiny_data), "--domain", "keuangan", "--lang", "en")
    assert result.exit_code == 0 and "Box 9" in result.stdout and "1 employees on the map" in result.stdout


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_writes_every_person_with_both_axes_inputs(tiny_data, tmp_path, suffix):
    path = tmp_path / f"talent.{suffix}"
    result = talent("--data", str(tiny_data), "--out", str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    if suffix == "csv":
        with open(path, encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    else:
        sheet = load_workbook(path).active
        header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows = [dict(zip(header, r)) for r in values]
    assert sorted(r["employee_id"] for r in rows) == ["e1", "e2"]
    assert {"box", "box_title", "performance_score", "competency_share", "potential_score"} <= set(rows[0])
    assert rows[0]["performance_words"] in ("below expectations", "as expected", "above expectations")


def test_bad_options_name_the_option(tiny_data, tmp_path):
    result = talent("--data", str(tiny_data), "--unit", "nope")
    assert result.exit_code == 2 and "--unit" in result.stderr and "nope" in result.stderr
    result = talent("--data", str(tiny_data), "--out", str(tmp_path / "talent.txt"))
    assert result.exit_code == 2 and ".csv or .xlsx" in result.stderr
    result = talent("--data", str(tiny_data), "--as-of", "01/02/2020")
    assert result.exit_code == 2 and "--as-of" in result.stderr
