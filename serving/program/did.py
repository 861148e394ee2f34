"""Staggered difference-in-differences of employee outcomes around their first transfer.

Design (see ``features.program_panel`` for the panel): cohort = period of the first move;
anticipation = ``settings.anticipation`` periods (the screened appraisals before a move), so the
base period of cohort g is g − anticipation − 1 (universal); the comparisons of a cell (g, t)
are the never moved plus those not yet moved (``settings.comparison``: why the default
counts those moved at t + 1 and t + 2 is in :mod:`serving.program.cs`).

The group-time ATTs and their event aggregation come from :mod:`serving.program.cs`. From
the event effects' influence functions ψ (one row per employee, n rows) we form the covariance
V = ψ'ψ / n² (per employee) or, clustered by unit, V = G/(G−1) · S'S / n² with S the sums of ψ
within each employee's unit (the unit of the employee's first row: units change with moves,
clusters must not). The ATT is the plain average of the event effects 0..max_event that were
estimated, its SE √(w'Vw); the pre-trend test is the Wald statistic b'V⁻b of the effects at
−max_lead..−(anticipation+2) against χ² with dof = rank(V).

Employees are prepared per outcome (:func:`prepare`): rows with a NaN outcome dropped; a moved
employee without a row at their base period, or without any row from their move on, cannot be
a treated employee and is kept as a comparison only for their periods before
cohort − anticipation (cohort set to NaN), as are the other groups' moves in :func:`group_did`."""

import numpy as np
import pandas as pd
from scipy import stats

from features import columns as c
from features.program_panel import COHORT, PERIOD
from serving.program.cs import ENTITY, Comparison, EventFit, Panel, fit_events
from serving.program.naive import naive_before_after
from serving.program.results import DidResult, DidSettings, Estimate, EventEffect, PreTrend, Split

ALL_GROUPS = "all"
PLACEBO_GROUP = "placebo"
CLUSTER_UNIT = "unit"
EFFECT = "effect"                       # column of the simulator's truth frame
COMPARISON_ONLY = "_comparison_only"    # a moved employee kept only as a not-yet-treated comparison
REFERENCE = Estimate(0.0, 0.0, 0.0, 0.0, 1.0)


def base_period(cohort: pd.Series | float, settings: DidSettings):
    """The universal base period of a cohort: the last period before the anticipation window."""
    return cohort - settings.anticipation - 1


def comparison_only(panel: pd.DataFrame, employees: pd.Series, settings: DidSettings) -> pd.DataFrame:
    """Rows of the moved ``employees`` (a row mask) kept only before cohort − anticipation,
    with cohort NaN and marked :data:`COMPARISON_ONLY`."""
    keep = ~employees | (panel[PERIOD] < panel[COHORT] - settings.anticipation)
    out = panel.loc[keep].copy()
    hit = employees.loc[keep]
    out[COMPARISON_ONLY] = (out[COMPARISON_ONLY] if COMPARISON_ONLY in out else False) | hit
    out.loc[hit, COHORT] = np.nan
    return out


def prepare(panel: pd.DataFrame, outcome: str | None, settings: DidSettings) -> pd.DataFrame:
    """The rows a DiD of ``outcome`` uses (see the module doc), sorted, with an integer
    :data:`~serving.program.cs_edge.ENTITY` code per employee. ``outcome`` None: keep all rows."""
    frame = panel if outcome is None else panel.loc[panel[outcome].notna()]
    frame = frame.sort_values([c.EMPLOYEE_ID, PERIOD]).reset_index(drop=True)
    if COMPARISON_ONLY not in frame:
        frame = frame.assign(**{COMPARISON_ONLY: False})
    moved = frame[COHORT].notna()
    at_base = frame[PERIOD] == base_period(frame[COHORT], settings)
    after = frame[PERIOD] >= frame[COHORT]
    ids = frame[c.EMPLOYEE_ID]
    usable = ids.isin(ids[at_base]) & ids.isin(ids[after])
    frame = comparison_only(frame, moved & ~usable, settings).reset_index(drop=True)
    codes = np.unique(frame[c.EMPLOYEE_ID].to_numpy(), return_inverse=True)[1]
    return frame.assign(**{ENTITY: codes})


def _covariance(influence: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    n = influence.shape[0]
    if clusters is None:
        return influence.T @ influence / n ** 2
    sums = pd.DataFrame(influence).groupby(clusters).sum().to_numpy()
    groups = sums.shape[0]
    return groups / max(groups - 1, 1) * (sums.T @ sums) / n ** 2


def _clusters(frame: pd.DataFrame, entities: np.ndarray, settings: DidSettings) -> np.ndarray | None:
    if settings.cluster != CLUSTER_UNIT:
        return None
    first_unit = frame.groupby(ENTITY)[c.UNIT_ID].first()
    return first_unit.reindex(entities).fillna("").to_numpy()


def _pretrend(effects: np.ndarray, cov: np.ndarray, pre: np.ndarray) -> PreTrend | None:
    if not pre.any():
        return None
    b, v = effects[pre], cov[np.ix_(pre, pre)]
    dof = int(np.linalg.matrix_rank(v))
    if dof == 0:
        return None
    statistic = float(b @ np.linalg.pinv(v) @ b)
    return PreTrend(statistic, dof, float(stats.chi2.sf(statistic, dof)))


def _fit(frame: pd.DataFrame, column: str, settings: DidSettings) -> EventFit | None:
    """The event effects of ``column`` in a prepared frame, as the settings design them."""
    return fit_events(Panel.of(frame, ENTITY, PERIOD, COHORT, column), anticipation=settings.anticipation,
                      first_event=-settings.max_lead, last_event=settings.max_event,
                      rule=Comparison(settings.comparison))


def _post(fit: EventFit, settings: DidSettings) -> np.ndarray:
    """The event times the ATT averages: 0..max_event."""
    return (fit.event_times >= 0) & (fit.event_times <= settings.max_event)


def staggered_did(panel: pd.DataFrame, outcome: str, settings: DidSettings = DidSettings(), *,
                  split: str = Split.ALL, group: str = ALL_GROUPS) -> DidResult | None:
    """Callaway–Sant'Anna DiD of ``outcome`` (an Outcome value); None when fewer than
    ``settings.min_treated`` moved employees remain or nothing after the move is estimable."""
    frame = prepare(panel, outcome, settings)
    treated = frame.loc[frame[COHORT].notna(), c.EMPLOYEE_ID].nunique()
    if treated < settings.min_treated:
        return None
    fit = _fit(frame, outcome, settings)
    if fit is None:
        return None
    cov = _covariance(fit.influence, _clusters(frame, fit.entities, settings))
    post = _post(fit, settings)
    if not post.any():
        return None
    weights = post / post.sum()
    att = Estimate.normal(float(weights @ fit.effects), float(np.sqrt(max(weights @ cov @ weights, 0.0))))
    reference = -settings.anticipation - 1
    pre = (fit.event_times >= -settings.max_lead) & (fit.event_times <= reference - 1)
    per_event = fit.cells.assign(_e=fit.cells[PERIOD] - fit.cells[COHORT]).groupby("_e")[COHORT].nunique()
    found = [EventEffect(int(e), Estimate.normal(float(fit.effects[i]), float(np.sqrt(max(cov[i, i], 0.0)))),
                         int(per_event.get(e, 0))) for i, e in enumerate(fit.event_times)]
    base = EventEffect(reference, REFERENCE, fit.cells[COHORT].nunique(), reference=True)
    events = tuple(sorted([*found, base], key=lambda ev: ev.event_time))
    comparison = frame.loc[frame[COHORT].isna() & ~frame[COMPARISON_ONLY], c.EMPLOYEE_ID].nunique()
    return DidResult(outcome=str(outcome), split=str(split), group=str(group), att=att, events=events,
                     pretrend=_pretrend(fit.effects, cov, pre), naive=naive_before_after(frame, outcome, settings),
                     n_treated=int(treated), n_comparison=int(comparison), n_rows=len(frame),
                     cohorts=tuple(sorted(int(g) for g in fit.cells[COHORT].unique())))


def truth_of(panel: pd.DataFrame, outcome_truth: pd.DataFrame, settings: DidSettings = DidSettings(), *,
             outcome: str | None = None) -> float:
    """The simulator's true effect (``outcome_truth``: employee_id, period, effect; missing
    rows = 0) averaged exactly as :func:`staggered_did` averages its ATT: per cell (g, t) the
    mean true effect at t of the cohort-g employees observed at t and at the base period
    (when the cell has a comparison), cohort-size weights per event time, then the plain mean
    over the event times 0..max_event. ``outcome``: drop its NaN rows first, as the DiD does."""
    frame = prepare(panel, outcome, settings)
    truth = outcome_truth.set_index([c.EMPLOYEE_ID, PERIOD])[EFFECT]
    keys = pd.MultiIndex.from_arrays([frame[c.EMPLOYEE_ID], frame[PERIOD]])
    effect = pd.Series(truth.reindex(keys).fillna(0.0).to_numpy(), index=frame.index)
    # an effect of the move exists only from the move on: before it (and for the never moved) it is 0,
    # so every cell's comparison side is 0 and the cell is the cohort's mean true effect at t
    frame = frame.assign(**{EFFECT: effect.where(frame[PERIOD] >= frame[COHORT], 0.0)})
    fit = _fit(frame, EFFECT, settings)
    if fit is None:
        return float("nan")
    post = _post(fit, settings)
    return float(fit.effects[post].mean()) if post.any() else float("nan")


def group_panel(panel: pd.DataFrame, column: str, value: str, settings: DidSettings = DidSettings()) -> pd.DataFrame:
    """The panel in which only the moves with ``column == value`` are treated; the other moves
    are comparisons before cohort − anticipation only; the never moved stay."""
    other = panel[COHORT].notna() & (panel[column] != value).fillna(True)
    return comparison_only(panel, other, settings)


def group_did(panel: pd.DataFrame, outcome: str, column: str, settings: DidSettings = DidSettings(),
              split: str = Split.ALL) -> tuple[DidResult, ...]:
    """One DiD per value of ``column`` among moved employees (groups with too few skipped)."""
    values = sorted(str(v) for v in panel.loc[panel[COHORT].notna(), column].dropna().unique())
    results = (staggered_did(group_panel(panel, column, value, settings), outcome, settings, split=split, group=value)
               for value in values)
    return tuple(r for r in results if r is not None)


def placebo_panel(panel: pd.DataFrame, settings: DidSettings = DidSettings()) -> pd.DataFrame:
    """Only the never moved, a share of them (the real share moved) given fake move periods
    drawn from the real moved employees' cohorts (rng seeded by ``settings.placebo_seed``)."""
    cohorts = panel.groupby(c.EMPLOYEE_ID)[COHORT].first()
    never = cohorts.index[cohorts.isna()].sort_values()
    real = cohorts.dropna().to_numpy()
    rng = np.random.default_rng(settings.placebo_seed)
    share = len(real) / max(len(cohorts), 1)
    picked = rng.random(len(never)) < share
    fake = pd.Series(np.nan, index=never)
    if len(real):
        fake[picked] = rng.choice(real, size=int(picked.sum()))
    out = panel.loc[panel[c.EMPLOYEE_ID].isin(never)].copy()
    out[COHORT] = fake.reindex(out[c.EMPLOYEE_ID]).to_numpy()
    return out


def placebo_did(panel: pd.DataFrame, outcome: str, settings: DidSettings = DidSettings()) -> DidResult | None:
    """The DiD on :func:`placebo_panel`: its true effect is 0 by construction."""
    return staggered_did(placebo_panel(panel, settings), outcome, settings, split=Split.ALL, group=PLACEBO_GROUP)
