"""The fitted feature specification: which columns, in which order, with which categories.

It travels with the model, so training and serving turn a feature frame into the model
matrix through the same :meth:`FeatureSpec.matrix`. Categories are fixed at fit time;
a code never seen in training becomes missing, never an error.
"""

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.arrays import floats, objects
from features.model_inputs import CATEGORICAL_FEATURES, FEATURES


@dataclass(frozen=True)
class FeatureSpec:
    features: tuple[str, ...] = FEATURES
    categorical: tuple[str, ...] = CATEGORICAL_FEATURES
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # one lookup index per categorical, built once: rankings code categories many times a second
        object.__setattr__(self, "_lookup", {name: pd.Index(self.categories.get(name, ()), dtype="object")
                                             for name in self.categorical})

    @classmethod
    def fit(cls, frame: pd.DataFrame, features: tuple[str, ...] = FEATURES,
            categorical: tuple[str, ...] = CATEGORICAL_FEATURES) -> "FeatureSpec":
        """Learn the category list of each categorical feature from training rows."""
        cats = {col: tuple(sorted(frame[col].dropna().astype("str").unique())) for col in categorical}
        return cls(tuple(features), tuple(categorical), cats)

    @property
    def numeric(self) -> tuple[str, ...]:
        return tuple(f for f in self.features if f not in self.categorical)

    def matrix(self, frame) -> np.ndarray:
        """The model matrix of a DataFrame or ``Columns``: numeric features as float64,
        categoricals as the codes of the fixed category lists (a code never seen in
        training, or none, is NaN)."""
        present = set(frame.columns)
        missing = [f for f in self.features if f not in present]
        if missing:
            raise KeyError(f"feature frame lacks columns {missing}")
        out = np.empty((len(frame), len(self.features)), dtype="float64")
        for k, name in enumerate(self.features):          # column by column: cheap on wide frames
            if name in self.categorical:
                codes = self._lookup[name].get_indexer(objects(frame, name))
                out[:, k] = np.where(codes < 0, np.nan, codes)          # unseen or missing code
            else:
                out[:, k] = floats(frame, name)
        return out

    def input_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Plain-typed inputs (float64 and str) as the MLflow signature describes them."""
        out = {}
        for name in self.features:
            col = frame[name]
            out[name] = (col.astype("str") if name in self.categorical
                         else pd.to_numeric(col, errors="coerce").astype("float64"))
        return pd.DataFrame(out, index=frame.index)

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "categorical": list(self.categorical),
                           "categories": {k: list(v) for k, v in self.categories.items()}}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "FeatureSpec":
        raw = json.loads(text)
        return cls(tuple(raw["features"]), tuple(raw["categorical"]),
                   {k: tuple(v) for k, v in raw["categories"].items()})

