"""Units' service indicators against the share of their staff moved: a dose event study.

For one indicator, OLS (statsmodels, the only module importing it) of

    value_ut = unit_u + period_t + Σ_k b_k · share_{u, t−k} + e_ut,   k = −dose_leads..dose_lags, k ≠ −1,

with standard errors clustered by unit and t-based inference (G − 1 degrees of freedom).
k ≥ 0: the effect k periods after a period in which a share of the unit's staff moved;
k ≤ −2: leads (future shares), which should be 0 when units about to lose staff did not
already trend apart: their joint Wald test is the pre-trend test. k = −1 is the reference
(left out, shown with effect 0). A row needs every share it refers to; rows whose lagged or
lead shares fall outside the data are dropped. Coefficients are per 100% of staff moved
(shares are 0..1). ATT = the plain mean of b_0..b_dose_lags.

The naive number: the slope, through the origin, of the change around a period
(value_{t+1} − value_{t−1}) on that period's share: "units that moved more staff changed
more", with no comparison and no common trend taken out; SE clustered by unit."""

import numpy as np
import pandas as pd

from features import columns as c
from features.program_panel import PERIOD, SHARE_MOVED
from serving.program.naive import NAN_ESTIMATE
from serving.program.results import DidSettings, DoseResult, Estimate, EventEffect, PreTrend

MIN_UNITS = 10
REFERENCE_LAG = -1
REFERENCE = Estimate(0.0, 0.0, 0.0, 0.0, 1.0)


def lag_name(k: int) -> str:
    """The regressor of the share k periods before (k < 0: after) the row's period."""
    return f"share_lag_{k}" if k >= 0 else f"share_lead_{-k}"


def lags(settings: DidSettings) -> list[int]:
    """The estimated k, reference left out."""
    return [k for k in range(-settings.dose_leads, settings.dose_lags + 1) if k != REFERENCE_LAG]


def _shares(unit_panel: pd.DataFrame) -> pd.Series:
    return unit_panel.groupby([c.UNIT_ID, PERIOD])[SHARE_MOVED].first()


def design(unit_panel: pd.DataFrame, indicator: str, settings: DidSettings) -> pd.DataFrame:
    """``unit_id, period, value`` of the indicator with one share column per k (rows with a
    missing share dropped)."""
    rows = unit_panel[unit_panel[c.INDICATOR] == indicator]
    frame = rows.groupby([c.UNIT_ID, PERIOD], as_index=False)[c.VALUE].mean().dropna()
    shares = _shares(unit_panel)
    for k in lags(settings):
        key = pd.MultiIndex.from_arrays([frame[c.UNIT_ID], frame[PERIOD] - k])
        frame[lag_name(k)] = shares.reindex(key).to_numpy()
    return frame.dropna().reset_index(drop=True)


def _fit(frame: pd.DataFrame, settings: DidSettings):
    import statsmodels.api as sm

    names = [lag_name(k) for k in lags(settings)]
    fixed = pd.get_dummies(frame[[c.UNIT_ID, PERIOD]].astype(str), drop_first=True, dtype=float)
    exog = sm.add_constant(pd.concat([frame[names].astype(float), fixed], axis=1), has_constant="add")
    groups = pd.factorize(frame[c.UNIT_ID])[0]
    return sm.OLS(frame[c.VALUE].astype(float), exog).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                                          use_t=True)


def _contrast(fit, names: list[str]) -> np.ndarray:
    matrix = np.zeros((1, len(fit.params)))
    matrix[0, [fit.params.index.get_loc(n) for n in names]] = 1.0 / len(names)
    return matrix


def _estimate(fit, names: list[str]) -> Estimate:
    test = fit.t_test(_contrast(fit, names))
    low, high = np.asarray(test.conf_int()).ravel()
    return Estimate(float(np.ravel(test.effect)[0]), float(np.ravel(test.sd)[0]), float(low), float(high),
                    float(np.ravel(test.pvalue)[0]))


def _pretrend(fit, settings: DidSettings) -> PreTrend | None:
    leads = [lag_name(k) for k in lags(settings) if k < REFERENCE_LAG]
    if not leads:
        return None
    matrix = np.zeros((len(leads), len(fit.params)))
    for row, name in enumerate(leads):
        matrix[row, fit.params.index.get_loc(name)] = 1.0
    test = fit.wald_test(matrix, scalar=True, use_f=False)
    return PreTrend(float(np.ravel(test.statistic)[0]), len(leads), float(np.ravel(test.pvalue)[0]))


def naive_dose(unit_panel: pd.DataFrame, indicator: str) -> Estimate:
    """Slope through the origin of (value_{t+1} − value_{t−1}) on share_t, over unit-periods."""
    import statsmodels.api as sm

    values = unit_panel[unit_panel[c.INDICATOR] == indicator].groupby([c.UNIT_ID, PERIOD])[c.VALUE].mean()
    shares = _shares(unit_panel)
    units, periods = shares.index.get_level_values(0), shares.index.get_level_values(1)
    after = values.reindex(pd.MultiIndex.from_arrays([units, periods + 1])).to_numpy()
    before = values.reindex(pd.MultiIndex.from_arrays([units, periods - 1])).to_numpy()
    frame = pd.DataFrame({"change": after - before, "share": shares.to_numpy()}, index=units).dropna()
    if (frame["share"] > 0).sum() < 2 or frame.index.nunique() < 2:
        return NAN_ESTIMATE
    fit = sm.OLS(frame["change"].to_numpy(), frame[["share"]].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame.index)[0]}, use_t=True)
    low, high = np.asarray(fit.conf_int()).ravel()
    return Estimate(float(fit.params[0]), float(fit.bse[0]), float(low), float(high), float(fit.pvalues[0]))


def dose_event_study(unit_panel: pd.DataFrame, indicator: str, settings: DidSettings = DidSettings()) -> DoseResult | None:
    """The dose event study of one ``indicator``; None with fewer than :data:`MIN_UNITS` units
    (or too few rows for the fixed effects)."""
    frame = design(unit_panel, indicator, settings)
    n_units = frame[c.UNIT_ID].nunique()
    n_params = len(lags(settings)) + n_units + frame[PERIOD].nunique() - 1
    if n_units < MIN_UNITS or len(frame) <= n_params:
        return None
    fit = _fit(frame, settings)
    events = []
    for k in range(-settings.dose_leads, settings.dose_lags + 1):
        if k == REFERENCE_LAG:
            events.append(EventEffect(k, REFERENCE, 0, reference=True))
            continue
        name = lag_name(k)
        source = frame.loc[frame[name] > 0, PERIOD] - k
        events.append(EventEffect(k, _estimate(fit, [name]), int(source.nunique())))
    post = [lag_name(k) for k in range(settings.dose_lags + 1)]
    higher = unit_panel.loc[unit_panel[c.INDICATOR] == indicator, c.HIGHER_IS_BETTER]
    return DoseResult(indicator=str(indicator), higher_is_better=bool(higher.iloc[0]) if len(higher) else True,
                      att=_estimate(fit, post), events=tuple(events), pretrend=_pretrend(fit, settings),
                      naive=naive_dose(unit_panel, indicator), n_units=int(n_units), n_rows=len(frame))
