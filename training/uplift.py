"""How much a training raises a competency, estimated from the data.

For every pair of consecutive assessments of one employee and competency, the change in
assessed level is regressed on the years between them and on the number of trainings
developing that competency completed in between. The coefficient of the latter, per
competency (shrunk towards the pooled estimate when data are thin, clipped to
``[0, MAX_UPLIFT]``), is the level gained per training that serving uses for what-if
re-scoring.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import Dataset
from features.snapshot import catalog_codes
from models.bundle import POOLED_UPLIFT

MAX_UPLIFT = 1.5
PRIOR_WEIGHT = 50.0     # pairs with a training before a code's own estimate dominates


def assessment_pairs(dataset: Dataset) -> pd.DataFrame:
    """Consecutive assessments: code, years between, level change, trainings in between."""
    a = dataset.competency_assessments.sort_values([c.EMPLOYEE_ID, c.COMPETENCY_CODE, c.ASSESSED_DATE])
    same = (a[c.EMPLOYEE_ID].shift() == a[c.EMPLOYEE_ID]) & (a[c.COMPETENCY_CODE].shift() == a[c.COMPETENCY_CODE])
    pairs = pd.DataFrame({
        c.EMPLOYEE_ID: a[c.EMPLOYEE_ID], c.COMPETENCY_CODE: a[c.COMPETENCY_CODE],
        "start": a[c.ASSESSED_DATE].shift(), "end": a[c.ASSESSED_DATE],
        "delta": a[c.LEVEL] - a[c.LEVEL].shift(),
    })[same.to_numpy()].reset_index(drop=True)
    pairs["years"] = (pairs["end"] - pairs["start"]) / pd.Timedelta(days=v.DAYS_PER_YEAR)
    trained = dataset.trainings.merge(catalog_codes(dataset.training_catalog), on=c.TRAINING_CODE)
    joined = pairs.reset_index().merge(trained[[c.EMPLOYEE_ID, c.COMPETENCY_CODE, c.END_DATE]],
                                       on=[c.EMPLOYEE_ID, c.COMPETENCY_CODE])
    inside = joined[(joined[c.END_DATE] >= joined["start"]) & (joined[c.END_DATE] < joined["end"])]
    pairs["trainings"] = inside.groupby("index").size().reindex(pairs.index, fill_value=0).to_numpy()
    return pairs


def _coefficient(pairs: pd.DataFrame) -> tuple[float, float]:
    """OLS coefficient of ``trainings`` in delta ~ 1 + years + trainings, and its support."""
    support = float((pairs["trainings"] > 0).sum())
    if support < 2 or len(pairs) < 5:
        return float("nan"), support
    x = np.column_stack([np.ones(len(pairs)), pairs["years"], pairs["trainings"]])
    coef, *_ = np.linalg.lstsq(x, pairs["delta"].to_numpy(dtype="float64"), rcond=None)
    return float(coef[2]), support


def estimate_uplift(dataset: Dataset, default: float = 0.3) -> dict[str, float]:
    """Level gained per training, by competency code, plus the pooled estimate under ``*``."""
    pairs = assessment_pairs(dataset)
    pooled, _ = _coefficient(pairs) if len(pairs) else (float("nan"), 0.0)
    pooled = default if np.isnan(pooled) else float(np.clip(pooled, 0.0, MAX_UPLIFT))
    out = {POOLED_UPLIFT: round(pooled, 4)}
    for code, grp in pairs.groupby(c.COMPETENCY_CODE):
        own, support = _coefficient(grp)
        if np.isnan(own):
            continue
        w = support / (support + PRIOR_WEIGHT)
        out[str(code)] = round(float(np.clip(w * own + (1 - w) * pooled, 0.0, MAX_UPLIFT)), 4)
    return out
