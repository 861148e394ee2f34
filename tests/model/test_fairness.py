"""The fairness audit: known answers on hand-made pools, a deliberately biased dataset is
flagged, the unbiased simulation is not flagged by gender, and the gate holds."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.names import FAILURE, PERFORMANCE
from features.snapshot import prepare_sources
from features.timeline import default_as_of
from features.training_table import build_training_table
from models.policy import ScorePolicy
from models.scoring import SCORE
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.ranking import RankingOptions, rank
from training.evaluate import with_age
from training.fairness import (
    FairnessSettings,
    audit_positions,
    protected_groups,
    rate_table,
    run_audit,
    scored_pools,
)
from training.pipeline import fit_ranker
from training.registry import Comparison, Decision, gate

pytestmark = pytest.mark.model


def pools(groups: dict[str, tuple[int, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidates per gender group with a given number selected (and above the median)."""
    rows = []
    for group, (n, selected) in groups.items():
        rows += [{"g": group, "selected": i < selected, "above_median": i < selected} for i in range(n)]
    frame = pd.DataFrame(rows)
    groups_frame = pd.DataFrame({"gender": frame["g"], "age_band": "30-39", "home_region": "r1"})
    return frame[["selected", "above_median"]], groups_frame


def gender_rows(rates: pd.DataFrame) -> pd.DataFrame:
    return rates[rates["attribute"] == "gender"].set_index("group")


@pytest.mark.code
def test_four_fifths_rule_on_known_pools():
    settings = FairnessSettings(min_group_size=30)
    fair = gender_rows(rate_table(*pools({"l": (1000, 100), "p": (1000, 90)}), settings))
    assert fair.loc["p", "selection_impact_ratio"] == pytest.approx(0.9) and not fair["flagged"].any()
    unfair = gender_rows(rate_table(*pools({"l": (1000, 100), "p": (1000, 50)}), settings))
    assert unfair.loc["p", "selection_impact_ratio"] == pytest.approx(0.5) and unfair.loc["p", "flagged"]
    assert not unfair.loc["l", "flagged"]


@pytest.mark.code
def test_low_ratio_without_evidence_or_in_a_tiny_group_is_not_flagged():
    settings = FairnessSettings(min_group_size=30)
    noisy = gender_rows(rate_table(*pools({"l": (200, 3), "p": (200, 1)}), settings))
    assert noisy.loc["p", "selection_impact_ratio"] < 0.8 and not noisy.loc["p", "flagged"]     # p ~ 0.3
    tiny = gender_rows(rate_table(*pools({"l": (1000, 100), "p": (20, 0)}), settings))
    assert not tiny.loc["p", "enough_data"] and not tiny.loc["p", "flagged"]


@pytest.mark.code
def test_gate_refuses_champion_unless_forced():
    promote = Comparison({}, None, None, Decision.PROMOTE, "there is no champion yet")
    assert gate(promote, audit_passed=True, force_reason=None).decision is Decision.PROMOTE
    refused = gate(promote, audit_passed=False, force_reason=None)
    assert refused.decision is Decision.REFUSED_BY_AUDIT and not refused.promote
    forced = gate(promote, audit_passed=False, force_reason="reviewed by the board on 2026-01-05")
    assert forced.decision is Decision.FORCED and forced.promote and "reviewed by the board" in forced.reason


@pytest.mark.slow
def test_unbiased_simulation_is_not_flagged_by_gender(trained):
    dataset, fitted = trained["dataset"], trained["fitted"]
    report = run_audit(fitted.bundle, dataset, prepare_sources(dataset), default_as_of(dataset),
                       FairnessSettings(max_positions=30))
    assert report.positions >= 10
    assert not gender_rows(report.rates)["flagged"].any()


@pytest.mark.slow
def test_outcomes_biased_through_a_proxy_are_flagged(trained):
    """Willingness to relocate is made a perfect proxy of gender, and past outcomes of
    women are made worse: the model never sees gender, yet learns the proxy, and the
    audit must flag women's selection rate."""
    dataset = trained["dataset"]
    emp = dataset.employees
    proxy = pd.DataFrame({c.EMPLOYEE_ID: emp[c.EMPLOYEE_ID], c.STATED_DATE: emp[c.CPNS_DATE],
                          c.PREFERRED_DOMAIN: pd.Series(None, index=emp.index, dtype="str"),
                          c.PREFERRED_REGION_ID: pd.Series(None, index=emp.index, dtype="str"),
                          c.WILLING_TO_RELOCATE: (emp[c.GENDER] == "l").to_numpy()})
    biased = dataclasses.replace(dataset, preferences=proxy)
    table = with_age(build_training_table(biased), biased)
    women = protected_groups(table, biased)["gender"].eq("p").to_numpy()
    rng = np.random.default_rng(0)
    table[PERFORMANCE] = np.where(women, (table[PERFORMANCE] - 1.5).clip(lower=1), table[PERFORMANCE])
    worse = women & table[FAILURE].notna().to_numpy() & (rng.random(len(table)) < 0.6)
    table[FAILURE] = np.where(worse, 1.0, table[FAILURE])
    fitted = fit_ranker(biased, table)
    report = run_audit(fitted.bundle, biased, prepare_sources(biased), default_as_of(biased),
                       FairnessSettings(max_positions=30))
    gender = gender_rows(report.rates)
    assert not report.passed and gender.loc["p", "flagged"]
    assert gender.loc["p", "selection_impact_ratio"] < 0.5
    assert not set(c.PROTECTED_COLUMNS) & set(fitted.bundle.spec.features)


@pytest.mark.slow
def test_audited_top_lists_are_the_served_rankings(trained):
    """The audit scores the pools that serving ranks, through the same scoring path: for
    every audited vacancy its selection is the served top-k, in the served order."""
    dataset, bundle = trained["dataset"], trained["fitted"].bundle
    settings = FairnessSettings(max_positions=25)
    as_of = default_as_of(dataset)
    ids = audit_positions(dataset, settings)
    pools = scored_pools(bundle, dataset, prepare_sources(dataset), ids, as_of, ScorePolicy(), settings.top_k)
    context = ServingContext.from_dataset(dataset)
    served = ChampionCache.fixed(bundle).get()
    audited = pools[c.POSITION_ID].unique()
    assert len(audited) >= 10
    for pid, pool in pools.groupby(c.POSITION_ID, sort=False):
        ranking = rank(context, served, pid, as_of, RankingOptions(top_k=settings.top_k))
        selection = pool[pool["selected"]].sort_values(SCORE, ascending=False, kind="stable")
        assert ranking.n_eligible == len(pool)
        assert [cand.employee_id for cand in ranking.candidates] == selection[c.EMPLOYEE_ID].tolist()
        np.testing.assert_allclose([cand.score for cand in ranking.candidates], selection[SCORE], atol=1e-4)
