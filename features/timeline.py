"""Derived timelines: assignment stints, transfer events, the dataset's end.

A *stint* is one assignment row with its effective last day: ``end_date`` when given,
else the day before the employee's next assignment, else the day before the exit, else
open (missing). The contract leaves the end of an assignment optional; this is the one
place that decides what it means.
"""

import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import DATE_DTYPE, Dataset
from features.names import AS_OF, EVENT_ID

LAST_DAY = "last_day"          # effective last day in the post (inclusive), NaT = open
NEXT_START = "next_start"      # start of the employee's next assignment
NEXT_MOVE_TYPE = "next_move_type"
ONE_DAY = pd.Timedelta(days=1)


def stints(dataset: Dataset) -> pd.DataFrame:
    """Assignments sorted by employee and start, with ``last_day`` and the next move."""
    frame = dataset.assignments.sort_values([c.EMPLOYEE_ID, c.START_DATE], kind="stable")
    frame = frame.reset_index(drop=True)
    same_next = frame[c.EMPLOYEE_ID].shift(-1) == frame[c.EMPLOYEE_ID]
    next_start = frame[c.START_DATE].shift(-1).where(same_next)
    next_move = frame[c.MOVE_TYPE].shift(-1).where(same_next)
    exits = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]
    exit_date = pd.Series(exits.reindex(frame[c.EMPLOYEE_ID]).to_numpy(), index=frame.index).astype(DATE_DTYPE)
    last_day = frame[c.END_DATE].fillna(next_start - ONE_DAY).fillna(exit_date - ONE_DAY)
    return frame.assign(**{LAST_DAY: last_day.astype(DATE_DTYPE),
                           NEXT_START: next_start.astype(DATE_DTYPE),
                           NEXT_MOVE_TYPE: next_move})


def previous_posts(table: pd.DataFrame) -> pd.Series:
    """The post each stint's employee held in their stint before (missing for their first);
    ``table`` as :func:`stints` returns it (sorted by employee and start)."""
    same_prev = table[c.EMPLOYEE_ID].shift(1) == table[c.EMPLOYEE_ID]
    return table[c.POSITION_ID].shift(1).where(same_prev)


def transfer_events(dataset: Dataset, stint_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per transfer event (assignment with a move type other than ``initial``):
    ``event_id, employee_id, position_id, as_of`` (= its start date) and stint columns."""
    table = stints(dataset) if stint_table is None else stint_table
    events = table[table[c.MOVE_TYPE] != v.INITIAL_MOVE].copy()
    events[AS_OF] = events[c.START_DATE]
    events[EVENT_ID] = (events[c.EMPLOYEE_ID] + "@" + events[c.START_DATE].dt.strftime("%Y-%m-%d"))
    return events.reset_index(drop=True)


def dataset_end(dataset: Dataset) -> pd.Timestamp:
    """The latest ``period_end`` in appraisals (contract section 3)."""
    ends = dataset.appraisals[c.PERIOD_END]
    if ends.notna().sum() == 0:
        raise ValueError("appraisals table is empty: the dataset's end is undefined")
    return pd.Timestamp(ends.max())


def default_as_of(dataset: Dataset) -> pd.Timestamp:
    """The first day after the dataset's end: every record of the export is then known."""
    return dataset_end(dataset) + ONE_DAY

