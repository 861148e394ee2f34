"""Candidate tables: every employee against one or more posts at one date, with the same
snapshot and pair features as the training table, plus contract eligibility."""

import numpy as np
import pandas as pd

from features import columns as c
from features.asof import AsOfQuery
from features.eligibility import EligibilityRules, eligibility_frame
from features.io import Dataset
from features.pairs import PositionTable, pair_features
from features.snapshot import Sources, build_snapshot, prepare_sources


def snapshot_at(sources: Sources, employee_ids, as_of) -> pd.DataFrame:
    """The snapshot of ``employee_ids`` at one date."""
    return build_snapshot(sources, AsOfQuery.at(employee_ids, as_of))


def candidates_for(snapshot: pd.DataFrame, positions: PositionTable, position_id: str,
                   rules: EligibilityRules = EligibilityRules()) -> pd.DataFrame:
    """Snapshot rows paired with one post: features, ``eligible`` and ``reasons``."""
    ids = np.full(len(snapshot), position_id, dtype=object)
    pairs = pair_features(snapshot, positions, ids)
    elig = eligibility_frame(snapshot, positions, ids, rules)
    return pd.concat([snapshot, pairs, elig[[c.POSITION_ID, "eligible", "reasons"]]], axis=1)


def build_candidate_table(dataset: Dataset, position_ids, as_of,
                          rules: EligibilityRules = EligibilityRules()) -> pd.DataFrame:
    """Every employee against every post in ``position_ids`` at ``as_of``."""
    snap = snapshot_at(prepare_sources(dataset), dataset.employees[c.EMPLOYEE_ID], as_of)
    positions = PositionTable.from_dataset(dataset)
    frames = [candidates_for(snap, positions, pid, rules) for pid in position_ids]
    return pd.concat(frames, ignore_index=True)
