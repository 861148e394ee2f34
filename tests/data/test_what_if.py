"""The true effect of a training (``simulator.what_if``): without the training it is the
oracle's truth, with it it is what the simulator's own ``take_trainings`` would leave
behind, and a training raises the true failure probability only by ending a bonus."""

import copy

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.names import ORACLE_VACANCIES_FILE, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from simulator import days as d
from simulator import simulate
from simulator.catalog import load_catalog
from simulator.context import Sim
from simulator.courses import GAIN, take_trainings
from simulator.outcomes import fit_terms, transfer_truth
from simulator.state import Recorder
from simulator.what_if import (
    TRUE_LEVEL_GAIN,
    TRUE_RISK_CHANGE,
    TRUE_SCORE_CHANGE,
    complete_training,
    pair_state,
    training_truth,
    truth_after_training,
)

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def latent():
    return simulate(n_employees=400, seed=5).latent      # the session's `province` (same seed)


@pytest.fixture(scope="module")
def oracle(province_dir) -> pd.DataFrame:
    return pd.read_parquet(province_dir / ORACLE_VACANCIES_FILE)


@pytest.fixture(scope="module")
def pairs(oracle, latent) -> pd.DataFrame:
    """Every oracle pair of the first two vacancies, each with two random catalog trainings
    and one aimed at the competency the employee truly lacks most for the post."""
    some = oracle[oracle[c.POSITION_ID].isin(oracle[c.POSITION_ID].unique()[:2])]
    catalog = load_catalog(latent.world)
    row_of = {e: i for i, e in enumerate(latent.employee_ids.tolist())}
    emp = np.array([row_of[e] for e in some[c.EMPLOYEE_ID]])
    required = latent.world.required[[latent.world.position_ids.index(p) for p in some[c.POSITION_ID]]]
    gap = np.where(required > 0, required - latent.state.competency[emp], -9.0)
    aimed = np.argmax(catalog.covers[:, gap.argmax(axis=1)], axis=0)     # first training covering it
    rng = np.random.default_rng(0)
    keys = some[[c.EMPLOYEE_ID, c.POSITION_ID]]
    return pd.concat([keys.assign(**{c.TRAINING_CODE: np.array(catalog.codes)[aimed]})] + [
        keys.assign(**{c.TRAINING_CODE: rng.choice(catalog.codes, len(some))}) for _ in range(2)], ignore_index=True)


def _day(latent) -> int:
    return int((latent.as_of.to_datetime64().astype("datetime64[D]") - d.EPOCH).astype(np.int64))


def test_without_the_training_it_is_the_oracle(latent, oracle, pairs):
    truth = training_truth(latent, pairs).merge(oracle, on=[c.EMPLOYEE_ID, c.POSITION_ID], suffixes=("", "_oracle"))
    assert len(truth) == len(pairs)
    assert np.allclose(truth[TRUE_FAILURE_PROB], truth[f"{TRUE_FAILURE_PROB}_oracle"])
    assert np.allclose(truth[TRUE_EXPECTED_SCORE], truth[f"{TRUE_EXPECTED_SCORE}_oracle"])


def test_the_training_does_what_take_trainings_does(latent, pairs):
    once = pairs.drop_duplicates(c.EMPLOYEE_ID)          # take_trainings on distinct people
    catalog = load_catalog(latent.world)
    row_of = {e: i for i, e in enumerate(latent.employee_ids.tolist())}
    emp = np.array([row_of[e] for e in once[c.EMPLOYEE_ID]])
    pos = np.array([latent.world.position_ids.index(p) for p in once[c.POSITION_ID]])
    training = np.array([catalog.index(t) for t in once[c.TRAINING_CODE]])
    t = _day(latent)
    state = copy.deepcopy(latent.state)
    sim = Sim(latent.world, catalog, latent.params, latent.config, state, Recorder(), np.random.default_rng(3))
    take_trainings(sim, emp, t - 1, training)
    drawn = np.random.default_rng(3).uniform(*GAIN, size=len(emp))       # the draws take_trainings made
    expected = transfer_truth(latent.params, state, latent.world, emp, pos, latent.state.pos[emp], t)
    got, _ = truth_after_training(latent, catalog, emp, pos, training, t, drawn)
    rows = pair_state(latent.state, emp)
    complete_training(rows, catalog, training, t - 1, drawn)
    for name in ("competency", "trained_code", "trained_domain", "leadership"):
        assert np.allclose(getattr(rows, name), getattr(state, name)[emp]), name
    assert np.allclose(got.failure_prob, expected.failure_prob) and np.allclose(got.mu, expected.mu)
    assert np.array_equal(latent.state.competency, simulate(n_employees=400, seed=5).latent.state.competency)


def test_a_training_never_hurts_unless_it_ends_a_recent_training_bonus(latent, pairs):
    """Levels only rise; the one way to lose is the simulator's ``recent_training`` term,
    which needs a recently trained code that is still short: closing that gap ends it."""
    truth = training_truth(latent, pairs)
    row_of = {e: i for i, e in enumerate(latent.employee_ids.tolist())}
    emp = np.array([row_of[e] for e in pairs[c.EMPLOYEE_ID]])
    pos = np.array([latent.world.position_ids.index(p) for p in pairs[c.POSITION_ID]])
    bonus = fit_terms(latent.params, latent.state, latent.world, emp, pos, latent.state.pos[emp],
                      _day(latent)).recent_training
    assert (truth[TRUE_RISK_CHANGE][~bonus] <= 1e-12).all() and (truth[TRUE_SCORE_CHANGE][~bonus] >= -1e-12).all()
    assert (truth[TRUE_LEVEL_GAIN] >= 0).all() and (truth[TRUE_LEVEL_GAIN] > 0).any()
    assert (truth[TRUE_RISK_CHANGE][~bonus] < -1e-3).mean() > 0.2       # aimed at a gap, a training helps
