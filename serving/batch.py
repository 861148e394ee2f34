"""Batch scoring: every eligible employee against many vacancies, without explanations
(for planning rounds and for measuring throughput). ``rank`` is the served rank (the fair
top list first when the version serves one, as :func:`serving.ranking.rank` does).
:func:`score_vacancies_at_scale` does the same from the files, slice by slice, on Dask."""

import numpy as np
import pandas as pd

from features import columns as c
from features.eligibility import EligibilityRules
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, RANK, SCORE
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.ranking import RankingOptions, resolve_as_of, score_pool, served_order
from serving.scale.settings import ROWS_PER_SLICE, ClusterSettings, Engine, Keep

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


def score_vacancies_at_scale(directory, served: ServedModel, position_ids, as_of=None, *,
                             rules: EligibilityRules = EligibilityRules(), engine: Engine = Engine.DASK,
                             cluster: ClusterSettings = ClusterSettings(), keep: Keep = Keep(top_n=None),
                             rows_per_slice: int = ROWS_PER_SLICE) -> pd.DataFrame:
    """:func:`score_vacancies` for data too large for one process: the employees scored in
    slices read from ``directory``, on Dask by default (:mod:`serving.scale`), keeping
    ``keep`` per vacancy (all by default). Same columns; ``rank`` is the plain score order
    (:func:`models.scoring.rank_order`): a version serving fair top lists reorders only its
    top ``k`` when a ranking is served."""
    from serving.scale.run import prepare_job, scored_pairs

    job = prepare_job(directory, served, pd.DataFrame({c.POSITION_ID: list(position_ids)}), as_of, rules, keep)
    pairs = scored_pairs(directory, served, job, engine=engine, rows_per_slice=rows_per_slice, cluster=cluster).pairs
    return pairs[COLUMNS].reset_index(drop=True)
