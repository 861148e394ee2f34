"""Correcting training for the history's selection (``--selection-correction``).

Past transfers were chosen by managers; outcomes exist only for the chosen. The selection
model (:mod:`training.propensity`) gives each event's propensity ``p``: the probability
that the person appointed was the one chosen among the eligible pool of ``pool_size``.

- ``none``: the plain fit (every event weight 1).
- ``ipw``: inverse-propensity weights relative to uniform choice, ``1 / (pool_size * p)``
  (1 when the chosen was exactly as likely as anyone), clipped at a quantile and
  stabilised to mean 1. Weighted, the chosen pairs stand for the whole pools: both
  boosters, their early stopping (weighted validation fold) and the risk calibration use
  them. It corrects selection *on what the features see*; selection on what they do not
  (the managers' glimpse of ability) stays.
- ``dr``: a doubly-robust-*style* residual correction, not the textbook DR estimator
  (which needs outcome predictions for every pool member and is used for off-policy
  evaluation): the unweighted booster is the outcome model; boosting then continues from
  it on the IPW-weighted rows (``init_model``) with early stopping on the weighted
  validation fold, so the prediction is outcome model + weighted correction of its
  residuals. If the outcome model is already right, the weighted residuals have mean
  zero and early stopping adds little; if it is biased where the weights are large, the
  correction moves it there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from features import columns as c
from features.history_pools import historical_pools
from features.io import Dataset
from features.model_inputs import FEATURES
from features.names import AS_OF, CHOSEN, EVENT_ID, POOL_SIZE
from training.metrics import effective_sample_size
from training.propensity import SelectionModel, selection_report
from training.split import TemporalSplit


class Correction(str, Enum):
    NONE = "none"
    IPW = "ipw"
    DR = "dr"

    @classmethod
    def parse(cls, value: "str | Correction", option: str = "selection_correction") -> "Correction":
        """The value, or a ValueError naming the option and its choices."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(c.value for c in cls)
            raise ValueError(f"{option} must be one of {choices}; got {value!r}") from None


@dataclass(frozen=True)
class Weights:
    values: pd.Series                 # stabilised weight per event (mean 1)
    clip_at: float                    # raw weight above which weights were clipped
    share_clipped: float
    effective_sample_size: float      # (sum w)^2 / sum w^2
    max_weight: float

    def describe(self) -> dict[str, float]:
        return {"selection_ess": self.effective_sample_size, "selection_ess_share":
                self.effective_sample_size / max(len(self.values), 1), "selection_share_clipped": self.share_clipped,
                "selection_max_weight": self.max_weight, "selection_clip_at": self.clip_at}


def selection_weights(propensity, pool_size, clip_quantile: float = 0.99) -> Weights:
    """``1 / (pool_size * propensity)``, clipped at its ``clip_quantile`` quantile and
    divided by the mean. ``propensity`` may be a Series (its index is kept)."""
    if not 0 < clip_quantile <= 1:
        raise ValueError(f"clip_quantile must be in (0, 1], got {clip_quantile}")
    index = propensity.index if isinstance(propensity, pd.Series) else None
    p = np.asarray(propensity, dtype="float64")
    n = np.asarray(pool_size, dtype="float64")
    if len(p) == 0:
        return Weights(pd.Series(p, index=index), float("nan"), 0.0, 0.0, float("nan"))
    if not np.all((p > 0) & (p <= 1)) or not np.all(n >= 1):
        raise ValueError("propensities must lie in (0, 1] and pool sizes be at least 1")
    raw = 1.0 / (n * p)
    cap = float(np.quantile(raw, clip_quantile))
    clipped = np.minimum(raw, cap)
    stable = clipped / clipped.mean()
    return Weights(pd.Series(stable, index=index, name="weight"), cap, float(np.mean(raw > cap)),
                   effective_sample_size(stable), float(stable.max()))


@dataclass(frozen=True)
class Selection:
    """The selection model of a training run and the weights it gives the table's rows."""

    model: SelectionModel
    propensity: pd.Series             # per event (EVENT_ID): P(the chosen was chosen | whole pool)
    pool_size: pd.Series              # per event: eligible pool size, the chosen included
    weights: Weights
    row_weight: np.ndarray            # per training-table row; NaN for events without a weight (test)
    report: dict                      # selection_report on held-out events (+ calibration frame)
    summary: dict[str, float]         # scalars for the bundle metadata and MLflow


def fit_selection(dataset: Dataset, table: pd.DataFrame, perf_split: TemporalSplit, risk_split: TemporalSplit,
                  alternatives: int, seed: int, clip_quantile: float = 0.99,
                  progress: Callable[[str], None] | None = None) -> Selection:
    """Pools of every event before the (performance) test period; the selection model
    fitted on those before its validation period, its report on the validation-period
    events (held out); weights for every event before the test period."""
    say = progress or (lambda _msg: None)
    dates = table[AS_OF]
    before_test = table[dates < perf_split.test_from]
    pools = historical_pools(dataset, before_test[[EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF]],
                             alternatives=alternatives, seed=seed, progress=say)
    frame = pools.frame
    fit_rows = frame[frame[AS_OF] < perf_split.valid_from]
    say(f"selection model: {fit_rows[EVENT_ID].nunique():,} events, {len(fit_rows):,} pool rows")
    model = SelectionModel.fit(fit_rows, FEATURES)
    held_out = frame.loc[frame[AS_OF] >= perf_split.valid_from, EVENT_ID].unique()
    report = selection_report(model, pools, held_out)
    propensity = model.chosen_probability(pools)
    sizes = frame.loc[frame[CHOSEN]].set_index(EVENT_ID)[POOL_SIZE].reindex(propensity.index)
    weights = selection_weights(propensity, sizes, clip_quantile)
    row_weight = weights.values.reindex(table[EVENT_ID]).to_numpy(dtype="float64")
    scalars = {f"selection_{k}": float(v) for k, v in report.items() if k not in ("calibration", "events")}
    summary = {**weights.describe(), **scalars, "selection_held_out_events": float(report["events"]),
               **pools.describe()}
    say(f"selection weights: ESS {weights.effective_sample_size:,.0f} of {len(weights.values):,}, "
        f"{weights.share_clipped:.1%} clipped, max {weights.max_weight:.1f}")
    return Selection(model, propensity, sizes, weights, row_weight, report, summary)
