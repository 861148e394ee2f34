"""The staggered DiD on tiny hand-made panels whose effect is known by construction:
outcome = employee effect + period effect + (the built effect at the event time) [+ noise]."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.program_panel import COHORT, MATCH, PERIOD
from serving.program.cs import ENTITY, Comparison, Panel, comparisons, fit_events
from serving.program.did import group_did, placebo_did, placebo_panel, staggered_did, truth_of
from serving.program.naive import naive_before_after
from serving.program.results import DidSettings, Split

pytestmark = pytest.mark.code

Y = "appraisal_score"
PERIODS = list(range(2010, 2025))
SETTINGS = DidSettings(min_treated=2)
# the package's comparison rule: those moved within the anticipation window never compare, so a
# real dip in the two periods before a move (PROFILE) cannot leak into the comparisons
PACKAGE = DidSettings(min_treated=2, comparison=Comparison.AFTER_ANTICIPATION.value)


def build(cohorts: dict[int, int], never: int, effect, *, trend: float = 0.1, noise: float = 0.0,
          drop: float = 0.0, group: dict[int, str] | None = None, seed: int = 0) -> pd.DataFrame:
    """``cohorts``: cohort -> employees; ``effect(event, cohort)``: the built effect (NaN event
    for the never moved); ``drop``: share of rows removed at random (unbalanced panel)."""
    rng = np.random.default_rng(seed)
    rows = []
    people = [(g, i) for g, n in cohorts.items() for i in range(n)] + [(math.nan, i) for i in range(never)]
    for k, (g, _) in enumerate(people):
        own = rng.normal()
        for t in PERIODS:
            e = t - g
            rows.append({c.EMPLOYEE_ID: f"e{k:04d}", PERIOD: t, COHORT: g, c.UNIT_ID: f"u{k % 7}",
                         MATCH: (group or {}).get(g, "own") if g == g else math.nan,
                         Y: own + trend * (t - PERIODS[0]) + (0.0 if g != g else effect(e, g))
                         + noise * rng.normal(), "effect": 0.0 if g != g else effect(e, g)})
    panel = pd.DataFrame(rows)
    if drop:
        panel = panel[rng.random(len(panel)) >= drop].reset_index(drop=True)
    return panel


PROFILE = {-2: -0.4, -1: -0.6, 0: -0.3, 1: -0.1, 2: 0.1, 3: 0.2, 4: 0.3, 5: 0.9}


def profile(e: float, _g: float) -> float:
    return PROFILE.get(int(e), 0.9 if e > 5 else 0.0)


def no_dip(e: float, g: float) -> float:
    """PROFILE without the anticipation dip: the default rule's assumption (only selection there)."""
    return 0.0 if e < 0 else profile(e, g)


def test_exact_recovery_of_the_profile_under_the_default_rule():
    result = staggered_did(build({2015: 4, 2017: 3, 2019: 5}, 6, no_dip, drop=0.1, seed=3), Y, SETTINGS)
    assert result.att.estimate == pytest.approx(np.mean([PROFILE[e] for e in range(SETTINGS.max_event + 1)]), abs=1e-9)
    for ev in result.events:
        assert ev.effect.estimate == pytest.approx(no_dip(ev.event_time, 0), abs=1e-9)


def test_exact_recovery_of_the_profile_with_an_anticipation_dip():
    SETTINGS = PACKAGE
    result = staggered_did(build({2015: 4, 2017: 3, 2019: 5}, 6, profile), Y, SETTINGS)
    post = [PROFILE[e] for e in range(SETTINGS.max_event + 1)]
    assert result.att.estimate == pytest.approx(np.mean(post), abs=1e-9)
    effects = {ev.event_time: ev.effect.estimate for ev in result.events}
    for e in range(-SETTINGS.max_lead, SETTINGS.max_event + 1):
        assert effects[e] == pytest.approx(PROFILE.get(e, 0.0), abs=1e-9)
    reference = [ev for ev in result.events if ev.reference]
    assert [ev.event_time for ev in reference] == [-SETTINGS.anticipation - 1]
    assert result.n_treated == 12 and result.n_comparison == 6
    assert result.cohorts == (2015, 2017, 2019)


def test_truth_of_equals_the_att_on_an_exact_unbalanced_panel():
    def by_cohort(e, g):
        return 0.0 if e < 0 else (g - 2013) * 0.1 + 0.05 * e

    panel = build({2014: 3, 2016: 6, 2020: 2, 2022: 4}, 5, by_cohort, drop=0.15, seed=3)
    result = staggered_did(panel, Y, SETTINGS)
    truth = truth_of(panel, panel[[c.EMPLOYEE_ID, PERIOD, "effect"]], SETTINGS, outcome=Y)
    assert truth == pytest.approx(result.att.estimate, abs=1e-9)


def test_naive_carries_the_common_trend_the_did_removes():
    trend, delta = 0.2, 0.5
    panel = build({2016: 5, 2018: 5}, 5, lambda e, g: delta if e >= 0 else 0.0, trend=trend)
    after = np.arange(0, SETTINGS.max_event + 1).mean()
    before = np.arange(-SETTINGS.max_lead, 0).mean()
    naive = naive_before_after(panel, Y, SETTINGS)
    assert naive.estimate == pytest.approx(delta + trend * (after - before), abs=1e-9)
    assert staggered_did(panel, Y, SETTINGS).att.estimate == pytest.approx(delta, abs=1e-9)


def test_placebo_uses_only_the_never_moved_and_covers_zero():
    panel = build({2015: 40, 2018: 40}, 240, lambda e, g: 1.0 if e >= 0 else 0.0, noise=0.3, seed=1)
    fake = placebo_panel(panel, SETTINGS)
    never = set(panel.loc[panel[COHORT].isna(), c.EMPLOYEE_ID])
    assert set(fake[c.EMPLOYEE_ID]) == never
    result = placebo_did(panel, Y, SETTINGS)
    assert result.n_treated > 0
    assert result.att.ci_low <= 0.0 <= result.att.ci_high


def test_group_did_separates_two_groups():
    effects = {2015: 0.5, 2017: 0.5, 2016: -0.3, 2018: -0.3}
    labels = {2015: "own", 2017: "own", 2016: "other", 2018: "other"}
    panel = build({g: 3 for g in effects}, 4, lambda e, g: effects[g] if e >= 0 else 0.0, group=labels)
    results = {r.group: r for r in group_did(panel, Y, MATCH, SETTINGS, Split.MATCH)}
    assert results["own"].att.estimate == pytest.approx(0.5, abs=1e-9)
    assert results["other"].att.estimate == pytest.approx(-0.3, abs=1e-9)
    assert results["own"].n_treated == 6 and results["own"].split == Split.MATCH


def test_noisy_estimate_covers_truth_and_pretrend_passes():
    panel = build({2015: 60, 2017: 60, 2019: 60}, 200, profile, noise=0.4, seed=2)
    result = staggered_did(panel, Y, SETTINGS)
    truth = np.mean([PROFILE[e] for e in range(SETTINGS.max_event + 1)])
    assert result.att.ci_low <= truth <= result.att.ci_high
    assert result.pretrend is not None and result.pretrend.dof == SETTINGS.max_lead - SETTINGS.anticipation - 1


def test_pretrend_fails_on_a_built_pre_trend():
    panel = build({2015: 60, 2017: 60, 2019: 60}, 200, lambda e, g: 0.15 * e if e <= -4 else 0.0,
                  noise=0.2, seed=4)
    assert not staggered_did(panel, Y, SETTINGS).pretrend.passed


def test_unit_clusters_of_one_employee_give_the_employee_se_times_the_small_sample_factor():
    panel = build({2015: 20, 2017: 20}, 30, profile, noise=0.4, seed=5)
    panel[c.UNIT_ID] = panel[c.EMPLOYEE_ID]
    by_employee = staggered_did(panel, Y, SETTINGS)
    by_unit = staggered_did(panel, Y, DidSettings(min_treated=2, cluster="unit"))
    groups = panel[c.EMPLOYEE_ID].nunique()
    assert by_unit.att.std_error == pytest.approx(by_employee.att.std_error * math.sqrt(groups / (groups - 1)))


def test_too_few_moved_gives_none():
    panel = build({2015: 2, 2017: 1}, 5, profile)
    assert staggered_did(panel, Y, DidSettings(min_treated=4)) is None


def test_moved_without_outcomes_from_the_move_on_are_comparisons_before_anticipation_only():
    panel = build({2015: 4, 2017: 3, 2019: 5}, 6, profile)
    gone = panel[COHORT].eq(2019) & panel[c.EMPLOYEE_ID].isin(panel[c.EMPLOYEE_ID].unique()[7:9])
    panel.loc[gone & (panel[PERIOD] >= 2019), Y] = np.nan          # their anticipation dip stays in the data
    result = staggered_did(panel, Y, PACKAGE)
    assert result.n_treated == 10
    assert result.att.estimate == pytest.approx(np.mean([PROFILE[e] for e in range(SETTINGS.max_event + 1)]), abs=1e-9)


def test_the_package_rule_gives_the_differences_package_s_own_numbers():
    """On a balanced panel our cells, event effects and influence functions are those of
    ``differences`` (Callaway–Sant'Anna), under its comparison rule."""
    from differences import ATTgt

    from serving.program.did import prepare

    frame = prepare(build({2015: 5, 2017: 4, 2018: 4}, 6, profile, noise=0.3, seed=6), Y, PACKAGE)
    ours = fit_events(Panel.of(frame, ENTITY, PERIOD, COHORT, Y), anticipation=2, first_event=-5, last_event=4,
                      rule=Comparison.AFTER_ANTICIPATION)
    model = ATTgt(data=frame[[ENTITY, PERIOD, COHORT, Y]].set_index([ENTITY, PERIOD]), cohort_column=COHORT,
                  base_period="universal", anticipation=2)
    model.filter_gt(base_period="universal", relative_period_start=-5, relative_period_end=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(formula=Y, control_group="not_yet_treated", as_repeated_cross_section=False, progress_bar=False)
        model.aggregate("event")
    theirs = [nt for nt in model.results(type_of_aggregation="event", to_dataframe=False)["full_sample"]
              if nt.relative_period != -3]
    assert [int(nt.relative_period) for nt in theirs] == list(ours.event_times)
    np.testing.assert_allclose([nt.ATT for nt in theirs], ours.effects, atol=1e-12)
    np.testing.assert_allclose(np.column_stack([np.ravel(nt.influence_func) for nt in theirs]), ours.influence,
                               atol=1e-9)


def test_comparison_rules():
    cohort = np.array([np.nan, 2016.0, 2017, 2018, 2019, 2020])
    # cell (g=2015, t=2016), base 2012: the default takes everyone not moved by 2016
    assert list(comparisons(cohort, 2015, 2016, 2012, 2, Comparison.NOT_YET_MOVED)) == [1, 0, 1, 1, 1, 1]
    # the package rule: not moved by 2016 + 2
    assert list(comparisons(cohort, 2015, 2016, 2012, 2, Comparison.AFTER_ANTICIPATION)) == [1, 0, 0, 0, 1, 1]
    # a lead (t = 2013 < g = 2017): the default wants them unmoved by g, as the cohort is
    assert list(comparisons(cohort, 2017, 2013, 2014, 2, Comparison.NOT_YET_MOVED)) == [1, 0, 0, 1, 1, 1]


def eligibility_selected(n: int, seed: int) -> pd.DataFrame:
    """No effect at all; each period an employee whose last two outcomes were above the bar
    may be moved (the contract's eligibility rule), first moves only."""
    rng = np.random.default_rng(seed)
    periods = np.arange(2008, 2025)
    own = rng.normal(size=n)
    noise = rng.normal(size=(n, len(periods)))
    y = own[:, None] + 0.1 * (periods - periods[0])[None, :] + noise
    cohort = np.full(n, np.nan)
    for j in range(2, len(periods)):
        eligible = np.isnan(cohort) & (noise[:, j - 1] > -0.5) & (noise[:, j - 2] > -0.5)
        cohort[eligible & (rng.random(n) < 0.12)] = periods[j]
    return pd.DataFrame({c.EMPLOYEE_ID: np.repeat([f"e{i}" for i in range(n)], len(periods)),
                         PERIOD: np.tile(periods, n), COHORT: np.repeat(cohort, len(periods)),
                         c.UNIT_ID: "u", Y: y.ravel()})


def test_the_default_rule_is_unbiased_when_eligibility_selects_and_the_package_rule_is_not():
    panel = eligibility_selected(12000, 0)
    ours = staggered_did(panel, Y, SETTINGS).att
    package = staggered_did(panel, Y, PACKAGE).att
    assert abs(ours.estimate) < 3 * ours.std_error
    assert package.estimate > 3 * package.std_error          # the eligibility selection, read as an effect
