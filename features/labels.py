"""Labels of transfer events, exactly as contract section 3, with censoring.

Labels look into the future of each event on purpose; features never do.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import Dataset
from features.names import AS_OF, EVENT_ID, FAILURE, FOLLOWED_UP, PERFORMANCE
from features.timeline import LAST_DAY, NEXT_MOVE_TYPE, NEXT_START, dataset_end

PERFORMANCE_MIN_DAYS = 180
RISK_WINDOW_DAYS = 730
LOW_SCORE = v.RATING_SCORE["butuh_perbaikan"]     # a score at or below this is a failure
FAILURE_KNOWN_DATE = "failure_known_date"          # first day a failure of the window was known


def performance_label(events: pd.DataFrame, appraisals: pd.DataFrame) -> pd.Series:
    """Score of the first appraisal with period_start ≥ t and period_end ≥ t + 180 days,
    the employee holding the post (this stint) on its period_end; NaN when censored."""
    app = appraisals[[c.EMPLOYEE_ID, c.PERIOD_START, c.PERIOD_END, c.RATING]]
    joined = events[[EVENT_ID, c.EMPLOYEE_ID, AS_OF, c.START_DATE, LAST_DAY]].merge(app, on=c.EMPLOYEE_ID)
    t = joined[AS_OF]
    holds = (joined[c.START_DATE] <= joined[c.PERIOD_END]) & (
        joined[LAST_DAY].isna() | (joined[c.PERIOD_END] <= joined[LAST_DAY]))
    keep = (joined[c.PERIOD_START] >= t) & (
        joined[c.PERIOD_END] >= t + pd.Timedelta(days=PERFORMANCE_MIN_DAYS)) & holds
    first = joined[keep].sort_values([EVENT_ID, c.PERIOD_END, c.PERIOD_START], kind="stable")
    first = first.drop_duplicates(EVENT_ID)
    score = first.set_index(EVENT_ID)[c.RATING].map(v.RATING_SCORE).astype("float64")
    return score.reindex(events[EVENT_ID]).set_axis(events.index)


def _within(dates: pd.Series, t: pd.Series) -> pd.Series:
    """t ≤ date ≤ t + 730 days."""
    return (dates >= t) & (dates <= t + pd.Timedelta(days=RISK_WINDOW_DAYS))


def failure_label(events: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """1 when, within 730 days after t, the employee leaves the post by demosi or own request,
    exits (resigned, dismissed), gets a sedang/berat sanction, or scores ≤ 3 in an appraisal
    of that window (:func:`failure_known_date` finds the first of these); 0 when none
    happened and the window ended by the dataset's end; NaN else."""
    failed = failure_known_date(events, dataset).notna()
    observed = followed_up(events, dataset)
    label = np.where(failed, 1.0, np.where(observed, 0.0, np.nan))
    return pd.Series(label, index=events.index, dtype="float64")


def followed_up(events: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """Whether the event's whole 730-day window ended by the dataset's end. Only then is a
    0 possible; an early failure is labelled 1 before that, so training on unfollowed
    events would over-represent failures."""
    end = dataset_end(dataset)
    return (events[AS_OF] + pd.Timedelta(days=RISK_WINDOW_DAYS) <= end).rename(FOLLOWED_UP)


def label_events(events: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Both labels for every event, and whether its risk window was followed up."""
    return pd.DataFrame({PERFORMANCE: performance_label(events, dataset.appraisals),
                         FAILURE: failure_label(events, dataset),
                         FOLLOWED_UP: followed_up(events, dataset)}, index=events.index)


def _first_per_event(events: pd.DataFrame, table: pd.DataFrame, date_col: str, known: pd.Series) -> pd.Series:
    """Earliest ``known`` date (aligned with ``table``) per event among the rows of ``table``
    (per employee) dated within the event's window; indexed by event id."""
    rows = table[[c.EMPLOYEE_ID, date_col]].assign(_known=known.to_numpy())
    joined = events[[EVENT_ID, c.EMPLOYEE_ID, AS_OF]].merge(rows, on=c.EMPLOYEE_ID)
    hit = joined[_within(joined[date_col], joined[AS_OF])]
    return hit.groupby(EVENT_ID)["_known"].min()


def failure_known_date(events: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """The first date on which an adjustment failure of each event (the definitions of
    :func:`failure_label`, within its 730-day window) was known: the start of a demosi /
    own-request next move, a failure exit's date, a sedang/berat sanction's start, or a
    low appraisal's ``period_end`` + 1 day (an appraisal is known once its period_end is
    before the date). NaT when the event has no failure in its window."""
    t = events[AS_OF]
    left_badly = events[NEXT_MOVE_TYPE].isin(v.FAILURE_MOVES) & _within(events[NEXT_START], t)
    moved = pd.Series(events[NEXT_START].where(left_badly).to_numpy(), index=events[EVENT_ID].to_numpy())
    exits = dataset.exits[dataset.exits[c.REASON].isin(v.FAILURE_EXIT_REASONS)]
    serious = dataset.discipline[dataset.discipline[c.LEVEL].isin(v.SERIOUS_SANCTION_LEVELS)]
    app = dataset.appraisals
    low = app[app[c.RATING].map(v.RATING_SCORE) <= LOW_SCORE]
    joined = events[[EVENT_ID, c.EMPLOYEE_ID, AS_OF]].merge(
        low[[c.EMPLOYEE_ID, c.PERIOD_START, c.PERIOD_END]], on=c.EMPLOYEE_ID)
    in_window = (joined[c.PERIOD_START] >= joined[AS_OF]) & (
        joined[c.PERIOD_END] <= joined[AS_OF] + pd.Timedelta(days=RISK_WINDOW_DAYS))
    hit = joined[in_window]
    appraised = (hit[c.PERIOD_END] + pd.Timedelta(days=1)).groupby(hit[EVENT_ID]).min()
    found = pd.concat([moved.dropna(), _first_per_event(events, exits, c.EXIT_DATE, exits[c.EXIT_DATE]),
                       _first_per_event(events, serious, c.START_DATE, serious[c.START_DATE]), appraised])
    first = found.groupby(level=0).min()
    known = first.reindex(events[EVENT_ID].to_numpy()).to_numpy()
    return pd.Series(known, index=events.index, dtype="datetime64[ns]", name=FAILURE_KNOWN_DATE)
