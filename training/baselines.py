"""Baselines evaluated on the same rows as the model.

- DUK: the seniority list (daftar urut kepangkatan): grade, then time in grade, years of
  service, education, age. Age is used here only because DUK itself uses it; it is never
  a model feature.
- Last appraisal score.
- Linear: ridge regression for performance and logistic regression for risk on the same
  features (median-imputed with missing indicators, standardised; one-hot categoricals).
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from features import snapshot as s
from models.spec import FeatureSpec

DUK = "duk"
LAST_SCORE = "last_score"
LINEAR = "linear"
AGE_YEARS = "age_years"        # evaluation-only column, added next to the features


def duk_score(frame: pd.DataFrame) -> np.ndarray:
    """Higher = earlier on the seniority list (lexicographic keys folded into one number)."""
    keys = [frame[s.GRADE_RANK], frame[s.YEARS_IN_GRADE], frame[s.SERVICE_YEARS],
            frame[s.EDUCATION_RANK], frame[AGE_YEARS]]
    order = pd.DataFrame({i: k.fillna(-1).to_numpy() for i, k in enumerate(keys)})
    ranks = order.sort_values(list(order.columns), kind="stable").index.to_numpy()
    score = np.empty(len(frame))
    score[ranks] = np.arange(len(frame))
    return score


def last_score(frame: pd.DataFrame) -> np.ndarray:
    """The last appraisal score (missing counts as the middle of the scale)."""
    return frame[s.LAST_SCORE].fillna(3.0).to_numpy(dtype="float64")


def _preprocess(spec: FeatureSpec) -> ColumnTransformer:
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                          keep_empty_features=True), StandardScaler())
    categorical = OneHotEncoder(handle_unknown="ignore")
    return ColumnTransformer([("num", numeric, list(spec.numeric)),
                              ("cat", categorical, list(spec.categorical))])


@dataclass(frozen=True)
class LinearBaseline:
    performance: Pipeline
    risk: Pipeline

    @classmethod
    def fit(cls, spec: FeatureSpec, perf_frame: pd.DataFrame, perf_y: np.ndarray,
            risk_frame: pd.DataFrame, risk_y: np.ndarray, seed: int) -> "LinearBaseline":
        perf = Pipeline([("prep", _preprocess(spec)), ("model", Ridge(alpha=1.0))])
        risk = Pipeline([("prep", _preprocess(spec)),
                         ("model", LogisticRegression(C=0.5, max_iter=2000, random_state=seed))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # all-missing columns impute to 0
            perf.fit(_inputs(spec, perf_frame), perf_y)
            risk.fit(_inputs(spec, risk_frame), risk_y)
        return cls(perf, risk)

    def predict(self, spec: FeatureSpec, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        x = _inputs(spec, frame)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return self.performance.predict(x), self.risk.predict_proba(x)[:, 1]


def _inputs(spec: FeatureSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric features as float, categoricals as object strings (missing as 'NA')."""
    x = spec.input_frame(frame)
    for col in spec.categorical:
        x[col] = frame[col].astype("object").where(frame[col].notna(), "NA")
    return x
