"""Training uplift on hand-made assessments whose level gains are known: the regression
recovers the gain per training, counts only trainings between the two assessments, clips
to [0, MAX_UPLIFT] and falls back to the default without evidence; on a panel where the
low assessed are trained (and levels regress to the mean) the naive estimate is biased
and the adjusted one recovers the gain."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from models.bundle import POOLED_UPLIFT
from training.uplift import GAP, MAX_UPLIFT, SHORT, START_LEVEL, UpliftMethod, assessment_pairs, estimate_uplift

pytestmark = pytest.mark.code

CODE, TRAINING = "t.keuangan", "keu01"          # keu01 develops t.keuangan in the tiny catalog
PER_YEAR = 0.1                                  # level drift per year, without training
EMPLOYEES = 12


def with_gain(tiny, gain: float, trained: bool = True):
    """Employee i is assessed in 2012 and again 1 + i % 3 years later; in between they
    complete i % 4 trainings (none when not ``trained``), and one more before the first
    assessment, which must not count. Level change = PER_YEAR * years + gain * trainings."""
    assessments, trainings = [], []
    for i in range(EMPLOYEES):
        emp, years, n = f"x{i}", 1 + i % 3, (i % 4 if trained else 0)
        first, second = pd.Timestamp("2012-01-15"), pd.Timestamp(f"{2012 + years}-01-15")
        assessments += [{c.EMPLOYEE_ID: emp, c.ASSESSED_DATE: first, c.COMPETENCY_CODE: CODE, c.LEVEL: 2.0},
                        {c.EMPLOYEE_ID: emp, c.ASSESSED_DATE: second, c.COMPETENCY_CODE: CODE,
                         c.LEVEL: 2.0 + PER_YEAR * years + gain * n}]
        trainings.append({c.EMPLOYEE_ID: emp, c.END_DATE: pd.Timestamp("2011-06-01"), c.TRAINING_CODE: TRAINING,
                          c.HOURS: 40.0})
        trainings += [{c.EMPLOYEE_ID: emp, c.END_DATE: first + pd.Timedelta(days=30 * (k + 1)),
                       c.TRAINING_CODE: TRAINING, c.HOURS: 40.0} for k in range(n)]
    return dataclasses.replace(tiny, competency_assessments=pd.DataFrame(assessments),
                               trainings=pd.DataFrame(trainings))


def test_pairs_count_only_trainings_between_the_assessments(tiny):
    pairs = assessment_pairs(with_gain(tiny, 0.4)).set_index(c.EMPLOYEE_ID)
    assert len(pairs) == EMPLOYEES
    assert pairs.loc["x5", "trainings"] == 1 and pairs.loc["x5", "years"] == pytest.approx(3, abs=0.01)
    assert pairs["trainings"].to_dict() == {f"x{i}": i % 4 for i in range(EMPLOYEES)}


def test_known_gain_is_recovered(tiny):
    # one competency, exact data: its own estimate and the pooled one are both the gain
    uplift = estimate_uplift(with_gain(tiny, 0.4))
    assert uplift == {POOLED_UPLIFT: pytest.approx(0.4, abs=1e-3), CODE: pytest.approx(0.4, abs=1e-3)}


def test_gains_are_clipped_to_the_allowed_range(tiny):
    assert estimate_uplift(with_gain(tiny, 2 * MAX_UPLIFT))[CODE] == pytest.approx(MAX_UPLIFT)
    assert estimate_uplift(with_gain(tiny, -0.5))[CODE] == pytest.approx(0.0)


def test_no_training_evidence_falls_back_to_the_default(tiny):
    uplift = estimate_uplift(with_gain(tiny, 0.4, trained=False), default=0.25)
    assert uplift == {POOLED_UPLIFT: 0.25}


GAIN, REQUIRED, NOISE = 0.25, 3.0, 0.3


def selected_panel(tiny, n_employees: int = 3000, seed: int = 13):
    """Employees in post p1 (standard REQUIRED for CODE) with true level c ~ N(3, 0.5) are
    assessed as c + noise in 2012 and again 1-3 years later; those whose first assessed
    level is below the standard are sent to training far more often (selection on what
    was assessed). True change: 0.1 x (5 - c) per year (slower near the top) plus GAIN per
    training, so a low first assessment is partly bad luck that the second one undoes."""
    rng = np.random.default_rng(seed)
    true = rng.normal(3.0, 0.5, n_employees)
    years = rng.integers(1, 4, n_employees)
    first_level = true + NOISE * rng.standard_normal(n_employees)
    n = rng.poisson(np.where(first_level < REQUIRED, 1.0, 0.15))
    second_level = true + 0.1 * (5 - true) * years + GAIN * n + NOISE * rng.standard_normal(n_employees)
    emp = np.array([f"s{i}" for i in range(n_employees)], dtype=object)
    first = pd.Timestamp("2012-01-15")
    second = pd.to_datetime([f"{2012 + y}-01-15" for y in years])
    assessments = pd.DataFrame({
        c.EMPLOYEE_ID: np.concatenate([emp, emp]), c.ASSESSED_DATE: np.concatenate([[first] * n_employees, second]),
        c.COMPETENCY_CODE: CODE, c.LEVEL: np.concatenate([first_level, second_level])})
    owner = np.repeat(np.arange(n_employees), n)
    nth = np.concatenate([np.arange(k) for k in n]) if n.sum() else np.zeros(0, dtype=int)
    trainings = pd.DataFrame({c.EMPLOYEE_ID: emp[owner], c.END_DATE: first + pd.to_timedelta(30 * (nth + 1), unit="D"),
                              c.TRAINING_CODE: TRAINING, c.HOURS: 40.0})
    assignments = pd.DataFrame({c.EMPLOYEE_ID: emp, c.START_DATE: pd.Timestamp("2005-01-01"), c.POSITION_ID: "p1",
                                c.END_DATE: pd.NaT, "move_type": "initial"})
    standards = pd.DataFrame({c.POSITION_ID: ["p1"], c.COMPETENCY_CODE: [CODE], c.REQUIRED_LEVEL: [REQUIRED]})
    return dataclasses.replace(tiny, competency_assessments=assessments, trainings=trainings,
                               assignments=assignments, position_competencies=standards)


def test_pairs_carry_the_shortfall_at_the_first_assessment(tiny):
    pairs = assessment_pairs(selected_panel(tiny, n_employees=200))
    expected = np.maximum(REQUIRED - pairs[START_LEVEL], 0.0)
    assert np.allclose(pairs[GAP], expected) and (pairs[SHORT] == (expected > 0)).all()


def test_adjusted_uplift_recovers_the_gain_where_the_naive_one_is_biased(tiny):
    panel = selected_panel(tiny)
    naive = estimate_uplift(panel, method=UpliftMethod.NAIVE)[CODE]
    adjusted = estimate_uplift(panel, method=UpliftMethod.ADJUSTED)[CODE]
    assert naive > GAIN + 0.08                      # selection + regression to the mean, credited to training
    assert adjusted == pytest.approx(GAIN, abs=0.04)  # about 3.5 standard errors at 3,000 employees
