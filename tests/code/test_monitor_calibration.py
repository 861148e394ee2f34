"""Calibration on matured cohorts (serving.monitoring.calibration) on hand-made frames with
known answers: ECE, Brier, performance MAE and bias per version; which served rankings
count (old enough, the person moved into the post within a year after); unfinished risk
windows do not count; unseen transfers; the alarms need a cohort of ``min_cohort`` rows."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.names import AS_OF, FAILURE, FOLLOWED_UP, PERFORMANCE
from serving.monitoring import calibration as cal
from serving.monitoring.settings import MonitorSettings

pytestmark = pytest.mark.code

SETTINGS = MonitorSettings(min_cohort=100, max_ece=0.05, max_performance_bias=0.25)


def cohort(version: str, n: int, risk: float, failures: int, predicted: float, realised: float) -> pd.DataFrame:
    y = np.zeros(n)
    y[:failures] = 1.0
    return pd.DataFrame({cal.VERSION: version, cal.SOURCE: cal.Source.TRANSFERS.value, c.EMPLOYEE_ID: "e",
                         c.POSITION_ID: "p", AS_OF: pd.Timestamp("2020-01-01"), cal.PREDICTED_RISK: risk,
                         cal.PREDICTED_PERFORMANCE: predicted, FAILURE: y, PERFORMANCE: realised})


def test_figures_of_a_version_with_known_ece_and_bias():
    got = cal.calibrate_version("1", cohort("1", 200, risk=0.1, failures=40, predicted=4.0, realised=3.5))
    assert got.n_risk == 200 and got.n_performance == 200
    assert got.ece == pytest.approx(0.1)                  # one bin: |0.2 observed − 0.1 predicted|
    assert got.brier == pytest.approx(0.8 * 0.01 + 0.2 * 0.81)
    assert got.mean_predicted_risk == pytest.approx(0.1) and got.failure_rate == pytest.approx(0.2)
    assert got.performance_bias == pytest.approx(0.5) and got.performance_mae == pytest.approx(0.5)
    assert got.reliability["count"].tolist() == [200] and got.reliability["bin"].tolist() == [1]
    assert got.ece_alarm(SETTINGS) and got.bias_alarm(SETTINGS)


def test_a_calibrated_version_rings_no_alarm_and_versions_are_kept_apart():
    rows = pd.concat([cohort("2", 150, risk=0.3, failures=45, predicted=3.8, realised=3.9),
                      cohort("10", 120, risk=0.05, failures=30, predicted=4.0, realised=4.0)])
    two, ten = cal.calibrate(rows)
    assert (two.version, ten.version) == ("2", "10")         # numeric order, not text order
    assert two.ece == pytest.approx(0.0) and two.performance_bias == pytest.approx(-0.1)
    assert not two.ece_alarm(SETTINGS) and not two.bias_alarm(SETTINGS)
    assert ten.ece == pytest.approx(0.2) and ten.ece_alarm(SETTINGS)


def test_a_small_cohort_is_shown_but_never_alarms():
    got = cal.calibrate_version("1", cohort("1", 50, risk=0.1, failures=40, predicted=5.0, realised=2.0))
    assert got.ece == pytest.approx(0.7)
    assert got.judged(SETTINGS) == (False, False)
    assert not got.ece_alarm(SETTINGS) and not got.bias_alarm(SETTINGS)
    document = got.to_document(SETTINGS)
    assert document["ece"] == pytest.approx(0.7) and document["ece_alarm"] is False


def test_missing_labels_count_only_where_known():
    rows = cohort("1", 4, risk=0.5, failures=2, predicted=3.0, realised=3.0)
    rows[FAILURE] = [1.0, np.nan, 0.0, np.nan]
    rows[PERFORMANCE] = [np.nan, 4.0, np.nan, np.nan]
    got = cal.calibrate_version("1", rows)
    assert (got.n_risk, got.n_performance) == (2, 1)
    assert got.performance_bias == pytest.approx(-1.0)
    empty = cal.calibrate_version("1", rows.assign(**{FAILURE: np.nan}))
    assert empty.n_risk == 0 and np.isnan(empty.ece) and empty.to_document(SETTINGS)["ece"] is None


def test_an_unfinished_risk_window_does_not_count():
    labels = pd.DataFrame({FAILURE: [1.0, 0.0, 1.0], PERFORMANCE: [3.0, 4.0, 5.0], FOLLOWED_UP: [True, True, False]})
    got = cal.matured_labels(labels)
    assert got[FAILURE].tolist()[:2] == [1.0, 0.0] and np.isnan(got[FAILURE].iloc[2])
    assert got[PERFORMANCE].tolist() == [3.0, 4.0, 5.0]


def ranking(as_of: str, version: str, post: str, people: dict[str, float]) -> dict:
    return {"as_of": as_of, "model_version": version, "position_id": post,
            "results": [{"employee_id": e, "adjustment_risk": r, "predicted_performance": 4.0}
                        for e, r in people.items()]}


MOVES = pd.DataFrame({c.EMPLOYEE_ID: ["a", "b", "c", "d", "e"], c.POSITION_ID: ["p1", "p1", "p2", "p3", "p1"],
                      AS_OF: pd.to_datetime(["2020-06-01", "2021-06-01", "2020-03-01", "2022-09-01", "2019-12-01"]),
                      FAILURE: [1.0, 0.0, 0.0, 1.0, 0.0], PERFORMANCE: [3.0, 4.0, 4.0, 3.0, 4.0]})


def test_served_rankings_count_once_matured_and_the_person_moved_into_the_post():
    rankings = [ranking("2020-01-01", "1", "p1", {"a": 0.2, "b": 0.3, "e": 0.1, "x": 0.5}),   # b: 17 months later
                ranking("2020-02-01", "2", "p2", {"c": 0.4}),
                ranking("2022-06-01", "2", "p3", {"d": 0.6})]                                   # not matured yet
    rows = cal.audit_cohort(rankings, MOVES, "2023-01-01", SETTINGS)
    assert sorted(zip(rows[c.EMPLOYEE_ID], rows[cal.VERSION], rows[cal.PREDICTED_RISK])) == [
        ("a", "1", 0.2), ("c", "2", 0.4)]                   # e moved before the ranking; x never moved
    assert set(rows[cal.SOURCE]) == {cal.Source.AUDIT.value}
    assert rows.loc[rows[c.EMPLOYEE_ID] == "a", FAILURE].item() == 1.0


def test_a_move_matches_the_latest_ranking_before_it():
    rankings = [ranking("2020-01-01", "1", "p1", {"a": 0.2}), ranking("2020-04-01", "2", "p1", {"a": 0.7}),
                ranking("2020-07-01", "3", "p1", {"a": 0.9})]                                   # after the move
    rows = cal.audit_cohort(rankings, MOVES, "2023-01-01", SETTINGS)
    assert rows[[cal.VERSION, cal.PREDICTED_RISK]].values.tolist() == [["2", 0.7]]
    assert cal.audit_cohort([], MOVES, "2023-01-01", SETTINGS).empty


def test_unseen_transfers_are_after_the_training_data_with_a_known_label():
    events = MOVES.assign(**{FAILURE: [1.0, np.nan, 0.0, np.nan, 0.0], PERFORMANCE: [3.0, np.nan, 4.0, 3.0, 4.0]})
    got = cal.matured_transfers(events, "2020-04-01")
    assert sorted(got[c.EMPLOYEE_ID]) == ["a", "d"]           # b: nothing known yet; c, e: seen in training


def test_errors_of_both_signs_add_up_in_the_ece():
    rows = pd.concat([cohort("1", 100, risk=0.1, failures=20, predicted=4.0, realised=4.0),      # under
                      cohort("1", 100, risk=0.5, failures=30, predicted=4.0, realised=4.0)])     # over
    got = cal.calibrate_version("1", rows)
    assert got.ece == pytest.approx(0.5 * 0.1 + 0.5 * 0.2)
    assert got.reliability["bin"].tolist() == [1, 5]
