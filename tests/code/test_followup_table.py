"""The post-transfer model's table (:func:`features.followup_table.followup_table`): which
(event, check month) rows are kept, on the tiny dataset with answers known by hand and on
the small simulated province checked against the raw tables; the features at the move
taken from the training table equal the computed ones; the future never moves a feature."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import vocab as v
from features.followup import (
    APPRAISALS_SINCE_MOVE,
    CHECK_DATE,
    FOLLOWUP_FEATURES,
    LAST_SCORE_SINCE_MOVE,
    MOVE_DATE,
    Looks,
    followup_features,
)
from features.followup_table import CHECK_MONTH, followup_table
from features.io import load_dataset
from features.labels import LOW_SCORE, RISK_WINDOW_DAYS
from features.names import EVENT_ID, FAILURE, FOLLOWED_UP
from features.pairs import PositionTable
from features.snapshot import prepare_sources
from features.timeline import dataset_end
from features.training_table import build_training_table

from future import with_future
from tiny_dataset import tiny_tables, write_tables

pytestmark = pytest.mark.code
E1, E2 = "e1@2016-07-01", "e2@2015-07-01"      # tiny: e1 settles in p2; e2 scores kurang for 2016 in p3


def checks(frame: pd.DataFrame) -> dict[str, list[str]]:
    return {e: [str(d.date()) for d in grp[CHECK_DATE]] for e, grp in frame.groupby(EVENT_ID)}


def test_rows_stop_when_a_failure_is_known_tiny(tiny):
    frame = followup_table(tiny)
    # e2's kurang for 2016 is known from 2017-01-01: its 18-month check that day is no longer open
    assert checks(frame) == {E1: ["2017-01-01", "2017-07-01", "2018-01-01"], E2: ["2016-01-01", "2016-07-01"]}
    assert frame.set_index(EVENT_ID)[FAILURE].to_dict() == {E1: 0.0, E2: 1.0}
    assert frame[FOLLOWED_UP].all() and frame[CHECK_MONTH].tolist() == [6, 12, 6, 12, 18]


def test_appraisals_since_the_move_reach_the_row_tiny(tiny):
    row = followup_table(tiny, check_months=(18,)).set_index(EVENT_ID).loc[E1]
    assert row[APPRAISALS_SINCE_MOVE] == 1 and row[LAST_SCORE_SINCE_MOVE] == v.RATING_SCORE["sangat_baik"]  # 2017


def test_checks_after_an_exit_or_the_data_are_dropped(tmp_path):
    tables = tiny_tables()
    tables["exits"] = pd.DataFrame([{"employee_id": "e1", "exit_date": "2017-05-01", "reason": "pindah_instansi"}])
    ds = load_dataset(write_tables(tables, tmp_path / "exit"))
    assert checks(followup_table(ds))[E1] == ["2017-01-01"]
    assert followup_table(ds, check_months=(60,)).empty          # 2020 and later: after the data's end
    with pytest.raises(ValueError, match="check_months"):
        followup_table(ds, check_months=(0, 6))


def test_checks_after_a_move_out_are_dropped(tmp_path):
    tables = tiny_tables()
    rotation = {"employee_id": "e1", "start_date": "2017-03-01", "position_id": "p4", "end_date": "",
                "move_type": "rotasi"}
    tables["assignments"] = pd.concat([tables["assignments"], pd.DataFrame([rotation], dtype="str")],
                                      ignore_index=True)
    ds = load_dataset(write_tables(tables, tmp_path / "rotation"))
    found = checks(followup_table(ds))
    assert found[E1] == ["2017-01-01"] and found["e1@2017-03-01"] == ["2017-09-01", "2018-03-01", "2018-09-01"]


@pytest.fixture(scope="module")
def built(province):
    src = prepare_sources(province)
    table = build_training_table(province, sources=src)
    return table, followup_table(province, table, src)


def test_training_table_features_are_reused_as_computed(province, built):
    table, frame = built
    assert len(frame) > 200 and frame[CHECK_MONTH].nunique() == 3
    pd.testing.assert_frame_equal(frame, followup_table(province))
    labels = table.set_index(EVENT_ID)
    assert np.array_equal(frame[FAILURE].to_numpy(), labels.loc[frame[EVENT_ID], FAILURE].to_numpy(), equal_nan=True)
    with pytest.raises(ValueError, match="transfer event"):
        followup_table(province, table.iloc[10:])


def test_kept_rows_hold_the_post_with_no_failure_known(province, built):
    """Against the raw tables: at every check the employee's latest assignment is the
    event's, they have not exited, and nothing of the failure definition is on record."""
    _, frame = built
    assert (frame[CHECK_DATE] <= dataset_end(province)).all()
    for month, rows in frame.groupby(CHECK_MONTH):
        assert (rows[CHECK_DATE] == rows[MOVE_DATE] + pd.DateOffset(months=int(month))).all()
    assign = province.assignments.merge(frame[[EVENT_ID, c.EMPLOYEE_ID, CHECK_DATE]], on=c.EMPLOYEE_ID)
    latest = assign[assign[c.START_DATE] < assign[CHECK_DATE]].sort_values(c.START_DATE).groupby(
        [EVENT_ID, CHECK_DATE]).last()
    keyed = frame.set_index([EVENT_ID, CHECK_DATE])
    assert (latest.loc[keyed.index, c.START_DATE] == keyed[MOVE_DATE]).all()
    exits = frame.merge(province.exits, on=c.EMPLOYEE_ID)
    assert (exits[c.EXIT_DATE] >= exits[CHECK_DATE]).all()
    app = frame.merge(province.appraisals, on=c.EMPLOYEE_ID)
    low = app[(app[c.RATING].map(v.RATING_SCORE) <= LOW_SCORE) & (app[c.PERIOD_START] >= app[MOVE_DATE])
              & (app[c.PERIOD_END] < app[CHECK_DATE])]
    assert low.empty
    dis = frame.merge(province.discipline, on=c.EMPLOYEE_ID)
    assert dis[dis[c.LEVEL].isin(v.SERIOUS_SANCTION_LEVELS) & (dis[c.START_DATE] >= dis[MOVE_DATE])
               & (dis[c.START_DATE] <= dis[CHECK_DATE])].empty


def test_settled_events_keep_every_check_they_held(province, built):
    """An event without failure whose employee neither moved again nor exited within 18
    months of the move has all three rows: nothing else removes one."""
    table, frame = built
    done = table[(table[FAILURE] == 0) & table[FOLLOWED_UP]].set_index(EVENT_ID)
    horizon = done["as_of"] + pd.DateOffset(months=18)
    nxt = province.assignments.merge(done.reset_index()[[EVENT_ID, c.EMPLOYEE_ID, "as_of"]], on=c.EMPLOYEE_ID)
    moved = set(nxt.loc[(nxt[c.START_DATE] > nxt["as_of"]) & (nxt[c.START_DATE] <= nxt["as_of"]
                                                               + pd.DateOffset(months=18)), EVENT_ID])
    exit_date = done[c.EMPLOYEE_ID].map(province.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE])
    gone = set(done.index[exit_date.notna() & (exit_date < horizon)])
    stayed = done.index[~done.index.isin(list(moved | gone)) & (horizon <= dataset_end(province))]
    assert len(stayed) > 50
    counts = frame[frame[EVENT_ID].isin(set(stayed))].groupby(EVENT_ID).size().reindex(stayed, fill_value=0)
    assert (counts == 3).all()
    assert RISK_WINDOW_DAYS > 18 * 31                 # every check lies inside the label's window


def test_future_records_do_not_move_followup_features(province, built):
    _, frame = built
    dates = frame[CHECK_DATE].value_counts().index[:3]
    for k, t in enumerate(dates):
        rows = frame[frame[CHECK_DATE] == t].reset_index(drop=True)
        future = with_future(province, t, seed=k)
        assert len(future.appraisals) > len(province.appraisals)
        moved = followup_features(prepare_sources(future), PositionTable.from_dataset(future), Looks(rows))
        pd.testing.assert_frame_equal(rows[list(FOLLOWUP_FEATURES)], moved[list(FOLLOWUP_FEATURES)],
                                      obj=f"follow-up features at {t.date()}")
