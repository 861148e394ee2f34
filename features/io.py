"""Read a contract dataset directory into typed frames.

``load_dataset(path)`` is the one entry point: it reads every table (CSV or Parquet),
types the columns from :mod:`features.schema`, validates the whole dataset and returns a
:class:`Dataset`, or raises :class:`DatasetError` carrying every problem found.

Imports go one way: this module -> :mod:`features.validate` -> :mod:`features.problems`
(``Problem``, ``DatasetError``, re-exported here); validation never imports this module.
"""

from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.problems import PARSE, READ, DatasetError, Problem, dedupe
from features.schema import (
    FALSE_STRINGS,
    SPECS,
    TRUE_STRINGS,
    ColumnSpec,
    Kind,
    TableSpec,
)
from features.validate import validate_tables

DATE_DTYPE = "datetime64[ns]"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Dataset:
    """Typed contract tables. Optional tables that were absent are empty frames."""

    employees: pd.DataFrame
    exits: pd.DataFrame
    regions: pd.DataFrame
    units: pd.DataFrame
    positions: pd.DataFrame
    position_competencies: pd.DataFrame
    assignments: pd.DataFrame
    grades: pd.DataFrame
    education: pd.DataFrame
    appraisals: pd.DataFrame
    competency_assessments: pd.DataFrame
    trainings: pd.DataFrame
    training_catalog: pd.DataFrame
    discipline: pd.DataFrame
    preferences: pd.DataFrame
    status_periods: pd.DataFrame
    surveys: pd.DataFrame
    service_indicators: pd.DataFrame
    source: str = ""
    catalog_is_default: bool = False

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in SPECS}


# --- reading ------------------------------------------------------------------------------


def table_file(directory: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``directory`` (``.parquet`` wins over ``.csv``)."""
    for suffix in (".parquet", ".csv"):
        path = directory / f"{table}{suffix}"
        if path.exists():
            return path
    return None


def read_table_file(path: Path) -> pd.DataFrame:
    """Read one table file as-is, with a 0..n-1 index (row n+1 in messages)."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame.columns = [str(col).strip() for col in frame.columns]
    return frame.reset_index(drop=True)


def default_catalog_path() -> Path:
    return Path(str(resources.files("features") / "data" / "training_catalog.csv"))


def read_raw(directory: str | Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read every table file present; report required tables that are missing."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetError([Problem("(dataset)", None, None, str(directory), "not a directory", stage=READ)])
    raw: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name, spec in SPECS.items():
        path = table_file(directory, name)
        if path is None:
            if spec.required:
                problems.append(Problem(name, None, None, None,
                                        f"required table missing: no {name}.csv or {name}.parquet", stage=READ))
            continue
        try:
            raw[name] = read_table_file(path)
        except Exception as exc:  # unreadable file: report, do not crash
            problems.append(Problem(name, None, None, path.name, f"cannot read file: {exc}", stage=READ))
    return raw, problems


# --- typing -------------------------------------------------------------------------------


def _as_text(series: pd.Series) -> pd.Series:
    """Strings with surrounding blanks removed; empty strings become missing."""
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d")
    else:
        text = series.astype("str").where(series.notna())
    text = text.str.strip()
    return text.where(text != "")


def _parse_date(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype(DATE_DTYPE), pd.Series(False, index=series.index)
    text = _as_text(series)
    well_formed = text.str.match(ISO_DATE).fillna(False).astype(bool)
    parsed = pd.to_datetime(text.where(well_formed), format="%Y-%m-%d", errors="coerce")
    return parsed.astype(DATE_DTYPE), text.notna() & parsed.isna()


def _parse_number(series: pd.Series, integer: bool) -> tuple[pd.Series, pd.Series]:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    given = series if numeric else _as_text(series)
    number = pd.to_numeric(given, errors="coerce").astype("float64")
    bad = given.notna() & number.isna()
    if integer:
        bad |= number.notna() & (number != np.round(number))
    return number, bad


def _parse_bool(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(series):
        return series.astype("boolean"), pd.Series(False, index=series.index)
    text = _as_text(series).str.lower()
    value = pd.Series(pd.NA, index=series.index, dtype="boolean")
    value[text.isin(TRUE_STRINGS).fillna(False).astype(bool)] = True
    value[text.isin(FALSE_STRINGS).fillna(False).astype(bool)] = False
    return value, text.notna() & value.isna()


def parse_column(series: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, pd.Series]:
    """Type one column; return the typed values and a mask of values that did not parse."""
    if spec.kind is Kind.DATE:
        return _parse_date(series)
    if spec.kind in (Kind.INT, Kind.FLOAT):
        return _parse_number(series, integer=spec.kind is Kind.INT)
    if spec.kind is Kind.BOOL:
        return _parse_bool(series)
    text = _as_text(series)
    if spec.name in (c.GRADE, c.MIN_GRADE):
        text = text.map(lambda g: v.GRADE_CANONICAL.get(g, g), na_action="ignore").astype("str")
    return text, pd.Series(False, index=series.index)


def parse_table(raw: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Type every contract column present; unknown extra columns are dropped."""
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in spec.columns:
        if col.name not in raw.columns:
            continue
        values, bad = parse_column(raw[col.name], col)
        typed[col.name] = values
        what = {Kind.DATE: "date is not a valid YYYY-MM-DD", Kind.INT: "not an integer",
                Kind.FLOAT: "not a number", Kind.BOOL: "not a boolean (true/false)"}
        for row in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(spec.name, col.name, int(row) + 1, raw[col.name].iloc[row],
                                    what.get(col.kind, "cannot be read"), stage=PARSE))
    return pd.DataFrame(typed, index=raw.index), problems


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A zero-row frame with the table's typed columns."""
    dtypes = {Kind.DATE: DATE_DTYPE, Kind.INT: "float64", Kind.FLOAT: "float64",
              Kind.BOOL: "boolean"}
    return pd.DataFrame({col.name: pd.Series(dtype=dtypes.get(col.kind, "str"))
                         for col in spec.columns})


def complete_columns(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Add absent optional columns as all-missing so downstream code sees every column."""
    empty = empty_table(spec)
    missing = {name: pd.Series(pd.NA if empty[name].dtype == "boolean" else None,
                               index=frame.index, dtype=empty[name].dtype)
               for name in spec.column_names if name not in frame.columns}
    return frame.assign(**missing)[list(spec.column_names)] if missing else frame[list(spec.column_names)]


def inspect_dataset(directory: str | Path) -> tuple[dict[str, pd.DataFrame], list[Problem], bool]:
    """Read, type and validate; return the typed tables, every problem, and whether the
    shipped default training catalog stands in for an absent one."""
    raw, problems = read_raw(directory)
    typed: dict[str, pd.DataFrame] = {}
    for name, frame in raw.items():
        table, parse_problems = parse_table(frame, SPECS[name])
        typed[name] = table
        problems += parse_problems
    catalog_is_default = c.TRAINING_CATALOG not in typed
    if catalog_is_default:
        catalog, _ = parse_table(read_table_file(default_catalog_path()), SPECS[c.TRAINING_CATALOG])
        typed[c.TRAINING_CATALOG] = catalog
    problems = dedupe(problems + validate_tables(typed, catalog_is_default=catalog_is_default))
    return typed, problems, catalog_is_default


def load_dataset(directory: str | Path) -> Dataset:
    """Read, type and validate a dataset directory; raise :class:`DatasetError` if invalid."""
    typed, problems, catalog_is_default = inspect_dataset(directory)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems)
    return dataset_from_tables(typed, source=str(directory), catalog_is_default=catalog_is_default)


def dataset_from_tables(typed: dict[str, pd.DataFrame], source: str = "",
                        catalog_is_default: bool = False) -> Dataset:
    """Build a :class:`Dataset` from valid typed tables (absent optional ones become empty)."""
    tables = {name: complete_columns(typed[name], spec) if name in typed else empty_table(spec)
              for name, spec in SPECS.items()}
    for name, spec in SPECS.items():
        for col in spec.columns:
            if col.kind is Kind.BOOL and not col.optional:
                tables[name][col.name] = tables[name][col.name].astype(bool)
    return Dataset(**tables, source=source, catalog_is_default=catalog_is_default)
