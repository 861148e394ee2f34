"""Panels for programme evaluation, built from contract tables only.

A *period* is a calendar year: an appraisal belongs to the year of its ``period_end``
(PermenPANRB 6/2022 appraises yearly). The panels:

- employee panel (:func:`employee_panel`): one row per (employee, period) in which the
  employee was in service at the period's end or left during it, with the outcomes
  (``serving.program.results.Outcome`` values as columns) and, per employee, the *cohort*:
  the period of their first transfer event in the window (NaN = never moved in the window),
  plus that first move's groups (:data:`MATCH`, :data:`GAP`, :data:`MOVE_GROUP`,
  :data:`FOLLOWED`, destination unit and domain).
- unit panel (:func:`unit_panel`): one row per (unit, period, indicator) of
  ``service_indicators`` with the unit's :data:`SHARE_MOVED` in that period.

The share of a unit's staff moved in a period (:func:`share_moved`) is the number of
employees with a transfer event dated in the period whose new post or whose previous post is
in the unit, over the unit's headcount on the period's first day (capped at 1).
"""

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import Dataset
from features.timeline import LAST_DAY, previous_posts, stints

PERIOD = "period"                 # calendar year
COHORT = "cohort"                 # period of the first transfer in the window; NaN = never moved
MOVE_DATE = "move_date"           # date of that first transfer
MATCH = "match"                   # 'own': the new post's domain is the left post's; 'other'
GAP = "gap"                       # 'small' / 'large': competency shortfall to the new post's standard vs the median
GAP_SIZE = "gap_size"             # the shortfall itself (sum over required competencies of required − assessed, > 0)
MOVE_GROUP = "move_group"         # 'rotation' (rotasi, mutasi), 'promotion' (promosi), 'other'
FOLLOWED = "followed"             # 'yes' / 'no' when an audit-log ranking of the post predates the move; else NaN
DEST_UNIT = "dest_unit_id"
DEST_DOMAIN = "dest_domain"
SHARE_MOVED = "share_moved"
HEADCOUNT = "headcount"

# outcomes (the employee panel's outcome columns; ``serving.program.results.Outcome`` uses these)
APPRAISAL_SCORE = "appraisal_score"   # mean rating score (5 sangat_baik … 1 sangat_kurang) of the period's appraisals
WORK_BEHAVIOR = "work_behavior"       # mean of di_atas +1, sesuai 0, di_bawah −1
SANCTION = "sanction"                 # 1 when a discipline record starts in the period, else 0
EXIT = "exit"                         # 1 when the employee leaves service other than by retirement in the period
SATISFACTION = "satisfaction"         # mean survey satisfaction (1–5) answered in the period
OUTCOMES = (APPRAISAL_SCORE, WORK_BEHAVIOR, SANCTION, EXIT, SATISFACTION)
WASHOUT = 5                           # employees moved this many periods before the window are left out

OWN, OTHER = "own", "other"
SMALL, LARGE = "small", "large"
ROTATION, PROMOTION = "rotation", "promotion"          # move_group; else OTHER
YES, NO = "yes", "no"
ROTATION_TYPES = ("rotasi", "mutasi")
PROMOTION_TYPES = ("promosi",)


def period_of(dates: pd.Series) -> pd.Series:
    """The period (calendar year) of each date."""
    return dates.dt.year.astype("Int64")


def _unit_of_post(dataset: Dataset) -> pd.Series:
    return dataset.positions.set_index(c.POSITION_ID)[c.UNIT_ID]


def share_moved(dataset: Dataset, periods: list[int] | None = None) -> pd.DataFrame:
    """``unit_id, period, headcount, share_moved`` for every unit and period (default:
    the years of the transfer events). Headcount: employees whose stint in a post of the unit
    covers the period's first day; moved: distinct employees with a transfer event in the
    period into or out of the unit. A unit with no headcount gets share 0 when nobody moved,
    else 1."""
    table = stints(dataset)
    unit = _unit_of_post(dataset)
    table = table.assign(**{c.UNIT_ID: unit.reindex(table[c.POSITION_ID]).to_numpy(),
                            "prev_unit": unit.reindex(previous_posts(table)).to_numpy()})
    moves = table[table[c.MOVE_TYPE] != v.INITIAL_MOVE]
    if periods is None:
        periods = sorted(int(p) for p in period_of(moves[c.START_DATE]).dropna().unique())
    units = pd.Index(sorted(dataset.units[c.UNIT_ID].unique()), name=c.UNIT_ID)
    rows = []
    for period in periods:
        first = pd.Timestamp(year=period, month=1, day=1)
        last = pd.Timestamp(year=period, month=12, day=31)
        held = table[(table[c.START_DATE] <= first) & (table[LAST_DAY].isna() | (table[LAST_DAY] >= first))]
        heads = held.groupby(c.UNIT_ID)[c.EMPLOYEE_ID].nunique().reindex(units, fill_value=0)
        in_period = moves[(moves[c.START_DATE] >= first) & (moves[c.START_DATE] <= last)]
        touched = pd.concat([in_period[[c.EMPLOYEE_ID, c.UNIT_ID]],
                             in_period[[c.EMPLOYEE_ID, "prev_unit"]].rename(columns={"prev_unit": c.UNIT_ID})])
        touched = touched.dropna().drop_duplicates()
        moved = touched.groupby(c.UNIT_ID)[c.EMPLOYEE_ID].nunique().reindex(units, fill_value=0)
        share = np.where(heads > 0, np.minimum(moved / heads.clip(lower=1), 1.0), np.where(moved > 0, 1.0, 0.0))
        rows.append(pd.DataFrame({c.UNIT_ID: units, PERIOD: period, HEADCOUNT: heads.to_numpy(),
                                  SHARE_MOVED: share}))
    if not rows:
        return pd.DataFrame({c.UNIT_ID: pd.Series(dtype=str), PERIOD: pd.Series(dtype="int64"),
                             HEADCOUNT: pd.Series(dtype="int64"), SHARE_MOVED: pd.Series(dtype=float)})
    return pd.concat(rows, ignore_index=True)


def _in_service(dataset: Dataset, periods: tuple[int, ...]) -> pd.DataFrame:
    """(employee, period) for every period between the employee's first post and their exit."""
    start = dataset.assignments.groupby(c.EMPLOYEE_ID)[c.START_DATE].min()
    exit_date = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE].reindex(start.index)
    first = np.maximum(start.dt.year.to_numpy(), periods[0])
    last = np.minimum(exit_date.dt.year.fillna(periods[-1]).to_numpy().astype(int), periods[-1])
    count = np.clip(last - first + 1, 0, None)
    rows = np.repeat(np.arange(len(start)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return pd.DataFrame({c.EMPLOYEE_ID: start.index.to_numpy()[rows], PERIOD: (first[rows] + offset).astype("int64")})


def _per_period(frame: pd.DataFrame, date: str, values: pd.Series, name: str, how: str) -> pd.DataFrame:
    keyed = pd.DataFrame({c.EMPLOYEE_ID: frame[c.EMPLOYEE_ID], PERIOD: frame[date].dt.year, name: values})
    return keyed.dropna(subset=[PERIOD]).groupby([c.EMPLOYEE_ID, PERIOD], as_index=False)[name].agg(how)


def outcomes(dataset: Dataset) -> list[pd.DataFrame]:
    """Each outcome per (employee, period) where it was observed (sanction/exit: events only)."""
    ap = dataset.appraisals
    score = ap[c.RATING].map(v.RATING_SCORE).astype(float)
    behavior = ap[c.WORK_BEHAVIOR].map(v.EXPECTATION_SCORE).astype(float)
    left = dataset.exits[dataset.exits[c.REASON] != "pensiun"]
    surveys = dataset.surveys
    return [
        _per_period(ap, c.PERIOD_END, score, APPRAISAL_SCORE, "mean"),
        _per_period(ap, c.PERIOD_END, behavior, WORK_BEHAVIOR, "mean"),
        _per_period(dataset.discipline, c.START_DATE, pd.Series(1.0, index=dataset.discipline.index), SANCTION, "max"),
        _per_period(left, c.EXIT_DATE, pd.Series(1.0, index=left.index), EXIT, "max"),
        _per_period(surveys, c.SURVEY_DATE, surveys[c.SATISFACTION].astype(float), SATISFACTION, "mean"),
    ]


def unit_at_period_end(dataset: Dataset, panel: pd.DataFrame) -> pd.Series:
    """The unit of the post each (employee, period) row held on 31 December (or last held)."""
    table = stints(dataset)[[c.EMPLOYEE_ID, c.START_DATE, c.POSITION_ID]].dropna(subset=[c.START_DATE])
    unit = dataset.positions.set_index(c.POSITION_ID)[c.UNIT_ID]
    table = table.assign(**{c.UNIT_ID: unit.reindex(table[c.POSITION_ID]).to_numpy()}).sort_values(c.START_DATE)
    keys = panel[[c.EMPLOYEE_ID, PERIOD]].reset_index()
    keys["day"] = pd.to_datetime(keys[PERIOD].astype(str) + "-12-31").astype(table[c.START_DATE].dtype)
    joined = pd.merge_asof(keys.sort_values("day"), table, left_on="day", right_on=c.START_DATE, by=c.EMPLOYEE_ID)
    return joined.set_index("index")[c.UNIT_ID].reindex(panel.index)


def employee_panel(dataset: Dataset, periods: tuple[int, ...], moves: pd.DataFrame,
                   excluded: pd.Index | None = None) -> pd.DataFrame:
    """One row per (employee, period) in service, with the outcomes, the employee's unit at the
    period's end and their first move's cohort and groups (``moves``:
    :func:`features.program_moves.first_moves`); ``excluded`` employees are left out."""
    panel = _in_service(dataset, periods)
    if excluded is not None and len(excluded):
        panel = panel[~panel[c.EMPLOYEE_ID].isin(excluded)]
    for frame in outcomes(dataset):
        panel = panel.merge(frame, on=[c.EMPLOYEE_ID, PERIOD], how="left")
    for event in (SANCTION, EXIT):
        panel[event] = panel[event].fillna(0.0)
    panel = panel.reset_index(drop=True)
    panel[c.UNIT_ID] = unit_at_period_end(dataset, panel).to_numpy()
    groups = moves.drop(columns=[c.POSITION_ID])
    return panel.merge(groups, on=c.EMPLOYEE_ID, how="left")


def unit_panel(dataset: Dataset, periods: tuple[int, ...]) -> pd.DataFrame:
    """``service_indicators`` rows in the periods, with the unit's share of staff moved."""
    si = dataset.service_indicators
    rows = pd.DataFrame({c.UNIT_ID: si[c.UNIT_ID], PERIOD: si[c.PERIOD_END].dt.year.astype("int64"),
                         c.INDICATOR: si[c.INDICATOR], c.VALUE: si[c.VALUE].astype(float),
                         c.HIGHER_IS_BETTER: si[c.HIGHER_IS_BETTER]})
    rows = rows[rows[PERIOD].isin(periods)]
    share = share_moved(dataset, list(periods))
    return rows.merge(share, on=[c.UNIT_ID, PERIOD], how="left").assign(
        **{SHARE_MOVED: lambda f: f[SHARE_MOVED].fillna(0.0)}).reset_index(drop=True)
