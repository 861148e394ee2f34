"""Censoring of the labels (contract section 3) on the tiny dataset, extended with two late
transfers: a 730-day window that runs past the dataset's end leaves the failure label
missing unless the employee already failed, and an event without a qualifying appraisal has
no performance label."""

import pandas as pd
import pytest

from features.io import load_dataset
from features.labels import RISK_WINDOW_DAYS, followed_up
from features.names import AS_OF, FAILURE, FOLLOWED_UP, PERFORMANCE
from features.timeline import dataset_end
from features.training_table import build_training_table

from tiny_dataset import tiny_tables, write_tables

pytestmark = pytest.mark.code

LATE_FAILURE = "e2@2019-01-01"      # moves to p4, scores kurang for 2019: failed inside an open window
LATE_OPEN = "e3@2019-03-01"         # moves to p4, nothing happens before the data ends


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    tables = tiny_tables()
    moves = pd.DataFrame([
        {"employee_id": "e2", "start_date": "2019-01-01", "position_id": "p4", "end_date": "", "move_type": "mutasi"},
        {"employee_id": "e3", "start_date": "2019-03-01", "position_id": "p4", "end_date": "", "move_type": "mutasi"},
    ], dtype="str")
    tables["assignments"] = pd.concat([tables["assignments"], moves], ignore_index=True)
    appraisals = tables["appraisals"]
    late = (appraisals["employee_id"] == "e2") & (appraisals["period_start"] == "2019-01-01")
    tables["appraisals"].loc[late, "rating"] = "kurang"
    dataset = load_dataset(write_tables(tables, tmp_path_factory.mktemp("labels")))
    return dataset, build_training_table(dataset).set_index("event_id")


def test_the_data_ends_with_the_last_appraisal(labelled):
    dataset, _ = labelled
    assert dataset_end(dataset) == pd.Timestamp("2019-12-31")


def test_open_window_without_failure_is_censored(labelled):
    _, table = labelled
    row = table.loc[LATE_OPEN]
    assert not row[FOLLOWED_UP] and pd.isna(row[FAILURE])
    # its only later appraisal (2019) started before the move: no qualifying appraisal
    assert pd.isna(row[PERFORMANCE])


def test_failure_inside_an_open_window_is_already_known(labelled):
    _, table = labelled
    row = table.loc[LATE_FAILURE]
    assert not row[FOLLOWED_UP] and row[FAILURE] == 1
    assert row[PERFORMANCE] == 2                       # kurang for 2019, held on its period_end


def test_closed_windows_keep_their_labels(labelled):
    _, table = labelled
    assert table.loc["e1@2016-07-01", FOLLOWED_UP] and table.loc["e1@2016-07-01", FAILURE] == 0
    assert table.loc["e2@2015-07-01", FOLLOWED_UP] and table.loc["e2@2015-07-01", FAILURE] == 1


def test_window_closing_on_the_last_day_is_followed_up(labelled):
    dataset, _ = labelled
    last_start = dataset_end(dataset) - pd.Timedelta(days=RISK_WINDOW_DAYS)       # 2018-01-01
    events = pd.DataFrame({AS_OF: [last_start - pd.Timedelta(days=1), last_start, last_start + pd.Timedelta(days=1)]})
    assert followed_up(events, dataset).tolist() == [True, True, False]
