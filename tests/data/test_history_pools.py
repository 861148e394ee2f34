"""Historical pools: every event keeps its chosen person once, the alternatives are the
post's eligible pool at the date (as serving builds it), the chosen row's features are the
training table's, and nothing dated on or after the decision date is used."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.arrays import Columns
from features.candidates import candidate_pool
from features.eligibility import ELIGIBLE
from features.history_pools import KEY_COLUMNS, historical_pools
from features.model_inputs import FEATURES
from features.names import AS_OF, CHOSEN, EVENT_ID, POOL_SIZE, SAMPLE_WEIGHT
from features.pairs import PositionTable
from features.snapshot import prepare_sources, snapshot_at
from features.training_table import build_training_table

from future import with_future

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def table(province):
    return build_training_table(province)


@pytest.fixture(scope="module")
def sampled(province, table):
    return historical_pools(province, table, alternatives=5, seed=3)


def test_each_event_has_its_chosen_person_once(table, sampled):
    frame = sampled.frame
    chosen = frame[frame[CHOSEN]]
    assert chosen[EVENT_ID].is_unique and set(chosen[EVENT_ID]) == set(table[EVENT_ID])
    keyed = table.set_index(EVENT_ID)
    assert (chosen[c.EMPLOYEE_ID].to_numpy() == keyed.loc[chosen[EVENT_ID], c.EMPLOYEE_ID].to_numpy()).all()
    assert frame.groupby(EVENT_ID).size().max() <= 6
    others = frame[~frame[CHOSEN]]
    assert not others.duplicated([EVENT_ID, c.EMPLOYEE_ID]).any()
    assert (others[c.EMPLOYEE_ID].to_numpy() != keyed.loc[others[EVENT_ID], c.EMPLOYEE_ID].to_numpy()).all()
    # the weights: each sampled alternative stands for (pool_size - 1) / n_sampled members
    n_others = others.groupby(EVENT_ID).size().reindex(chosen[EVENT_ID], fill_value=0).to_numpy()
    expected = np.where(n_others > 0, (chosen[POOL_SIZE].to_numpy() - 1) / np.maximum(n_others, 1), 1.0)
    got = others.groupby(EVENT_ID)[SAMPLE_WEIGHT].first().reindex(chosen[EVENT_ID]).to_numpy()
    np.testing.assert_allclose(got[n_others > 0], expected[n_others > 0])
    assert (chosen[SAMPLE_WEIGHT] == 1.0).all() and 0 <= sampled.share_ineligible_chosen < 0.5


def test_alternatives_are_the_eligible_pool_of_serving(province, table):
    src, positions = prepare_sources(province), PositionTable.from_dataset(province)
    events = table.drop_duplicates(AS_OF).sample(4, random_state=1)
    whole = historical_pools(province, events, alternatives=None, sources=src).frame
    assert (whole[SAMPLE_WEIGHT] == 1.0).all()
    for event in events.itertuples():
        view = Columns.from_frame(snapshot_at(src, province.employees[c.EMPLOYEE_ID], getattr(event, AS_OF)))
        served = set(candidate_pool(view, positions, event.position_id).candidates[c.EMPLOYEE_ID])
        rows = whole[whole[EVENT_ID] == event.event_id]
        chosen = rows[rows[CHOSEN]].iloc[0]
        assert set(rows.loc[~rows[CHOSEN], c.EMPLOYEE_ID]) == served - {event.employee_id}
        assert bool(chosen[ELIGIBLE]) == (event.employee_id in served)
        assert (rows[POOL_SIZE] == len(served - {event.employee_id}) + 1).all()


def test_chosen_rows_have_the_training_table_features(table, sampled):
    chosen = sampled.frame[sampled.frame[CHOSEN]].set_index(EVENT_ID)
    expected = table.set_index(EVENT_ID).loc[chosen.index]
    shared = [col for col in table.columns if col in chosen.columns and col not in KEY_COLUMNS]
    assert set(FEATURES) <= set(shared)
    pd.testing.assert_frame_equal(chosen[shared], expected[shared], check_dtype=False)


def test_the_future_does_not_move_the_pools(province, table):
    t = pd.Timestamp(np.sort(table[AS_OF].unique())[len(table[AS_OF].unique()) // 2])
    events = table[table[AS_OF] == t]
    before = historical_pools(province, events, alternatives=None).frame
    after = historical_pools(with_future(province, t, seed=4), events, alternatives=None).frame
    assert len(before) > len(events)
    pd.testing.assert_frame_equal(before, after)
