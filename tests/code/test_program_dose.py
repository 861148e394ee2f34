"""The units' dose event study on hand-made unit panels: value = unit effect + period effect +
Σ_k b_k · share moved k periods earlier [+ noise], with b known by construction."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.program_panel import PERIOD, SHARE_MOVED
from serving.program.dose import dose_event_study
from serving.program.results import DidSettings

pytestmark = pytest.mark.code

PERIODS = list(range(2008, 2025))
B = {0: -2.0, 1: -1.0, 2: 0.5, 3: 1.0, 4: 2.5}           # lags (mean 0.2); every lead 0
SETTINGS = DidSettings(dose_leads=3, dose_lags=4)


def build(units: int, *, noise: float = 0.0, trend: float = 0.3, b: dict[int, float] = B, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    share = {(u, t): float(rng.choice([0.0, rng.uniform(0.02, 0.4)])) for u in range(units) for t in PERIODS}
    rows = []
    for u in range(units):
        own = rng.normal(scale=3.0)
        for t in PERIODS:
            dose = sum(bk * share.get((u, t - k), 0.0) for k, bk in b.items())
            rows.append({c.UNIT_ID: f"u{u:02d}", PERIOD: t, c.INDICATOR: "ikm", c.HIGHER_IS_BETTER: True,
                         SHARE_MOVED: share[(u, t)],
                         c.VALUE: 70 + own + trend * (t - PERIODS[0]) + dose + noise * rng.normal()})
    return pd.DataFrame(rows)


def test_exact_recovery_without_noise():
    result = dose_event_study(build(14), "ikm", SETTINGS)
    effects = {ev.event_time: ev.effect.estimate for ev in result.events}
    for k in range(-SETTINGS.dose_leads, SETTINGS.dose_lags + 1):
        assert effects[k] == pytest.approx(B.get(k, 0.0), abs=1e-8)
    assert [ev.event_time for ev in result.events if ev.reference] == [-1]
    assert result.att.estimate == pytest.approx(np.mean(list(B.values())), abs=1e-8)
    assert result.n_units == 14 and result.higher_is_better


def test_noisy_effects_within_their_intervals_and_leads_pass():
    result = dose_event_study(build(60, noise=0.5, seed=1), "ikm", SETTINGS)
    truth = np.mean(list(B.values()))
    assert result.att.ci_low <= truth <= result.att.ci_high
    assert result.pretrend.dof == SETTINGS.dose_leads - 1 and result.pretrend.passed


def test_a_lead_effect_fails_the_pretrend():
    result = dose_event_study(build(60, noise=0.3, b={**B, -3: 3.0}, seed=2), "ikm", SETTINGS)
    assert not result.pretrend.passed
    assert result.events[0].effect.ci_low <= 3.0 <= result.events[0].effect.ci_high


def test_naive_is_the_trend_over_the_share():
    panel = build(12, b={}, trend=0.4)
    result = dose_event_study(panel, "ikm", SETTINGS)
    inside = panel[panel[PERIOD].between(PERIODS[1], PERIODS[-2])][SHARE_MOVED]
    # every change around a period is the trend over two periods: the slope through the origin
    # of 0.8 on the share is 0.8 · Σ share / Σ share²
    assert result.naive.estimate == pytest.approx(0.8 * inside.sum() / (inside ** 2).sum(), rel=1e-9)
    assert result.att.estimate == pytest.approx(0.0, abs=1e-8)


def test_fewer_than_ten_units_gives_none():
    assert dose_event_study(build(9), "ikm", SETTINGS) is None
