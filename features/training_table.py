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


def build_training_table(dataset: Dataset, sources: Sources | None = None,
                         progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Event keys, snapshot columns, pair features and labels for every transfer event."""
    say = progress or (lambda _msg: None)
    src = sources or prepare_sources(dataset)
    events = transfer_events(dataset)
    say(f"{len(events):,} transfer events")
    snap = build_snapshot(src, AsOfQuery(events[[c.EMPLOYEE_ID, AS_OF]]))
    say(f"snapshots at event dates: {snap.shape[1]} columns")
    pairs = pair_features(snap, PositionTable.from_dataset(dataset), events[c.POSITION_ID].to_numpy())
    labels = label_events(events, dataset)
    say(f"labels: {int(labels.notna().sum().min()):,}+ observed per target")
    keys = events[list(EVENT_COLUMNS)].reset_index(drop=True)
    snap = snap.drop(columns=[c.EMPLOYEE_ID, AS_OF])
    return pd.concat([keys, snap, pairs.reset_index(drop=True), labels.reset_index(drop=True)], axis=1)
