"""How much a training raises a competency, estimated from the data.

For every pair of consecutive assessments of one employee and competency, the change in
assessed level is regressed on the trainings developing that competency completed in
between. The coefficient of the trainings, per competency (shrunk towards the pooled
estimate when data are thin, clipped to ``[0, MAX_UPLIFT]``), is the level gained per
training that serving uses for what-if re-scoring.

Who is trained is not random: people short of their post's standard are sent to training
more often, and they are people whose first assessed level is low. Two things then make
the trained gain more between assessments even without any training: levels grow faster
the further they are from the top (5), and a low assessment is partly bad luck, so the
next one tends to be higher (regression to the mean). The plain regression
(``UpliftMethod.NAIVE``: change ~ 1 + years + trainings) credits both to the training.
``UpliftMethod.ADJUSTED`` (the default) compares the trained with untrained employees who
looked the same at the first assessment: the regression also holds the starting level,
the years times the room left to the top (``years * (5 - start level)``), the shortfall
against the standard of the post held at the first assessment and whether there was one.
It assumes that, given these, who is trained is unrelated to how the level would have
moved without training (selection on what was assessed), and that the gain per training
is about the same for everyone (it is an average over those trained).
"""

from enum import Enum

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import Dataset
from features.snapshot import catalog_codes
from models.bundle import POOLED_UPLIFT

MAX_UPLIFT = 1.5
PRIOR_WEIGHT = 50.0     # pairs with a training before a code's own estimate dominates
TRAININGS = "trainings"
START_LEVEL, GAP, SHORT, DRIFT = "start_level", "start_gap", "start_short", "years_to_top"


class UpliftMethod(str, Enum):
    """How the trained are compared with the untrained."""

    NAIVE = "naive"             # change ~ 1 + years + trainings
    ADJUSTED = "adjusted"       # ... + starting level, years x room to the top, shortfall


COVARIATES = {UpliftMethod.NAIVE: ("years", TRAININGS),
              UpliftMethod.ADJUSTED: ("years", TRAININGS, START_LEVEL, DRIFT, GAP, SHORT)}


def _start_gaps(pairs: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Shortfall (required - assessed, >= 0) against the post held at the first assessment;
    0 when the post or its standard for the code is unknown."""
    held = dataset.assignments[[c.EMPLOYEE_ID, c.START_DATE, c.POSITION_ID]].dropna(subset=[c.START_DATE])
    held = held.assign(**{c.START_DATE: held[c.START_DATE].astype("datetime64[ns]")}).sort_values(c.START_DATE)
    keyed = pairs[[c.EMPLOYEE_ID, c.COMPETENCY_CODE, "start", START_LEVEL]].reset_index()
    keyed = keyed.assign(start=keyed["start"].astype("datetime64[ns]")).sort_values("start")
    posts = pd.merge_asof(keyed, held, left_on="start", right_on=c.START_DATE, by=c.EMPLOYEE_ID,
                          allow_exact_matches=True)
    standards = dataset.position_competencies[[c.POSITION_ID, c.COMPETENCY_CODE, c.REQUIRED_LEVEL]]
    posts = posts.merge(standards, on=[c.POSITION_ID, c.COMPETENCY_CODE], how="left").set_index("index")
    gap = (posts[c.REQUIRED_LEVEL].astype("float64") - posts[START_LEVEL]).clip(lower=0.0).fillna(0.0)
    return pd.DataFrame({GAP: gap, SHORT: (gap > 0).astype("float64")}).reindex(pairs.index)


def assessment_pairs(dataset: Dataset) -> pd.DataFrame:
    """Consecutive assessments: code, years between, starting level, level change, trainings
    in between, and the shortfall against the post's standard at the first assessment."""
    a = dataset.competency_assessments.sort_values([c.EMPLOYEE_ID, c.COMPETENCY_CODE, c.ASSESSED_DATE])
    same = (a[c.EMPLOYEE_ID].shift() == a[c.EMPLOYEE_ID]) & (a[c.COMPETENCY_CODE].shift() == a[c.COMPETENCY_CODE])
    pairs = pd.DataFrame({
        c.EMPLOYEE_ID: a[c.EMPLOYEE_ID], c.COMPETENCY_CODE: a[c.COMPETENCY_CODE],
        "start": a[c.ASSESSED_DATE].shift(), "end": a[c.ASSESSED_DATE],
        START_LEVEL: a[c.LEVEL].shift().astype("float64"),
        "delta": a[c.LEVEL] - a[c.LEVEL].shift(),
    })[same.to_numpy()].reset_index(drop=True)
    pairs["years"] = (pairs["end"] - pairs["start"]) / pd.Timedelta(days=v.DAYS_PER_YEAR)
    pairs[DRIFT] = pairs["years"] * (v.MAX_LEVEL - pairs[START_LEVEL])
    trained = dataset.trainings.merge(catalog_codes(dataset.training_catalog), on=c.TRAINING_CODE)
    joined = pairs.reset_index().merge(trained[[c.EMPLOYEE_ID, c.COMPETENCY_CODE, c.END_DATE]],
                                       on=[c.EMPLOYEE_ID, c.COMPETENCY_CODE])
    inside = joined[(joined[c.END_DATE] >= joined["start"]) & (joined[c.END_DATE] < joined["end"])]
    pairs[TRAININGS] = inside.groupby("index").size().reindex(pairs.index, fill_value=0).to_numpy()
    return pd.concat([pairs, _start_gaps(pairs, dataset)], axis=1)


def _coefficient(pairs: pd.DataFrame, covariates: tuple[str, ...]) -> tuple[float, float]:
    """OLS coefficient of ``trainings`` in delta ~ 1 + covariates, and its support
    (constant or collinear covariates are harmless: the minimum-norm solution keeps the
    trainings coefficient whenever it is identified)."""
    support = float((pairs[TRAININGS] > 0).sum())
    if support < 2 or len(pairs) < 5:
        return float("nan"), support
    x = np.column_stack([np.ones(len(pairs))] + [pairs[k].to_numpy(dtype="float64") for k in covariates])
    coef, *_ = np.linalg.lstsq(x, pairs["delta"].to_numpy(dtype="float64"), rcond=None)
    return float(coef[1 + covariates.index(TRAININGS)]), support


def estimate_uplift(dataset: Dataset, default: float = 0.3,
                    method: UpliftMethod = UpliftMethod.ADJUSTED) -> dict[str, float]:
    """Level gained per training, by competency code, plus the pooled estimate under ``*``."""
    pairs = assessment_pairs(dataset)
    covariates = COVARIATES[UpliftMethod(method)]
    pooled, _ = _coefficient(pairs, covariates) if len(pairs) else (float("nan"), 0.0)
    pooled = default if np.isnan(pooled) else float(np.clip(pooled, 0.0, MAX_UPLIFT))
    out = {POOLED_UPLIFT: round(pooled, 4)}
    for code, grp in pairs.groupby(c.COMPETENCY_CODE):
        own, support = _coefficient(grp, covariates)
        if np.isnan(own):
            continue
        w = support / (support + PRIOR_WEIGHT)
        out[str(code)] = round(float(np.clip(w * own + (1 - w) * pooled, 0.0, MAX_UPLIFT)), 4)
    return out
