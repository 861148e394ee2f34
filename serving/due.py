"""Who is due to move (rotation): employees past the rule pack's maximum time in post,
whose competency assessment is out of date or missing, or whose assessed competencies fall
short of their current post's standard — each with how far past due; per unit counts.

A pure, vectorised core (:func:`rotation_frame`, :func:`due_frame`) over a snapshot, the
posts' standards and the rules — a province of 100k employees is a few numpy passes, no
loop per employee — and :func:`due_list`, the typed result every door (CLI, page, HTTP,
the round planner) reads. The rotation rules (``max_years_in_post``,
``assessment_period_years``, ``competency_gap_tolerance``) come from the rule pack; a
rule set to None is off. They never exclude anyone from a vacancy.
"""

from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from features import columns as c
from features import eligibility as el
from features import snapshot as s
from features.arrays import floats, objects
from features.eligibility import EligibilityRules
from features.pairs import PositionTable, float_columns
from serving.checks import known_or_none
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.ranking import date_notices, resolve_as_of
from serving.result import Notice, PostHolder


class DueReason(StrEnum):
    """Why someone is due to move (the codes of :data:`features.eligibility.DUE_REASON_CODES`)."""

    PAST_MAX_TIME_IN_POST = el.PAST_MAX_TIME_IN_POST
    ASSESSMENT_OUTDATED = el.ASSESSMENT_OUTDATED
    NEVER_ASSESSED = el.NEVER_ASSESSED
    BELOW_POST_STANDARD = el.BELOW_POST_STANDARD


assert tuple(DueReason) == el.DUE_REASON_CODES
REASON_ORDER = tuple(DueReason)

# columns of the rotation frame (besides employee_id and one bool column per reason code)
POSITION_ID = "position_id"
YEARS_IN_POST = "years_in_post"
YEARS_SINCE_ASSESSMENT = "years_since_assessment"
YEARS_PAST_MAX = "years_past_max"                   # NaN unless past the maximum time in post
YEARS_PAST_ASSESSMENT = "years_past_assessment"     # NaN unless the assessment is out of date
SHORTFALL_CODES = "shortfall_codes"                 # ';'-joined competency codes below the standard
SHORTFALL_LEVELS = "shortfall_levels"               # ';'-joined levels short, same order
MAX_SHORTFALL = "max_shortfall"                     # the largest shortfall (NaN when none)
OVERDUE_YEARS = "overdue_years"                     # the larger of the two times past due (sort key)
REASONS = "reasons"                                 # ';'-joined reason codes ('' = not due)
NOT_DUE = "not_due"                                 # the planner's mask code for movers off the due list
LEVEL_DIGITS = 2                                    # shortfalls are compared and shown to 0.01 level


def considered(snap, rules: EligibilityRules) -> np.ndarray:
    """Bool per row: not exited, holding a post, and of the rules' required status if set."""
    keep = ~(floats(snap, s.EXITED) > 0) & ~pd.isna(objects(snap, s.CURRENT_POSITION_ID))
    if rules.required_status:
        keep &= objects(snap, c.EMPLOYMENT_STATUS) == rules.required_status
    return keep


def _shortfalls(assessed: np.ndarray, required: np.ndarray, codes: np.ndarray,
                tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: ';'-joined codes and levels of the assessed competencies more than
    ``tolerance`` below the standard ('' when none; a never-assessed competency is no
    shortfall), and the largest shortfall (NaN when none)."""
    n = len(assessed)
    joined_codes, joined_levels = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    if not len(codes) or not n:
        return joined_codes, joined_levels, np.full(n, np.nan)
    gap = np.round(required - assessed, LEVEL_DIGITS)          # NaN: not required, or never assessed
    short = np.nan_to_num(gap, nan=-np.inf) > tolerance
    for j, code in enumerate(codes.tolist()):           # a pass per competency code, never per employee
        rows = np.flatnonzero(short[:, j])
        if not len(rows):
            continue
        sep = np.where(joined_codes[rows] == "", "", ";").astype(object)
        joined_codes[rows] = joined_codes[rows] + sep + code
        levels, at = np.unique(gap[rows, j], return_inverse=True)     # few distinct levels: format each once
        joined_levels[rows] = joined_levels[rows] + sep + np.array([f"{x:g}" for x in levels], dtype=object)[at]
    largest = np.where(short, gap, -np.inf).max(axis=1)
    return joined_codes, joined_levels, np.where(np.isfinite(largest), largest, np.nan)


def standards_of(snap, positions: PositionTable, keep: np.ndarray,
                 post_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Competency codes of any post's standard, the rows' latest assessed levels and their
    current posts' required levels (rows = ``keep``, columns = codes)."""
    codes = np.array(positions.standards.columns, dtype=object)
    assessed = float_columns(snap, [s.level_column(code) for code in codes])[keep]
    return codes, assessed, positions.required(post_ids, tuple(codes))


def rotation_frame(snap, positions: PositionTable, rules: EligibilityRules) -> pd.DataFrame:
    """Every employee considered (:func:`considered`), one row each, with each reason as a
    bool column and how far past due: ``reasons`` is '' for those not due."""
    keep = np.flatnonzero(considered(snap, rules))
    post_ids = objects(snap, s.CURRENT_POSITION_ID)[keep]
    tenure = floats(snap, s.TENURE_IN_POST)[keep]
    since = floats(snap, s.YEARS_SINCE_ASSESSMENT)[keep]
    n = len(keep)
    flags = {code: np.zeros(n, bool) for code in REASON_ORDER}
    past_max, past_assessment = np.full(n, np.nan), np.full(n, np.nan)
    if rules.max_years_in_post is not None:
        flags[DueReason.PAST_MAX_TIME_IN_POST] = tenure > rules.max_years_in_post
        past_max = np.where(flags[DueReason.PAST_MAX_TIME_IN_POST], tenure - rules.max_years_in_post, np.nan)
    if rules.assessment_period_years is not None:
        flags[DueReason.NEVER_ASSESSED] = np.isnan(since)
        flags[DueReason.ASSESSMENT_OUTDATED] = since > rules.assessment_period_years
        past_assessment = np.where(flags[DueReason.ASSESSMENT_OUTDATED], since - rules.assessment_period_years,
                                   np.nan)
    short_codes, short_levels, largest = np.full(n, "", dtype=object), np.full(n, "", dtype=object), np.full(n, np.nan)
    if rules.competency_gap_tolerance is not None:
        codes, assessed, required = standards_of(snap, positions, keep, post_ids)
        short_codes, short_levels, largest = _shortfalls(assessed, required, codes, rules.competency_gap_tolerance)
        flags[DueReason.BELOW_POST_STANDARD] = short_codes != ""
    overdue = np.fmax(past_max, past_assessment)            # NaN only when neither has a time past due
    frame = pd.DataFrame({
        c.EMPLOYEE_ID: objects(snap, c.EMPLOYEE_ID)[keep], POSITION_ID: post_ids, YEARS_IN_POST: tenure,
        YEARS_SINCE_ASSESSMENT: since, **{str(code): flags[code] for code in REASON_ORDER},
        YEARS_PAST_MAX: past_max, YEARS_PAST_ASSESSMENT: past_assessment, SHORTFALL_CODES: short_codes,
        SHORTFALL_LEVELS: short_levels, MAX_SHORTFALL: largest, OVERDUE_YEARS: overdue})
    frame[REASONS] = el.join_reasons({str(code): flags[code] for code in REASON_ORDER}, n)
    return frame


def due_order(frame: pd.DataFrame) -> np.ndarray:
    """Row order of a rotation frame: furthest past due first (those with no time past due
    last), then the largest shortfall, then more reasons, then employee id."""
    n_reasons = frame[list(map(str, REASON_ORDER))].sum(axis=1).to_numpy()
    overdue = np.nan_to_num(frame[OVERDUE_YEARS].to_numpy(dtype="float64"), nan=-1.0)
    shortfall = np.nan_to_num(frame[MAX_SHORTFALL].to_numpy(dtype="float64"), nan=0.0)
    return np.lexsort((frame[c.EMPLOYEE_ID].to_numpy(dtype=str), -n_reasons, -shortfall, -overdue))


def due_frame(snap, positions: PositionTable, rules: EligibilityRules) -> pd.DataFrame:
    """The employees due to move, furthest past due first (see :func:`rotation_frame`)."""
    frame = rotation_frame(snap, positions, rules)
    frame = frame[frame[REASONS] != ""]
    return frame.iloc[due_order(frame)].reset_index(drop=True)


def due_mask(snap, positions: PositionTable, rules: EligibilityRules) -> np.ndarray:
    """Bool per snapshot row: on the due list (the round planner's ``movers=due``)."""
    frame = rotation_frame(snap, positions, rules)
    out = np.zeros(len(snap), bool)
    out[np.flatnonzero(considered(snap, rules))] = (frame[REASONS] != "").to_numpy()
    return out


# --- the typed result -------------------------------------------------------------------------


class Shortfall(BaseModel):
    competency_code: str
    levels: float = Field(description="levels below the current post's standard")


class DueEntry(PostHolder):
    years_in_post: float
    years_since_assessment: float | None = Field(None, description="null: never assessed")
    reasons: list[DueReason]
    years_past_max: float | None = Field(None, description="years past the maximum time in post")
    years_past_assessment: float | None = Field(None, description="years past the assessment period")
    shortfalls: list[Shortfall] = Field(default_factory=list)


class UnitCount(BaseModel):
    unit_id: str
    unit_name: str | None
    employees: int = Field(description="employees considered (in post, not exited, of the required status)")
    due: int
    by_reason: dict[DueReason, int]


class DueList(BaseModel):
    """The due list at a date under a rule pack: one page of entries, the per-unit counts
    (of the unit asked, else of every unit; never narrowed by ``reason``)."""

    as_of: date
    rules: str
    max_years_in_post: float | None
    assessment_period_years: float | None
    competency_gap_tolerance: float | None
    unit: str | None = None
    reason: DueReason | None = None
    considered: int
    due: int = Field(description="due employees matching unit and reason (every page)")
    offset: int = 0
    entries: list[DueEntry]
    units: list[UnitCount]
    notices: list[Notice] = Field(default_factory=list)

    def to_document(self) -> dict:
        return self.model_dump(mode="json")


def check_reason(reason) -> DueReason | None:
    if reason is None or reason == "":
        return None
    try:
        return DueReason(reason)
    except ValueError:
        raise RankingError("reason", f"reason must be one of {', '.join(REASON_ORDER)}, not {quoted(reason)}") from None


def unit_counts(frame: pd.DataFrame, units: np.ndarray, names: dict[str, str]) -> list[UnitCount]:
    """Per unit (of each row's post): employees, due, due per reason; most due first."""
    codes = list(map(str, REASON_ORDER))
    table = frame[codes].astype("int64").assign(_unit=units, _due=(frame[REASONS] != "").astype("int64"), _n=1)
    table = table[pd.notna(table["_unit"])].groupby("_unit").sum()
    table = table.sort_values(["_due", "_n"], ascending=False, kind="stable")
    return [UnitCount(unit_id=str(u), unit_name=names.get(u), employees=int(row["_n"]), due=int(row["_due"]),
                      by_reason={DueReason(code): int(row[code]) for code in codes})
            for u, row in zip(table.index, table.to_dict("records"))]


def _optional(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 4)


def entries(frame: pd.DataFrame, units: np.ndarray, context: ServingContext, unit_names: dict) -> list[DueEntry]:
    """Typed entries of due rows (a page: build only what is shown)."""
    titles = dict(zip(context.dataset.positions[c.POSITION_ID], context.dataset.positions[c.TITLE]))
    names = context.display_names
    out = []
    for unit, row in zip(units, frame.to_dict("records")):
        codes = row[SHORTFALL_CODES].split(";") if row[SHORTFALL_CODES] else []
        levels = [float(x) for x in row[SHORTFALL_LEVELS].split(";")] if codes else []
        out.append(DueEntry(
            employee_id=row[c.EMPLOYEE_ID], display_name=names.get(row[c.EMPLOYEE_ID]), unit_id=unit,
            unit_name=unit_names.get(unit), position_id=row[POSITION_ID], title=titles.get(row[POSITION_ID]),
            years_in_post=round(float(row[YEARS_IN_POST]), 4), years_since_assessment=_optional(row[YEARS_SINCE_ASSESSMENT]),
            reasons=[DueReason(code) for code in row[REASONS].split(";")],
            years_past_max=_optional(row[YEARS_PAST_MAX]), years_past_assessment=_optional(row[YEARS_PAST_ASSESSMENT]),
            shortfalls=[Shortfall(competency_code=code, levels=lv) for code, lv in zip(codes, levels)]))
    return out


MAX_PAGE = 100_000             # entries in one answer (every due employee of a large province)
HTTP_PAGE = 100                # entries of a page of ``GET /v1/due`` unless asked
MAX_HTTP_PAGE = 1_000          # the most it gives in one page


def check_page(offset, limit) -> None:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise RankingError("offset", f"offset must be a whole number >= 0, not {quoted(offset)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE):
        raise RankingError("limit", f"limit must be a whole number from 1 to {MAX_PAGE}, not {quoted(limit)}")


def due_list(context: ServingContext, as_of=None, rules: EligibilityRules = el.DEFAULT_RULES, unit: str | None = None,
             reason: str | None = None, offset: int = 0, limit: int | None = None, lang: str = "id") -> DueList:
    """The due list at ``as_of`` (default: as a ranking's) under ``rules``, narrowed to one
    unit and/or one reason; entries ``offset`` .. ``offset + limit`` (all when None).
    RankingError naming ``as_of``, ``unit``, ``reason``, ``offset`` or ``limit`` for a bad value."""
    when = resolve_as_of(context, as_of)
    unit, wanted = known_or_none("unit", unit, context.unit_ids, "units.csv"), check_reason(reason)
    check_page(offset, limit)
    frame = rotation_frame(context.snapshot_columns(when), context.positions, rules)
    units = context.units_of(frame[POSITION_ID].tolist())
    if unit is not None:
        frame, units = frame[units == unit], units[units == unit]
    unit_names = context.unit_names
    counts = unit_counts(frame, units, unit_names)
    due = (frame[REASONS] != "").to_numpy()
    if wanted is not None:
        due = due & frame[str(wanted)].to_numpy()
    n_considered = len(frame)
    frame, units = frame[due], units[due]
    order = due_order(frame)
    page = order[offset:] if limit is None else order[offset:offset + limit]
    return DueList(
        as_of=when.date(), rules=el.rules_label(rules), max_years_in_post=rules.max_years_in_post,
        assessment_period_years=rules.assessment_period_years, competency_gap_tolerance=rules.competency_gap_tolerance,
        unit=unit, reason=wanted, considered=n_considered, due=len(frame), offset=offset,
        entries=entries(frame.iloc[page], units[page], context, unit_names), units=counts,
        notices=date_notices(context, when, lang))
