"""A mutasi round (contract section 6): many vacancies planned together.

A round is a CSV or Parquet file, one row per vacancy: ``position_id`` (an existing post,
or the id of an ad-hoc vacancy given with the same columns as ``positions``),
``headcount?`` (people needed, default 1) and ``priority?`` (1 = must fill first, default
1). :func:`read_round` reads a file, :func:`round_from_frame` an in-memory frame (the HTTP
door); both type and validate the same way and raise :class:`DatasetError` listing every
problem at once, with table ``round`` and the 1-based data row. A row for an existing post
that also gives position columns keeps the post's own columns: a given value that differs
is a warning (kept in :attr:`Round.warnings`), never an error.

Contract level: imports :mod:`features` only, never serving, models, training or simulator.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import Dataset, complete_columns, parse_table, read_table_file
from features.pairs import PositionTable
from features.problems import ERROR, READ, WARNING, DatasetError, Problem, dedupe
from features.schema import SPECS, ColumnSpec, Kind, TableSpec
from features.validate import schema_problems

MAX_ROUND_ROWS = 5000            # vacancies in one round file or request
MAX_HEADCOUNT = 10000            # people needed at one post
MIN_PRIORITY, MAX_PRIORITY = 1, 9
DEFAULT_HEADCOUNT = 1
DEFAULT_PRIORITY = 1
ROUND_SUFFIXES = (".csv", ".parquet")

_POSITIONS = SPECS[c.POSITIONS]
# the positions columns a round row may carry (all of them but the key) ...
POSITION_COLUMNS: tuple[str, ...] = tuple(col.name for col in _POSITIONS.columns if col.name != c.POSITION_ID)
# ... and those an ad-hoc vacancy must give (the required columns of positions)
AD_HOC_REQUIRED: tuple[str, ...] = tuple(col.name for col in _POSITIONS.columns
                                         if col.name != c.POSITION_ID and not col.optional)

ROUND_SPEC = TableSpec(c.ROUND, (c.POSITION_ID,), (
    ColumnSpec(c.POSITION_ID, Kind.ID),
    ColumnSpec(c.HEADCOUNT, Kind.INT, optional=True, low=1, high=MAX_HEADCOUNT),
    ColumnSpec(c.PRIORITY, Kind.INT, optional=True, low=MIN_PRIORITY, high=MAX_PRIORITY),
    *(replace(col, optional=True) for col in _POSITIONS.columns if col.name != c.POSITION_ID),
))


@dataclass(frozen=True)
class RoundVacancy:
    """One row of a round. ``ad_hoc`` holds the typed positions columns of a vacancy whose
    position_id is not in ``positions`` (None for an existing post)."""

    position_id: str
    headcount: int
    priority: int
    row: int                        # 1-based data row of the round file
    ad_hoc: dict | None = None

    @property
    def is_ad_hoc(self) -> bool:
        return self.ad_hoc is not None


@dataclass(frozen=True)
class Round:
    """The vacancies of a round, in file order, and the warnings found reading it."""

    vacancies: tuple[RoundVacancy, ...]
    source: str = ""
    warnings: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.vacancies)

    @property
    def position_ids(self) -> tuple[str, ...]:
        return tuple(vac.position_id for vac in self.vacancies)

    @property
    def total_headcount(self) -> int:
        return sum(vac.headcount for vac in self.vacancies)

    @property
    def ad_hoc(self) -> tuple[RoundVacancy, ...]:
        return tuple(vac for vac in self.vacancies if vac.ad_hoc is not None)


# --- reading ------------------------------------------------------------------------------


def read_round(path: str | Path, dataset: Dataset) -> Round:
    """Read, type and validate a round file (CSV or Parquet) against ``dataset``."""
    path = Path(path)

    def fail(message: str) -> DatasetError:
        return DatasetError([Problem(c.ROUND, None, None, str(path), message, stage=READ)])

    if not path.is_file():
        raise fail("round file not found")
    if path.suffix not in ROUND_SUFFIXES:          # as for dataset tables: read_table_file goes by suffix
        raise fail("a round is a .csv or .parquet file")
    try:
        raw = read_table_file(path)
    except pd.errors.EmptyDataError:
        raise fail("round has no vacancies: the file is empty") from None
    except Exception as exc:  # unreadable file: report, do not crash
        raise fail(f"cannot read file: {exc}") from None
    return _round(raw, dataset, str(path))


def round_from_frame(frame: pd.DataFrame, dataset: Dataset, source: str = "") -> Round:
    """The same as :func:`read_round` for an in-memory frame of strings or typed values
    (e.g. ``pd.DataFrame(list_of_dicts)``); row n is the frame's n-th row."""
    raw = frame.reset_index(drop=True)
    raw.columns = [str(col).strip() for col in raw.columns]
    return _round(raw, dataset, source)


def _round(raw: pd.DataFrame, dataset: Dataset, source: str) -> Round:
    if len(raw) == 0:
        raise DatasetError([Problem(c.ROUND, None, None, source or None,
                                    "round has no vacancies: no data rows", stage=READ)])
    if len(raw) > MAX_ROUND_ROWS:
        raise DatasetError([Problem(c.ROUND, None, None, len(raw),
                                    f"round has more than {MAX_ROUND_ROWS} rows", stage=READ)])
    typed, problems = parse_table(raw, ROUND_SPEC)
    problems += _range_messages(schema_problems(typed, ROUND_SPEC), raw)
    known = np.zeros(len(typed), bool)
    if c.POSITION_ID in typed:
        known = typed[c.POSITION_ID].isin(dataset.positions[c.POSITION_ID]).to_numpy()
        problems += _row_problems(typed, known, dataset)
    problems = dedupe(problems)
    if any(p.severity == ERROR for p in problems):
        raise DatasetError(problems)
    return Round(_vacancies(typed, known), source, tuple(problems))


def _range_messages(problems: list[Problem], raw: pd.DataFrame) -> list[Problem]:
    """headcount and priority out of range say which bound, with the value as given."""
    bounds = {col.name: (col.low, col.high) for col in ROUND_SPEC.columns
              if col.name in (c.HEADCOUNT, c.PRIORITY)}
    out = []
    for p in problems:
        if p.column in bounds and p.row is not None and p.message.startswith("out of range"):
            low, high = bounds[p.column]
            side = f"at least {low:g}" if float(p.value) < low else f"at most {high:g}"
            p = replace(p, value=raw[p.column].iloc[p.row - 1], message=f"{p.column} must be {side}")
        out.append(p)
    return out


def _row_problems(typed: pd.DataFrame, known: np.ndarray, dataset: Dataset) -> list[Problem]:
    """Ad-hoc rows give every required positions column and an existing unit; rows of
    existing posts that give a different value for a positions column get a warning."""
    pid = typed[c.POSITION_ID]
    ad_hoc = pid.notna().to_numpy() & ~known
    problems: list[Problem] = []
    for col in AD_HOC_REQUIRED:
        given = typed[col].notna().to_numpy() if col in typed else np.zeros(len(typed), bool)
        for row in np.flatnonzero(ad_hoc & ~given):
            problems.append(Problem(c.ROUND, col, int(row) + 1, None,
                                    f"ad-hoc vacancy (position_id not in positions) needs {col}"))
    if c.UNIT_ID in typed:
        unit = typed[c.UNIT_ID]
        unknown = ad_hoc & unit.notna().to_numpy() & ~unit.isin(dataset.units[c.UNIT_ID]).to_numpy()
        for row in np.flatnonzero(unknown):
            problems.append(Problem(c.ROUND, c.UNIT_ID, int(row) + 1, unit.iloc[row],
                                    "refers to a unit_id that does not exist in units"))
    existing = dataset.positions.set_index(c.POSITION_ID)
    for col in POSITION_COLUMNS:
        if col not in typed or col not in existing.columns:
            continue
        own = existing[col].reindex(pid.where(pd.Series(known, index=pid.index))).to_numpy(dtype=object)
        given = typed[col].to_numpy(dtype=object)
        for row in np.flatnonzero(known & typed[col].notna().to_numpy()):
            if pd.isna(own[row]) or own[row] != given[row]:
                problems.append(Problem(
                    c.ROUND, col, int(row) + 1, given[row],
                    f"{col} differs from the existing post in positions; the post's own value is used",
                    severity=WARNING))
    return problems


def _python(value: object, kind: Kind) -> object:
    """A typed cell as a plain Python value (None when missing)."""
    if value is None or pd.isna(value):
        return None
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.FLOAT:
        return float(value)
    if kind is Kind.BOOL:
        return bool(value)
    return str(value)


def _vacancies(typed: pd.DataFrame, known: np.ndarray) -> tuple[RoundVacancy, ...]:
    """Valid typed rows as vacancies, defaults applied; ``known`` marks existing posts."""
    n = len(typed)

    def ints(name: str, default: int) -> np.ndarray:
        if name not in typed:
            return np.full(n, default, dtype=np.int64)
        return typed[name].fillna(default).to_numpy(dtype=np.int64)

    headcount, priority = ints(c.HEADCOUNT, DEFAULT_HEADCOUNT), ints(c.PRIORITY, DEFAULT_PRIORITY)
    pid = typed[c.POSITION_ID].to_numpy(dtype=object)
    kinds = {col.name: col.kind for col in _POSITIONS.columns}
    given = {col: typed[col].to_numpy(dtype=object) for col in POSITION_COLUMNS if col in typed}
    vacancies = []
    for k in range(n):
        ad_hoc = None if known[k] else {col: _python(given[col][k], kinds[col]) if col in given else None
                                        for col in POSITION_COLUMNS}
        vacancies.append(RoundVacancy(str(pid[k]), int(headcount[k]), int(priority[k]), k + 1, ad_hoc))
    return tuple(vacancies)


# --- using a round ------------------------------------------------------------------------


def positions_with_round(positions_table: PositionTable, dataset: Dataset, round_: Round) -> PositionTable:
    """``positions_table`` that also holds every ad-hoc vacancy of ``round_`` (with its
    unit's region; no competency standard). Existing posts are left as they are."""
    ad_hoc = round_.ad_hoc
    if not ad_hoc:
        return positions_table
    rows = pd.DataFrame([{c.POSITION_ID: vac.position_id, **vac.ad_hoc} for vac in ad_hoc])
    typed, _ = parse_table(rows, _POSITIONS)
    only_ad_hoc = replace(dataset, positions=complete_columns(typed, _POSITIONS),
                          position_competencies=dataset.position_competencies.iloc[:0])
    extra = PositionTable.from_dataset(only_ad_hoc).attributes
    attributes = pd.concat([positions_table.attributes.drop(index=extra.index, errors="ignore"), extra])
    standards = positions_table.standards.drop(index=extra.index, errors="ignore")
    return PositionTable(attributes, standards, positions_table.regions)


def is_key_post(position_type, strategic) -> np.ndarray:
    """Key posts (vectorised): JPT and administrator posts, and any post marked strategic.
    ``strategic`` may hold booleans, missing values (not strategic) or be one scalar."""
    types = np.asarray(position_type, dtype=object)
    flags = np.asarray(strategic, dtype=object)
    marked = pd.array(flags.ravel(), dtype="boolean").fillna(False).to_numpy(dtype=bool).reshape(flags.shape)
    return np.isin(types, v.KEY_POST_TYPES) | marked
