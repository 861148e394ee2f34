"""Calibration of predicted probabilities: the reliability table, the expected
calibration error (ECE) and the Brier score. One implementation, shared by the training evaluation
(:mod:`training.metrics` re-exports it) and the monitoring of served versions
(:mod:`serving.monitoring.calibration`): serving never imports training."""

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss

BINS = 10                       # equal-width bins of predicted probability


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Brier score: mean squared difference of the outcome (0/1) and the predicted probability."""
    return float(brier_score_loss(y, np.clip(p, 0, 1)))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """Equal-width bins of predicted probability: count, mean prediction, observed rate
    (only the bins that hold rows)."""
    y, p = np.asarray(y, dtype="float64"), np.clip(np.asarray(p, dtype="float64"), 0, 1)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    frame = pd.DataFrame({"bin": idx, "p": p, "y": y})
    table = frame.groupby("bin").agg(count=("y", "size"), predicted=("p", "mean"), observed=("y", "mean"))
    return table.reset_index()


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> float:
    """ECE: bin-size-weighted mean |observed rate − mean prediction| over equal-width bins."""
    table = calibration_table(y, p, bins)
    weights = table["count"] / table["count"].sum()
    return float((weights * (table["observed"] - table["predicted"]).abs()).sum())
