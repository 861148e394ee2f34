"""Callaway–Sant'Anna group-time effects, aggregated to event times, on plain arrays.

For cohort g (the period of the first move) and period t, with the universal base period
b = g − anticipation − 1, a cell is the 2×2 difference in differences

    ATT(g, t) = mean over the cohort of (Y_t − Y_b) − mean over the comparisons of (Y_t − Y_b),

over the employees observed both at b and at t. Event effects θ(e) weight the cells
ATT(g, g + e) by cohort size (P(G = g) among the cohorts with that cell), and carry the
influence function of the cells and of the weights (Callaway & Sant'Anna 2021, section 4;
R ``did``'s ``wif``), so that Var = ψ'ψ / n² for n employees.

**Which employees compare.** :data:`Comparison.AFTER_ANTICIPATION` is the package rule
(``differences``, R ``did``): never moved, or first moved after max(t, b) + anticipation.
It is checked against ``differences`` in the tests. :data:`Comparison.NOT_YET_MOVED` (the
default) is never moved, or first moved after max(t, g). The reason is the contract's
eligibility rule: nobody is moved whose last two appraisals are below *baik*. So someone
*not* moved in a year is a little more likely to have had a poor appraisal before it:

- the base-period appraisal of everyone first moved at g is pulled down by their not being
  moved at g − 2 and g − 1;
- so is every appraisal of a comparison employee who stays unmoved for two more years;
- the appraisals after a move are pulled by nothing.

Under the package rule a cell compares a clean period with a depressed base for the movers,
and a depressed period with a depressed base for the comparisons, so the ATT comes out too
high. On the simulator with a true effect of exactly zero it was about +0.03 score points,
and the pre-trend test could not see it (every period before a move is pulled down alike).
Counting those moved at t + 1 and t + 2 as comparisons at t mixes their eligible appraisals
(pulled up) with the stayers' (pulled down). That leaves period t unselected, as the movers'
own post-move periods are, while keeping the base periods alike. Before the move (t < g),
comparisons must not be moved by g, like the cohort itself.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd


class Comparison(StrEnum):
    NOT_YET_MOVED = "not_yet_moved"                    # never moved, or first moved after max(t, g)
    AFTER_ANTICIPATION = "after_anticipation"          # never moved, or after max(t, b) + anticipation


@dataclass(frozen=True)
class EventFit:
    """Event effects of one fit with their influence functions."""

    event_times: np.ndarray          # int, ascending
    effects: np.ndarray              # per event time (0 at the base period)
    influence: np.ndarray            # n_entities × n_events; Var = influence' influence / n²
    entities: np.ndarray             # entity codes, in the influence functions' row order
    cells: pd.DataFrame              # estimated (cohort, period, att) cells


CELL_COHORT, CELL_PERIOD, CELL_ATT = "cohort", "period", "att"
ENTITY = "_entity"     # integer employee code of a prepared frame


@dataclass(frozen=True)
class Panel:
    """The outcome as an entities × periods matrix (NaN: not observed) and each entity's cohort."""

    values: np.ndarray
    periods: np.ndarray
    cohort: np.ndarray               # float, NaN = never moved
    entities: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, entity: str, period: str, cohort: str, outcome: str) -> "Panel":
        wide = frame.pivot_table(index=entity, columns=period, values=outcome, aggfunc="mean")
        cohorts = frame.groupby(entity)[cohort].first().reindex(wide.index)
        return cls(wide.to_numpy(dtype=float), wide.columns.to_numpy(dtype=np.int64),
                   cohorts.to_numpy(dtype=float), wide.index.to_numpy())


def comparisons(cohort: np.ndarray, g: int, t: int, base: int, anticipation: int, rule: Comparison) -> np.ndarray:
    """Who may compare in cell (g, t)."""
    after = max(t, g) if rule is Comparison.NOT_YET_MOVED else max(t, base) + anticipation
    return np.isnan(cohort) | (cohort > after)


def cell(panel: Panel, g: int, t: int, base: int, anticipation: int, rule: Comparison) -> tuple[float, np.ndarray] | None:
    """ATT(g, t) and its influence function (n entries), or None when a side is empty."""
    col = {p: i for i, p in enumerate(panel.periods)}
    if base not in col or t not in col:
        return None
    before, now = panel.values[:, col[base]], panel.values[:, col[t]]
    both = ~np.isnan(before) & ~np.isnan(now)
    treated = both & (panel.cohort == g)
    control = both & comparisons(panel.cohort, g, t, base, anticipation, rule) & (panel.cohort != g)
    n_t, n_c = int(treated.sum()), int(control.sum())
    if n_t == 0 or n_c == 0:
        return None
    change = np.where(both, now - before, 0.0)
    mean_t, mean_c = change[treated].mean(), change[control].mean()
    n = len(change)
    influence = np.zeros(n)
    influence[treated] = n / n_t * (change[treated] - mean_t)
    influence[control] = -n / n_c * (change[control] - mean_c)
    return float(mean_t - mean_c), influence


def _weights_influence(cohort: np.ndarray, groups: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Influence of the estimated cohort-share weights (n × cohorts), as R ``did``'s ``wif``."""
    member = (cohort[:, None] == groups[None, :]).astype(float)
    total = shares.sum()
    first = (member - shares) / total
    second = (member - shares).sum(axis=1, keepdims=True) * (shares / total ** 2)[None, :]
    return first - second


def fit_events(panel: Panel, *, anticipation: int, first_event: int, last_event: int,
               rule: Comparison = Comparison.NOT_YET_MOVED) -> EventFit | None:
    """Every cell with ``first_event <= t − g <= last_event`` (the base period left out),
    aggregated to event times. None when no cell could be estimated."""
    n = len(panel.cohort)
    cohorts = np.unique(panel.cohort[~np.isnan(panel.cohort)])
    share = {g: float((panel.cohort == g).sum()) / n for g in cohorts}
    found: dict[int, list[tuple[int, float, np.ndarray]]] = {}
    rows = []
    for g in cohorts.astype(int):
        base = g - anticipation - 1
        for e in range(first_event, last_event + 1):
            t = g + e
            if t == base:
                continue
            got = cell(panel, g, t, base, anticipation, rule)
            if got is not None:
                found.setdefault(e, []).append((g, *got))
                rows.append((g, t, got[0]))
    if not rows:
        return None
    events = sorted(found)
    effects, influence = [], []
    for e in events:
        groups = np.array([g for g, _, _ in found[e]], dtype=float)
        shares = np.array([share[g] for g, _, _ in found[e]])
        atts = np.array([a for _, a, _ in found[e]])
        weights = shares / shares.sum()
        cells_if = np.column_stack([f for _, _, f in found[e]])
        effects.append(float(weights @ atts))
        influence.append(cells_if @ weights + _weights_influence(panel.cohort, groups, shares) @ atts)
    return EventFit(event_times=np.array(events, dtype=int), effects=np.array(effects),
                    influence=np.column_stack(influence), entities=panel.entities,
                    cells=pd.DataFrame(rows, columns=[CELL_COHORT, CELL_PERIOD, CELL_ATT]))
