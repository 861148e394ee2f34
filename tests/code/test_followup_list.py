"""The follow-up list (serving.followup): the warnings' rules on tiny hand-made frames,
then on the simulated province (400 employees) with a synthetic ranker bundle, with and
without its post-transfer model: exactly the transferees of the window, both risks from
their own paths, warnings when and only when their conditions hold, the watchlist order,
filters and their errors, the fallback without a post-transfer model, reasons that add up
to the risk, and the files."""

import csv
import dataclasses
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from features import columns as c
from features import followup as fu
from features import vocab as v
from features.training_table import move_features
from models.scoring import score_candidates
from serving.context import ServingContext
from serving.errors import RankingError
from serving.followup import EarlyWarning, FollowupNotice, FollowupSettings, follow_up
from serving.followup_export import COLUMNS, export_bytes, file_name
from serving.followup_watch import latest_surveys, probability_points, scored, warning_flags
from serving.followup_words import describe, labelled

from synthetic_bundle import synthetic_bundle, synthetic_followup

pytestmark = pytest.mark.code
T = pd.Timestamp("2026-01-01")
W = EarlyWarning


# --- tiny frames -------------------------------------------------------------------------------


def survey_frame(satisfaction, stay) -> pd.DataFrame:
    return pd.DataFrame({c.SATISFACTION: np.asarray(satisfaction, dtype="float64"),
                         c.WANTS_TO_STAY: pd.array(stay, dtype="boolean")})


def test_each_warning_fires_when_and_only_when_its_condition_holds():
    settings = FollowupSettings(risk_threshold=0.3, risk_rise=0.1, appraisal_drop=1.0, unhappy_satisfaction=2)
    at_decision = np.array([0.10, 0.10, 0.25, 0.40, 0.20, 0.20])
    now = np.array([0.29, 0.30, 0.35, 0.35, 0.20, np.nan])
    change = np.array([-1.0, -0.99, np.nan, 0.0, -2.0, 1.0])
    survey = survey_frame([2, 3, np.nan, 1, 5, 4], [True, False, None, None, True, None])
    flags = warning_flags(np.nan_to_num(now), at_decision, now, change, survey, settings)
    assert flags[W.RISK_HIGH].tolist() == [False, True, True, True, False, False]
    assert flags[W.RISK_ROSE].tolist() == [True, True, True, False, False, False]
    assert flags[W.APPRAISAL_FELL].tolist() == [True, False, False, False, True, False]
    assert flags[W.SURVEY_UNHAPPY].tolist() == [True, False, False, True, False, False]
    assert flags[W.SURVEY_WANTS_TO_LEAVE].tolist() == [False, True, False, False, False, False]
    # without a post-transfer model nothing can rise; the risk watched is the decision's
    alone = warning_flags(at_decision, at_decision, None, change, survey, settings)
    assert not alone[W.RISK_ROSE].any() and alone[W.RISK_HIGH].tolist() == [False, False, False, True, False, False]


def test_the_latest_survey_since_the_move_and_before_the_check_counts():
    looks = fu.Looks(pd.DataFrame({c.EMPLOYEE_ID: ["a", "b", "c"], c.POSITION_ID: ["p", "p", "p"],
                                   fu.MOVE_DATE: pd.to_datetime(["2025-01-01"] * 3), fu.CHECK_DATE: [T] * 3}))
    surveys = pd.DataFrame({          # c: only before the move; b's last one is on the check day (not before it)
        c.EMPLOYEE_ID: ["a", "a", "a", "b", "b", "c"],
        c.SURVEY_DATE: pd.to_datetime(["2024-12-31", "2025-03-01", "2025-09-01", "2025-06-01", "2026-01-01",
                                       "2024-12-31"]),
        c.SATISFACTION: [1, 2, 4, 1, 5, 1],
        c.WANTS_TO_STAY: pd.array([False, None, True, False, True, False], dtype="boolean"),
        c.COMMENT: [None, "x", "y", None, None, None]})
    got = latest_surveys(surveys, looks)
    assert got[c.SATISFACTION].tolist()[:2] == [4.0, 1.0] and np.isnan(got[c.SATISFACTION].iat[2])
    assert got[c.WANTS_TO_STAY].tolist()[:2] == [True, False] and got[c.COMMENT].iat[0] == "y"


def test_every_post_transfer_input_has_words():
    model = synthetic_followup(n=200)
    for feature in model.spec.features:
        assert labelled(feature), feature
    row = {fu.SCORE_CHANGE_SINCE_MOVE: -2.0}
    assert describe(fu.SCORE_CHANGE_SINCE_MOVE, -2.0, row, "en") == "SKP score changed by \u22122 since the move"
    assert describe(fu.LAST_SCORE_SINCE_MOVE, None, {}, "id") == "Belum ada SKP di jabatan baru"


def test_probability_points_add_up_to_the_risk():
    model = synthetic_followup(n=400)
    x = model.matrix(synthetic_followup.__globals__["random_features"](50, seed=3).assign(
        **{name: 0.5 for name in fu.SINCE_MOVE_FEATURES}))
    raw = model.contributions(x)
    points = probability_points(raw, model.to_probability)
    assert np.allclose(points.sum(axis=1) + model.to_probability(raw[:, -1]), model.predict_matrix(x), atol=1e-9)
    assert (np.sign(points) == np.sign(raw[:, :-1])).all()


# --- the province ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context(province) -> ServingContext:
    return ServingContext.from_dataset(province)


@pytest.fixture(scope="module")
def bare(province):
    """A ranker bundle without a post-transfer model (as trained before it)."""
    return synthetic_bundle(province.training_catalog, n=1500)


@pytest.fixture(scope="module")
def bundle(bare):
    return dataclasses.replace(bare, followup=synthetic_followup(n=1500))


@pytest.fixture(scope="module")
def whole(context, bundle):
    return follow_up(context, bundle, T)


def expected_transferees(dataset, t: pd.Timestamp, months: int) -> set[str]:
    """Held at ``t`` a post begun by a move (not initial) within ``months``, not exited."""
    a = dataset.assignments
    a = a[a[c.START_DATE] < t].sort_values([c.EMPLOYEE_ID, c.START_DATE]).groupby(c.EMPLOYEE_ID).tail(1)
    a = a.set_index(c.EMPLOYEE_ID)
    held = a[c.END_DATE].isna() | (a[c.END_DATE] >= t)
    moved = (a[c.MOVE_TYPE] != v.INITIAL_MOVE) & (a[c.START_DATE] >= t - pd.DateOffset(months=months))
    exited = set(dataset.exits.loc[dataset.exits[c.EXIT_DATE] < t, c.EMPLOYEE_ID])
    return {e for e in a.index[held & moved] if e not in exited}


def test_the_list_holds_exactly_the_transferees_of_the_window(context, bundle, whole):
    assert {e.employee_id for e in whole.entries} == expected_transferees(context.dataset, T, 24)
    assert whole.transferees == whole.matching == len(whole.entries) > 20
    short = follow_up(context, bundle, T, FollowupSettings(months=6))
    assert {e.employee_id for e in short.entries} == expected_transferees(context.dataset, T, 6)
    assert all(e.months_since_move <= 6.1 for e in short.entries) and short.transferees < whole.transferees


def test_the_risks_come_from_their_own_models_and_order_the_list(context, bundle, whole):
    entries = whole.entries
    now = [e.risk_now for e in entries]
    assert now == sorted(now, reverse=True) and whole.followup_model and whole.followup_notices == []
    moves = pd.DataFrame({c.EMPLOYEE_ID: [e.employee_id for e in entries],
                          "as_of": pd.to_datetime([e.move_date for e in entries]),
                          c.POSITION_ID: [e.position_id for e in entries]})
    at_move = score_candidates(bundle, move_features(context.sources, context.positions, moves)).risk
    assert np.allclose([e.risk_at_decision for e in entries], at_move, atol=1e-4)
    for e in entries:
        assert e.risk_change == pytest.approx(e.risk_now - e.risk_at_decision, abs=2e-4)
        assert all(r.points > 0 for r in e.raising) and all(r.points < 0 for r in e.lowering)
        assert [r.points for r in e.raising] == sorted((r.points for r in e.raising), reverse=True)
    assert any(r.feature in fu.SINCE_MOVE_FEATURES for e in entries for r in e.raising + e.lowering)


def test_warnings_follow_the_settings_on_real_transferees(context, bundle, whole):
    for e in whole.entries:
        assert (W.RISK_HIGH in e.warnings) == (e.risk_now >= whole.risk_threshold)
        assert (W.RISK_ROSE in e.warnings) == (e.risk_change >= whole.risk_rise - 1e-4)
        fell = e.last_score_since is not None and e.last_score_since - e.last_score_before <= -whole.appraisal_drop
        assert (W.APPRAISAL_FELL in e.warnings) == fell
        survey = e.survey                      # the simulated province's own surveys
        assert (W.SURVEY_UNHAPPY in e.warnings) == (survey is not None and survey.satisfaction <= 2)
        assert (W.SURVEY_WANTS_TO_LEAVE in e.warnings) == (survey is not None and survey.wants_to_stay is False)
    strict = follow_up(context, bundle, T, FollowupSettings(risk_threshold=1.0, risk_rise=1.0, appraisal_drop=4.0,
                                                            unhappy_satisfaction=1))
    assert strict.by_warning[W.RISK_HIGH] == strict.by_warning[W.RISK_ROSE] == strict.by_warning[W.APPRAISAL_FELL] == 0
    assert strict.by_warning[W.SURVEY_UNHAPPY] <= whole.by_warning[W.SURVEY_UNHAPPY]
    assert strict.by_warning[W.SURVEY_WANTS_TO_LEAVE] == whole.by_warning[W.SURVEY_WANTS_TO_LEAVE]
    counted = {code: sum(code in e.warnings for e in whole.entries) for code in W}
    assert whole.by_warning == counted and whole.warned == sum(bool(e.warnings) for e in whole.entries)


def test_a_survey_after_the_move_raises_its_warnings(context, bundle, whole):
    a, b, c_ = (e for e in whole.entries[:3])
    day = lambda e, d: pd.Timestamp(e.move_date) + pd.Timedelta(days=d)  # noqa: E731
    surveys = pd.DataFrame({          # b: only before the move (or on the check day)
        c.EMPLOYEE_ID: [a.employee_id, b.employee_id, b.employee_id, c_.employee_id],
        c.SURVEY_DATE: [day(a, 10), day(b, -5), T, day(c_, 10)],
        c.SATISFACTION: [2, 1, 1, 5], c.WANTS_TO_STAY: pd.array([True, False, False, False], dtype="boolean"),
        c.COMMENT: ["berat", None, None, "rindu rumah"]})
    changed = ServingContext(dataclasses.replace(context.dataset, surveys=surveys), context.sources, context.positions,
                             context.default_as_of)       # surveys are in no source: only the table differs
    follow = {e.employee_id: e for e in follow_up(changed, bundle, T).entries}
    assert W.SURVEY_UNHAPPY in follow[a.employee_id].warnings and W.SURVEY_WANTS_TO_LEAVE not in follow[a.employee_id].warnings
    assert not {W.SURVEY_UNHAPPY, W.SURVEY_WANTS_TO_LEAVE} & set(follow[b.employee_id].warnings)
    assert follow[b.employee_id].survey is None
    assert W.SURVEY_WANTS_TO_LEAVE in follow[c_.employee_id].warnings
    assert W.SURVEY_UNHAPPY not in follow[c_.employee_id].warnings
    assert follow[c_.employee_id].survey.comment == "rindu rumah"
    assert follow[a.employee_id].risk_now == a.risk_now           # a signal, never a model input


def test_filters_narrow_the_list_and_name_the_field(context, bundle, whole):
    unit = whole.units[0]
    narrowed = follow_up(context, bundle, T, unit=unit.unit_id)
    assert {e.unit_id for e in narrowed.entries} == {unit.unit_id}
    assert narrowed.transferees == unit.transferees == len(narrowed.entries) and narrowed.units == [unit]
    code = max(whole.by_warning, key=whole.by_warning.get)
    warned = follow_up(context, bundle, T, warning=str(code), offset=1, limit=2)
    assert warned.matching == whole.by_warning[code] and len(warned.entries) == min(2, warned.matching - 1)
    assert [e.employee_id for e in warned.entries] == [e.employee_id for e in whole.entries if code in e.warnings][1:3]
    assert warned.units == whole.units                             # counts are never narrowed by warning
    for kwargs, field in (({"unit": "nowhere"}, "unit"), ({"warning": "sad"}, "warning"), ({"offset": -1}, "offset"),
                          ({"limit": 0}, "limit"), ({"as_of": "2026-13-01"}, "as_of"),
                          ({"settings": FollowupSettings(months=0)}, "months"),
                          ({"settings": FollowupSettings(risk_threshold=1.5)}, "risk_threshold")):
        with pytest.raises(RankingError) as error:
            follow_up(context, bundle, **{"as_of": T, **kwargs})
        assert error.value.field == field


def test_without_a_post_transfer_model_the_decision_risk_stands_alone(context, bare, whole):
    alone = follow_up(context, bare, T)
    assert not alone.followup_model and alone.followup_notices == [FollowupNotice.NO_FOLLOWUP_MODEL]
    assert {e.employee_id for e in alone.entries} == {e.employee_id for e in whole.entries}
    risks = [e.risk_at_decision for e in alone.entries]
    assert risks == sorted(risks, reverse=True) and all(e.risk_now is None for e in alone.entries)
    assert alone.by_warning[W.RISK_ROSE] == 0
    assert all((W.RISK_HIGH in e.warnings) == (e.risk_at_decision >= alone.risk_threshold) for e in alone.entries)
    reasons = {r.feature for e in alone.entries for r in e.raising + e.lowering}
    assert reasons and reasons <= set(bare.spec.features)


def test_the_scores_are_cached_per_date_window_and_model(context, bundle, bare, whole):
    first = scored(context, bundle, T, FollowupSettings())
    assert scored(context, bundle, T, FollowupSettings(risk_threshold=0.9, unhappy_satisfaction=4)) is first
    assert scored(context, bare, T, FollowupSettings()) is not first
    assert scored(context, bundle, T, FollowupSettings(months=6)) is not first


def test_the_files_hold_every_entry_and_every_planned_training(whole):
    rows = list(csv.reader(io.StringIO(export_bytes(whole, "csv").decode("utf-8-sig"))))
    assert len(rows) == whole.matching + 1 and len(rows[0]) == len(COLUMNS)
    assert [r[2] for r in rows[1:]] == [e.employee_id for e in whole.entries]
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(whole, "xlsx", lang="en")))
    assert book.sheetnames == ["Watchlist", "Trainings", "Check-ins"]
    watch, trainings, check_ins = book.worksheets
    assert watch.max_row == whole.matching + 1
    assert trainings.max_row == 1 + sum(len(e.plan.trainings) for e in whole.entries if e.plan)
    assert check_ins.max_row == 1 + sum(len(e.plan.check_ins) for e in whole.entries if e.plan)
    assert file_name(whole, "xlsx") == f"tindak-lanjut-mutasi-{whole.as_of}.xlsx"


def test_an_empty_window_is_an_empty_list(tiny):
    context = ServingContext.from_dataset(tiny)
    follow = follow_up(context, synthetic_bundle(tiny.training_catalog, n=300), "2023-01-01")
    assert (follow.transferees, follow.warned, follow.entries, follow.units) == (0, 0, [], [])
    assert export_bytes(follow, "csv").decode("utf-8-sig").count("\n") == 1
    assert openpyxl.load_workbook(io.BytesIO(export_bytes(follow, "xlsx"))).worksheets[0].max_row == 1
