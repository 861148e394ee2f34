"""Post-move surveys of the simulator: sent about 3 and 12 months after a transfer while the
post is held, answered by about the set share, less satisfied after moves that failed and
after unwilling relocations; drawn on their own random stream (no other table changes);
and never model features."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import pairs as p
from features import vocab as v
from features.followup import FOLLOWUP_FEATURES
from features.io import load_dataset
from features.model_inputs import FEATURES
from features.names import AS_OF, FAILURE
from features.schema import SPECS
from features.timeline import LAST_DAY, dataset_end, stints
from features.training_table import build_training_table
from simulator import Simulation, SurveySettings, simulate, write_simulation
from simulator.program import ProgramSettings
from simulator.surveys import DAYS_PER_MONTH, FAR_FROM_HOME, HAPPY, NEUTRAL, UNHAPPY

pytestmark = pytest.mark.data

SETTINGS = SurveySettings()
POST_MOVE_ONLY = ProgramSettings(survey_share=0.0)      # no yearly staff survey (simulator.staff_survey)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The shared province without the yearly staff survey: its surveys are the post-move ones."""
    sim = simulate(n_employees=400, seed=5, program=POST_MOVE_ONLY)
    return load_dataset(write_simulation(sim, tmp_path_factory.mktemp("sim") / "province"))
MONTH_DAYS = {m: m * DAYS_PER_MONTH for m in SETTINGS.months}


@pytest.fixture(scope="module")
def table(province) -> pd.DataFrame:
    return build_training_table(province)


@pytest.fixture(scope="module")
def answered(province, table) -> pd.DataFrame:
    """Each survey with the transfer it follows (the latest one begun before it)."""
    surveys = province.surveys.sort_values(c.SURVEY_DATE)
    events = table[[c.EMPLOYEE_ID, AS_OF, FAILURE, p.RELOCATION, p.RELOCATION_UNWILLING]].sort_values(AS_OF)
    joined = pd.merge_asof(surveys, events, left_on=c.SURVEY_DATE, right_on=AS_OF, by=c.EMPLOYEE_ID,
                           direction="backward")
    assert joined[AS_OF].notna().all(), "a survey before any transfer"
    return joined


def test_surveys_follow_transfers_while_the_post_is_held(province):
    surveys = province.surveys
    assert len(surveys) > 300
    assert surveys[c.SATISFACTION].between(v.MIN_SATISFACTION, v.MAX_SATISFACTION).all()
    held = stints(province).sort_values(c.START_DATE)
    joined = pd.merge_asof(surveys.sort_values(c.SURVEY_DATE), held, left_on=c.SURVEY_DATE,
                           right_on=c.START_DATE, by=c.EMPLOYEE_ID, direction="backward")
    assert (joined[c.MOVE_TYPE] != v.INITIAL_MOVE).all()
    assert (joined[LAST_DAY].isna() | (joined[LAST_DAY] >= joined[c.SURVEY_DATE])).all()
    exits = province.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE].reindex(joined[c.EMPLOYEE_ID]).to_numpy()
    assert not (pd.notna(exits) & (exits <= joined[c.SURVEY_DATE].to_numpy())).any()
    assert (joined[c.SURVEY_DATE] <= dataset_end(province)).all()
    after = (joined[c.SURVEY_DATE] - joined[c.START_DATE]).dt.days
    near = np.column_stack([(after - days).abs() <= SETTINGS.jitter_days + 1 for days in MONTH_DAYS.values()])
    assert near.any(axis=1).all()
    assert near.all(axis=0).sum() == 0 and near.any(axis=0).all()       # both waves happen, never both at once


def test_about_the_response_rate_answer(province):
    """Of the transfers whose post was held past the last wave, in service and within the
    data, about ``response_rate`` answered the 12-month survey."""
    end = dataset_end(province)
    last = max(SETTINGS.months)
    days = MONTH_DAYS[last] + SETTINGS.jitter_days + 1
    moved = stints(province)
    moved = moved[moved[c.MOVE_TYPE] != v.INITIAL_MOVE]
    exit_day = province.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE].reindex(moved[c.EMPLOYEE_ID]).to_numpy()
    reach = moved[c.START_DATE] + pd.Timedelta(days=days)
    sure = ((moved[LAST_DAY].isna() | (moved[LAST_DAY] >= reach)) & (reach <= end)
            & ~(pd.notna(exit_day) & (exit_day <= reach.to_numpy())))
    sent = moved[sure]
    late = province.surveys.merge(sent[[c.EMPLOYEE_ID, c.START_DATE]], on=c.EMPLOYEE_ID)
    gap = (late[c.SURVEY_DATE] - late[c.START_DATE]).dt.days
    answered = int(((gap - MONTH_DAYS[last]).abs() <= SETTINGS.jitter_days + 1).sum())
    assert len(sent) > 100
    assert abs(answered / len(sent) - SETTINGS.response_rate) < 0.1, (answered, len(sent))


def test_less_satisfied_after_moves_that_failed(answered):
    labelled = answered[answered[FAILURE].notna()]
    failed = labelled.loc[labelled[FAILURE] == 1, c.SATISFACTION]
    settled = labelled.loc[labelled[FAILURE] == 0, c.SATISFACTION]
    assert len(failed) > 50 and len(settled) > 50
    assert failed.mean() < settled.mean() - 0.2, (failed.mean(), settled.mean())


def test_less_satisfied_after_unwilling_relocations(answered):
    """Lower than after staying in the region, and clearly lower than after a willing
    relocation (beyond what their higher failure risk alone explains)."""
    relocated = answered[p.RELOCATION] == 1
    unwilling = answered.loc[answered[p.RELOCATION_UNWILLING] == 1, c.SATISFACTION]
    willing = answered.loc[relocated & (answered[p.RELOCATION_UNWILLING] == 0), c.SATISFACTION]
    stayed = answered.loc[~relocated, c.SATISFACTION]
    assert len(unwilling) > 20 and len(willing) > 20
    assert willing.mean() < stayed.mean(), (willing.mean(), stayed.mean())
    assert unwilling.mean() < willing.mean() - 0.6, (unwilling.mean(), willing.mean())


def test_unhappy_people_want_to_leave_and_say_why(province):
    surveys = province.surveys
    said = surveys[surveys[c.WANTS_TO_STAY].notna()]
    leave = ~said[c.WANTS_TO_STAY].astype(bool)
    unhappy, happy = said[c.SATISFACTION] <= 2, said[c.SATISFACTION] >= 4
    assert leave[unhappy].mean() > leave[happy].mean() + 0.3
    assert 0 < surveys[c.WANTS_TO_STAY].isna().mean() < 0.3
    comments = surveys[c.COMMENT].dropna()
    assert 0.15 < len(comments) / len(surveys) < 0.5
    assert set(comments) <= set(UNHAPPY + FAR_FROM_HOME + NEUTRAL + HAPPY)
    low = surveys.loc[surveys[c.SATISFACTION] <= 2, c.COMMENT].dropna()
    assert set(low) <= set(UNHAPPY + FAR_FROM_HOME)


def test_surveys_change_no_other_table():
    """Surveys come from their own random stream: without them every other table (and the
    truth) is the same, value for value."""
    def hashes(sim: Simulation) -> dict[str, int]:
        frames = {**sim.tables, "transfers_truth": sim.transfers_truth}
        del frames[c.SURVEYS]
        return {name: int(pd.util.hash_pandas_object(frame, index=False).sum()) for name, frame in frames.items()}

    base = simulate(150, 3, start_year=2019, program=POST_MOVE_ONLY)
    none = simulate(150, 3, start_year=2019, surveys=SurveySettings(response_rate=0.0), program=POST_MOVE_ONLY)
    every = simulate(150, 3, start_year=2019, surveys=SurveySettings(response_rate=1.0, comment_rate=1.0),
                     program=POST_MOVE_ONLY)
    assert none.tables[c.SURVEYS].empty
    assert 0 < len(base.tables[c.SURVEYS]) < len(every.tables[c.SURVEYS])
    assert hashes(none) == hashes(base) == hashes(every)
    assert none.manifest["process"]["surveys"]["response_rate"] == 0.0
    with pytest.raises(ValueError, match="response_rate"):
        SurveySettings(response_rate=1.5)


def test_surveys_are_never_features(province, table):
    without = dataclasses.replace(province, surveys=province.surveys.iloc[0:0])
    assert len(province.surveys)
    pd.testing.assert_frame_equal(build_training_table(without), table)
    survey_columns = set(SPECS[c.SURVEYS].column_names) - {c.EMPLOYEE_ID}
    for name in (*FEATURES, *FOLLOWUP_FEATURES):
        assert name not in survey_columns and not any(col in name for col in survey_columns), name
