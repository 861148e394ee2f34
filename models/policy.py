"""How predicted performance and adjustment risk combine into one ranking score.

Default policy: ``score = predicted_performance − risk_penalty × adjustment_risk``. With
the default penalty of 2 score points, a 10% higher failure risk costs as much as 0.2
points of expected SKP score. Set the penalty to 0 to rank by performance alone.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScorePolicy:
    risk_penalty: float = 2.0

    def score(self, performance: np.ndarray, risk: np.ndarray) -> np.ndarray:
        return np.asarray(performance, dtype="float64") - self.risk_penalty * np.asarray(risk, dtype="float64")

    def describe(self) -> str:
        return f"score = predicted_performance - {self.risk_penalty:g} x adjustment_risk"
