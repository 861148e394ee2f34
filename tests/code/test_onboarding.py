"""The onboarding plan of transferees on the simulated province, checked against the raw
tables and against a direct call of the training recommender: gaps, trainings, JP,
mentors and check-ins."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.followup import MOVE_DATE, transferees
from features.names import AS_OF
from serving.context import ServingContext
from serving.onboarding import (
    JP_WINDOW_MONTHS,
    MENTOR_STATUS,
    SETTLED_MONTHS,
    NoMentor,
    OnboardingSettings,
    TrainingStep,
    check_ins,
    covering_trainings,
    gap_matrix,
    mentor_candidates,
    next_check_in,
    onboarding_plans,
    scoring_rows,
)
from serving.recommend import recommend, rescore

from synthetic_bundle import synthetic_bundle

SETTINGS = OnboardingSettings()


@pytest.fixture(scope="module")
def setup(province):
    context = ServingContext.from_dataset(province)
    as_of = context.default_as_of - pd.DateOffset(months=5)
    bundle = synthetic_bundle(province.training_catalog)
    looks = transferees(province, as_of)
    plans = onboarding_plans(context, bundle, looks, as_of, SETTINGS)
    return context, bundle, looks, as_of, plans


def latest_levels(dataset, employee_id: str, as_of) -> dict[str, float]:
    rows = dataset.competency_assessments
    rows = rows[(rows[c.EMPLOYEE_ID] == employee_id) & (rows[c.ASSESSED_DATE] < as_of)]
    rows = rows.sort_values(c.ASSESSED_DATE)
    return dict(zip(rows[c.COMPETENCY_CODE], rows[c.LEVEL]))          # later rows overwrite earlier ones


def test_one_plan_per_transferee(setup):
    _, _, looks, _, plans = setup
    assert len(looks) > 20
    assert set(plans) == set(looks.rows[c.EMPLOYEE_ID])
    for row in looks.rows.itertuples():
        assert plans[row.employee_id].position_id == row.position_id


def test_gaps_are_the_standard_against_the_latest_levels(setup):
    context, _, looks, as_of, plans = setup
    standards = context.dataset.position_competencies
    missing_seen = below_seen = 0
    for row in looks.rows.itertuples():
        levels = latest_levels(context.dataset, row.employee_id, as_of)
        standard = standards[standards[c.POSITION_ID] == row.position_id]
        expected = {}
        for code, required in zip(standard[c.COMPETENCY_CODE], standard[c.REQUIRED_LEVEL]):
            level = levels.get(code)
            if level is None or level < required:
                expected[code] = (float(required), level)
        got = {gap.competency_code: (gap.required_level, gap.level) for gap in plans[row.employee_id].gaps}
        assert got == expected, row.employee_id
        missing_seen += sum(level is None for _, level in got.values())
        below_seen += sum(level is not None for _, level in got.values())
    assert missing_seen and below_seen


def test_gap_matrix_on_a_tiny_frame():
    required = np.array([[3.0, np.nan, 2.0, 4.0]])
    levels = np.array([[2.5, 1.0, np.nan, 4.0]])
    got = gap_matrix(required, levels)
    assert got[0, 0] == 3.0 and got[0, 2] == 2.0
    assert np.isnan(got[0, 1]) and np.isnan(got[0, 3])


def test_trainings_are_the_recommenders_best_gap_covering_ones(setup):
    context, bundle, looks, as_of, plans = setup
    rows = scoring_rows(context, looks, as_of)
    assert (pd.to_datetime(rows[AS_OF]) == looks.rows[MOVE_DATE].to_numpy()).all()    # scored at the move
    compared = 0
    for i, row in enumerate(looks.rows.itertuples()):
        plan = plans[row.employee_id]
        assert all(step.expected_risk_change < 0 for step in plan.trainings)
        gap_codes = {gap.competency_code for gap in plan.gaps}
        assert all(set(step.competency_codes) <= gap_codes and step.competency_codes for step in plan.trainings)
        if any(gap.level is None for gap in plan.gaps):
            continue                          # the recommender leaves never-assessed codes out
        one = rows.take(np.array([i]))
        base = rescore(bundle, one, context.positions, row.position_id)
        recs, _ = recommend(bundle, one, context.positions, row.position_id, context.catalog_index,
                            base.risk, base.performance, top=10**6)[0]
        steps = [TrainingStep(r.training_code, r.name, r.hours or 0.0, tuple(r.competencies),
                              r.expected_risk_change) for r in recs]
        expected = covering_trainings(steps, SETTINGS.max_trainings)
        assert [(t.training_code, t.expected_risk_change) for t in plan.trainings] == \
            [(t.training_code, t.expected_risk_change) for t in expected], row.employee_id
        compared += bool(expected)
    assert compared >= 3


def test_covering_keeps_only_trainings_that_add_a_code():
    step = lambda code, codes, change: TrainingStep(code, code, 10.0, codes, change)  # noqa: E731
    ranked = [step("a", ("m.01",), -0.05), step("b", ("m.01",), -0.04), step("c", ("m.01", "m.02"), -0.03),
              step("d", ("m.03",), -0.02), step("e", ("m.04",), -0.01)]
    assert [t.training_code for t in covering_trainings(ranked, 3)] == ["a", "c", "d"]
    assert [t.training_code for t in covering_trainings(ranked, 1)] == ["a"]


def test_jp_hours(setup):
    context, _, looks, as_of, plans = setup
    trainings = context.dataset.trainings
    since = as_of - pd.DateOffset(months=JP_WINDOW_MONTHS)
    some_done = 0
    for employee_id, plan in plans.items():
        mine = trainings[trainings[c.EMPLOYEE_ID] == employee_id]
        done = float(mine.loc[(mine[c.END_DATE] >= since) & (mine[c.END_DATE] < as_of), c.HOURS].sum())
        assert plan.jp_last_12_months == pytest.approx(done)
        assert plan.jp_planned == pytest.approx(sum(step.hours for step in plan.trainings))
        assert plan.jp_short == pytest.approx(max(0.0, SETTINGS.jp_per_year - done - plan.jp_planned))
        some_done += done > 0
    assert some_done


def test_check_in_dates():
    dates = check_ins(pd.Timestamp("2024-01-31"), (1, 3, 6, 12))
    assert dates == tuple(pd.Timestamp(d) for d in ("2024-02-29", "2024-04-30", "2024-07-31", "2025-01-31"))
    assert next_check_in(dates, pd.Timestamp("2024-04-30")) == pd.Timestamp("2024-04-30")
    assert next_check_in(dates, pd.Timestamp("2024-05-01")) == pd.Timestamp("2024-07-31")
    assert next_check_in(dates, pd.Timestamp("2025-02-01")) is None


def test_plans_carry_the_check_ins_of_their_move(setup):
    _, _, looks, as_of, plans = setup
    upcoming = 0
    for row in looks.rows.itertuples():
        plan = plans[row.employee_id]
        move = getattr(row, MOVE_DATE)
        assert plan.check_ins == tuple(move + pd.DateOffset(months=m) for m in SETTINGS.check_in_months)
        later = [d for d in plan.check_ins if d >= as_of]
        assert plan.next_check_in == (min(later) if later else None)
        upcoming += plan.next_check_in is not None
    assert upcoming


def _held_post(dataset, employee_id: str, as_of) -> tuple[str | None, pd.Timestamp | None]:
    rows = dataset.assignments[(dataset.assignments[c.EMPLOYEE_ID] == employee_id)
                               & (dataset.assignments[c.START_DATE] < as_of)].sort_values(c.START_DATE)
    if not len(rows) or (pd.notna(rows[c.END_DATE].iloc[-1]) and rows[c.END_DATE].iloc[-1] < as_of):
        return None, None
    return rows[c.POSITION_ID].iloc[-1], rows[c.START_DATE].iloc[-1]


def _grade_rank(dataset, employee_id: str, as_of) -> int:
    rows = dataset.grades[(dataset.grades[c.EMPLOYEE_ID] == employee_id) & (dataset.grades[c.EFFECTIVE_DATE] < as_of)]
    return v.GRADE_RANK[rows.sort_values(c.EFFECTIVE_DATE)[c.GRADE].iloc[-1]]


def test_mentors_meet_the_rules(setup):
    context, _, _, as_of, plans = setup
    data = context.dataset
    unit = data.positions.set_index(c.POSITION_ID)[c.UNIT_ID]
    domain = data.positions.set_index(c.POSITION_ID)[c.DOMAIN]
    status = data.employees.set_index(c.EMPLOYEE_ID)[c.EMPLOYMENT_STATUS]
    exits = data.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]
    rules = SETTINGS.mentors
    load = Counter()
    for employee_id, plan in plans.items():
        assert (plan.mentor is None) == (plan.no_mentor is not None)
        if plan.mentor is None:
            continue
        mentor = plan.mentor
        load[mentor.employee_id] += 1
        post, start = _held_post(data, mentor.employee_id, as_of)
        assert mentor.employee_id != employee_id and post == mentor.position_id
        assert unit[post] == unit[plan.position_id] and domain[post] == domain[plan.position_id]
        assert start <= as_of - pd.DateOffset(months=SETTLED_MONTHS)
        assert status[mentor.employee_id] == MENTOR_STATUS
        assert mentor.employee_id not in exits or exits[mentor.employee_id] >= as_of
        assert v.GRADE_RANK[mentor.grade] == _grade_rank(data, mentor.employee_id, as_of)
        assert v.GRADE_RANK[mentor.grade] >= _grade_rank(data, employee_id, as_of) + rules.min_grade_steps
        levels = latest_levels(data, mentor.employee_id, as_of)
        required = {gap.competency_code: gap.required_level for gap in plan.gaps}
        assert mentor.strengths and set(mentor.strengths) <= set(required)
        assert all(levels[code] >= required[code] + rules.strength_margin for code in mentor.strengths)
        assert mentor.display_name == context.display_names.get(mentor.employee_id)
    assert load and max(load.values()) <= rules.max_mentees


def test_a_lower_capacity_leaves_mentees_at_capacity(setup):
    context, bundle, looks, as_of, plans = setup
    one_each = OnboardingSettings(mentors=type(SETTINGS.mentors)(max_mentees=1))
    tight = onboarding_plans(context, bundle, looks, as_of, one_each)
    assert Counter(p.mentor.employee_id for p in tight.values() if p.mentor).most_common(1)[0][1] == 1
    with_mentor = sum(p.mentor is not None for p in plans.values())
    assert sum(p.mentor is not None for p in tight.values()) <= with_mentor
    assert any(p.no_mentor is NoMentor.ALL_AT_CAPACITY for p in tight.values())
    for employee_id, plan in tight.items():
        if plans[employee_id].no_mentor is NoMentor.NO_CANDIDATE:
            assert plan.no_mentor is NoMentor.NO_CANDIDATE           # the candidates do not depend on capacity


def test_candidates_are_pns_at_work(setup):
    context, _, _, as_of, plans = setup
    now = context.snapshot(as_of).set_index(c.EMPLOYEE_ID)
    codes = tuple(context.positions.standards.columns)
    before = set(mentor_candidates(context, now, codes, as_of).ids)
    mentors = sorted({p.mentor.employee_id for p in plans.values() if p.mentor})
    assert len(mentors) >= 2 and set(mentors) <= before
    changed = now.copy()
    changed.loc[mentors[0], c.EMPLOYMENT_STATUS] = "pppk"
    changed.loc[mentors[1], s.status_column("tugas_belajar")] = 1.0
    after = set(mentor_candidates(context, changed, codes, as_of).ids)
    assert after == before - set(mentors[:2])
