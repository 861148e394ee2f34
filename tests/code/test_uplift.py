"""Training uplift on hand-made assessments whose level gains are known exactly: the
regression recovers the gain per training, counts only trainings between the two
assessments, clips to [0, MAX_UPLIFT] and falls back to the default without evidence."""

import dataclasses

import pandas as pd
import pytest

from features import columns as c
from models.bundle import POOLED_UPLIFT
from training.uplift import MAX_UPLIFT, assessment_pairs, estimate_uplift

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
