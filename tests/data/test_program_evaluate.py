"""``evaluate_program`` end to end on a simulated province with a known programme effect
(:mod:`simulator.program`, ``set``: a dip then recovery, deeper into another domain, and a
province-wide rating drift), moves picked at random among the eligible (``selection_bias=0``:
the design's assumption; with managers preferring a good last appraisal the estimate is pulled
up, see bench.program_coverage): the estimates meet the truth the simulator recorded, the
groups come apart the way the set profiles do, the naive before/after is off by the drift, and
the report's parts and notices follow the data given."""

import dataclasses

import pandas as pd
import pytest

from features import columns as c
from features import program_panel as pp
from features.io import dataset_from_tables
from features.program_moves import first_moves, recently_moved
from serving.program.did import group_panel, truth_of
from serving.program.evaluate import evaluate_program, top_ranked, window_of
from serving.program.results import DidSettings, Notice, Outcome, Split
from simulator import simulate
from simulator.program import SET, program_settings

pytestmark = pytest.mark.data
SETTINGS = DidSettings()
WIDE = 3.0     # a fixed-seed test checks within 3 SE: at 1.96 it would fail one seed in twenty by chance;
#                the coverage rates of the 95% CIs over seeds are bench.program_coverage's job


def within(estimate, value: float) -> bool:
    return abs(estimate.estimate - value) <= WIDE * estimate.std_error


@pytest.fixture(scope="module")
def sim():
    return simulate(n_employees=2500, seed=4, program=program_settings(SET), selection_bias=0.0)


@pytest.fixture(scope="module")
def dataset(sim):
    return dataset_from_tables(sim.tables)


@pytest.fixture(scope="module")
def evaluation(dataset):
    return evaluate_program(dataset)


@pytest.fixture(scope="module")
def panel(dataset):
    window = window_of(dataset, None, None)
    return pp.employee_panel(dataset, window.periods, first_moves(dataset, window), recently_moved(dataset, window))


def test_every_outcome_placebo_groups_and_service_are_estimated(evaluation):
    assert {r.outcome for r in evaluation.main} == {o.value for o in
                                                     (Outcome.APPRAISAL, Outcome.BEHAVIOR, Outcome.SANCTION, Outcome.EXIT)}
    assert evaluation.placebo is not None and evaluation.satisfaction is not None
    assert {r.split for r in evaluation.splits} == {Split.MATCH.value, Split.GAP.value, Split.MOVE_TYPE.value}
    assert [d.indicator for d in evaluation.service] == ["ikm"]
    assert Notice.NO_AUDIT_LOG.value in evaluation.notices and Notice.EXIT_SURVIVAL.value in evaluation.notices
    assert evaluation.data["moved"] + evaluation.data["never_moved"] == evaluation.data["employees"]


def test_the_appraisal_estimate_covers_the_recorded_truth(evaluation, panel, sim):
    appraisal = next(r for r in evaluation.main if r.outcome == Outcome.APPRAISAL.value)
    truth = truth_of(panel, sim.program_truth.appraisal, SETTINGS, outcome=Outcome.APPRAISAL.value)
    assert within(appraisal.att, truth)
    assert truth < 0                                       # the set profile's dip outweighs the recovery in 0..4
    assert within(evaluation.placebo.att, 0.0)


def test_groups_come_apart_as_the_set_profiles_do(evaluation, panel, sim):
    match = {r.group: r for r in evaluation.splits if r.split == Split.MATCH.value}
    assert match[pp.OTHER].att.estimate < match[pp.OWN].att.estimate
    for group, result in match.items():
        truth = truth_of(group_panel(panel, pp.MATCH, group, SETTINGS), sim.program_truth.appraisal, SETTINGS,
                         outcome=Outcome.APPRAISAL.value)
        assert within(result.att, truth), group


def test_the_naive_comparison_carries_the_rating_drift(evaluation, panel, sim):
    appraisal = next(r for r in evaluation.main if r.outcome == Outcome.APPRAISAL.value)
    truth = truth_of(panel, sim.program_truth.appraisal, SETTINGS, outcome=Outcome.APPRAISAL.value)
    # ratings rise every year for everyone: after − before sees that rise as an effect of the move
    assert appraisal.naive.estimate - truth > WIDE * appraisal.att.std_error
    assert appraisal.naive.estimate > appraisal.att.estimate


def test_service_dose_follows_the_set_lags(evaluation, sim):
    dose = evaluation.service[0]
    truth = sim.program_truth.service.set_index("lag")["effect"]
    for event in dose.events:
        if event.event_time >= 0 and not event.reference:
            expected = float(truth.get(event.event_time, 0.0))
            assert within(event.effect, expected), event.event_time


def test_followed_split_appears_with_rankings_of_the_posts_moved_into(dataset, panel):
    moves = first_moves(dataset, window_of(dataset, None, None))
    picked = moves.sample(frac=0.5, random_state=0)
    rankings = [{"position_id": row[c.POSITION_ID], "as_of": str((row[pp.MOVE_DATE] - pd.Timedelta(days=30)).date()),
                 "results": [{"rank": 1, "employee_id": row[c.EMPLOYEE_ID] if i % 2 else "nobody"}]}
                for i, (_, row) in enumerate(picked.iterrows())]
    assert set(top_ranked(rankings)[c.EMPLOYEE_ID]) >= {"nobody"}
    found = evaluate_program(dataset, rankings=rankings, settings=dataclasses.replace(SETTINGS, min_treated=20))
    followed = {r.group for r in found.splits if r.split == Split.FOLLOWED.value}
    assert followed == {pp.YES, pp.NO} and Notice.NO_AUDIT_LOG.value not in found.notices
    # a ranking of a post also judges anyone else moved into it within the year after it
    assert found.data["followed_known"] >= len(picked)


def test_a_window_limits_periods_and_leaves_out_the_recently_moved(dataset):
    found = evaluate_program(dataset, since=pd.Timestamp("2018-01-01"), until=pd.Timestamp("2024-12-31"))
    assert found.periods == tuple(range(2018, 2025))
    whole = evaluate_program(dataset)
    assert found.data["employees"] < whole.data["employees"]


def test_by_unit_keeps_the_largest_groups(dataset):
    found = evaluate_program(dataset, by=Split.UNIT, settings=dataclasses.replace(SETTINGS, min_treated=10))
    units = [r for r in found.splits if r.split == Split.UNIT.value]
    assert 0 < len(units) <= 12
    assert all(r.n_treated >= 10 for r in units)


def test_the_simulator_s_truth_is_shown_beside_each_estimate(dataset, panel, sim):
    truth = {"appraisal": sim.program_truth.appraisal, "satisfaction": sim.program_truth.satisfaction,
             "service": sim.program_truth.service}
    found = evaluate_program(dataset, truth=truth)
    appraisal = next(r for r in found.main if r.outcome == Outcome.APPRAISAL.value)
    assert appraisal.truth == pytest.approx(truth_of(panel, sim.program_truth.appraisal, SETTINGS,
                                                     outcome=Outcome.APPRAISAL.value))
    assert all(r.truth is None for r in found.main if r.outcome != Outcome.APPRAISAL.value)   # not simulated
    assert found.placebo.truth == 0.0
    for r in found.splits:
        column = {Split.MATCH.value: pp.MATCH, Split.GAP.value: pp.GAP, Split.MOVE_TYPE.value: pp.MOVE_GROUP}[r.split]
        assert r.truth == pytest.approx(truth_of(group_panel(panel, column, r.group, SETTINGS),
                                                 sim.program_truth.appraisal, SETTINGS, outcome=r.outcome))
    lags = sim.program_truth.service.set_index("lag")["effect"]
    expected = sum(float(lags.get(k, 0.0)) for k in range(SETTINGS.dose_lags + 1)) / (SETTINGS.dose_lags + 1)
    assert found.service[0].truth == pytest.approx(expected)
    assert evaluate_program(dataset).main[0].truth is None                   # real data: no truth
