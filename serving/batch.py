"""Batch scoring: every eligible employee against many vacancies, without explanations
(for planning rounds and for measuring throughput). ``rank`` is the served rank (the fair
top list first when the version serves one, as :func:`serving.ranking.rank` does)."""

import numpy as np
import pandas as pd

from features import columns as c
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, SCORE
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.ranking import RankingOptions, resolve_as_of, score_pool, served_order

RANK = "rank"
COLUMNS = [c.POSITION_ID, c.EMPLOYEE_ID, PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, SCORE, RANK]


def score_vacancies(context: ServingContext, served: ServedModel, position_ids, as_of=None,
                    options: RankingOptions = RankingOptions()) -> pd.DataFrame:
    """One row per (vacancy, eligible employee): predicted performance, risk, score and the
    served rank (1 = first), rows in served order per vacancy."""
    when = resolve_as_of(context, as_of)
    frames = []
    for pid in position_ids:
        result = score_pool(context, served.bundle, context.positions, pid, when, options)
        order = served_order(context, served.bundle, result, pid, when).order
        frame = result.scored.frame().assign(**{c.POSITION_ID: pid, c.EMPLOYEE_ID: result.pool.candidates[c.EMPLOYEE_ID]})
        frames.append(frame.iloc[order].assign(**{RANK: np.arange(1, len(order) + 1)}))
    return pd.concat(frames, ignore_index=True)[COLUMNS] if frames else pd.DataFrame(columns=COLUMNS)
