"""The temporal split: per target, only observed (and usable) rows, one date never on two
sides, train before validation before test, and a clear error when rows are too few."""

import numpy as np
import pandas as pd
import pytest

from features.names import AS_OF
from training.split import temporal_split

pytestmark = pytest.mark.code

TARGET, USABLE = "y", "usable"


def events(n_dates: int = 40, per_date: int = 3) -> pd.DataFrame:
    """``per_date`` events on each of ``n_dates`` monthly dates, shuffled; every 7th label
    unobserved, every 5th row not usable."""
    dates = np.repeat(pd.date_range("2015-01-01", periods=n_dates, freq="MS"), per_date)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(dates))
    y = rng.random(len(dates))
    y[::7] = np.nan
    return pd.DataFrame({AS_OF: dates[order], TARGET: y[order],
                         USABLE: (np.arange(len(dates)) % 5 != 0)[order]})


def side_of_each_row(split, n: int) -> np.ndarray:
    side = np.full(n, "", dtype=object)
    for name in ("train", "valid", "test"):
        side[getattr(split, name)] = name
    return side


def test_dates_on_one_side_in_order_and_only_observed_rows():
    table = events()
    split = temporal_split(table, TARGET)
    side = side_of_each_row(split, len(table))
    observed = table[TARGET].notna().to_numpy()
    assert (side[~observed] == "").all() and (side[observed] != "").all()
    per_date = pd.Series(side[observed]).groupby(table[AS_OF].to_numpy()[observed]).nunique()
    assert (per_date == 1).all()                                    # one date never falls on two sides
    dates = table[AS_OF]
    assert dates.iloc[split.train].max() < split.valid_from <= dates.iloc[split.valid].min()
    assert dates.iloc[split.valid].max() < split.test_from <= dates.iloc[split.test].min()
    assert len(split.train) > len(split.valid) > 0 and len(split.test) > 0


def test_usable_flag_is_respected():
    table = events()
    split = temporal_split(table, TARGET, usable=USABLE)
    used = np.concatenate([split.train, split.valid, split.test])
    expected = table.index[table[TARGET].notna() & table[USABLE]].to_numpy()
    assert sorted(used) == sorted(expected)


def test_describe_reports_dates_and_counts():
    split = temporal_split(events(), TARGET)
    described = split.describe()
    assert described[f"{TARGET}_valid_from"] == str(split.valid_from.date())
    assert described[f"{TARGET}_test_from"] == str(split.test_from.date())
    assert (described[f"{TARGET}_n_train"], described[f"{TARGET}_n_valid"], described[f"{TARGET}_n_test"]) == (
        len(split.train), len(split.valid), len(split.test))


def test_too_few_rows_or_one_date_is_an_error():
    table = events(n_dates=9, per_date=3)                          # 27 rows, 23 observed: under 3 x 10
    with pytest.raises(ValueError, match="only 23 events with an observed y label"):
        temporal_split(table, TARGET)
    same_day = events().assign(**{AS_OF: pd.Timestamp("2020-01-01")})
    with pytest.raises(ValueError, match="too concentrated in time"):
        temporal_split(same_day, TARGET)
