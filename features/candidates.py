"""Candidates: snapshot rows paired with one post, with the same pair features as the
training table, plus contract eligibility."""

import numpy as np
import pandas as pd

from features import columns as c
from features.eligibility import EligibilityRules, eligibility_frame
from features.pairs import PositionTable, pair_features


def candidates_for(snapshot: pd.DataFrame, positions: PositionTable, position_id: str,
                   rules: EligibilityRules = EligibilityRules()) -> pd.DataFrame:
    """Snapshot rows paired with one post: features, ``eligible`` and ``reasons``."""
    ids = np.full(len(snapshot), position_id, dtype=object)
    pairs = pair_features(snapshot, positions, ids)
    elig = eligibility_frame(snapshot, positions, ids, rules)
    return pd.concat([snapshot, pairs, elig[[c.POSITION_ID, "eligible", "reasons"]]], axis=1)

