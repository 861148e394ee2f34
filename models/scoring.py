"""The one scoring path.

:func:`score_candidates` turns a frame of candidate features into both predictions and
the policy score. Everything that scores candidates calls it: the ranking of one vacancy,
the batch scorer, training recommendations' what-if re-scoring, the fairness audit, the
evaluation on the test period and the oracle, and the benchmarks. :func:`rank_order` is the
one ordering of scores (ties keep the input order), so an audited top list and a served
ranking of the same pool are the same list.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.io import Dataset
from features.protected import pool_groups
from models.bundle import RankerBundle
from models.fair import FairOrder, fair_order
from models.policy import ScorePolicy

PREDICTED_PERFORMANCE = "predicted_performance"      # expected post-transfer SKP score, 1..5
ADJUSTMENT_RISK = "adjustment_risk"                  # calibrated probability of adjustment failure
SCORE = "score"                                      # the policy's combination: higher ranks first
RANK = "rank"                                        # 1 = first in a vacancy's order
DEFAULT_POLICY = ScorePolicy()


@dataclass(frozen=True)
class ScoredCandidates:
    """Predictions and scores of the rows of a candidate frame, in its row order."""

    matrix: np.ndarray          # the model matrix (kept for explanations of the returned rows)
    performance: np.ndarray
    risk: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.score)

    def order(self, top_k: int | None = None) -> np.ndarray:
        """Row positions from the best score down (the first ``top_k``)."""
        return rank_order(self.score, top_k)

    def frame(self, index=None) -> pd.DataFrame:
        """The three values as columns ``predicted_performance``, ``adjustment_risk``, ``score``."""
        return pd.DataFrame({PREDICTED_PERFORMANCE: self.performance, ADJUSTMENT_RISK: self.risk,
                             SCORE: self.score}, index=index)


def rank_order(score: np.ndarray, top_k: int | None = None) -> np.ndarray:
    """Positions of ``score`` from highest to lowest; equal scores keep their input order."""
    order = np.argsort(-np.asarray(score, dtype="float64"), kind="stable")
    return order if top_k is None else order[:top_k]


def score_candidates(bundle: RankerBundle, frame, policy: ScorePolicy = DEFAULT_POLICY) -> ScoredCandidates:
    """Both models and the policy score for each row of ``frame`` (a DataFrame or
    ``Columns`` holding the model's feature columns)."""
    return score_matrix(bundle, bundle.matrix(frame), policy)


def score_matrix(bundle: RankerBundle, x: np.ndarray, policy: ScorePolicy = DEFAULT_POLICY, *,
                 num_threads: int = 1) -> ScoredCandidates:
    """:func:`score_candidates` of a model matrix already built (a round plan builds the
    matrices of many pools at once); ``num_threads`` for large batches only."""
    performance, risk = bundle.predict_matrix(x, num_threads=num_threads)
    return ScoredCandidates(x, performance, risk, policy.score(performance, risk))


def served_order(bundle: RankerBundle, score: np.ndarray, dataset: Dataset, employee_ids, as_of,
                 position_id: str) -> FairOrder:
    """The order the version serves for one scored pool: its fair top list when its fair
    setting is on (protected groups at ``as_of``, read only then and only as constraints;
    bounds seeded by ``position_id``), else the plain :func:`rank_order`. The ranking, the
    batch scorer and the fairness audit all order pools through this one function."""
    groups = pool_groups(dataset, employee_ids, as_of) if bundle.fair.enabled else {}
    return fair_order(score, groups, bundle.fair, key=position_id)
