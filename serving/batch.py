"""Batch scoring: every eligible employee against many vacancies, without explanations
(for planning rounds and for measuring throughput)."""

import pandas as pd

from features import columns as c
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.ranking import RankingOptions, resolve_as_of, score_pool


def score_vacancies(context: ServingContext, served: ServedModel, position_ids, as_of=None,
                    options: RankingOptions = RankingOptions()) -> pd.DataFrame:
    """One row per (vacancy, eligible employee): predicted performance, risk and score."""
    when = resolve_as_of(context, as_of)
    frames = []
    for pid in position_ids:
        pool = score_pool(context, served.bundle, context.positions, pid, when, options)
        frames.append(pd.DataFrame({c.POSITION_ID: pid, c.EMPLOYEE_ID: pool.candidates[c.EMPLOYEE_ID],
                                    "predicted_performance": pool.performance, "adjustment_risk": pool.risk,
                                    "score": pool.score}))
    empty = pd.DataFrame(columns=[c.POSITION_ID, c.EMPLOYEE_ID, "predicted_performance", "adjustment_risk", "score"])
    return pd.concat(frames, ignore_index=True) if frames else empty



