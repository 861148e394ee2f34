"""Explanations: the largest TreeSHAP contributions of both models, in words.

Computed only for the rows returned. For each row, base value + contributions equals the
model's raw output (expected score; risk log-odds before calibration).
"""

import math

import numpy as np

from features.arrays import Columns
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, RankerBundle
from serving.result import Explanation
from serving.texts import describe

TARGETS = (PERFORMANCE_MODEL, RISK_MODEL)


def _plain(value):
    """A JSON-friendly feature value (NaN -> None, numpy scalars -> Python)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return value


def contributions(bundle: RankerBundle, x: np.ndarray) -> dict[str, np.ndarray]:
    """TreeSHAP matrix per target: (rows, features + 1), base value in the last column."""
    return {target: bundle.contributions(x, target) for target in TARGETS}


def explain_rows(bundle: RankerBundle, frame: Columns, contrib: dict[str, np.ndarray],
                 lang: str = "id", top: int = 5) -> list[list[Explanation]]:
    """Top ``top`` contributions per target for each row of ``frame``, largest first."""
    names = bundle.spec.features
    records = frame.records(list(names))
    out = []
    for i, row in enumerate(records):
        items = []
        for target in TARGETS:
            values = contrib[target][i, :-1]
            for j in np.argsort(-np.abs(values), kind="stable")[:top]:
                if values[j] == 0:
                    continue
                feature = names[j]
                raw = _plain(row.get(feature))
                items.append(Explanation(target=target, feature=feature, label=describe(feature, raw, row, lang),
                                         value=raw, contribution=round(float(values[j]), 5)))
        out.append(items)
    return out


def base_values(contrib: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Base values of row ``i`` (the models' average outputs) for the additivity check."""
    return {target: float(matrix[i, -1]) for target, matrix in contrib.items()}
