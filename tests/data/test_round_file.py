"""Round files (contract section 6): a valid round loads with its defaults; every kind of
bad input is one DatasetError naming table ``round``, column, 1-based row and value; ad-hoc
vacancies join the position table; the positions table's optional ``strategic`` flag."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.io import load_dataset
from features.pairs import PositionTable
from features.problems import WARNING, DatasetError
from features.round import (
    MAX_ROUND_ROWS,
    is_key_post,
    positions_with_round,
    read_round,
    round_from_frame,
)

from tiny_dataset import write_tables

pytestmark = pytest.mark.data

NURSE = {"position_id": "x1", "unit_id": "u2", "title": "Perawat Tanggap Darurat", "position_type": "fungsional",
         "functional_level": "terampil", "job_class": "7", "domain": "kesehatan", "min_grade": "II/c",
         "min_education": "d3", "headcount": "12", "priority": "1"}


def round_csv(tmp_path: Path, rows: list[dict], columns: list[str] | None = None, name: str = "round.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows, columns=columns, dtype="str").to_csv(path, index=False)
    return path


def problems_of(call) -> list:
    with pytest.raises(DatasetError) as caught:
        call()
    return caught.value.problems


def only(problems, **where):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert found, f"no problem matching {where} in {[str(p) for p in problems]}"
    return found[0]


def test_valid_round_with_defaults_and_an_ad_hoc_vacancy(tiny, tmp_path):
    path = round_csv(tmp_path, [{"position_id": "p1"}, {"position_id": "p3", "headcount": "2", "priority": "3"}, NURSE])
    rnd = read_round(path, tiny)
    assert rnd.position_ids == ("p1", "p3", "x1") and rnd.total_headcount == 15 and len(rnd) == 3
    assert rnd.source == str(path) and rnd.warnings == ()
    p1, p3, nurse = rnd.vacancies
    assert (p1.headcount, p1.priority, p1.row, p1.ad_hoc) == (1, 1, 1, None)
    assert (p3.headcount, p3.priority, p3.row) == (2, 3, 2)
    assert (nurse.headcount, nurse.row, nurse.is_ad_hoc) == (12, 3, True)
    assert isinstance(nurse.ad_hoc["job_class"], int)
    assert nurse.ad_hoc == {"unit_id": "u2", "title": "Perawat Tanggap Darurat", "position_type": "fungsional",
                            "functional_level": "terampil", "job_class": 7, "domain": "kesehatan",
                            "min_grade": "II/c", "min_education": "d3", "required_fields": None, "strategic": None}
    assert rnd.ad_hoc == (nurse,)


def test_round_without_optional_columns(tiny, tmp_path):
    rnd = read_round(round_csv(tmp_path, [{"position_id": "p2"}, {"position_id": "p4"}]), tiny)
    assert [(v.headcount, v.priority) for v in rnd.vacancies] == [(1, 1), (1, 1)]


def test_every_problem_in_one_error(tiny, tmp_path):
    rows = [
        {"position_id": "p1", "headcount": "0"},                           # row 1: headcount 0
        {"position_id": "p2", "headcount": "abc", "priority": "0"},        # row 2: not an int, priority 0
        {"position_id": "ghost"},                                          # row 3: unknown, no columns
        {**NURSE, "position_id": "x2", "unit_id": "u9"},                   # row 4: unknown unit
        {"position_id": "p3", "position_type": "kepala"},                  # row 5: bad code
        {"position_id": "p1", "priority": "2"},                            # row 6: duplicate of row 1
    ]
    problems = problems_of(lambda: read_round(round_csv(tmp_path, rows), tiny))
    assert {p.table for p in problems} == {"round"}
    head = only(problems, column="headcount", row=1)
    assert head.value == "0" and head.message == "headcount must be at least 1"
    assert only(problems, column="headcount", row=2).value == "abc"
    assert only(problems, column="priority", row=2).message == "priority must be at least 1"
    for col in ("unit_id", "title", "position_type", "job_class", "domain", "min_grade", "min_education"):
        p = only(problems, column=col, row=3)
        assert p.message == f"ad-hoc vacancy (position_id not in positions) needs {col}"
    assert not [p for p in problems if p.row == 3 and p.column == c.FUNCTIONAL_LEVEL]   # optional column
    assert only(problems, column="unit_id", row=4).value == "u9"
    assert only(problems, column="position_type", row=5, severity="error").value == "kepala"
    assert {p.row for p in problems if p.message == "duplicate key"} == {1, 6}
    assert "ERROR round.headcount row 1: headcount must be at least 1 (value '0')" in str(DatasetError(problems))


def test_headcount_and_priority_upper_bounds(tiny):
    frame = pd.DataFrame([{"position_id": "p1", "headcount": 10001, "priority": 10}])
    problems = problems_of(lambda: round_from_frame(frame, tiny))
    assert only(problems, column="headcount", row=1).message == "headcount must be at most 10000"
    assert only(problems, column="priority", row=1).value == 10


def test_missing_position_id_column(tiny, tmp_path):
    problems = problems_of(lambda: read_round(round_csv(tmp_path, [{"post": "p1", "headcount": "1"}]), tiny))
    p = only(problems, table="round", column="position_id")
    assert p.row is None and "missing" in p.message


def test_empty_position_id(tiny, tmp_path):
    problems = problems_of(lambda: read_round(round_csv(tmp_path, [{"position_id": "p1"}, {"position_id": ""}]), tiny))
    assert only(problems, column="position_id").row == 2


@pytest.mark.parametrize("content", ["", "position_id,headcount\n"])
def test_empty_file(tiny, tmp_path, content):
    path = tmp_path / "round.csv"
    path.write_text(content)
    p = only(problems_of(lambda: read_round(path, tiny)), table="round")
    assert "no vacancies" in p.message


def test_missing_and_unsupported_files(tiny, tmp_path):
    assert "not found" in only(problems_of(lambda: read_round(tmp_path / "nope.csv", tiny)), table="round").message
    xlsx = tmp_path / "round.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    assert ".csv or .parquet" in only(problems_of(lambda: read_round(xlsx, tiny)), table="round").message
    broken = tmp_path / "round.parquet"
    broken.write_bytes(b"not parquet at all")
    assert "cannot read" in only(problems_of(lambda: read_round(broken, tiny)), table="round").message


def test_too_many_rows(tiny):
    frame = pd.DataFrame({"position_id": [f"x{i}" for i in range(MAX_ROUND_ROWS + 1)]})
    p = only(problems_of(lambda: round_from_frame(frame, tiny)), table="round")
    assert p.value == MAX_ROUND_ROWS + 1 and str(MAX_ROUND_ROWS) in p.message
    at_limit = pd.DataFrame({"position_id": ["p1", *(f"x{i}" for i in range(MAX_ROUND_ROWS - 1))]})
    problems = problems_of(lambda: round_from_frame(at_limit, tiny))       # validated row by row instead
    assert not [p for p in problems if p.row is None] and only(problems, row=MAX_ROUND_ROWS, column="unit_id")


def test_parquet_round_equals_csv(tiny, tmp_path):
    rows = [{"position_id": "p1"}, {"position_id": "p3", "headcount": "2"}, NURSE]
    typed = pd.DataFrame(rows).assign(headcount=lambda f: pd.to_numeric(f["headcount"]).astype("Int64"),
                                      job_class=lambda f: pd.to_numeric(f["job_class"]).astype("Int64"),
                                      strategic=[None, None, True])
    typed.to_parquet(tmp_path / "round.parquet", index=False)
    from_parquet = read_round(tmp_path / "round.parquet", tiny)
    from_csv = read_round(round_csv(tmp_path, rows), tiny)
    assert [v.headcount for v in from_parquet.vacancies] == [1, 2, 12]
    assert from_parquet.vacancies[2].ad_hoc == {**from_csv.vacancies[2].ad_hoc, "strategic": True}


def test_frame_of_typed_values(tiny):
    records = [{"position_id": "p1", "headcount": 3}, {**NURSE, "job_class": 7, "headcount": 12, "strategic": "ya"}]
    rnd = round_from_frame(pd.DataFrame(records), tiny, source="http")
    assert [v.headcount for v in rnd.vacancies] == [3, 12] and rnd.source == "http"
    assert rnd.vacancies[1].ad_hoc["strategic"] is True and rnd.vacancies[1].ad_hoc["job_class"] == 7


def test_rows_are_counted_from_one_whatever_the_frame_index(tiny):
    frame = pd.DataFrame([{"position_id": "p1"}, {"position_id": "p2", "position_type": "kepala"}], index=[10, 20])
    assert only(problems_of(lambda: round_from_frame(frame, tiny)), column="position_type").row == 2
    assert [v.row for v in round_from_frame(frame.iloc[:1], tiny).vacancies] == [1]


def test_existing_post_keeps_its_own_columns(tiny):
    frame = pd.DataFrame([{"position_id": "p2", "title": "Kepala Subbidang Anggaran", "job_class": "12"}])
    rnd = round_from_frame(frame, tiny)
    assert rnd.vacancies[0].ad_hoc is None
    assert [(p.column, p.severity) for p in rnd.warnings] == [("job_class", WARNING)]    # the same title: no warning


def test_positions_with_round_adds_the_ad_hoc_vacancy(tiny):
    rnd = round_from_frame(pd.DataFrame([{"position_id": "p1"}, NURSE]), tiny)
    base = PositionTable.from_dataset(tiny)
    table = positions_with_round(base, tiny, rnd)
    row = table.attributes.loc["x1"]
    assert (row[c.POSITION_TYPE], row[c.DOMAIN], row[c.JOB_CLASS], row[c.REGION_ID]) == ("fungsional", "kesehatan", 7.0, "r2")
    assert row[c.LATITUDE] == pytest.approx(-9.66) and row[c.REMOTE] == 1.0
    assert row["min_grade_rank"] == 7 and row["min_education_rank"] == 6
    pd.testing.assert_frame_equal(table.attributes.drop(index="x1"), base.attributes)
    assert np.isnan(table.required(np.array(["x1"], dtype=object), ("m.01",))).all()
    looked_up = table.columns_for(np.array(["x1", "p1"], dtype=object), (c.REGION_ID,))[c.REGION_ID]
    assert list(looked_up) == ["r2", "r1"]
    assert positions_with_round(base, tiny, round_from_frame(pd.DataFrame([{"position_id": "p1"}]), tiny)) is base


def test_is_key_post():
    types = ["jpt_pratama", "administrator", "pengawas", "pengawas", "fungsional", "pelaksana"]
    flags = [None, False, True, pd.NA, None, False]
    assert is_key_post(types, flags).tolist() == [True, True, True, False, False, False]
    assert is_key_post(pd.Series(types), None).tolist() == [True, True, False, False, False, False]


def test_positions_without_strategic_load(tiny):
    assert c.STRATEGIC in tiny.positions.columns and tiny.positions[c.STRATEGIC].isna().all()


def test_positions_with_strategic_keep_it(tables, tmp_path):
    tables["positions"][c.STRATEGIC] = ["false", "true", "", "ya"]
    ds = load_dataset(write_tables(tables, tmp_path / "ds"))
    assert ds.positions[c.STRATEGIC].tolist() == [False, True, pd.NA, True]
    assert is_key_post(ds.positions[c.POSITION_TYPE], ds.positions[c.STRATEGIC]).tolist() == [False, True, False, True]


def test_strategic_that_does_not_parse(tables, tmp_path):
    tables["positions"][c.STRATEGIC] = ["false", "maybe", "", ""]
    with pytest.raises(DatasetError) as caught:
        load_dataset(write_tables(tables, tmp_path / "ds"))
    only(caught.value.problems, table="positions", column=c.STRATEGIC, row=2, value="maybe")


def test_simulated_positions_mark_key_posts(province):
    pos = province.positions
    assert pos[c.STRATEGIC].notna().all()
    share = pos.groupby(c.POSITION_TYPE)[c.STRATEGIC].mean()
    assert share.filter(like="jpt_").eq(1.0).all() and share[["fungsional", "pelaksana"]].eq(0.0).all()
    middle = pos[pos[c.POSITION_TYPE].isin(["administrator", "pengawas"])][c.STRATEGIC]
    assert 0 < middle.mean() < 0.3
