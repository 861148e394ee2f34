"""The point-in-time primitives on frames small enough to check by eye."""

import numpy as np
import pandas as pd
import pytest

from features.asof import AsOfQuery, latest_before, sum_before

pytestmark = pytest.mark.code

RECORDS = pd.DataFrame({
    "employee_id": ["a", "a", "a", "b"],
    "date": pd.to_datetime(["2020-01-01", "2020-06-01", "2021-01-01", "2020-03-01"]),
    "value": [1.0, 2.0, 4.0, 8.0],
})


def query(rows):
    return AsOfQuery(pd.DataFrame(rows, columns=["employee_id", "as_of"]).astype({"as_of": "datetime64[ns]"}))


def test_latest_before_is_strict_and_keeps_query_order():
    q = query([("a", "2020-06-01"), ("b", "2020-03-02"), ("a", "2020-06-02"), ("a", "2019-01-01"), ("c", "2022-01-01")])
    got = latest_before(q, RECORDS, "date", ["value"])["value"].tolist()
    # a record dated on the decision date is the future: 2020-06-01 sees only 2020-01-01
    assert got[:3] == [1.0, 8.0, 2.0]
    assert np.isnan(got[3]) and np.isnan(got[4])


def test_sum_before_windows():
    q = query([("a", "2021-01-02"), ("a", "2021-01-01"), ("b", "2020-03-01")])
    assert sum_before(q, RECORDS, "date", "value").tolist() == [7.0, 3.0, 0.0]
    # a 200-day window before 2021-01-02 holds 2020-06-01 and 2021-01-01 only
    assert sum_before(q, RECORDS, "date", "value", window_days=215).tolist() == [6.0, 2.0, 0.0]


def test_sum_before_same_day_records_count_together():
    same_day = pd.concat([RECORDS, RECORDS.iloc[[1]]])
    q = query([("a", "2020-06-02")])
    assert sum_before(q, same_day, "date", "value").tolist() == [5.0]


def test_query_requires_keys():
    with pytest.raises(ValueError, match="as_of"):
        AsOfQuery(pd.DataFrame({"employee_id": ["a"]}))
