"""Off-policy estimators on hand-made bandit logs with a known logging policy and known
expected rewards: tiny fixtures computed by hand, unbiasedness as a statistical test over
many simulated logs, DR's variance with a perfect reward model, bootstrap coverage."""

import numpy as np
import pytest

from training import ope

pytestmark = pytest.mark.code

# 4 contexts x 3 actions: expected (Bernoulli) reward and a stochastic logging policy
MU = np.array([[0.2, 0.5, 0.8],
               [0.7, 0.3, 0.1],
               [0.4, 0.9, 0.6],
               [0.5, 0.5, 0.2]])
LOGGING = np.array([[0.6, 0.3, 0.1],        # the logging policy favours what the target avoids
                    [0.2, 0.3, 0.5],
                    [0.5, 0.2, 0.3],
                    [0.1, 0.1, 0.8]])
TARGET = np.array([2, 0, 1, 0])             # a deterministic target policy: the best action
TRUE_VALUE = float(MU[np.arange(4), TARGET].mean())     # contexts uniform: 0.8


def simulate_logs(n_logs: int, n_events: int, seed: int) -> dict[str, np.ndarray]:
    """``n_logs`` independent logs of ``n_events`` events each, as (n_logs, n_events) arrays."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(n_logs, n_events))
    cumulative = LOGGING.cumsum(axis=1)[x]
    a = (rng.random((n_logs, n_events, 1)) > cumulative).sum(axis=-1)
    r = (rng.random((n_logs, n_events)) < MU[x, a]).astype(float)
    return {"match": (a == TARGET[x]).astype(float), "reward": r, "propensity": LOGGING[x, a],
            "q_logged": MU[x, a], "q_target": MU[x, TARGET[x]]}


def test_hand_computed_three_events():
    match = np.array([1.0, 0.0, 1.0])
    reward = np.array([4.0, 2.0, 3.0])
    p = np.array([0.5, 0.25, 0.2])
    # weights 2, 0, 5: IPS (8 + 0 + 15) / 3; SNIPS (8 + 15) / 7
    assert ope.ips(match, reward, p) == pytest.approx(23 / 3)
    assert ope.snips(match, reward, p) == pytest.approx(23 / 7)
    q_logged = np.array([3.0, 2.5, 3.5])
    q_target = np.array([3.0, 3.0, 3.5])
    # (3 + 2·1) + (3 + 0) + (3.5 + 5·(−0.5)) = 5 + 3 + 1 → 3
    assert ope.doubly_robust(match, reward, p, q_logged, q_target) == pytest.approx(3.0)
    assert ope.naive(reward) == pytest.approx(3.0)
    # Kish: (2 + 5)² / (4 + 25)
    assert ope.effective_sample_size(match, p) == pytest.approx(49 / 29)


def test_no_match_snips_undefined_ips_zero():
    match, reward, p = np.zeros(2), np.array([1.0, 2.0]), np.array([0.5, 0.5])
    assert ope.ips(match, reward, p) == 0.0
    assert np.isnan(ope.snips(match, reward, p))
    assert ope.effective_sample_size(match, p) == 0.0


def test_estimators_reduce_the_last_axis():
    logs = simulate_logs(5, 50, seed=1)
    stacked = ope.ips(logs["match"], logs["reward"], logs["propensity"])
    one_by_one = [ope.ips(logs["match"][i], logs["reward"][i], logs["propensity"][i]) for i in range(5)]
    np.testing.assert_allclose(stacked, one_by_one)


@pytest.mark.parametrize("name", ["ips", "snips", "dr"])
def test_unbiased_over_many_logs(name):
    logs = simulate_logs(2000, 300, seed=3)
    if name == "ips":
        values = ope.ips(logs["match"], logs["reward"], logs["propensity"])
    elif name == "snips":
        values = ope.snips(logs["match"], logs["reward"], logs["propensity"])
    else:      # a deliberately wrong reward model: DR stays unbiased through the correct propensities
        wrong = np.full_like(logs["q_logged"], 0.5)
        values = ope.doubly_robust(logs["match"], logs["reward"], logs["propensity"], wrong, wrong)
    standard_error = values.std(ddof=1) / np.sqrt(len(values))
    assert abs(values.mean() - TRUE_VALUE) < 4 * standard_error + 1e-3
    naive = ope.naive(logs["reward"])           # the logging policy's value is far from the target's
    assert abs(naive.mean() - TRUE_VALUE) > 20 * standard_error


def test_dr_with_a_perfect_reward_model_beats_ips():
    logs = simulate_logs(1000, 300, seed=4)
    ips = ope.ips(logs["match"], logs["reward"], logs["propensity"])
    dr = ope.doubly_robust(logs["match"], logs["reward"], logs["propensity"], logs["q_logged"], logs["q_target"])
    assert dr.var() < 0.5 * ips.var()
    assert abs(dr.mean() - TRUE_VALUE) < 4 * dr.std(ddof=1) / np.sqrt(len(dr))


def test_bootstrap_interval_covers_about_95_percent():
    repetitions, alpha = 200, 0.05
    logs = simulate_logs(repetitions, 400, seed=5)
    covered = 0
    for i in range(repetitions):
        arrays = (logs["match"][i], logs["reward"][i], logs["propensity"][i])
        low, high = ope.bootstrap_ci(ope.ips, arrays, n_boot=400, alpha=alpha, seed=i)
        assert low <= ope.ips(*arrays) <= high
        covered += low <= TRUE_VALUE <= high
    tolerance = 3 * np.sqrt(alpha * (1 - alpha) / repetitions)
    assert abs(covered / repetitions - (1 - alpha)) < tolerance


def test_stratified_bootstrap_keeps_each_stratum():
    strata = np.repeat([0, 1], [3, 5])
    index = ope._resample_index(8, 50, np.random.default_rng(0), strata)
    assert np.isin(index[:, :3], [0, 1, 2]).all() and np.isin(index[:, 3:], np.arange(3, 8)).all()
    # a constant stratum mean: the stratified interval of a mean of stratum-constant values is a point
    values = np.repeat([1.0, 3.0], [3, 5])
    low, high = ope.bootstrap_ci(ope.naive, (values,), n_boot=100, strata=strata)
    assert low == pytest.approx(high)


def test_estimate_reports_matches_and_interval():
    logs = simulate_logs(1, 500, seed=6)
    arrays = {k: v[0] for k, v in logs.items()}
    for method in ope.Method:
        result = ope.estimate(method, arrays["match"], arrays["reward"], arrays["propensity"],
                              arrays["q_logged"], arrays["q_target"], n_boot=200)
        assert result.low <= result.value <= result.high
        assert result.n_events == 500
    dr = ope.estimate(ope.Method.DR, arrays["match"], arrays["reward"], arrays["propensity"],
                      arrays["q_logged"], arrays["q_target"], n_boot=200)
    assert dr.n_matched == int(arrays["match"].sum())
    assert 0 < dr.ess <= dr.n_matched
    with pytest.raises(ValueError, match="doubly robust"):
        ope.estimate(ope.Method.DR, arrays["match"], arrays["reward"], arrays["propensity"])
