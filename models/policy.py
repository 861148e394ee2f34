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
    max_risk: float | None = None       # candidates above this risk go to the bottom

    def score(self, performance: np.ndarray, risk: np.ndarray) -> np.ndarray:
        score = np.asarray(performance, dtype="float64") - self.risk_penalty * np.asarray(risk, dtype="float64")
        if self.max_risk is not None:
            score = np.where(risk > self.max_risk, score - 100.0, score)
        return score

    def describe(self) -> str:
        cap = f", risk above {self.max_risk:g} ranked last" if self.max_risk is not None else ""
        return f"score = predicted_performance - {self.risk_penalty:g} x adjustment_risk{cap}"
