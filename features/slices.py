"""Employee slices of a contract dataset, read straight from its files.

A national round does not fit one process, but an employee's snapshot only needs that
employee's own rows plus the shared tables (regions, units, positions, their competency
standards, the training catalog). So partitioned work (the Dask scorer) cuts the employees
table into contiguous **slices** and each slice reads only its employees' rows from every
employee-keyed table. With Parquet files sorted by ``employee_id`` (the simulator writes
them so) a slice skips every row group outside its id range; any other file is still read
correctly, only more slowly (each slice scans it).

A slice is typed and checked with the same code as :func:`features.io.load_dataset`:
the shared tables once (:func:`read_shared`), each slice's own rows in the slice. Problems
found in a slice name the table, column and value; their row numbers count within the
slice, so :data:`SLICE_ROWS_NOTE` points to ``mutasi validate`` for the file's rows.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from features import columns as c
from features.io import (
    Dataset,
    dataset_from_tables,
    default_catalog_path,
    parse_table,
    read_table_file,
    table_file,
)
from features.problems import READ, DatasetError, Problem, dedupe
from features.schema import SPECS
from features.snapshot import Sources, competency_codes, prepare_sources
from features.timeline import ONE_DAY
from features.validate import interval_problems, reference_problems, schema_problems, validate_tables

EMPLOYEE_TABLES = tuple(name for name, spec in SPECS.items() if c.EMPLOYEE_ID in spec.column_names)
SHARED_TABLES = tuple(name for name in SPECS if name not in EMPLOYEE_TABLES)
SLICE_ROWS_NOTE = "rows counted within the slice; `mutasi validate --data DIR` names the file's rows"
CSV_CHUNK_ROWS = 500_000        # a CSV table is scanned this many rows at a time


@dataclass(frozen=True)
class EmployeeSlice:
    """Employees ``first_row`` .. ``first_row + len(employee_ids) - 1`` of the employees table."""

    index: int
    first_row: int
    employee_ids: np.ndarray        # object array of ids, in the employees table's order

    def __len__(self) -> int:
        return len(self.employee_ids)


@dataclass(frozen=True)
class SharedTables:
    """The typed shared tables, the competency codes of the whole dataset (a slice's
    snapshot needs every code as a column, not only the codes its employees were assessed
    in) and the dataset's default decision date."""

    tables: dict[str, pd.DataFrame]
    catalog_is_default: bool
    competency_codes: tuple[str, ...]
    default_as_of: pd.Timestamp


def employee_ids(directory: str | Path) -> np.ndarray:
    """The employees table's ``employee_id`` column, in file order (one column read)."""
    path = _required(Path(directory), c.EMPLOYEES)
    if path.suffix == ".parquet":
        ids = pq.read_table(path, columns=[c.EMPLOYEE_ID]).column(0).to_pandas()
    else:
        ids = pd.read_csv(path, usecols=[c.EMPLOYEE_ID], dtype=str, keep_default_na=False)[c.EMPLOYEE_ID]
    return ids.astype(str).str.strip().to_numpy(dtype=object)


def plan_slices(ids: np.ndarray, rows_per_slice: int) -> list[EmployeeSlice]:
    """Contiguous slices of at most ``rows_per_slice`` employees, in table order."""
    if rows_per_slice < 1:
        raise ValueError(f"rows_per_slice must be at least 1, not {rows_per_slice}")
    starts = range(0, len(ids), rows_per_slice)
    return [EmployeeSlice(k, start, ids[start:start + rows_per_slice]) for k, start in enumerate(starts)]


def read_shared(directory: str | Path) -> SharedTables:
    """Read, type and validate the shared tables; raise :class:`DatasetError` on errors."""
    directory = Path(directory)
    typed, problems = _typed(directory, SHARED_TABLES, read_table_file)
    catalog_is_default = c.TRAINING_CATALOG not in typed
    if catalog_is_default:
        typed[c.TRAINING_CATALOG], _ = parse_table(read_table_file(default_catalog_path()), SPECS[c.TRAINING_CATALOG])
    problems = dedupe(problems + validate_tables(typed, catalog_is_default=catalog_is_default))
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems)
    return SharedTables(typed, catalog_is_default, _competency_codes(directory, typed), _default_as_of(directory))


def read_slice(directory: str | Path, part: EmployeeSlice, shared: SharedTables) -> Dataset:
    """The dataset of one slice: its employees' rows of every employee-keyed table, typed
    and checked, with the shared tables; raise :class:`DatasetError` naming the problems."""
    directory = Path(directory)
    own, problems = _typed(directory, EMPLOYEE_TABLES, lambda path: rows_of(path, part.employee_ids))
    typed = {**shared.tables, **own}
    for name in EMPLOYEE_TABLES:
        if name in typed:
            spec = SPECS[name]
            problems += schema_problems(typed[name], spec) + reference_problems(typed, spec, shared.catalog_is_default)
            problems += interval_problems(typed[name], spec)
    problems = dedupe(problems)
    if any(p.severity == "error" for p in problems):
        raise DatasetError([replace(p, message=f"{p.message} (slice {part.index}: {SLICE_ROWS_NOTE})")
                            for p in problems])
    return dataset_from_tables(typed, source=str(directory), catalog_is_default=shared.catalog_is_default)


def _typed(directory: Path, names: tuple[str, ...], read) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The tables ``names`` present in ``directory``, each read by ``read(path)`` and typed;
    a required table that is missing is a problem."""
    typed: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name in names:
        path = table_file(directory, name)
        if path is None:
            if SPECS[name].required:
                problems.append(Problem(name, None, None, None,
                                        f"required table missing: no {name}.csv or {name}.parquet", stage=READ))
            continue
        typed[name], found = parse_table(read(path), SPECS[name])
        problems += found
    return typed, problems


def slice_sources(dataset: Dataset, shared: SharedTables) -> Sources:
    """The snapshot sources of a slice, with the whole dataset's competency codes."""
    return replace(prepare_sources(dataset), competency_codes=shared.competency_codes)


def rows_of(path: Path, ids: np.ndarray) -> pd.DataFrame:
    """The rows of a table file whose ``employee_id`` is one of ``ids``, in file order."""
    if not len(ids):
        return read_table_file(path).iloc[:0]
    if path.suffix == ".parquet":
        return _parquet_rows(path, ids)
    wanted = set(ids.tolist())
    parts = [chunk[chunk[c.EMPLOYEE_ID].str.strip().isin(wanted)]
             for chunk in pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                                      chunksize=CSV_CHUNK_ROWS)]
    frame = pd.concat(parts) if parts else pd.DataFrame()
    frame.columns = [str(col).strip() for col in frame.columns]
    return frame.reset_index(drop=True)


def _parquet_rows(path: Path, ids: np.ndarray) -> pd.DataFrame:
    """Row groups outside [min id, max id] are skipped by their statistics; the rest are
    filtered exactly."""
    key = pc.field(c.EMPLOYEE_ID)
    values = sorted(set(ids.tolist()))
    wanted = (key >= values[0]) & (key <= values[-1]) & key.isin(values)
    frame = pads.dataset(path, format="parquet").to_table(filter=wanted).to_pandas()
    frame.columns = [str(col).strip() for col in frame.columns]
    return frame.reset_index(drop=True)


def _required(directory: Path, name: str) -> Path:
    path = table_file(directory, name)
    if path is None:
        raise DatasetError([Problem(name, None, None, None,
                                    f"required table missing: no {name}.csv or {name}.parquet", stage=READ)])
    return path


def _column(directory: Path, table: str, column: str) -> pd.Series:
    """One column of a table (empty when the table is absent)."""
    path = table_file(directory, table)
    if path is None:
        return pd.Series([], dtype=object)
    if path.suffix == ".parquet":
        return pq.read_table(path, columns=[column]).column(0).to_pandas()
    return pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False, na_values=[""])[column]


def _competency_codes(directory: Path, shared: dict[str, pd.DataFrame]) -> tuple[str, ...]:
    """The codes :func:`features.snapshot.prepare_sources` finds in the whole dataset."""
    assessed = _column(directory, c.COMPETENCY_ASSESSMENTS, c.COMPETENCY_CODE).dropna().astype(str).str.strip()
    return competency_codes(shared[c.POSITION_COMPETENCIES][c.COMPETENCY_CODE], pd.unique(assessed))


def _default_as_of(directory: Path) -> pd.Timestamp:
    """The day after the latest appraisal's ``period_end`` (as :func:`features.timeline.default_as_of`)."""
    spec = SPECS[c.APPRAISALS]
    only = replace(spec, columns=tuple(col for col in spec.columns if col.name == c.PERIOD_END))
    ends, _ = parse_table(pd.DataFrame({c.PERIOD_END: _column(directory, c.APPRAISALS, c.PERIOD_END)}), only)
    if ends[c.PERIOD_END].notna().sum() == 0:
        raise ValueError("appraisals table is empty: the dataset's end is undefined")
    return pd.Timestamp(ends[c.PERIOD_END].max()) + ONE_DAY
