"""Who is followed after a transfer, and what is known about them since the move: the
vectorised :mod:`features.followup` against slow record-by-record references, and the
point-in-time rule (nothing dated on or after the check date counts)."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import vocab as v
from features.followup import (
    APPRAISALS_SINCE_MOVE,
    CHECK_DATE,
    LAST_SCORE_SINCE_MOVE,
    MOVE_DATE,
    SANCTIONS_SINCE_MOVE,
    SINCE_MOVE_FEATURES,
    TRAINING_HOURS_SINCE_MOVE,
    Looks,
    followup_features,
    since_move,
    transferees,
)
from features.pairs import PositionTable
from features.snapshot import prepare_sources
from features.timeline import LAST_DAY, default_as_of, stints

from future import with_future

pytestmark = pytest.mark.code


@pytest.fixture(scope="module")
def as_of(province) -> pd.Timestamp:
    return default_as_of(province) - pd.DateOffset(months=3)


def reference_transferees(dataset, as_of, months=24) -> set[tuple[str, str]]:
    """Stint by stint: the post held at ``as_of`` began by a transfer within ``months``."""
    exits = dict(zip(dataset.exits[c.EMPLOYEE_ID], dataset.exits[c.EXIT_DATE]))
    since = as_of - pd.DateOffset(months=months)
    found = set()
    for row in stints(dataset).itertuples(index=False):
        row = row._asdict()
        held = row[c.START_DATE] < as_of and (pd.isna(row[LAST_DAY]) or row[LAST_DAY] >= as_of)
        gone = row[c.EMPLOYEE_ID] in exits and exits[row[c.EMPLOYEE_ID]] < as_of
        if held and not gone and row[c.MOVE_TYPE] != v.INITIAL_MOVE and row[c.START_DATE] >= since:
            found.add((row[c.EMPLOYEE_ID], row[c.POSITION_ID]))
    return found


def test_transferees_are_the_stints_begun_by_a_move_in_the_window(province, as_of):
    looks = transferees(province, as_of)
    got = set(zip(looks.rows[c.EMPLOYEE_ID], looks.rows[c.POSITION_ID]))
    assert got == reference_transferees(province, as_of)
    assert len(got) == len(looks) > 0
    assert (looks.rows[CHECK_DATE] == as_of).all()
    shorter = transferees(province, as_of, months=6)
    assert set(zip(shorter.rows[c.EMPLOYEE_ID], shorter.rows[c.POSITION_ID])) == reference_transferees(
        province, as_of, months=6)
    assert len(shorter) < len(looks)


def reference_since(dataset, look: dict) -> dict[str, float]:
    """Record by record for one look."""
    e, t, check = look[c.EMPLOYEE_ID], look[MOVE_DATE], look[CHECK_DATE]
    app = dataset.appraisals[dataset.appraisals[c.EMPLOYEE_ID] == e]
    app = app[(app[c.PERIOD_START] >= t) & (app[c.PERIOD_END] < check)].sort_values(c.PERIOD_END)
    dis = dataset.discipline[dataset.discipline[c.EMPLOYEE_ID] == e]
    tr = dataset.trainings[dataset.trainings[c.EMPLOYEE_ID] == e]
    return {
        APPRAISALS_SINCE_MOVE: float(len(app)),
        LAST_SCORE_SINCE_MOVE: float(v.RATING_SCORE[app[c.RATING].iloc[-1]]) if len(app) else np.nan,
        SANCTIONS_SINCE_MOVE: float(((dis[c.START_DATE] >= t) & (dis[c.START_DATE] < check)).sum()),
        TRAINING_HOURS_SINCE_MOVE: float(tr.loc[(tr[c.END_DATE] >= t) & (tr[c.END_DATE] < check), c.HOURS].sum()),
    }


def test_since_move_matches_a_record_by_record_reference(province, as_of):
    looks = transferees(province, as_of)
    got = since_move(prepare_sources(province), looks, np.full(len(looks), 4.0))
    assert list(got.columns) == list(SINCE_MOVE_FEATURES)
    assert (got[APPRAISALS_SINCE_MOVE] > 0).any() and (got[TRAINING_HOURS_SINCE_MOVE] > 0).any()
    for i, look in enumerate(looks.rows.to_dict("records")):
        for name, expected in reference_since(province, look).items():
            assert got.at[i, name] == pytest.approx(expected, nan_ok=True), (look, name)


def test_records_on_or_after_the_check_date_change_nothing(province, as_of):
    looks = transferees(province, as_of)
    before = since_move(prepare_sources(province), looks, np.full(len(looks), 4.0))
    future = with_future(province, as_of, seed=3)
    after = since_move(prepare_sources(future), looks, np.full(len(looks), 4.0))
    pd.testing.assert_frame_equal(before, after)


def test_a_check_before_the_move_is_refused():
    rows = pd.DataFrame({c.EMPLOYEE_ID: ["e1"], c.POSITION_ID: ["p1"], MOVE_DATE: [pd.Timestamp("2024-05-01")],
                         CHECK_DATE: [pd.Timestamp("2024-04-01")]})
    with pytest.raises(ValueError, match="precedes"):
        Looks(rows)


def test_a_window_without_transferees_gives_the_same_columns_and_no_row(province, as_of):
    src, positions = prepare_sources(province), PositionTable.from_dataset(province)
    before_any = transferees(province, pd.Timestamp("1990-01-01"))
    assert len(before_any) == 0
    empty = followup_features(src, positions, before_any)
    full = followup_features(src, positions, transferees(province, as_of))
    assert len(empty) == 0 and list(empty.columns) == list(full.columns)
