"""Validation findings and how they are reported.

The lowest layer of the dataset code: :mod:`features.io` (reading, typing, loading) and
:mod:`features.validate` (checks) both import it and neither imports the other's
dependants, so there is no import cycle.

A :class:`Problem` is one finding on one row; tools and tests use the list. People read
the grouped report: one line per (severity, table, column, message) with the count and the
first rows and values, errors first, and within a severity the reading problems (missing
table, unreadable file), then values that did not parse, then the checks on typed values.
"""

from collections.abc import Iterable
from dataclasses import dataclass

ERROR, WARNING = "error", "warning"
READ, PARSE, CHECK = "read", "parse", "check"      # the stage that found a problem
STAGE_ORDER = (READ, PARSE, CHECK)
FIRST_ROWS = 3                                     # rows named per grouped line
DATASET_ERROR_LINES = 20                           # grouped lines in a DatasetError message


@dataclass(frozen=True)
class Problem:
    """One validation finding; ``row`` is the 1-based data row of the table's file."""

    table: str
    column: str | None
    row: int | None
    value: object
    message: str
    severity: str = ERROR
    stage: str = CHECK

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def __str__(self) -> str:
        row = "" if self.row is None else f" row {self.row}"
        value = "" if self.value is None else f" (value {_shown(self.value)})"
        return f"{self.severity.upper()} {self.where}{row}: {self.message}{value}"


@dataclass(frozen=True)
class ProblemGroup:
    """Every problem sharing severity, table, column and message, in the order found."""

    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def __len__(self) -> int:
        return len(self.problems)

    def __str__(self) -> str:
        if len(self) == 1:
            return str(self.first)
        p = self.first
        rows = [q for q in self.problems if q.row is not None]
        head = f"{p.severity.upper()} {p.where}: {p.message} — {len(self):,} "
        if not rows:
            return head + "times"
        named = ", ".join(f"{q.row}" + ("" if q.value is None else f" ({_shown(q.value)})")
                          for q in rows[:FIRST_ROWS])
        more = ", ..." if len(rows) > FIRST_ROWS else ""
        return head + f"rows, first rows {named}{more}"


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Group by (severity, table, column, message): errors first, then by stage, then as found."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.table, p.column, p.message), []).append(p)
    ordered = sorted(groups.values(), key=lambda g: (g[0].severity != ERROR, _stage_rank(g[0].stage)))
    return [ProblemGroup(tuple(g)) for g in ordered]


def format_report(problems: list[Problem], limit: int | None = None) -> str:
    """Human-readable grouped report, at most ``limit`` grouped lines, and the totals."""
    groups = group_problems(problems)
    shown = groups if limit is None else groups[:limit]
    lines = [str(g) for g in shown]
    if len(shown) < len(groups):
        hidden = groups[len(shown):]
        lines.append(f"... and {len(hidden)} more kind(s) of problem ({sum(map(len, hidden)):,} rows)")
    errors = sum(p.severity == ERROR for p in problems)
    lines.append(f"{errors:,} error(s), {len(problems) - errors:,} warning(s)")
    return "\n".join(lines)


def dedupe(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per (table, column, row), the first found: a date that did not parse is
    not also reported as empty."""
    seen: set[tuple] = set()
    kept: list[Problem] = []
    for problem in problems:
        key = (problem.table, problem.column, problem.row)
        if problem.row is not None and key in seen:
            continue
        seen.add(key)
        kept.append(problem)
    return kept


class DatasetError(ValueError):
    """The dataset does not follow the contract; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == ERROR]
        groups = group_problems(errors)
        head = "\n".join(str(g) for g in groups[:DATASET_ERROR_LINES])
        more = (f"\n... and {len(groups) - DATASET_ERROR_LINES} more kind(s) of error"
                if len(groups) > DATASET_ERROR_LINES else "")
        super().__init__(f"dataset has {len(errors):,} validation error(s):\n{head}{more}")

    def __reduce__(self):
        """Rebuilt from its problems when unpickled (a Dask worker's error reaches the client whole)."""
        return (type(self), (self.problems,))


def _stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def _shown(value: object) -> str:
    """repr of a value, numpy scalars as their Python value."""
    item = getattr(value, "item", None)
    return repr(item() if callable(item) and getattr(value, "shape", None) == () else value)
