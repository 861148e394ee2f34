"""The fitted ranker: both boosters, the risk calibration, the feature spec, the training
catalog, the estimated effect of trainings and the fair top-list setting
(:class:`~models.fair.FairRanking`: the version is served and audited with it), saved as
plain files in one directory.

Nothing here imports MLflow: :mod:`models.pyfunc` wraps a bundle for the registry, and
serving uses the bundle directly.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from models.fair import OFF, FairRanking
from models.followup import FOLLOWUP_DIR, FollowupModel
from models.spec import FeatureSpec

POOLED_UPLIFT = "*"             # uplift key of the estimate pooled over all competencies
PERFORMANCE_MODEL = "performance"
RISK_MODEL = "risk"
SCORE_MIN, SCORE_MAX = 1.0, 5.0
FAIR_FILE = "fair_ranking.json"


@dataclass(frozen=True)
class Calibration:
    """Monotone map from the risk booster's raw margin to a probability (isotonic,
    linearly interpolated between thresholds, clipped at the ends)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        return np.interp(margin, self.x, self.y)


@dataclass(frozen=True)
class RankerBundle:
    spec: FeatureSpec
    performance: lgb.Booster
    risk: lgb.Booster
    calibration: Calibration
    catalog: pd.DataFrame                       # training_catalog table used for recommendations
    uplift: dict[str, float] = field(default_factory=dict)   # level gained per training, by code
    metadata: dict = field(default_factory=dict)
    fair: FairRanking = OFF                     # how its top lists are served (and audited)
    followup: FollowupModel | None = None       # the post-transfer risk model (None: trained before it)

    def uplift_for(self, code: str) -> float:
        """Level gained per training developing ``code`` (the pooled estimate if unknown)."""
        return self.uplift.get(code, self.uplift.get(POOLED_UPLIFT, 0.0))

    # --- inference ---------------------------------------------------------------------------
    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """The model matrix of a feature frame (see :class:`FeatureSpec`)."""
        return self.spec.matrix(frame)

    def predict_matrix(self, x: np.ndarray, num_threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Expected post-transfer score (1..5) and calibrated adjustment-failure probability.
        One thread serves a ranking; a round plan's large batches may use more (each row is
        predicted alone, so the numbers do not depend on the thread count)."""
        perf = self.performance.predict(x, num_threads=num_threads)
        margin = self.risk.predict(x, raw_score=True, num_threads=num_threads)
        return self.to_prediction(perf, PERFORMANCE_MODEL), self.to_prediction(margin, RISK_MODEL)

    def to_prediction(self, raw: np.ndarray, target: str) -> np.ndarray:
        """A booster's raw output as served: the expected score clipped to 1..5
        (performance), the calibrated probability of the log-odds (risk)."""
        if target == PERFORMANCE_MODEL:
            return np.clip(raw, SCORE_MIN, SCORE_MAX)
        return self.calibration(raw)

    def predict(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.predict_matrix(self.matrix(frame))

    def contributions(self, x: np.ndarray, target: str) -> np.ndarray:
        """Exact TreeSHAP values (LightGBM ``pred_contrib``): one column per feature plus
        the base value last; a row sums to the raw model output (score, or risk log-odds)."""
        booster = self.performance if target == PERFORMANCE_MODEL else self.risk
        return booster.predict(x, pred_contrib=True, num_threads=1)

    # --- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / "feature_spec.json").write_text(self.spec.to_json())
        self.performance.save_model(str(path / "performance.txt"))
        self.risk.save_model(str(path / "risk.txt"))
        (path / "calibration.json").write_text(json.dumps({"x": list(self.calibration.x),
                                                           "y": list(self.calibration.y)}))
        self.catalog.to_csv(path / "training_catalog.csv", index=False)
        (path / "uplift.json").write_text(json.dumps(self.uplift, indent=1, sort_keys=True))
        (path / "metadata.json").write_text(json.dumps(self.metadata, indent=1, default=str))
        (path / FAIR_FILE).write_text(json.dumps(self.fair.to_dict(), indent=1))
        if self.followup is not None:
            self.followup.save(path / FOLLOWUP_DIR)
        return path

    @classmethod
    def load(cls, directory: str | Path) -> "RankerBundle":
        path = Path(directory)
        cal = json.loads((path / "calibration.json").read_text())
        catalog = pd.read_csv(path / "training_catalog.csv", dtype=str, keep_default_na=False,
                              na_values=[""])
        catalog["hours"] = catalog["hours"].astype("float64")
        return cls(
            spec=FeatureSpec.from_json((path / "feature_spec.json").read_text()),
            performance=lgb.Booster(model_file=str(path / "performance.txt")),
            risk=lgb.Booster(model_file=str(path / "risk.txt")),
            calibration=Calibration(tuple(cal["x"]), tuple(cal["y"])),
            catalog=catalog,
            uplift=json.loads((path / "uplift.json").read_text()),
            metadata=json.loads((path / "metadata.json").read_text()),
            # a bundle saved before fair top lists existed serves the plain order
            fair=FairRanking.from_dict(json.loads((path / FAIR_FILE).read_text())) if (path / FAIR_FILE).exists()
            else OFF,
            followup=FollowupModel.load_if_present(path),
        )
