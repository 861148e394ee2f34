"""The selection model recovers a known choice rule on synthetic pools, with whole pools
and with sampled alternatives, and its probabilities are a distribution per pool."""

import numpy as np
import pandas as pd
import pytest

from features.names import CHOSEN, EVENT_ID, POOL_SIZE, SAMPLE_WEIGHT
from training.propensity import SelectionModel, selection_report

pytestmark = pytest.mark.code

TRUE = {"x1": 2.0, "x2": -1.0}


def synthetic_pools(n_events: int = 2000, size: int = 20, seed: int = 0) -> pd.DataFrame:
    """Pools of ``size``; the chosen maximises 2*x1 - x2 + Gumbel noise (a conditional logit)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=(n_events, size))
    x2 = rng.normal(1.0, 2.0, size=(n_events, size))
    utility = TRUE["x1"] * x1 + TRUE["x2"] * x2 + rng.gumbel(size=x1.shape)
    chosen = np.zeros(x1.shape, dtype=bool)
    chosen[np.arange(n_events), utility.argmax(axis=1)] = True
    return pd.DataFrame({EVENT_ID: np.repeat([f"e{i}" for i in range(n_events)], size), "x1": x1.ravel(),
                         "x2": x2.ravel(), CHOSEN: chosen.ravel(), POOL_SIZE: size})


def sample_alternatives(frame: pd.DataFrame, k: int, seed: int = 1) -> pd.DataFrame:
    """The chosen row and ``k`` uniformly sampled others per event (pools of equal size,
    in event order), weighted as historical pools are."""
    rng = np.random.default_rng(seed)
    size = int(frame[POOL_SIZE].iat[0])
    chosen = frame[CHOSEN].to_numpy().reshape(-1, size)
    keys = np.where(chosen, -1.0, rng.random(chosen.shape))          # the chosen first, then k random others
    order = np.argsort(keys, axis=1)[:, : k + 1]
    rows = (order + size * np.arange(len(chosen))[:, None]).ravel()
    out = frame.iloc[rows].reset_index(drop=True)
    return out.assign(**{SAMPLE_WEIGHT: np.where(out[CHOSEN], 1.0, (size - 1) / k)})


def assert_recovers(model: SelectionModel, z: float = 4.0) -> None:
    coef = model.coefficients()
    for name, value in TRUE.items():
        est, se = coef.at[name, "coef_raw"], coef.at[name, "se_raw"]
        assert 0 < se < 0.2 * abs(value)
        assert abs(est - value) < z * se, f"{name}: {est:.3f} ± {se:.3f}, true {value}"


def test_recovers_known_rule_on_whole_pools():
    assert_recovers(SelectionModel.fit(synthetic_pools(), ("x1", "x2"), l2=1.0))


def test_recovers_known_rule_with_sampled_alternatives():
    sampled = sample_alternatives(synthetic_pools(seed=2), k=5)
    assert_recovers(SelectionModel.fit(sampled, ("x1", "x2"), l2=1.0))


def test_probabilities_sum_to_one_per_pool():
    frame = synthetic_pools(n_events=300, seed=3)
    model = SelectionModel.fit(frame, ("x1", "x2"))
    sums = pd.Series(model.probability(frame)).groupby(frame[EVENT_ID].to_numpy()).sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-9)
    sampled = sample_alternatives(frame, k=5)        # each row stands for SAMPLE_WEIGHT members
    p = model.probability(sampled)
    weighted = pd.Series(p * sampled[SAMPLE_WEIGHT].to_numpy()).groupby(sampled[EVENT_ID].to_numpy()).sum()
    np.testing.assert_allclose(weighted.to_numpy(), 1.0, rtol=1e-9)


def test_likelier_candidates_get_higher_probability_and_report_beats_uniform():
    frame = synthetic_pools(n_events=500, seed=4)
    model = SelectionModel.fit(frame, ("x1", "x2"))
    p = model.probability(frame)
    u = 2 * frame["x1"].to_numpy() - frame["x2"].to_numpy()
    assert np.corrcoef(model.utility(frame), u)[0, 1] > 0.99
    within = pd.Series(np.log(p) - model.utility(frame)).groupby(frame[EVENT_ID].to_numpy()).std()
    assert within.max() < 1e-9                        # within a pool, log p is the utility minus a constant

    class Pools:                                      # the report reads only ``frame``
        pass

    pools = Pools()
    pools.frame = frame.assign(**{SAMPLE_WEIGHT: 1.0})
    report = selection_report(model, pools)
    assert report["loglik_per_event"] > report["uniform_loglik_per_event"]
    assert report["top1_accuracy"] > 3 * report["top1_uniform"]
    cal = report["calibration"]
    assert np.all(np.diff(cal["predicted"].to_numpy()) > 0)
    assert abs(cal["observed"].sum() - cal["predicted"].sum()) < 0.25 * cal["predicted"].sum()


def test_a_pool_without_exactly_one_chosen_is_refused():
    frame = synthetic_pools(n_events=20, seed=5)
    frame.loc[0, CHOSEN] = True
    frame.loc[1, CHOSEN] = True
    with pytest.raises(ValueError, match="exactly one chosen"):
        SelectionModel.fit(frame, ("x1", "x2"))
