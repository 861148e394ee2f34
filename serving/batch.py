"""Batch scoring: every eligible employee against many vacancies, without explanations
(for planning rounds and for measuring throughput)."""

import pandas as pd

from features import columns as c
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, SCORE
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.ranking import RankingOptions, resolve_as_of, score_pool

COLUMNS = [c.POSITION_ID, c.EMPLOYEE_ID, PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, SCORE]


def score_vacancies(context: ServingContext, served: ServedModel, position_ids, as_of=None,
                    options: RankingOptions = RankingOptions()) -> pd.DataFrame:
    """One row per (vacancy, eligible employee): predicted performance, risk and score."""
    when = resolve_as_of(context, as_of)
    frames = []
    for pid in position_ids:
        result = score_pool(context, served.bundle, context.positions, pid, when, options)
        frames.append(result.scored.frame().assign(**{c.POSITION_ID: pid,
                                                      c.EMPLOYEE_ID: result.pool.candidates[c.EMPLOYEE_ID]}))
    return pd.concat(frames, ignore_index=True)[COLUMNS] if frames else pd.DataFrame(columns=COLUMNS)
