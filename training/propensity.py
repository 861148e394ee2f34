"""The selection model: who, among a historical vacancy's eligible pool, was appointed.

A conditional logit (McFadden): each pool member ``j`` of event ``g`` has a linear
utility ``u_j = x_j · beta``; ``P(j chosen | pool) = exp(u_j) / sum_k exp(u_k)``. The
features are the model's features (never protected attributes): numeric ones
standardised, NaN imputed by the mean with a missing indicator, categoricals one-hot.
Fitted by L2-regularised maximum likelihood (scipy L-BFGS, analytic gradient).

Sampled pools (:func:`features.history_pools.historical_pools` with ``alternatives``):
the chosen person plus a uniform sample of the others. McFadden's sampling-of-alternatives
correction adds ``log pi(D | j)`` to each utility, where ``pi(D | j)`` is the chance of
drawing the sampled set ``D`` had ``j`` been the chosen; under this protocol it is the
same for every member of ``D``, so the correction is zero and the fit is the plain
conditional logit on the sampled set (consistent). For *probabilities*, each sampled
alternative stands for ``SAMPLE_WEIGHT`` pool members, so :meth:`SelectionModel.probability`
adds ``log(SAMPLE_WEIGHT)`` to its utility (the chosen row 0): ``w * sum exp(u_s)`` is
unbiased for the others' sum, and the softmax estimates the probability of the chosen
among the *whole* pool. (Fitting with that offset instead is biased: on the synthetic
test, pools of 20 with 4 sampled alternatives, it inflates the coefficients by ~50%.)
Standard errors come from the inverse Hessian.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from features.arrays import floats, objects
from features.history_pools import HistoryPools
from features.model_inputs import CATEGORICAL_FEATURES
from features.names import CHOSEN, EVENT_ID, POOL_SIZE, SAMPLE_WEIGHT

MISSING_SUFFIX = "__missing"


@dataclass(frozen=True)
class Design:
    """How a feature frame becomes the logit's matrix (fixed at fit time)."""

    numeric: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    missing: tuple[str, ...]                       # numeric columns with a missing indicator
    categories: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def fit(cls, frame: pd.DataFrame, features: tuple[str, ...]) -> "Design":
        categorical = [f for f in features if f in CATEGORICAL_FEATURES
                       or not pd.api.types.is_numeric_dtype(frame[f])]
        numeric = tuple(f for f in features if f not in categorical)
        values = [floats(frame, f) for f in numeric]
        means = tuple(float(np.nanmean(v)) if np.isfinite(v).any() else 0.0 for v in values)
        scales = tuple(float(np.nanstd(v)) if np.nanstd(v) > 0 else 1.0 for v in values)
        missing = tuple(f for f, v in zip(numeric, values, strict=True) if np.isnan(v).any())
        cats = tuple((f, tuple(sorted(pd.Series(objects(frame, f)).dropna().astype("str").unique())))
                     for f in categorical)
        return cls(numeric, means, scales, missing, cats)

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.numeric, *(f + MISSING_SUFFIX for f in self.missing),
                *(f"{f}={level}" for f, levels in self.categories for level in levels))

    def matrix(self, frame) -> np.ndarray:
        """Standardised numeric columns (NaN -> 0, the mean), missing indicators, one-hots."""
        parts = []
        for name, mean, scale in zip(self.numeric, self.means, self.scales, strict=True):
            parts.append(np.nan_to_num((floats(frame, name) - mean) / scale, nan=0.0))
        parts += [np.isnan(floats(frame, name)).astype("float64") for name in self.missing]
        for name, levels in self.categories:
            codes = pd.Index(levels, dtype="object").get_indexer(pd.Series(objects(frame, name)).astype("str"))
            parts += [(codes == k).astype("float64") for k in range(len(levels))]
        return np.column_stack(parts) if parts else np.zeros((len(frame), 0))


def _groups(frame, group: str) -> tuple[np.ndarray, int]:
    codes, uniq = pd.factorize(pd.Series(objects(frame, group)))
    return codes.astype(np.int64), len(uniq)


def _offset(frame) -> np.ndarray:
    """``log(SAMPLE_WEIGHT)`` when the frame has it, else 0."""
    if SAMPLE_WEIGHT in frame.columns:
        return np.log(floats(frame, SAMPLE_WEIGHT))
    return np.zeros(len(frame))


def group_softmax(u: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Softmax of ``u`` within each group (rows of a group sum to 1)."""
    top = np.full(n_groups, -np.inf)
    np.maximum.at(top, codes, u)
    e = np.exp(u - top[codes])
    return e / np.bincount(codes, weights=e, minlength=n_groups)[codes]


def _objective(beta: np.ndarray, x: np.ndarray, chosen: np.ndarray, offset: np.ndarray, codes: np.ndarray,
               n_groups: int, l2: float) -> tuple[float, np.ndarray]:
    """Negative log-likelihood + L2 penalty per event, and its gradient."""
    u = x @ beta + offset
    p = group_softmax(u, codes, n_groups)
    nll = -float(np.sum(np.log(np.clip(p[chosen], 1e-300, None))))
    grad = -(x[chosen].sum(axis=0) - x.T @ p)
    scale = 1.0 / max(int(chosen.sum()), 1)
    return (nll + 0.5 * l2 * float(beta @ beta)) * scale, (grad + l2 * beta) * scale


def _hessian(beta: np.ndarray, x: np.ndarray, offset: np.ndarray, codes: np.ndarray, n_groups: int,
             l2: float) -> np.ndarray:
    p = group_softmax(x @ beta + offset, codes, n_groups)
    weights = sparse.csr_matrix((p, (codes, np.arange(len(p)))), shape=(n_groups, len(p)))
    means = np.asarray(weights @ x)
    return x.T @ (p[:, None] * x) - means.T @ means + l2 * np.eye(len(beta))


@dataclass(frozen=True)
class SelectionModel:
    features: tuple[str, ...]
    design: Design
    coef: tuple[float, ...]                  # per design column (standardised scale)
    standard_errors: tuple[float, ...]
    l2: float
    events: int
    log_likelihood: float

    @classmethod
    def fit(cls, frame: pd.DataFrame, features: tuple[str, ...], group: str = EVENT_ID,
            l2: float = 1.0) -> "SelectionModel":
        """Maximum likelihood over the events of ``frame`` (one ``CHOSEN`` row each)."""
        chosen = np.asarray(frame[CHOSEN], dtype=bool)
        codes, n_groups = _groups(frame, group)
        per_group = np.bincount(codes[chosen], minlength=n_groups)
        if (per_group != 1).any():
            raise ValueError(f"every {group} needs exactly one chosen row; {int((per_group != 1).sum())} do not")
        design = Design.fit(frame, tuple(features))
        x, offset = design.matrix(frame), np.zeros(len(frame))    # the McFadden correction is 0 here
        result = optimize.minimize(_objective, np.zeros(x.shape[1]), args=(x, chosen, offset, codes, n_groups, l2),
                                   jac=True, method="L-BFGS-B", options={"maxiter": 2000})
        beta = result.x
        cov = np.linalg.pinv(_hessian(beta, x, offset, codes, n_groups, l2))
        loglik = -float(result.fun) * n_groups + 0.5 * l2 * float(beta @ beta)
        return cls(tuple(features), design, tuple(map(float, beta)), tuple(map(float, np.sqrt(np.diag(cov)))),
                   l2, n_groups, loglik)

    def coefficients(self) -> pd.DataFrame:
        """Coefficient and standard error per design column, on the standardised scale
        and, for numeric features, per unit of the raw feature."""
        n = len(self.design.numeric)
        scale = np.ones(len(self.coef))
        scale[:n] = self.design.scales
        coef, se = np.asarray(self.coef), np.asarray(self.standard_errors)
        return pd.DataFrame({"coef": coef, "se": se, "coef_raw": coef / scale, "se_raw": se / scale},
                            index=pd.Index(self.design.names, name="term"))

    def utility(self, frame) -> np.ndarray:
        """Linear utility per row (without the sampling offset)."""
        return self.design.matrix(frame) @ np.asarray(self.coef)

    def probability(self, frame, group: str = EVENT_ID) -> np.ndarray:
        """Per row: P(row's candidate chosen | the whole pool), sampled alternatives
        standing for ``SAMPLE_WEIGHT`` members each when the frame has that column (then
        ``sum(SAMPLE_WEIGHT * p)`` is 1 per event; a whole pool's ``p`` sums to 1)."""
        codes, n_groups = _groups(frame, group)
        offset = _offset(frame)
        # the softmax with the offset is the chance that one of the w members a row stands
        # for is chosen; the row's own candidate has 1/w of it (w = 1 for the chosen)
        return group_softmax(self.utility(frame) + offset, codes, n_groups) * np.exp(-offset)

    def chosen_probability(self, pools: HistoryPools) -> pd.Series:
        """The chosen person's probability per event, indexed by ``EVENT_ID``."""
        frame = pools.frame
        p = self.probability(frame)
        chosen = frame[CHOSEN].to_numpy(bool)
        return pd.Series(p[chosen], index=pd.Index(frame.loc[chosen, EVENT_ID].to_numpy(), name=EVENT_ID),
                         name="propensity")


def calibration_bins(p: np.ndarray, chosen: np.ndarray, weight: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted vs observed share chosen in quantile bins of ``p``; every row stands for
    ``weight`` pool members (Horvitz-Thompson over sampled alternatives)."""
    edges = np.unique(np.quantile(np.log(p), np.linspace(0, 1, bins + 1)))
    at = np.clip(np.searchsorted(edges, np.log(p), side="right") - 1, 0, max(len(edges) - 2, 0))
    frame = pd.DataFrame({"bin": at, "w": weight, "wp": weight * p, "wc": weight * chosen, "rows": 1})
    out = frame.groupby("bin").sum()
    return pd.DataFrame({"predicted": out["wp"] / out["w"], "observed": out["wc"] / out["w"],
                         "members": out["w"], "rows": out["rows"]}).reset_index(drop=True)


def selection_report(model: SelectionModel, pools: HistoryPools, events=None) -> dict:
    """Calibration (binned predicted vs observed share chosen), log-likelihood per event
    against uniform choice over the whole pool, and top-1 accuracy in the sampled pool,
    on ``events`` (event ids; all when None) -- pass held-out events."""
    frame = pools.frame if events is None else pools.frame[pools.frame[EVENT_ID].isin(set(events))]
    chosen = frame[CHOSEN].to_numpy(bool)
    p = model.probability(frame)
    codes, n_groups = _groups(frame, EVENT_ID)
    u = model.utility(frame)
    top = np.full(n_groups, -np.inf)
    np.maximum.at(top, codes, u)
    rows_per_event = np.bincount(codes, minlength=n_groups)
    calibration = calibration_bins(p, chosen.astype("float64"), floats(frame, SAMPLE_WEIGHT))
    loglik = float(np.mean(np.log(p[chosen]))) if n_groups else float("nan")
    uniform = float(np.mean(-np.log(floats(frame, POOL_SIZE)[chosen]))) if n_groups else float("nan")
    return {"events": n_groups, "loglik_per_event": loglik, "uniform_loglik_per_event": uniform,
            "pseudo_r2": 1.0 - loglik / uniform if uniform else float("nan"),
            "top1_accuracy": float(np.mean(u[chosen] >= top[codes[chosen]])) if n_groups else float("nan"),
            "top1_uniform": float(np.mean(1.0 / rows_per_event)) if n_groups else float("nan"),
            "calibration": calibration}


def calibration_plot(calibration: pd.DataFrame, path) -> None:
    """Predicted vs observed share chosen per bin, on log axes (probabilities are small)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    pred, obs = calibration["predicted"], calibration["observed"].clip(lower=1e-6)
    lo, hi = float(min(pred.min(), obs.min())), float(max(pred.max(), obs.max()))
    ax.plot([lo, hi], [lo, hi], ls="--", color="grey", label="perfect")
    ax.plot(pred, obs, marker="o", label="selection model (held-out events)")
    ax.set(xscale="log", yscale="log", xlabel="predicted P(chosen | pool)", ylabel="observed share chosen",
           title="Selection model calibration")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
