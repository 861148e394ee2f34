"""Fit the two boosters and the risk calibration.

Performance: LightGBM regression of the post-transfer score (its expectation, 1..5).
Risk: LightGBM binary classifier of adjustment failure, calibrated by isotonic regression
on the validation fold's raw margins. Both stop early on the validation fold. With a
selection correction (:mod:`training.correction`), rows carry weights and a booster may
continue from another (``init_model``).
"""

from dataclasses import asdict, dataclass

import lightgbm as lgb
import numpy as np
from sklearn.isotonic import IsotonicRegression

from features import pairs as p
from models.bundle import Calibration
from training.correction import Correction

# Domain knowledge as monotone constraints (a setting): a larger shortfall against the
# post's standard never helps. Selection bias in history can otherwise invert them.
RISK_INCREASING = (p.MANAGERIAL_SHORTFALL, p.N_SHORTFALLS)
RISK_DECREASING = (p.TECH_GAP, *p.GAP_COLUMNS)
# "basic": the only method that keeps every prediction monotone. "advanced" and, on some
# machines, "intermediate" let rows move against the constraint (LightGBM issues #5358,
# #6155): tests/model/test_behaviour.py found one row with "intermediate" on the CI machine
# of 2026-12-01 that it had not found on 2026-11-30's, same versions, same seed.
MONOTONE_METHOD = "basic"


@dataclass(frozen=True)
class FitSettings:
    seed: int = 7
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_data_in_leaf: int = 40
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    bagging_freq: int = 1
    lambda_l2: float = 1.0
    max_rounds: int = 2000
    early_stopping_rounds: int = 100
    num_threads: int = 2
    monotone: bool = True
    selection_correction: str = Correction.NONE.value    # none | ipw | dr (training.correction)
    alternatives: int = 30                                # sampled alternatives per historical pool

    def __post_init__(self) -> None:
        Correction.parse(self.selection_correction)      # a clear error naming the option
        if self.alternatives < 1:
            raise ValueError(f"alternatives must be at least 1, got {self.alternatives}")

    @property
    def correction(self) -> Correction:
        return Correction.parse(self.selection_correction)

    def params(self) -> dict[str, object]:
        return asdict(self)


def monotone_constraints(features: tuple[str, ...], target: str) -> list[int]:
    """+1/-1/0 per feature: risk rises with shortfall; performance moves the other way."""
    sign = 1 if target == "risk" else -1
    out = []
    for name in features:
        if name in RISK_INCREASING:
            out.append(sign)
        elif name in RISK_DECREASING:
            out.append(-sign)
        else:
            out.append(0)
    return out


def _booster_params(settings: FitSettings, objective: str, features: tuple[str, ...], target: str) -> dict:
    params = {
        "objective": objective, "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves, "min_data_in_leaf": settings.min_data_in_leaf,
        "feature_fraction": settings.feature_fraction, "bagging_fraction": settings.bagging_fraction,
        "bagging_freq": settings.bagging_freq, "lambda_l2": settings.lambda_l2,
        "num_threads": settings.num_threads, "seed": settings.seed, "deterministic": True,
        "force_row_wise": True, "verbosity": -1,
    }
    if settings.monotone:
        params["monotone_constraints"] = monotone_constraints(features, target)
        params["monotone_constraints_method"] = MONOTONE_METHOD
    return params


def fit_booster(x_train: np.ndarray, y_train: np.ndarray, x_valid: np.ndarray, y_valid: np.ndarray,
                features: tuple[str, ...], categorical: list[int], objective: str, target: str,
                settings: FitSettings, weight: np.ndarray | None = None, init_model: lgb.Booster | None = None,
                valid_weight: np.ndarray | None = None, callbacks: tuple = ()) -> lgb.Booster:
    """Train with early stopping on the validation fold; ``weight`` / ``valid_weight``
    weigh the rows of each fold, ``init_model`` is a booster to continue from (its trees
    stay in the result), ``callbacks`` more LightGBM callbacks (the tuning's pruning)."""
    train = lgb.Dataset(x_train, y_train, weight=weight, feature_name=list(features),
                        categorical_feature=categorical, free_raw_data=False)
    valid = lgb.Dataset(x_valid, y_valid, weight=valid_weight, reference=train)
    return lgb.train(_booster_params(settings, objective, features, target), train,
                     num_boost_round=settings.max_rounds, valid_sets=[valid], init_model=init_model,
                     callbacks=[lgb.early_stopping(settings.early_stopping_rounds, verbose=False), *callbacks])


def fit_calibration(margin: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> Calibration:
    """Isotonic map from raw margin to probability, fitted on held-out rows, then made
    strictly increasing by interpolating between the centres of its flat steps (so
    candidates keep distinct risks; calibration is unchanged at the step centres)."""
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(margin, y, sample_weight=weight)
    xs, ys = np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_)
    step = np.concatenate([[0], np.cumsum(np.diff(ys) != 0)])
    knots_x = np.array([xs[step == k].mean() for k in range(step[-1] + 1)])
    knots_y = np.array([ys[step == k][0] for k in range(step[-1] + 1)])
    return Calibration(tuple(float(v) for v in knots_x), tuple(float(v) for v in knots_y))
