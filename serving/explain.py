"""Explanations: the largest TreeSHAP contributions of both models, in words and in the
unit of the prediction.

TreeSHAP explains a booster's raw output ``z``: the expected score (performance) and the
log-odds before calibration (risk); base value ``z0`` + contributions φ = ``z``. People
read the served predictions ``p = link(z)``: the score clipped to 1..5, the calibrated
probability (:meth:`~models.bundle.RankerBundle.to_prediction`). Each row's φ are scaled
by one factor, the link's secant between the base value and the row,

    contribution_j = φ_j · (p − p0) / (z − z0),   p0 = link(z0)

(its slope at ``z0`` when ``|z − z0|`` is tiny), so that **baseline p0 + Σ contributions
= the served prediction**, the order and signs of the contributions stay TreeSHAP's (the
link is monotone), and a performance row inside 1..5 keeps its points unchanged (factor
1). The raw values stay in ``raw_contribution`` and the candidate's ``base_values``.

Computed only for the rows returned.
"""

import math
from collections.abc import Callable

import numpy as np

from features.arrays import Columns
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, RankerBundle
from models.policy import ScorePolicy
from serving.result import Explanation
from serving.texts import describe

TARGETS = (PERFORMANCE_MODEL, RISK_MODEL)
TINY_RAW_CHANGE = 1e-9      # |z − z0| below which the link's slope replaces its secant
SLOPE_STEP = 1e-4           # half-width of the central difference giving that slope
DIGITS = 6                  # decimals of a contribution in the document (0.000001 = 0.0001 pp of risk)
MIN_REASON_EFFECT = 1e-6    # score points: a smaller effect is no reason for or against


def _plain(value):
    """A JSON-friendly feature value (NaN -> None, numpy scalars -> Python)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return value


def contributions(bundle: RankerBundle, x: np.ndarray) -> dict[str, np.ndarray]:
    """Raw TreeSHAP matrix per target: (rows, features + 1), base value in the last column."""
    return {target: bundle.contributions(x, target) for target in TARGETS}


def link_factor(link: Callable[[np.ndarray], np.ndarray], z: np.ndarray, z0: np.ndarray) -> np.ndarray:
    """Per row, (link(z) − link(z0)) / (z − z0); the central-difference slope at ``z0``
    where ``|z − z0|`` < :data:`TINY_RAW_CHANGE`."""
    change = z - z0
    tiny = np.abs(change) < TINY_RAW_CHANGE
    secant = (link(z) - link(z0)) / np.where(tiny, 1.0, change)
    slope = (link(z0 + SLOPE_STEP) - link(z0 - SLOPE_STEP)) / (2 * SLOPE_STEP)
    return np.where(tiny, slope, secant)


def in_prediction_units(bundle: RankerBundle, contrib: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The matrices of :func:`contributions` in the unit of each prediction (score
    points; risk as a probability), same shape, the baseline p0 in the last column: a row
    sums to the served prediction."""
    out = {}
    for target, raw in contrib.items():
        z0, z = raw[:, -1], raw.sum(axis=1)
        def link(values, target=target):
            return bundle.to_prediction(values, target)
        factor = link_factor(link, z, z0)
        out[target] = np.column_stack([raw[:, :-1] * factor[:, None], link(z0)])
    return out


def explain_rows(bundle: RankerBundle, frame: Columns, contrib: dict[str, np.ndarray],
                 lang: str = "id", top: int = 5, units: dict[str, np.ndarray] | None = None) -> list[list[Explanation]]:
    """Top ``top`` contributions per target for each row of ``frame``, largest raw |φ|
    first, with the contribution in the prediction's unit and the raw one beside it
    (``units``: :func:`in_prediction_units` of ``contrib`` when the caller has it)."""
    names = bundle.spec.features
    units = in_prediction_units(bundle, contrib) if units is None else units
    records = frame.records(list(names))
    out = []
    for i, row in enumerate(records):
        items = []
        for target in TARGETS:
            raw, shown = contrib[target][i, :-1], units[target][i, :-1]
            for j in np.argsort(-np.abs(raw), kind="stable")[:top]:
                if raw[j] == 0:
                    continue
                feature = names[j]
                value = _plain(row.get(feature))
                items.append(Explanation(target=target, feature=feature, label=describe(feature, value, row, lang),
                                         value=value, contribution=round(float(shown[j]), DIGITS),
                                         raw_contribution=round(float(raw[j]), 5)))
        out.append(items)
    return out


def base_values(contrib: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Base values of row ``i`` (the models' raw average outputs) for the additivity check."""
    return {target: float(matrix[i, -1]) for target, matrix in contrib.items()}


def baselines(units: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """The average prediction of row ``i`` in its unit (last column of :func:`in_prediction_units`)."""
    return {target: float(matrix[i, -1]) for target, matrix in units.items()}


def score_effects(units: dict[str, np.ndarray], policy: ScorePolicy) -> np.ndarray:
    """Each feature's share of the policy score (rows, features): performance points minus
    the risk penalty times the risk share, the units the ranking orders by."""
    return policy.score(units[PERFORMANCE_MODEL][:, :-1], units[RISK_MODEL][:, :-1])


def reasons(bundle: RankerBundle, frame: Columns, effects: np.ndarray,
            lang: str = "id") -> list[tuple[str | None, str | None]]:
    """Per row, the label of the feature helping the score most and of the one hurting it
    most (None when no feature moves it by :data:`MIN_REASON_EFFECT` that way)."""
    names = bundle.spec.features
    out = []
    for i, row in enumerate(frame.records(list(names))):
        best, worst = int(np.argmax(effects[i])), int(np.argmin(effects[i]))
        out.append((_words(names[best], row, lang) if effects[i, best] >= MIN_REASON_EFFECT else None,
                    _words(names[worst], row, lang) if effects[i, worst] <= -MIN_REASON_EFFECT else None))
    return out


def _words(feature: str, row: dict, lang: str) -> str:
    return describe(feature, _plain(row.get(feature)), row, lang)
