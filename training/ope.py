"""Off-policy evaluation of a deterministic policy from a logged bandit: pure estimators.

A log has one row per event: the logging policy chose action ``a`` (a candidate) with
probability ``propensity`` = p(a | x) > 0 and reward ``r`` was observed for it only. A
deterministic target policy picks π(x); ``match`` = 1[π(x) = a]. The estimators of the
target's value V = E[r(x, π(x))]:

- ``ips``: mean of match·r/p. Unbiased when p is the true logging probability and every
  action π may pick has p > 0; variance grows with 1/p.
- ``snips`` (self-normalised): Σ match·r/p / Σ match/p. Slightly biased (O(1/n)), far less
  variable; a weighted mean of matched rewards, so always within the rewards' range; NaN
  when nothing matched.
- ``doubly_robust``: mean of q̂(x, π(x)) + match·(r − q̂(x, a))/p with a reward model q̂.
  Unbiased when either p or q̂ is right; with a good q̂ its variance is far below IPS's.
- ``naive``: the mean logged reward (the logging policy's own value), for comparison.

Every estimator reduces the last axis, so a stack of resamples (shape (B, n)) gives B
estimates at once: :func:`bootstrap_ci` relies on it. Ranges: ``match`` in {0, 1},
``propensity`` in (0, 1], rewards any finite reals.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from training.metrics import effective_sample_size as kish

Estimator = Callable[..., np.ndarray | float]


class Method(StrEnum):
    IPS = "ips"
    SNIPS = "snips"
    DR = "dr"
    NAIVE = "naive"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its bootstrap interval and how much of the log supports it."""

    value: float
    low: float
    high: float
    n_events: int
    n_matched: int              # events where the target policy picked the logged action
    ess: float                  # effective sample size of the importance weights (Kish)

    def covers(self, truth: float) -> bool:
        return bool(self.low <= truth <= self.high)


def _weights(match: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    return np.asarray(match, dtype="float64") / np.asarray(propensity, dtype="float64")


def ips(match: np.ndarray, reward: np.ndarray, propensity: np.ndarray) -> np.ndarray | float:
    """Inverse propensity scoring: mean over events of match·reward/propensity."""
    return np.mean(_weights(match, propensity) * np.asarray(reward, dtype="float64"), axis=-1)


def snips(match: np.ndarray, reward: np.ndarray, propensity: np.ndarray) -> np.ndarray | float:
    """Self-normalised IPS: the importance-weighted mean of matched rewards (NaN: no match)."""
    w = _weights(match, propensity)
    total = np.sum(w, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.sum(w * np.asarray(reward, dtype="float64"), axis=-1) / total, np.nan)


def doubly_robust(match: np.ndarray, reward: np.ndarray, propensity: np.ndarray,
                  reward_hat_logged: np.ndarray, reward_hat_target: np.ndarray) -> np.ndarray | float:
    """Mean of q̂(x, π(x)) + match·(reward − q̂(x, a))/propensity, for a deterministic π."""
    residual = np.asarray(reward, dtype="float64") - np.asarray(reward_hat_logged, dtype="float64")
    return np.mean(np.asarray(reward_hat_target, dtype="float64") + _weights(match, propensity) * residual,
                   axis=-1)


def direct(reward_hat_target: np.ndarray) -> np.ndarray | float:
    """The direct method: mean of the reward model at the target's picks (biased with q̂)."""
    return np.mean(np.asarray(reward_hat_target, dtype="float64"), axis=-1)


def naive(reward: np.ndarray) -> np.ndarray | float:
    """The logged policy's value: mean reward of what was chosen."""
    return np.mean(np.asarray(reward, dtype="float64"), axis=-1)


def effective_sample_size(match: np.ndarray, propensity: np.ndarray) -> float:
    """Kish's effective sample size (Σw)²/Σw² of the weights match/propensity (0: no match)."""
    return kish(_weights(match, propensity))


def _resample_index(n: int, n_boot: int, rng: np.random.Generator,
                    strata: np.ndarray | None) -> np.ndarray:
    """(n_boot, n) row positions: rows drawn with replacement, within each stratum when given
    (each stratum keeps its size)."""
    if strata is None:
        return rng.integers(0, n, size=(n_boot, n))
    index = np.empty((n_boot, n), dtype=np.int64)
    _, codes = np.unique(np.asarray(strata), return_inverse=True)
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        index[:, rows] = rows[rng.integers(0, len(rows), size=(n_boot, len(rows)))]
    return index


def bootstrap_ci(estimator: Estimator, arrays: Sequence[np.ndarray], n_boot: int = 1000,
                 alpha: float = 0.05, seed: int = 0, strata: np.ndarray | None = None,
                 chunk: int = 200) -> tuple[float, float]:
    """Percentile bootstrap interval of ``estimator(*arrays)``, resampling events (rows),
    within ``strata`` when given (e.g. the vacancy of replicated logged choices, whose
    value is conditional on the vacancies). Resamples where the estimator is undefined
    (NaN: SNIPS with no match) are left out; (NaN, NaN) when all are."""
    columns = [np.asarray(a) for a in arrays]
    n = len(columns[0])
    if n == 0 or any(len(a) != n for a in columns):
        raise ValueError(f"bootstrap_ci needs equally long, non-empty arrays, got {[len(a) for a in columns]}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    rng = np.random.default_rng(seed)
    values = []
    for start in range(0, n_boot, chunk):
        index = _resample_index(n, min(chunk, n_boot - start), rng, strata)
        values.append(np.asarray(estimator(*(a[index] for a in columns)), dtype="float64"))
    stats = np.concatenate(values)
    stats = stats[np.isfinite(stats)]
    if len(stats) == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def estimate(method: Method, match: np.ndarray, reward: np.ndarray, propensity: np.ndarray,
             reward_hat_logged: np.ndarray | None = None, reward_hat_target: np.ndarray | None = None, *,
             n_boot: int = 1000, alpha: float = 0.05, seed: int = 0,
             strata: np.ndarray | None = None) -> Estimate:
    """One estimator's :class:`Estimate` (value, bootstrap CI, matches, ESS) on a log."""
    match = np.asarray(match, dtype="float64")
    arrays: tuple[np.ndarray, ...]
    if method is Method.IPS:
        function, arrays = ips, (match, reward, propensity)
    elif method is Method.SNIPS:
        function, arrays = snips, (match, reward, propensity)
    elif method is Method.DR:
        if reward_hat_logged is None or reward_hat_target is None:
            raise ValueError("the doubly robust estimate needs reward_hat_logged and reward_hat_target")
        function, arrays = doubly_robust, (match, reward, propensity, reward_hat_logged, reward_hat_target)
    else:
        function, arrays = naive, (reward,)
    arrays = tuple(np.asarray(a, dtype="float64") for a in arrays)
    low, high = bootstrap_ci(function, arrays, n_boot, alpha, seed, strata)
    matched = int(match.sum()) if method is not Method.NAIVE else len(match)
    ess = effective_sample_size(match, propensity) if method is not Method.NAIVE else float(len(match))
    return Estimate(float(function(*arrays)), low, high, len(match), matched, ess)
