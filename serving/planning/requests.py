"""The HTTP requests of round plans (pydantic models) and how they become a plan call.

Shapes and sizes are checked here, before any work: at most
:data:`features.round.MAX_ROUND_ROWS` round rows, bounded cells, ids of at most
:data:`serving.limits.MAX_ID_LENGTH` characters, finite numbers. The round's own rules
(headcount, priority, ad-hoc vacancies) are the round reader's
(:func:`features.round.round_from_frame`, a :class:`DatasetError` listing every problem),
the settings' rules :func:`serving.planning.settings.check_settings`'s (a
:class:`RankingError` naming the field) — the same for every door.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import pandas as pd
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints, ValidationError

from features import columns as c
from features.round import MAX_ROUND_ROWS, ROUND_SPEC
from features.schema import Kind
from serving.checks import identifier
from serving.errors import RankingError
from serving.limits import MAX_BODY_BYTES, MAX_NAME_LENGTH, MAX_NOTE_LENGTH
from serving.planning.review import MoveDecision
from serving.planning.settings import (
    DEFAULT_MAX_OUTFLOW_SHARE,
    MAX_REVIEWER_MOVES,
    KeyPostGuard,
    Movers,
    OutflowCap,
    PlanSettings,
    PlanWeights,
    check_settings,
)
from serving.requests import Finite, Id, IsoDate, Lang

MAX_ROUND_COLUMNS = 30          # columns of one round row (the round file has 11; unknown ones are dropped)
MAX_COLUMN_NAME = 64            # characters of a round column's name
MAX_CELL_LENGTH = MAX_NAME_LENGTH   # characters of one round cell (a post title is the longest)
MAX_OUTFLOW_TEXT = 20
SEPARATORS = (",", ";", "\t")
ID_COLUMNS = tuple(col.name for col in ROUND_SPEC.columns if col.kind is Kind.ID)   # position_id, unit_id

Column = Annotated[str, StringConstraints(min_length=1, max_length=MAX_COLUMN_NAME)]
Cell = StrictBool | StrictInt | Finite | Annotated[str, StringConstraints(max_length=MAX_CELL_LENGTH)] | None
RoundRow = Annotated[dict[Column, Cell], Field(max_length=MAX_ROUND_COLUMNS)]
Outflow = float | Annotated[str, StringConstraints(max_length=MAX_OUTFLOW_TEXT)] | None    # OutflowCap.parse checks
Reviewer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)]
OptionalNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE_LENGTH)] | None

MAX_AUDIT_ID = 2**63 - 1        # SQLite's largest integer
AuditId = Annotated[int, PathParam(ge=1, le=MAX_AUDIT_ID, description="The plan's audit id")]

_WEIGHTS, _GUARD, _SETTINGS = PlanWeights(), KeyPostGuard(), PlanSettings()


class PlanError(RankingError):
    """A plan request that breaks a rule (a setting, a fixed move, an infeasible round): 422."""


class PlanNotFound(RankingError):
    """No recorded plan has this audit id: 404."""


class MoveIn(BaseModel):
    employee_id: Id
    position_id: Id


class WeightsIn(BaseModel):
    """The objective of one move (see :mod:`serving.planning.settings`); omitted: the default."""

    performance: Finite = _WEIGHTS.performance
    risk: Finite = _WEIGHTS.risk
    preference: Finite = _WEIGHTS.preference
    unwilling: Finite = _WEIGHTS.unwilling


class GuardIn(BaseModel):
    """Key posts' floor and ceiling; omitted: the default, null: switched off."""

    min_performance: Finite | None = _GUARD.min_performance
    max_risk: Finite | None = _GUARD.max_risk


class PlanRequest(BaseModel):
    round: Annotated[list[RoundRow], Field(
        max_length=MAX_ROUND_ROWS, description="One row per vacancy: position_id, headcount?, priority?, and for an "
                                               "ad-hoc vacancy the positions columns (unit_id, title, ...)")]
    as_of: IsoDate | None = Field(None, description="Decision date, YYYY-MM-DD (default: the day after the dataset's "
                                                  "end)")
    max_outflow_per_unit: Outflow = Field(
        DEFAULT_MAX_OUTFLOW_SHARE, description="Most people one unit may lose: a count (3), a share (0.2 or \"20%\"), "
                                               "or null for no cap")
    weights: WeightsIn = Field(default_factory=WeightsIn)
    chain_depth: StrictInt = _SETTINGS.chain_depth
    fixed: Annotated[list[MoveIn], Field(max_length=MAX_REVIEWER_MOVES)] = Field(
        default_factory=list, description="Moves the plan must make")
    forbidden: Annotated[list[MoveIn], Field(max_length=MAX_REVIEWER_MOVES)] = Field(
        default_factory=list, description="Moves the plan must not make")
    guard: GuardIn = Field(default_factory=GuardIn)
    lang: Lang = "id"
    time_limit_s: Finite = Field(_SETTINGS.time_limit_s, description="Seconds the solver may take per solve")
    movers: Movers = Field(_SETTINGS.movers, description="Who may move: all (anyone eligible) or due (only those on "
                                                         "the due list at the round's date)")


class MoveDecisionIn(BaseModel):
    employee_id: Id
    position_id: Id
    decision: MoveDecision
    reviewer: Reviewer
    note: OptionalNote = None


class PagePlanIn(BaseModel):
    """What the reviewer page sends: the round as CSV text, as typed or uploaded."""

    csv: Annotated[str, StringConstraints(max_length=MAX_BODY_BYTES)]
    as_of: IsoDate | None = None
    max_outflow_per_unit: Annotated[str, StringConstraints(max_length=MAX_OUTFLOW_TEXT)] | None = None
    lang: Lang = "id"
    reviewer: Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH)] | None = None


@dataclass(frozen=True)
class PlanCall:
    """The arguments of :func:`serving.planning.plan.plan` for one request (the round
    still as rows: the served dataset reads them)."""

    rows: list[dict]
    as_of: date | None
    settings: PlanSettings


def plan_call(body: PlanRequest) -> PlanCall:
    """The plan a request asks for; RankingError naming the field when a setting or an
    id breaks a rule (the round rows themselves are checked when the round is read)."""
    for i, row in enumerate(body.round):
        for column in ID_COLUMNS:
            if row.get(column) is not None:
                identifier(f"round.{i}.{column}", row[column])
    settings = PlanSettings(
        weights=PlanWeights(**body.weights.model_dump()),
        outflow=OutflowCap.parse(body.max_outflow_per_unit), chain_depth=body.chain_depth,
        fixed=tuple((m.employee_id, m.position_id) for m in body.fixed),
        forbidden=tuple((m.employee_id, m.position_id) for m in body.forbidden),
        guard=KeyPostGuard(**body.guard.model_dump()), lang=body.lang, time_limit_s=body.time_limit_s,
        movers=body.movers)
    check_settings(settings)
    return PlanCall([dict(row) for row in body.round], body.as_of, settings)


def with_settings(body: PlanRequest, settings: PlanSettings, as_of: date) -> PlanRequest:
    """``body`` asking for ``settings``' fixed and forbidden moves on ``as_of`` (a re-plan)."""
    return body.model_copy(update={
        "as_of": as_of,
        "fixed": [MoveIn(employee_id=e, position_id=p) for e, p in settings.fixed],
        "forbidden": [MoveIn(employee_id=e, position_id=p) for e, p in settings.forbidden]})


def stored_request(recorded: dict) -> PlanRequest:
    """The request a recorded plan was made from (extra keys such as ``door`` ignored)."""
    return PlanRequest.model_validate(recorded)


def csv_rows(text: str) -> list[dict]:
    """The rows of a round given as CSV text (header line first), cells as text, empty
    cells missing; RankingError naming ``csv`` when it cannot be read or is too long."""
    if not text.strip():
        raise RankingError("csv", "the round is empty: give a header line (position_id,headcount,priority) "
                                  "and one line per vacancy")
    if text.count("\n") > MAX_ROUND_ROWS + 1:
        raise RankingError("csv", f"a round has at most {MAX_ROUND_ROWS} vacancies")
    header = text.lstrip().partition("\n")[0]
    separator = max(SEPARATORS, key=header.count)       # spreadsheets in Indonesian locales write ';'
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], sep=separator,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        raise RankingError("csv", f"the round is not readable CSV: {str(exc)[:200]}") from None
    frame.columns = [str(col).strip() for col in frame.columns]
    if c.POSITION_ID not in frame.columns:
        raise RankingError("csv", "the first line must name the columns, position_id first "
                                  "(position_id,headcount,priority)")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")


def page_request(body: PagePlanIn) -> PlanRequest:
    """The API request equivalent to the page's (what the audit log records); PlanError
    naming ``csv`` (or the setting) when it cannot be one."""
    try:
        rows = csv_rows(body.csv)
    except RankingError as exc:
        raise PlanError(exc.field, str(exc)) from None
    asked = {"round": rows, "as_of": body.as_of, "lang": body.lang}
    if body.max_outflow_per_unit is not None:
        asked["max_outflow_per_unit"] = body.max_outflow_per_unit
    try:
        return PlanRequest.model_validate(asked)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        field = "csv" if where.startswith("round") else where.partition(".")[0] or "csv"
        raise PlanError(field, f"{where}: {first.get('msg', 'invalid')}") from None
