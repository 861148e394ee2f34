"""Temporal split of the training table, per target.

Events are ordered by their date t. For each target, only rows whose label is observed
count; cut dates are chosen at quantiles of those rows' dates, so that one date never
falls on two sides: train before the first cut, validate/calibrate up to the second,
test on the latest. Never random rows across time.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.names import AS_OF

# the parts of a split that describe() reports
VALID_FROM, TEST_FROM = "valid_from", "test_from"
N_TRAIN, N_VALID, N_TEST = "n_train", "n_valid", "n_test"


@dataclass(frozen=True)
class TemporalSplit:
    target: str
    valid_from: pd.Timestamp
    test_from: pd.Timestamp
    train: np.ndarray       # row positions in the training table
    valid: np.ndarray
    test: np.ndarray

    def describe(self) -> dict[str, object]:
        """Cut dates and row counts, keyed by :func:`split_key` (logged as run parameters)."""
        return {split_key(self.target, VALID_FROM): str(self.valid_from.date()),
                split_key(self.target, TEST_FROM): str(self.test_from.date()),
                split_key(self.target, N_TRAIN): len(self.train), split_key(self.target, N_VALID): len(self.valid),
                split_key(self.target, N_TEST): len(self.test)}


def split_key(target: str, part: str) -> str:
    """The metadata key of one part of a target's split, e.g. ``performance_valid_from``."""
    return f"{target}_{part}"


def temporal_split(table: pd.DataFrame, target: str, valid_share: float = 0.15,
                   test_share: float = 0.15, min_rows: int = 10, usable: str | None = None) -> TemporalSplit:
    """Split the rows with an observed ``target`` (and a true ``usable`` column, when
    given) by date quantiles."""
    observed = table[target].notna().to_numpy()
    if usable is not None:
        observed = observed & table[usable].to_numpy(bool)
    dates = table[AS_OF].to_numpy()
    obs_dates = np.sort(dates[observed])
    if len(obs_dates) < 3 * min_rows:
        raise ValueError(f"only {len(obs_dates)} events with an observed {target} label: "
                         f"at least {3 * min_rows} are needed for a temporal split")
    valid_from = pd.Timestamp(obs_dates[int(len(obs_dates) * (1 - valid_share - test_share))])
    test_from = pd.Timestamp(obs_dates[int(len(obs_dates) * (1 - test_share))])
    if test_from <= valid_from:
        raise ValueError(f"{target}: events are too concentrated in time for a temporal split")
    rows = np.arange(len(table))
    return TemporalSplit(
        target, valid_from, test_from,
        train=rows[observed & (dates < valid_from)],
        valid=rows[observed & (dates >= valid_from) & (dates < test_from)],
        test=rows[observed & (dates >= test_from)],
    )
