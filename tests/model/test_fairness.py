"""The fairness audit: known answers on hand-made pools, ratios standardised by pool, the
truth beside the model, a deliberately biased dataset is flagged, the unbiased simulation
is not flagged by gender, the gate holds, and the audited lists are the served ones (plain
or fair), in every door."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features.names import FAILURE, PERFORMANCE
from features.snapshot import prepare_sources
from features.timeline import default_as_of
from features.training_table import build_training_table
from models.bundle import RankerBundle
from models.fair import OFF, FairRanking
from models.policy import ScorePolicy
from models.scoring import SCORE
from serving.batch import score_vacancies
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.ranking import RankingOptions, rank
from training.audit_words import audit_markdown, gap_sentences
from training.card import tradeoff_curve
from training.evaluate import read_oracle, with_age
from training.fairness import (
    FairnessSettings,
    audit_positions,
    protected_groups,
    rate_table,
    run_audit,
    scored_pools,
)
from training.pipeline import fit_ranker

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
def test_impact_ratios_are_standardised_by_pool():
    """Two vacancies, each list exactly proportional to its pool: a group that mostly applies
    to the large pool has a low *pooled* rate (Simpson), yet nothing is wrong with any list."""
    rows = []
    for pid, sizes, selected in (("small", {"l": 20, "p": 20}, {"l": 5, "p": 5}),
                                 ("large", {"l": 40, "p": 760}, {"l": 1, "p": 19})):
        for group, n in sizes.items():
            rows += [{"position_id": pid, "g": group, "selected": i < selected[group],
                      "above_median": i < n // 2} for i in range(n)]
    frame = pd.DataFrame(rows)
    groups = pd.DataFrame({"gender": frame["g"], "age_band": "30-39", "home_region": "r1"})
    rates = gender_rows(rate_table(frame, groups, FairnessSettings(min_group_size=30)))
    assert rates.loc["p", "pooled_selection_impact_ratio"] < 0.5
    assert rates["selection_impact_ratio"].min() == pytest.approx(1.0) and not rates["flagged"].any()
    assert rates.loc["p", "selection_expected"] == pytest.approx(5 + 19)


@pytest.mark.code
def test_scoring_rate_gates_only_plain_lists():
    frame, groups = pools({"l": (1000, 500), "p": (1000, 500)})
    frame["above_median"] = np.r_[np.arange(1000) < 700, np.arange(1000) < 300]
    gated = gender_rows(rate_table(frame, groups, FairnessSettings(), scoring_gates=True))
    served_fair = gender_rows(rate_table(frame, groups, FairnessSettings(), scoring_gates=False))
    assert gated.loc["p", "scoring_flagged"] and gated.loc["p", "flagged"]
    assert served_fair.loc["p", "scoring_flagged"] and not served_fair["flagged"].any()


@pytest.mark.code
def test_each_gap_says_whether_it_is_in_the_truth():
    frame, groups = pools({"l": (1000, 100), "p": (1000, 50)})
    for ref in ("plain", "duk", "oracle"):
        frame[f"{ref}_selected"], frame[f"{ref}_above_median"] = frame["selected"], frame["above_median"]
    frame["oracle_score"] = 1.0
    in_truth = " ".join(gap_sentences(rate_table(frame, groups, FairnessSettings()), 0.8))
    assert "gender p" in in_truth and "also in the truth (the oracle's own lists: 0.50)" in in_truth
    frame["oracle_selected"] = np.r_[np.arange(1000) < 100, np.arange(1000) < 100]
    learned = " ".join(gap_sentences(rate_table(frame, groups, FairnessSettings()), 0.8))
    assert "not in the truth (the oracle's own lists: 1.00)" in learned


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
@pytest.mark.parametrize("fair", [OFF, FairRanking(threshold=0.8)], ids=["plain", "fair"])
def test_audited_top_lists_are_the_served_rankings(trained, fair):
    """The audit scores the pools that serving ranks, through the same scoring path and the
    version's own fair setting: for every audited vacancy its selection is the served top-k,
    in the served order, in the ranking and in the batch scorer."""
    dataset = trained["dataset"]
    bundle = dataclasses.replace(trained["fitted"].bundle, fair=fair)
    settings = FairnessSettings(max_positions=25)
    as_of = default_as_of(dataset)
    ids = audit_positions(dataset, settings)
    pools = scored_pools(bundle, dataset, prepare_sources(dataset), ids, as_of, ScorePolicy(), settings.top_k)
    context = ServingContext.from_dataset(dataset)
    served = ChampionCache.fixed(bundle).get()
    audited = pools[c.POSITION_ID].unique()
    assert len(audited) >= 10
    batch = score_vacancies(context, served, audited, as_of)
    changed = 0
    for pid, pool in pools.groupby(c.POSITION_ID, sort=False):
        ranking = rank(context, served, pid, as_of, RankingOptions(top_k=settings.top_k))
        selection = pool[pool["selected"]].sort_values(SCORE, ascending=False, kind="stable")
        assert ranking.n_eligible == len(pool)
        assert [cand.employee_id for cand in ranking.candidates] == selection[c.EMPLOYEE_ID].tolist()
        np.testing.assert_allclose([cand.score for cand in ranking.candidates], selection[SCORE], atol=1e-4)
        in_batch = batch[batch[c.POSITION_ID] == pid].sort_values("rank")
        assert in_batch[c.EMPLOYEE_ID].head(settings.top_k).tolist() == selection[c.EMPLOYEE_ID].tolist()
        info, plain = ranking.fair_ranking, set(pool.loc[pool["plain_selected"], c.EMPLOYEE_ID])
        assert info.applied == fair.enabled and info.threshold == fair.threshold
        assert set(info.entered) == set(selection[c.EMPLOYEE_ID]) - plain
        assert set(info.left) == plain - set(selection[c.EMPLOYEE_ID])
        changed += info.binding
    assert (changed > 0) == fair.enabled


@pytest.mark.slow
def test_fair_setting_travels_with_the_bundle_and_prices_itself(trained, tmp_path):
    dataset = trained["dataset"]
    bundle = dataclasses.replace(trained["fitted"].bundle, fair=FairRanking(threshold=0.7))
    assert RankerBundle.load(bundle.save(tmp_path / "bundle")).fair == FairRanking(threshold=0.7)
    truth = read_oracle(trained["path"])
    settings = FairnessSettings(max_positions=20)
    report = run_audit(bundle, dataset, prepare_sources(dataset), default_as_of(dataset), settings,
                       positions=list(truth[c.POSITION_ID].unique()), truth=truth)
    assert report.fair == bundle.fair and "fair top-10" in audit_markdown(report)
    for ref in ("plain", "duk", "oracle"):
        assert report.rates[f"{ref}_selection_impact_ratio"].notna().any()
    curve = tradeoff_curve(report.pools, report.groups, settings, bundle.fair).set_index("threshold")
    assert list(curve.index) == [0.0, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert (curve.loc[0.0, ["performance_given_up", "score_given_up", "true_score_given_up"]] == 0).all()
    assert (curve["score_given_up"] >= -1e-9).all() and curve.loc[0.9, "score_given_up"] > 0
    assert curve["true_score_given_up"].notna().all()
    assert curve.loc[0.9, "flagged_groups"] <= curve.loc[0.0, "flagged_groups"]
