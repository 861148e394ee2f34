"""The post-transfer risk model's table: one row per (transfer event, check month).

A transfer event is looked at again ``m`` months after the move (``check_date = move
date + m months``) while its outcome is still open: the check lies within the data, the
employee still holds the post and has not exited, and no adjustment failure of the event
was known yet. The row's inputs are the ranker's features at the move plus what happened
in the post before the check (:func:`features.followup.followup_features`); its label is
the event's own risk label (``failure``, ``failure_followed_up``: contract section 3), so
the post-transfer model predicts the same outcome as the ranker, from later.
"""

from collections.abc import Sequence

import pandas as pd

from features import columns as c
from features.followup import CHECK_DATE, FOLLOWUP_FEATURES, MOVE_DATE, Looks, followup_features
from features.io import DATE_DTYPE, Dataset
from features.labels import failure_known_date, failure_label, followed_up
from features.model_inputs import FEATURES
from features.names import AS_OF, EVENT_ID, FAILURE, FOLLOWED_UP
from features.pairs import PositionTable
from features.snapshot import Sources, prepare_sources
from features.timeline import LAST_DAY, dataset_end, transfer_events

CHECK_MONTHS = (6, 12, 18)          # when a transferee is looked at again, in months after the move
CHECK_MONTH = "check_month"         # which of them a row is (not a feature: months_since_move is)
KEY_COLUMNS = (EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, MOVE_DATE, CHECK_DATE, CHECK_MONTH, c.MOVE_TYPE)
LABEL_COLUMNS = (FAILURE, FOLLOWED_UP)


def open_checks(events: pd.DataFrame, dataset: Dataset, check_months: Sequence[int]) -> pd.DataFrame:
    """The (event, check month) rows whose check is still open: ``check_date`` on or before
    the dataset's end, the post held and the employee present on it, and no failure of the
    event known by then. A failure known *on* the check date counts as known (an appraisal
    is known from the day after its period_end, and the features at the check see it then)."""
    end = dataset_end(dataset)
    exits = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]
    base = events.assign(**{
        "_exit": pd.Series(exits.reindex(events[c.EMPLOYEE_ID]).to_numpy(), index=events.index).astype(DATE_DTYPE),
        "_known": failure_known_date(events, dataset).to_numpy(),
        FAILURE: failure_label(events, dataset).to_numpy(), FOLLOWED_UP: followed_up(events, dataset).to_numpy()})
    parts = []
    for month in check_months:
        check = (base[AS_OF] + pd.DateOffset(months=int(month))).astype(DATE_DTYPE)
        keep = ((check <= end) & (base[LAST_DAY].isna() | (base[LAST_DAY] >= check))
                & (base["_exit"].isna() | (base["_exit"] >= check))
                & (base["_known"].isna() | (base["_known"] > check)))
        parts.append(base[keep].assign(**{CHECK_DATE: check[keep], CHECK_MONTH: int(month)}))
    rows = pd.concat(parts, ignore_index=True).rename(columns={AS_OF: MOVE_DATE})
    rows = rows.sort_values([MOVE_DATE, EVENT_ID, CHECK_DATE], kind="stable").reset_index(drop=True)
    return rows[[*KEY_COLUMNS, *LABEL_COLUMNS]]


def decision_rows(table: pd.DataFrame, event_ids: pd.Series) -> pd.DataFrame:
    """The ranker's features at the move of each event, taken from the training table."""
    indexed = table.set_index(EVENT_ID)
    missing = set(event_ids) - set(indexed.index)
    if missing:
        raise ValueError(f"the training table has no row for {len(missing)} transfer event(s), "
                         f"e.g. {sorted(missing)[:3]}: was it built from another dataset?")
    absent = [f for f in FEATURES if f not in indexed.columns]
    if absent:
        raise ValueError(f"the training table lacks feature columns {absent[:5]}")
    return indexed.loc[event_ids.to_numpy(), list(FEATURES)].reset_index(drop=True)


def followup_table(dataset: Dataset, table: pd.DataFrame | None = None, sources: Sources | None = None,
                   check_months: Sequence[int] = CHECK_MONTHS) -> pd.DataFrame:
    """One row per (transfer event, check month) still open at its check (:func:`open_checks`):
    keys, every :data:`~features.followup.FOLLOWUP_FEATURES` and the event's labels.
    ``table`` (from :func:`~features.training_table.build_training_table` on the same
    dataset) supplies the features at the move instead of computing them again."""
    if not check_months or min(check_months) < 1:
        raise ValueError(f"check_months must be positive month counts, got {tuple(check_months)}")
    src = sources or prepare_sources(dataset)
    rows = open_checks(transfer_events(dataset), dataset, check_months)
    if rows.empty:                       # no open check: the columns, no row
        return pd.DataFrame(columns=[*KEY_COLUMNS, *FOLLOWUP_FEATURES, *LABEL_COLUMNS])
    decision = None if table is None else decision_rows(table, rows[EVENT_ID])
    features = followup_features(src, PositionTable.from_dataset(dataset), Looks(rows), decision)
    return pd.concat([rows[list(KEY_COLUMNS)], features[list(FOLLOWUP_FEATURES)],
                      rows[list(LABEL_COLUMNS)]], axis=1)
