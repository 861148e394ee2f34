"""Evaluation metrics as small pure functions of arrays.

NDCG uses the relevance as gain (scores 1..5) and a log2 discount; its random baseline
is exact: a random order puts the pool's mean relevance at every position.
"""

import warnings

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

# one implementation of the calibration figures, shared with serving's monitoring
from models.reliability import brier, calibration_table, expected_calibration_error  # noqa: F401


def mae(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(y) - np.asarray(pred))))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # near-constant inputs: the answer is NaN, said once
        return float(spearmanr(a, b).statistic)


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


def ndcg_at_k(relevance: np.ndarray, score: np.ndarray, k: int = 10) -> float:
    """NDCG@k of ordering ``relevance`` by ``score`` (ties broken by position, stably)."""
    relevance = np.asarray(relevance, dtype="float64")
    k = min(k, len(relevance))
    order = np.argsort(-np.asarray(score, dtype="float64"), kind="stable")[:k]
    ideal = np.sort(relevance)[::-1][:k]
    idcg = float(ideal @ _discounts(k))
    return float(relevance[order] @ _discounts(k)) / idcg if idcg > 0 else float("nan")


def random_ndcg_at_k(relevance: np.ndarray, k: int = 10) -> float:
    """Expected NDCG@k of a uniformly random order."""
    relevance = np.asarray(relevance, dtype="float64")
    k = min(k, len(relevance))
    ideal = np.sort(relevance)[::-1][:k]
    idcg = float(ideal @ _discounts(k))
    return float(relevance.mean() * _discounts(k).sum()) / idcg if idcg > 0 else float("nan")


def grouped_ndcg(groups: np.ndarray, relevance: np.ndarray, score: np.ndarray, k: int = 10,
                 min_size: int = 2) -> tuple[float, float, int]:
    """Mean NDCG@k over groups (decisions) and the mean random NDCG@k; groups smaller
    than ``min_size`` are skipped. Returns (model, random, number of groups)."""
    frame = pd.DataFrame({"g": groups, "r": relevance, "s": score})
    model, rand = [], []
    for _, grp in frame.groupby("g", sort=False):
        if len(grp) < min_size or grp["r"].nunique() < 2:
            continue
        model.append(ndcg_at_k(grp["r"].to_numpy(), grp["s"].to_numpy(), k))
        rand.append(random_ndcg_at_k(grp["r"].to_numpy(), k))
    if not model:
        return float("nan"), float("nan"), 0
    return float(np.mean(model)), float(np.mean(rand)), len(model)


def gap_share(model_ndcg: float, random_ndcg: float, oracle_ndcg: float = 1.0) -> float:
    """Share of the oracle-over-random NDCG gap a ranking captures (1 = oracle, 0 = random)."""
    return float((model_ndcg - random_ndcg) / (oracle_ndcg - random_ndcg))


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan")


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size (Σw)²/Σw² of non-negative weights: from 1 (one weight
    carries everything) to len(weights) (all equal); 0 when every weight is 0."""
    w = np.asarray(weights, dtype="float64")
    total = float(np.sum(w * w))
    return float(np.sum(w) ** 2 / total) if total > 0 else 0.0
