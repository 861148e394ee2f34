"""The naive before/after comparison HR usually makes, shown beside the DiD to say why it misleads.

For every moved employee: the mean outcome over event times ``0..max_event`` minus the mean
over ``−max_lead..−1``; then the mean of those differences over the employees that have both
(SE = sd / √n). There is no comparison group, so any common trend (everyone's scores drift
up) and the selection of the moves (the two appraisals before a move are screened, Peraturan
BKN 5/2019) end up in the number."""

import math

import numpy as np
import pandas as pd

from features import columns as c
from features.program_panel import COHORT, PERIOD
from serving.program.results import DidSettings, Estimate

NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, math.nan, math.nan)


def naive_before_after(panel: pd.DataFrame, outcome: str, settings: DidSettings = DidSettings()) -> Estimate:
    """Moved employees' mean ``outcome`` after the move minus before it, per employee then
    averaged; NaN when fewer than two employees have both sides."""
    moved = panel.loc[panel[COHORT].notna() & panel[outcome].notna(), [c.EMPLOYEE_ID, PERIOD, COHORT, outcome]]
    event = moved[PERIOD].to_numpy(dtype=float) - moved[COHORT].to_numpy(dtype=float)
    side = np.select([(event >= 0) & (event <= settings.max_event), (event < 0) & (event >= -settings.max_lead)],
                     ["after", "before"], default="")
    means = (moved.assign(_side=side).loc[lambda f: f["_side"] != ""]
             .groupby([c.EMPLOYEE_ID, "_side"])[outcome].mean().unstack("_side"))
    if not {"after", "before"} <= set(means.columns):
        return NAN_ESTIMATE
    change = (means["after"] - means["before"]).dropna()
    if len(change) < 2:
        return NAN_ESTIMATE
    return Estimate.normal(float(change.mean()), float(change.std(ddof=1) / math.sqrt(len(change))))
