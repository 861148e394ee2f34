"""Employee slices read straight from the files: their snapshots, put together, are the
whole dataset's snapshot, whatever the slice size and file format."""

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from features import columns as c
from features.io import load_dataset
from features.problems import DatasetError
from features.slices import (
    EMPLOYEE_TABLES,
    SHARED_TABLES,
    employee_ids,
    plan_slices,
    read_shared,
    read_slice,
    rows_of,
    slice_sources,
)
from features.snapshot import level_column, prepare_sources, snapshot_at
from features.timeline import default_as_of

pytestmark = pytest.mark.data


def sliced_snapshot(directory, rows_per_slice: int, when) -> pd.DataFrame:
    shared = read_shared(directory)
    parts = []
    for part in plan_slices(employee_ids(directory), rows_per_slice):
        dataset = read_slice(directory, part, shared)
        assert dataset.employees[c.EMPLOYEE_ID].tolist() == part.employee_ids.tolist()
        parts.append(snapshot_at(slice_sources(dataset, shared), dataset.employees[c.EMPLOYEE_ID], when))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("rows_per_slice", [1, 37, 10_000])
def test_sliced_snapshots_are_the_whole_snapshot(province_dir, province, rows_per_slice):
    when = default_as_of(province)
    whole = snapshot_at(prepare_sources(province), province.employees[c.EMPLOYEE_ID], when)
    if rows_per_slice == 1:                  # one employee per slice: a sample, for time
        keep = province.employees[c.EMPLOYEE_ID].iloc[:25]
        whole = whole.iloc[:25]
        shared = read_shared(province_dir)
        got = pd.concat([snapshot_at(slice_sources(read_slice(province_dir, part, shared), shared),
                                     part.employee_ids, when)
                         for part in plan_slices(keep.to_numpy(dtype=object), 1)], ignore_index=True)
    else:
        got = sliced_snapshot(province_dir, rows_per_slice, when)
    assert list(got.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(got, whole, check_dtype=False)


def test_every_competency_code_is_a_column_in_every_slice(province_dir, tmp_path):
    """A code only one employee was assessed in (no post's standard names it) is still a
    snapshot column of every other slice, as it is of the whole dataset's snapshot."""
    data = tmp_path / "data"
    shutil.copytree(province_dir, data)
    assessments = pd.read_parquet(data / "competency_assessments.parquet")
    first = assessments.iloc[[0]].assign(**{c.COMPETENCY_CODE: "t.kode_baru"})
    pd.concat([first, assessments]).to_parquet(data / "competency_assessments.parquet", index=False)
    whole = load_dataset(data)
    when = default_as_of(whole)
    want = snapshot_at(prepare_sources(whole), whole.employees[c.EMPLOYEE_ID], when)
    assert level_column("t.kode_baru") in want.columns
    got = sliced_snapshot(data, 150, when)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert read_shared(data).default_as_of == when


def test_csv_and_parquet_slices_read_the_same_rows(province_dir, tmp_path):
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    for path in province_dir.glob("*.parquet"):
        table = path.stem
        if table in EMPLOYEE_TABLES or table in SHARED_TABLES:
            frame = pd.read_parquet(path)
            frame.to_csv(csv_dir / f"{table}.csv", index=False,
                         date_format="%Y-%m-%d")
    ids = employee_ids(province_dir)[40:90]
    for table in (c.APPRAISALS, c.ASSIGNMENTS, c.EMPLOYEES):
        from_parquet = rows_of(province_dir / f"{table}.parquet", ids)
        from_csv = rows_of(csv_dir / f"{table}.csv", ids)
        assert len(from_parquet) == len(from_csv) > 0
        assert set(from_csv[c.EMPLOYEE_ID]) <= set(ids) and set(from_parquet[c.EMPLOYEE_ID]) == set(from_csv[c.EMPLOYEE_ID])
    whole = load_dataset(csv_dir)
    part = plan_slices(employee_ids(csv_dir), 60)[1]
    got = read_slice(csv_dir, part, read_shared(csv_dir))
    want = whole.appraisals[whole.appraisals[c.EMPLOYEE_ID].isin(part.employee_ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.appraisals.reset_index(drop=True), want, check_dtype=False)


def test_row_groups_outside_a_slice_are_not_read(tmp_path):
    """A file sorted by employee_id in small row groups: a slice's read touches only its groups."""
    ids = np.array([f"e{i:04d}" for i in range(1000)], dtype=object)
    path = tmp_path / "appraisals.parquet"
    pq.write_table(pa.table({c.EMPLOYEE_ID: ids, "x": np.arange(1000)}), path, row_group_size=100)
    wanted = ids[250:260]
    assert rows_of(path, wanted)[c.EMPLOYEE_ID].tolist() == wanted.tolist()
    broken = tmp_path / "broken.parquet"          # every row group but the third is garbage
    meta = pq.ParquetFile(path).metadata
    data = bytearray(path.read_bytes())
    for g in range(meta.num_row_groups):
        if g != 2:
            column = meta.row_group(g).column(0)
            start = column.dictionary_page_offset or column.data_page_offset
            data[start:start + column.total_compressed_size] = b"\0" * column.total_compressed_size
    broken.write_bytes(bytes(data))
    assert rows_of(broken, wanted)[c.EMPLOYEE_ID].tolist() == wanted.tolist()


def test_a_bad_value_in_a_slice_is_named(province_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(province_dir, data)
    appraisals = pd.read_parquet(data / "appraisals.parquet")
    who = appraisals[c.EMPLOYEE_ID].iloc[5]
    appraisals.loc[appraisals.index[5], c.RATING] = "luar_biasa_sekali"
    appraisals.to_parquet(data / "appraisals.parquet", index=False)
    shared = read_shared(data)
    part = next(p for p in plan_slices(employee_ids(data), 50) if who in set(p.employee_ids))
    with pytest.raises(DatasetError) as caught:
        read_slice(data, part, shared)
    problem = next(p for p in caught.value.problems if p.severity == "error")
    assert (problem.table, problem.column, problem.value) == (c.APPRAISALS, c.RATING, "luar_biasa_sekali")
    assert f"slice {part.index}" in problem.message and "mutasi validate" in problem.message
