"""Validation on hand-broken copies of the tiny dataset: each error kind is found and
named by table, column, row and value; nothing stops at the first problem."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from features.io import DatasetError, inspect_dataset, load_dataset
from features.problems import FIRST_ROWS, PARSE, READ, WARNING, Problem, format_report
from mutasi.cli import app

from tiny_dataset import write_tables

pytestmark = pytest.mark.data


def problems_of(tables, tmp_path: Path):
    _, problems, _ = inspect_dataset(write_tables(tables, tmp_path / "ds"))
    return [p for p in problems if p.severity == "error"]


def only(problems, **where):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert found, f"no problem matching {where} in {[str(p) for p in problems]}"
    return found[0]


def test_tiny_dataset_is_clean(tiny_dir):
    _, problems, catalog_is_default = inspect_dataset(tiny_dir)
    assert problems == [] and not catalog_is_default


def test_missing_required_table(tables, tmp_path):
    del tables["grades"]
    only(problems_of(tables, tmp_path), table="grades", column=None)


def test_optional_tables_may_be_absent(tables, tmp_path):
    for name in ("exits", "preferences"):
        del tables[name]
    assert problems_of(tables, tmp_path) == []


def test_missing_required_column(tables, tmp_path):
    tables["positions"] = tables["positions"].drop(columns=["min_grade"])
    p = only(problems_of(tables, tmp_path), table="positions", column="min_grade")
    assert "missing" in p.message


def test_extra_columns_are_ignored(tables, tmp_path):
    tables["employees"]["nip"] = "199001012020121001"
    assert problems_of(tables, tmp_path) == []


def test_duplicate_key(tables, tmp_path):
    tables["assignments"] = pd.concat([tables["assignments"], tables["assignments"].iloc[[1]]])
    problems = problems_of(tables, tmp_path)
    dups = [p for p in problems if p.table == "assignments" and p.message == "duplicate key"]
    assert {p.row for p in dups} == {2, 6}            # both rows sharing the key are named
    assert {p.value for p in dups} == {("e1", "2016-07-01")}


def test_unparseable_date(tables, tmp_path):
    tables["appraisals"].loc[3, "period_end"] = "31/12/2014"
    p = only(problems_of(tables, tmp_path), table="appraisals", column="period_end")
    assert p.row == 4 and p.value == "31/12/2014"


def test_impossible_calendar_date(tables, tmp_path):
    tables["employees"].loc[0, "birth_date"] = "1985-02-30"
    only(problems_of(tables, tmp_path), table="employees", column="birth_date", row=1)


def test_code_outside_vocabulary(tables, tmp_path):
    tables["assignments"].loc[2, "move_type"] = "transfer"
    tables["employees"].loc[1, "gender"] = "x"
    problems = problems_of(tables, tmp_path)
    assert only(problems, table="assignments", column="move_type").value == "transfer"
    assert only(problems, table="employees", column="gender").row == 2


def test_grades_accept_lowercase_spelling(tables, tmp_path):
    tables["grades"].loc[0, "grade"] = "iii/a"
    assert problems_of(tables, tmp_path) == []


def test_dangling_ids(tables, tmp_path):
    tables["assignments"].loc[0, "position_id"] = "p99"
    tables["appraisals"].loc[0, "employee_id"] = "ghost"
    problems = problems_of(tables, tmp_path)
    assert only(problems, table="assignments", column="position_id").value == "p99"
    assert only(problems, table="appraisals", column="employee_id").row == 1


def test_end_before_start(tables, tmp_path):
    tables["discipline"].loc[0, "end_date"] = "2011-01-01"
    p = only(problems_of(tables, tmp_path), table="discipline", column="end_date")
    assert "before start_date" in p.message


def test_level_out_of_range(tables, tmp_path):
    tables["competency_assessments"].loc[0, "level"] = "7.5"
    tables["positions"].loc[0, "job_class"] = "18"
    tables["position_competencies"].loc[0, "required_level"] = "2.5"
    problems = problems_of(tables, tmp_path)
    assert only(problems, table="competency_assessments", column="level").value == 7.5
    assert only(problems, table="positions", column="job_class").row == 1
    assert only(problems, table="position_competencies", column="required_level").row == 1


def test_every_problem_is_collected(tables, tmp_path):
    tables["assignments"].loc[2, "move_type"] = "transfer"
    tables["appraisals"].loc[3, "period_end"] = "never"
    del tables["regions"]
    tables_with_bad = problems_of(tables, tmp_path)
    kinds = {(p.table, p.column) for p in tables_with_bad}
    assert {("assignments", "move_type"), ("appraisals", "period_end"), ("regions", None)} <= kinds


def test_load_raises_with_every_problem(tables, tmp_path):
    tables["assignments"].loc[2, "move_type"] = "transfer"
    tables["units"].loc[0, "region_id"] = "nowhere"
    with pytest.raises(DatasetError) as err:
        load_dataset(write_tables(tables, tmp_path / "ds"))
    assert len(err.value.problems) == 2
    assert "units.region_id row 1" in str(err.value)


def test_parquet_tables_load_like_csv(tiny_dir, tmp_path):
    pq = tmp_path / "pq"
    pq.mkdir()
    csv = load_dataset(tiny_dir)
    for name, frame in csv.tables().items():
        frame.to_parquet(pq / f"{name}.parquet")
    again = load_dataset(pq)
    for name in csv.tables():
        pd.testing.assert_frame_equal(csv.table(name), again.table(name), check_dtype=False)


def test_default_catalog_when_absent(tables, tmp_path):
    del tables["training_catalog"]
    ds_dir = write_tables(tables, tmp_path / "ds")
    _, problems, catalog_is_default = inspect_dataset(ds_dir)
    assert catalog_is_default
    # the tiny dataset's own training codes are unknown to the shipped catalog: warnings only
    assert problems and all(p.severity == "warning" for p in problems)
    assert len(load_dataset(ds_dir).training_catalog) >= 20


def test_cli_validate_reports_and_fails(tables, tmp_path):
    tables["assignments"].loc[2, "move_type"] = "transfer"
    result = CliRunner().invoke(app, ["validate", "--data", str(write_tables(tables, tmp_path / "ds"))])
    assert result.exit_code == 1
    assert "assignments.move_type row 3" in result.output and "'transfer'" in result.output


def test_cli_validate_clean(tiny_dir):
    result = CliRunner().invoke(app, ["validate", "--data", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


# --- the grouped report ---------------------------------------------------------------------

PARSE_DATE = "date is not a valid YYYY-MM-DD"


def with_many_assignments(tables, count: int = 1200):
    """The tiny tables plus ``count`` assignments of e3 on distinct days (so the key is unique)."""
    extra = pd.DataFrame({"employee_id": "e3", "position_id": "p1", "move_type": "mutasi", "end_date": None,
                          "start_date": pd.date_range("1980-01-01", periods=count, freq="D").strftime("%Y-%m-%d")})
    tables["assignments"] = pd.concat([tables["assignments"], extra], ignore_index=True)
    return tables


def day_first(tables):
    """assignments.start_date written dd/mm/yyyy, as a spreadsheet export would."""
    tables["assignments"]["start_date"] = pd.to_datetime(tables["assignments"]["start_date"]).dt.strftime("%d/%m/%Y")
    return tables


def test_day_first_key_dates_report_the_parse_error_first_and_no_duplicate_keys(tables, tmp_path):
    with_many_assignments(tables)
    _, iso_problems, _ = inspect_dataset(write_tables(tables, tmp_path / "iso"))
    assert iso_problems == []                                   # the control: only the date format changes
    day_first(tables)
    written = tables["assignments"]["start_date"]
    _, problems, _ = inspect_dataset(write_tables(tables, tmp_path / "ds"))
    assert len(problems) == len(written)                        # the list stays one problem per row
    assert {(p.column, p.message, p.stage) for p in problems} == {("start_date", PARSE_DATE, PARSE)}
    lines = format_report(problems).splitlines()
    first_rows = ", ".join(f"{row + 1} ({written[row]!r})" for row in range(FIRST_ROWS))
    assert lines[0] == (f"ERROR assignments.start_date: {PARSE_DATE} — {len(written):,} rows, "
                        f"first rows {first_rows}, ...")
    assert len(lines) == 2 and not any("duplicate key" in line for line in lines)


def test_real_duplicates_are_still_reported_next_to_unparsed_keys(tables, tmp_path):
    tables["assignments"] = pd.concat([tables["assignments"], tables["assignments"].iloc[[1, 1]]], ignore_index=True)
    tables["assignments"].loc[6, "start_date"] = "01/07/2016"     # one copy unparsed, one a real duplicate
    problems = problems_of(tables, tmp_path)
    assert {p.row for p in problems if p.message == "duplicate key"} == {2, 6}
    assert only(problems, column="start_date", message=PARSE_DATE).row == 7


def test_repeated_errors_are_grouped_with_counts_parse_errors_first(tables, tmp_path):
    tables["assignments"].loc[[0, 2, 4], "move_type"] = "transfer"
    tables["appraisals"].loc[[3, 5], "period_end"] = ["31/12/2014", "31/12/2016"]
    lines = format_report(problems_of(tables, tmp_path)).splitlines()
    assert lines[0] == f"ERROR appraisals.period_end: {PARSE_DATE} — 2 rows, first rows 4 ('31/12/2014'), 6 ('31/12/2016')"
    assert lines[1].startswith("ERROR assignments.move_type: code outside the closed vocabulary — 3 rows, ")
    assert lines[1].endswith("first rows 1 ('transfer'), 3 ('transfer'), 5 ('transfer')")
    assert lines[2:] == ["5 error(s), 0 warning(s)"]


def test_report_orders_errors_by_stage_then_warnings_and_counts_in_thousands():
    many = [Problem("trainings", "training_code", row, "x", "unknown code", severity=WARNING) for row in range(1, 3)]
    many += [Problem("grades", "grade", row, "zz", "code outside the closed vocabulary") for row in range(1, 1235)]
    many += [Problem("appraisals", "period_end", 9, "31/12/2014", PARSE_DATE, stage=PARSE)]
    many += [Problem("regions", None, None, None, "required table missing", stage=READ)]
    lines = format_report(many, limit=3).splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["ERROR regions", "ERROR appraisals.period_end row 9",
                                                          "ERROR grades.grade"]
    assert "1,234 rows, first rows 1 ('zz'), 2 ('zz'), 3 ('zz'), ..." in lines[2]
    assert lines[3] == "... and 1 more kind(s) of problem (2 rows)"
    assert lines[4] == "1,236 error(s), 2 warning(s)"


def test_dataset_error_message_is_grouped(tables, tmp_path):
    day_first(with_many_assignments(tables))
    with pytest.raises(DatasetError) as err:
        load_dataset(write_tables(tables, tmp_path / "ds"))
    rows = len(tables["assignments"])
    assert len(err.value.problems) == rows
    message = str(err.value).splitlines()
    assert message[0] == f"dataset has {rows:,} validation error(s):"
    assert len(message) == 2 and message[1].startswith(f"ERROR assignments.start_date: {PARSE_DATE} — {rows:,} rows")


def test_cli_validate_prints_the_grouped_report(tables, tmp_path, monkeypatch):
    from mutasi import cli

    monkeypatch.setattr(cli.out, "_width", 400)             # one report line per printed line
    day_first(tables)
    result = CliRunner().invoke(app, ["validate", "--data", str(write_tables(tables, tmp_path / "ds"))])
    rows = len(tables["assignments"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"ERROR assignments.start_date: {PARSE_DATE} — {rows} rows")
    assert "duplicate key" not in result.output
