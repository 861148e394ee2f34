"""Point-in-time correctness: the future never moves a feature, and the vectorised
snapshot agrees with the slow record-by-record reference."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.asof import AsOfQuery
from features.model_inputs import FEATURES
from features.pairs import PositionTable, pair_features
from features.snapshot import build_snapshot, prepare_sources

from future import with_future
from reference_snapshot import reference_snapshot, same_value

pytestmark = pytest.mark.data


def features_at(ds, employee_ids, t, position_ids):
    """Snapshot and pair features of employees at one date, once per post in ``position_ids``."""
    snap = build_snapshot(prepare_sources(ds), AsOfQuery.at(employee_ids, t))
    table = PositionTable.from_dataset(ds)
    frames = [pd.concat([snap, pair_features(snap, table, np.full(len(snap), pid, dtype=object))], axis=1)
              for pid in np.atleast_1d(position_ids)]
    return pd.concat(frames, ignore_index=True)


def assert_future_does_not_move(ds, dates, n_positions=3, seed=0):
    ids = ds.employees[c.EMPLOYEE_ID].tolist()
    rng = np.random.default_rng(seed)
    positions = rng.choice(ds.positions[c.POSITION_ID].to_numpy(), n_positions, replace=False)
    for k, t in enumerate(dates):
        future = with_future(ds, t, seed=seed + k)
        pd.testing.assert_frame_equal(features_at(ds, ids, t, positions), features_at(future, ids, t, positions),
                                      obj=f"features at {t}")
        # the future really was there: the altered dataset differs after t
        assert len(future.appraisals) > len(ds.appraisals)


def assert_matches_reference(ds, pairs):
    src = prepare_sources(ds)
    query = AsOfQuery(pd.DataFrame(pairs, columns=[c.EMPLOYEE_ID, "as_of"]).astype({"as_of": "datetime64[ns]"}))
    fast = build_snapshot(src, query)
    checked = 0
    for i, (employee_id, t) in enumerate(pairs):
        slow = reference_snapshot(ds, employee_id, pd.Timestamp(t))
        for name, expected in slow.items():
            got = fast.at[i, name]
            got = got.item() if hasattr(got, "item") else got
            assert same_value(got, expected), f"{name} of {employee_id} at {t}: {got!r} != {expected!r}"
            checked += 1
    assert checked > 20 * len(pairs)


def test_future_records_do_not_move_features_tiny(tiny):
    assert_future_does_not_move(tiny, ["2014-01-01", "2015-07-01", "2016-07-01", "2018-06-15"], n_positions=4)


def test_vectorised_snapshot_matches_reference_tiny(tiny):
    dates = pd.date_range("2009-01-01", "2021-01-01", freq="97D")
    pairs = [(e, d) for e in ("e1", "e2", "e3") for d in dates]
    assert_matches_reference(tiny, pairs)


def test_leakage_check_can_fail(tiny):
    """The comparison notices when a record crosses t: move every later appraisal to the
    day before t and the features at t must change."""
    t = pd.Timestamp("2016-07-01")
    app = tiny.appraisals
    moved = app.assign(**{c.PERIOD_END: app[c.PERIOD_END].where(app[c.PERIOD_END] < t, t - pd.Timedelta(days=1))})
    crossed = dataclasses.replace(tiny, appraisals=moved.drop_duplicates([c.EMPLOYEE_ID, c.PERIOD_END]))
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(features_at(tiny, ["e1", "e2"], t, "p3"),
                                      features_at(crossed, ["e1", "e2"], t, "p3"))


def test_protected_attributes_are_not_model_inputs():
    from features.snapshot import RETIREMENT_DATE
    forbidden = set(c.PROTECTED_COLUMNS) | {RETIREMENT_DATE, "age", "age_years", c.DISPLAY_NAME}
    assert not forbidden & set(FEATURES)
    assert not [f for f in FEATURES if "gender" in f or "birth" in f or "home" in f or "age_" in f or "name" in f]


def test_protected_attributes_do_not_move_model_inputs(tiny):
    emp = tiny.employees
    swapped = emp.assign(**{
        c.GENDER: emp[c.GENDER].map({"l": "p", "p": "l"}),
        c.BIRTH_DATE: emp[c.BIRTH_DATE] - pd.Timedelta(days=3650),
        c.HOME_REGION_ID: emp[c.HOME_REGION_ID].map({"r1": "r2", "r2": "r1"}),
    })
    other = dataclasses.replace(tiny, employees=swapped)
    ids = emp[c.EMPLOYEE_ID].tolist()
    for pid in ("p2", "p3"):
        a = features_at(tiny, ids, "2019-01-01", pid)[list(FEATURES)]
        b = features_at(other, ids, "2019-01-01", pid)[list(FEATURES)]
        pd.testing.assert_frame_equal(a, b)


def test_future_records_do_not_move_features_simulated(province):
    assert_future_does_not_move(province, ["2016-03-15", "2021-09-01"], n_positions=3, seed=4)


def test_vectorised_snapshot_matches_reference_simulated(province):
    rng = np.random.default_rng(9)
    ids = rng.choice(province.employees[c.EMPLOYEE_ID].to_numpy(), 60)
    days = rng.integers(0, (pd.Timestamp("2026-01-01") - pd.Timestamp("2011-01-01")).days, 60)
    dates = pd.Timestamp("2011-01-01") + pd.to_timedelta(days, unit="D")
    assert_matches_reference(province, list(zip(ids, dates)))
