"""The training table: one row per transfer event, with what was known before it
(snapshot and pair features at t) and what happened after (both labels)."""

from collections.abc import Callable

import pandas as pd

from features import columns as c
from features.asof import AsOfQuery
from features.io import Dataset
from features.labels import label_events
from features.names import AS_OF, EVENT_ID
from features.pairs import PositionTable, pair_features
from features.snapshot import Sources, build_snapshot, prepare_sources
from features.timeline import transfer_events

EVENT_COLUMNS = (EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF, c.MOVE_TYPE)
Step = Callable[[str, int, int], None]      # progress bars: (stage, done, total)
TABLE_STAGE = "training table"


def build_training_table(dataset: Dataset, sources: Sources | None = None,
                         progress: Callable[[str], None] | None = None, step: Step | None = None) -> pd.DataFrame:
    """Event keys, snapshot columns, pair features and labels for every transfer event.
    ``progress`` gets a line per step, ``step`` (a progress bar) its count of three."""
    say = progress or (lambda _msg: None)
    tick = step or (lambda _stage, _done, _total: None)
    tick(TABLE_STAGE, 0, 3)
    src = sources or prepare_sources(dataset)
    events = transfer_events(dataset)
    say(f"{len(events):,} transfer events")
    tick(TABLE_STAGE, 1, 3)
    features = move_features(src, PositionTable.from_dataset(dataset), events)
    say(f"snapshot and pair features at event dates: {features.shape[1]} columns")
    tick(TABLE_STAGE, 2, 3)
    labels = label_events(events, dataset)
    say(f"labels: {int(labels.notna().sum().min()):,}+ observed per target")
    tick(TABLE_STAGE, 3, 3)
    keys = events[list(EVENT_COLUMNS)].reset_index(drop=True)
    return pd.concat([keys, features, labels.reset_index(drop=True)], axis=1)


def move_features(src: Sources, positions: PositionTable, moves: pd.DataFrame) -> pd.DataFrame:
    """Snapshot and pair features of each (employee_id, as_of, position_id) row: what was
    known before the decision date about the employee, and about them in that post. The
    training table and the historical pools build their features with this one function."""
    snap = build_snapshot(src, AsOfQuery(moves[[c.EMPLOYEE_ID, AS_OF]]))
    pairs = pair_features(snap, positions, moves[c.POSITION_ID].to_numpy(dtype=object))
    return pd.concat([snap.drop(columns=[c.EMPLOYEE_ID, AS_OF]), pairs.reset_index(drop=True)], axis=1)
