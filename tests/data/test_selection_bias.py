"""The simulator's selection-bias knob: 0 appoints a fitting candidate at random, larger values
weigh the managers' systematic preferences (grade, closeness) more, the noise never changes.

Measured on the managers' own choice code (``CandidatePool.picks``) over the posts of a small
simulated province, so every comparison is between fitting options of the same post."""

import numpy as np
import pytest
from typer.testing import CliRunner

from mutasi.cli import app
from simulator import Simulation, simulate
from simulator.selection import CandidatePool, Manager

pytestmark = pytest.mark.data

N, SEED = 300, 3
PICKS = 60                      # appointments to every post (about 320 posts) per bias


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(N, SEED)


def advantages(sim: Simulation, bias: float, seed: int = 0) -> dict[str, np.ndarray]:
    """Per post, over its appointments: the appointee's grade minus the mean grade of the
    post's fitting options, and (same agency as the post) minus the options' share of it.
    Posts are the independent units (appointments to one post share its options); the
    same ``seed`` gives every bias the same draws, so biases compare post by post."""
    state, world = sim.latent.state, sim.latent.world
    pool = CandidatePool.of(state, world, np.flatnonzero(state.pos >= 0))
    manager = Manager(state, world, np.random.default_rng(seed), sim.latent.config.pool_size, bias)
    grade, agency = [], []
    for p in range(world.n_positions):
        options = np.flatnonzero(pool.fits(world, p))
        if len(options) < 2:
            continue
        chosen = pool.picks(manager, p, options, PICKS)
        same = pool.agency == world.agency[p]
        grade.append(pool.grade[chosen].mean() - pool.grade[options].mean())
        agency.append(same[chosen].mean() - same[options].mean())
    return {"grade": np.array(grade), "agency": np.array(agency)}


def mean_and_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


@pytest.fixture(scope="module")
def measured(sim) -> dict[float, dict[str, np.ndarray]]:
    return {bias: advantages(sim, bias) for bias in (0.0, 1.0, 2.0)}


@pytest.mark.parametrize("what", ["grade", "agency"])
def test_without_bias_the_appointee_has_no_systematic_advantage(measured, what):
    # at 0 the appointee is uniform over the fitting options, so every post's expected
    # advantage is 0: 4 standard errors of the mean over posts is a generous bound
    mean, se = mean_and_se(measured[0.0][what])
    assert abs(mean) < 4 * se, f"{what}: {mean:.3f} ± {se:.3f}"


@pytest.mark.parametrize("what", ["grade", "agency"])
def test_a_stronger_bias_favours_the_preferred_more(measured, what):
    for lower, higher in ((0.0, 1.0), (1.0, 2.0)):
        gain, se = mean_and_se(measured[higher][what] - measured[lower][what])   # paired by post
        assert gain > 3 * se, f"{what} at bias {lower} -> {higher}: {gain:.3f} ± {se:.3f}"


def test_the_bias_never_changes_the_random_draws(sim):
    """The noise is drawn in the same order and amount whatever the bias, so a run's stream
    after the appointments is the same (the default run stays the one it always was)."""
    state, world = sim.latent.state, sim.latent.world
    pool = CandidatePool.of(state, world, np.flatnonzero(state.pos >= 0))
    after = []
    for bias in (0.0, 1.0, 2.5):
        manager = Manager(state, world, np.random.default_rng(9), sim.latent.config.pool_size, bias)
        for p in range(0, world.n_positions, 7):
            options = np.flatnonzero(pool.fits(world, p))
            if len(options):
                pool.pick(manager, p, options)
        after.append(manager.rng.random())
    assert after[0] == after[1] == after[2]


def test_the_knob_is_validated_and_recorded(sim):
    for bad in (-0.5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="selection_bias"):
            simulate(60, 1, selection_bias=bad)
    assert simulate(N, SEED, selection_bias=0.0).manifest["process"]["selection_bias"] == 0.0
    assert sim.manifest["process"]["selection_bias"] == 1.0


@pytest.mark.parametrize("option, value", [("--selection-bias", "-1"), ("--logged-replicates", "-2")])
def test_cli_refuses_negative_values(tmp_path, option, value):
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "p"), "--employees", "60", option, value])
    assert result.exit_code == 1
    assert option in result.output
    assert not (tmp_path / "p").exists()
