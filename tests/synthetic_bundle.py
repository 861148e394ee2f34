"""A small ranker bundle fitted on random feature rows with a known structure: risk rises
with managerial shortfall and unwilling relocation, performance with the last score and
technical fit. Fast enough for unit tests of serving code."""

import lightgbm as lgb
import numpy as np
import pandas as pd

from features import pairs as p
from features import snapshot as s
from features.followup import (
    FOLLOWUP_CATEGORICAL,
    FOLLOWUP_FEATURES,
    MONTHS_SINCE_MOVE,
    SCORE_CHANGE_SINCE_MOVE,
    SINCE_MOVE_FEATURES,
)
from features.model_inputs import CATEGORICAL_FEATURES, FEATURES
from models.bundle import Calibration, RankerBundle
from models.followup import FollowupModel
from models.spec import FeatureSpec


def random_features(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(size=n) for name in FEATURES if name not in CATEGORICAL_FEATURES})
    frame[p.MANAGERIAL_SHORTFALL] = rng.exponential(1.0, n)
    frame[p.RELOCATION_UNWILLING] = rng.integers(0, 2, n).astype(float)
    frame[s.LAST_SCORE] = rng.integers(3, 6, n).astype(float)
    frame[p.TECH_GAP] = rng.normal(0, 1, n)
    for code in ("m.08", "m.02"):
        frame[p.gap_column(code)] = -frame[p.MANAGERIAL_SHORTFALL] / 2 + rng.normal(0, 0.1, n)
    frame[s.CURRENT_POSITION_TYPE] = rng.choice(["pelaksana", "pengawas", "fungsional"], n)
    frame[p.TARGET_POSITION_TYPE] = rng.choice(["pengawas", "administrator", "fungsional"], n)
    frame[p.TARGET_DOMAIN] = rng.choice(["keuangan", "kesehatan"], n)
    return frame


def synthetic_bundle(catalog: pd.DataFrame, n: int = 3000, seed: int = 0) -> RankerBundle:
    frame = random_features(n, seed)
    rng = np.random.default_rng(seed + 1)
    perf = 3.6 + 0.2 * (frame[s.LAST_SCORE] - 4) + 0.2 * frame[p.TECH_GAP] + rng.normal(0, 0.3, n)
    logit = -1.5 + 0.9 * frame[p.MANAGERIAL_SHORTFALL] + 0.8 * frame[p.RELOCATION_UNWILLING]
    failed = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    spec = FeatureSpec.fit(frame)
    x = spec.matrix(frame)
    cats = [spec.features.index(f) for f in spec.categorical]
    params = {"verbosity": -1, "num_threads": 1, "seed": seed, "deterministic": True, "num_leaves": 15}
    boosters = []
    for y, objective in ((perf, "regression"), (failed, "binary")):
        data = lgb.Dataset(x, y, feature_name=list(spec.features), categorical_feature=cats)
        boosters.append(lgb.train({**params, "objective": objective}, data, num_boost_round=60))
    identity = Calibration((-10.0, 10.0), (1 / (1 + np.exp(10)), 1 / (1 + np.exp(-10))))
    return RankerBundle(spec, boosters[0], boosters[1], identity, catalog, {"*": 0.5}, {"synthetic": True})


def synthetic_followup(n: int = 3000, seed: int = 0) -> FollowupModel:
    """A post-transfer risk model on random rows: risk rises with managerial shortfall and a
    fall of the appraisal score since the move, falls with months in the new post."""
    frame = random_features(n, seed)
    rng = np.random.default_rng(seed + 2)
    for name in SINCE_MOVE_FEATURES:
        frame[name] = rng.normal(size=n)
    frame[MONTHS_SINCE_MOVE] = rng.uniform(0, 24, n)
    frame[SCORE_CHANGE_SINCE_MOVE] = rng.integers(-2, 2, n).astype(float)
    logit = (-1.5 + 0.9 * frame[p.MANAGERIAL_SHORTFALL] - 0.9 * frame[SCORE_CHANGE_SINCE_MOVE]
             - 0.05 * frame[MONTHS_SINCE_MOVE])
    failed = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    spec = FeatureSpec.fit(frame, FOLLOWUP_FEATURES, FOLLOWUP_CATEGORICAL)
    x = spec.matrix(frame)
    cats = [spec.features.index(f) for f in spec.categorical]
    params = {"verbosity": -1, "num_threads": 1, "seed": seed, "deterministic": True, "num_leaves": 15,
              "objective": "binary"}
    data = lgb.Dataset(x, failed, feature_name=list(spec.features), categorical_feature=cats)
    booster = lgb.train(params, data, num_boost_round=60)
    return FollowupModel(spec, booster, (-10.0, 10.0), (1 / (1 + np.exp(10)), 1 / (1 + np.exp(-10))),
                         {"synthetic": True})
