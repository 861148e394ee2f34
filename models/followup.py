"""The post-transfer risk model: the same adjustment-failure label as the ranker's risk
model, predicted for someone already moved, from the ranker's features at the move plus
what happened in the new post since (:data:`features.followup.FOLLOWUP_FEATURES`).

It travels inside the ranker's bundle (``followup/`` beside the boosters), so the champion
serves both; a bundle saved before it existed has none. Nothing here imports MLflow.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm as lgb
import numpy as np

from models.spec import FeatureSpec

FOLLOWUP_DIR = "followup"


@dataclass(frozen=True)
class FollowupModel:
    spec: FeatureSpec                      # FOLLOWUP_FEATURES, categories fixed at fit
    risk: lgb.Booster                      # binary: adjustment failure within 24 months of the move
    calibration_x: tuple[float, ...]       # isotonic map from raw margin to probability
    calibration_y: tuple[float, ...]
    metadata: dict = field(default_factory=dict)

    def matrix(self, frame) -> np.ndarray:
        return self.spec.matrix(frame)

    def to_probability(self, margin: np.ndarray) -> np.ndarray:
        return np.interp(margin, self.calibration_x, self.calibration_y)

    def predict_matrix(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of adjustment failure of each row."""
        return self.to_probability(self.risk.predict(x, raw_score=True, num_threads=1))

    def predict(self, frame) -> np.ndarray:
        return self.predict_matrix(self.matrix(frame))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Exact TreeSHAP values in log-odds: one column per feature plus the base value last."""
        return self.risk.predict(x, pred_contrib=True, num_threads=1)

    def save(self, directory: str | Path) -> Path:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / "feature_spec.json").write_text(self.spec.to_json())
        self.risk.save_model(str(path / "risk.txt"))
        (path / "calibration.json").write_text(json.dumps({"x": list(self.calibration_x),
                                                           "y": list(self.calibration_y)}))
        (path / "metadata.json").write_text(json.dumps(self.metadata, indent=1, default=str))
        return path

    @classmethod
    def load(cls, directory: str | Path) -> "FollowupModel":
        path = Path(directory)
        cal = json.loads((path / "calibration.json").read_text())
        return cls(spec=FeatureSpec.from_json((path / "feature_spec.json").read_text()),
                   risk=lgb.Booster(model_file=str(path / "risk.txt")),
                   calibration_x=tuple(cal["x"]), calibration_y=tuple(cal["y"]),
                   metadata=json.loads((path / "metadata.json").read_text()))

    @classmethod
    def load_if_present(cls, bundle_directory: str | Path) -> "FollowupModel | None":
        path = Path(bundle_directory) / FOLLOWUP_DIR
        return cls.load(path) if (path / "risk.txt").exists() else None
