"""Validation of typed contract tables.

Per-table checks (required columns, missing values, vocabularies, patterns, ranges,
duplicate keys) are pandera schemas derived from :mod:`features.schema`; cross-table
checks (dangling ids, end before start) are plain joins. Every problem is collected,
none stops the others. A key with a part that is missing (or did not parse) is not
compared: its row already has its own problem, and all such keys would look alike.

This module imports :mod:`features.problems` and :mod:`features.schema`, never
:mod:`features.io` (which imports it).
"""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from features import columns as c
from features.problems import READ, Problem, dedupe
from features.schema import SPECS, ColumnSpec, Kind, TableSpec

_KIND_DTYPE = {Kind.DATE: "datetime64[ns]", Kind.INT: "float64", Kind.FLOAT: "float64",
               Kind.BOOL: "boolean"}


def _checks(col: ColumnSpec) -> list[pa.Check]:
    if col.vocabulary is not None:
        return [pa.Check.isin(col.vocabulary, error="code outside the closed vocabulary")]
    if col.kind is Kind.CODE_LIST:
        each = rf"^\s*{col.pattern[1:-1]}\s*(;\s*{col.pattern[1:-1]}\s*)*$"
        return [pa.Check.str_matches(each, error=f"not a ';'-separated list of codes matching {col.pattern}")]
    if col.pattern is not None:
        return [pa.Check.str_matches(col.pattern, error=f"does not match {col.pattern}")]
    if col.low is not None:
        return [pa.Check.in_range(col.low, col.high, error=f"out of range {col.low:g}..{col.high:g}")]
    return []


def table_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of one typed table."""
    return pa.DataFrameSchema(
        {col.name: pa.Column(_KIND_DTYPE.get(col.kind, "str"), _checks(col),
                             nullable=col.optional, required=not col.optional)
         for col in spec.columns},
        unique=list(spec.key),
        name=spec.name,
    )


def _message(check: str, column: str | None) -> str:
    if check == "column_in_dataframe":
        return "required column missing"
    if check == "multiple_fields_uniqueness" or check.startswith("field_uniqueness"):
        return "duplicate key"
    if check == "not_nullable":
        return "required value is empty"
    if check.startswith("dtype("):
        return f"unexpected type {check}"
    return check


def schema_problems(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Run the table's pandera schema lazily and translate its failure cases."""
    try:
        table_schema(spec).validate(frame, lazy=True)
        return []
    except SchemaErrors as err:
        cases = err.failure_cases
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for case in cases.itertuples(index=False):
        check, column = str(case.check), case.column
        if check == "column_in_dataframe":
            problems.append(Problem(spec.name, str(case.failure_case), None, None,
                                    _message(check, None), stage=READ))
            continue
        row = None if pd.isna(case.index) else int(case.index) + 1
        if _message(check, column) == "duplicate key":
            if (row, "dup") in seen:
                continue
            seen.add((row, "dup"))
            key = tuple(frame.iloc[row - 1][k] for k in spec.key) if row else case.failure_case
            if row and any(pd.isna(k) for k in key):
                continue
            key = tuple(str(k.date()) if isinstance(k, pd.Timestamp) else k for k in key)
            problems.append(Problem(spec.name, ",".join(spec.key), row, key, "duplicate key"))
            continue
        problems.append(Problem(spec.name, column, row, case.failure_case, _message(check, column)))
    return problems


def _rows(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def known(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Bool per value: it is one of ``keys``. A set lookup: pandas' ``isin`` on its arrow
    strings is ten times slower, which a national dataset's million posts make felt."""
    keep = set(keys.dropna().unique().tolist())
    return np.fromiter((value in keep for value in values.tolist()), dtype=bool, count=len(values))


def reference_problems(tables: dict[str, pd.DataFrame], spec: TableSpec,
                       catalog_is_default: bool) -> list[Problem]:
    """Ids that refer to rows that do not exist in the referenced table."""
    frame = tables[spec.name]
    problems: list[Problem] = []
    for ref in spec.references:
        if ref.column not in frame.columns or ref.table not in tables:
            continue
        target = tables[ref.table]
        if ref.target not in target.columns:
            continue
        values = frame[ref.column]
        dangling = values.notna().to_numpy() & ~known(values, target[ref.target])
        unknown_default_code = ref.table == c.TRAINING_CATALOG and catalog_is_default
        for row in _rows(dangling):
            problems.append(Problem(
                spec.name, ref.column, int(row) + 1, values.iloc[row],
                f"refers to a {ref.target} that is not in the shipped default training catalog "
                "(no training_catalog table given); its hours count, its competencies are unknown"
                if unknown_default_code else
                f"refers to a {ref.target} that does not exist in {ref.table}",
                severity="warning" if unknown_default_code else "error"))
    return problems


def interval_problems(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Rows whose end date precedes their start date."""
    problems: list[Problem] = []
    for start, end in spec.intervals:
        if start not in frame.columns or end not in frame.columns:
            continue
        starts = pd.to_datetime(frame[start], errors="coerce")
        ends = pd.to_datetime(frame[end], errors="coerce")
        for row in _rows(ends < starts):
            problems.append(Problem(spec.name, end, int(row) + 1, str(ends.iloc[row].date()),
                                    f"{end} is before {start} {starts.iloc[row].date()}"))
    return problems


def validate_tables(tables: dict[str, pd.DataFrame], catalog_is_default: bool = False) -> list[Problem]:
    """Every problem of the typed tables present in ``tables``."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        spec = SPECS[name]
        problems += schema_problems(frame, spec)
        problems += reference_problems(tables, spec, catalog_is_default)
        problems += interval_problems(frame, spec)
    return dedupe(problems)

