"""Features, labels and eligibility on the tiny dataset, against answers worked by hand."""

import pandas as pd
import pytest

from features import pairs as p
from features import snapshot as s
from features.eligibility import evaluate_eligibility
from features.names import FAILURE, PERFORMANCE
from features.training_table import build_training_table

pytestmark = pytest.mark.code


@pytest.fixture(scope="module")
def table(tiny):
    return build_training_table(tiny).set_index("event_id")


def test_one_row_per_transfer_event(table):
    assert sorted(table.index) == ["e1@2016-07-01", "e2@2015-07-01"]


def test_snapshot_of_e1_before_promotion(table):
    row = table.loc["e1@2016-07-01"]
    assert row[s.CURRENT_POSITION_ID] == "p1"
    assert row[s.LAST_SCORE] == 5 and row[s.PREV_SCORE] == 4          # 2015, 2014
    assert row[s.MEAN_SCORE_3] == pytest.approx((5 + 4 + 5) / 3)       # 2013..2015
    assert row[s.N_APPRAISALS] == 5                                    # 2016 not closed yet
    assert row[s.GRADE_RANK] == 10                                     # III/b
    assert row[s.EDUCATION_RANK] == 7                                  # the S2 of 2017 is the future
    assert row[s.TRAINING_HOURS_TOTAL] == 340                          # latsar + keu01, not pkp (2017)
    assert row[s.TRAINING_HOURS_3Y] == 40
    assert row[s.level_column("m.08")] == 2.0                          # the 2018 assessment is the future


def test_pair_features_of_e1(table):
    row = table.loc["e1@2016-07-01"]
    assert row[p.TECH_GAP] == pytest.approx(0.4)                       # 3.4 vs 3
    assert row[p.MANAGERIAL_SHORTFALL] == pytest.approx(1.5)           # m.02 by 0.5, m.08 by 1.0
    assert row[p.N_SHORTFALLS] == 2
    assert row[p.gap_column("m.08")] == pytest.approx(-1.0)
    assert row[p.FIRST_MANAGERIAL] == 1 and row[p.DOMAIN_SWITCH] == 0
    assert row[p.DISTANCE_KM] == 0 and row[p.RELOCATION] == 0
    assert row[p.JOB_CLASS_STEP] == 3
    assert row[p.EDUCATION_FIELD_MATCH] == 1


def test_pair_features_of_e2(table):
    row = table.loc["e2@2015-07-01"]
    assert row[p.DOMAIN_SWITCH] == 1 and row[p.TARGET_REMOTE] == 1
    assert row[p.DISTANCE_KM] == pytest.approx(371, abs=2)           # Kupang to Waingapu
    assert pd.isna(row[p.TECH_GAP])                                    # never assessed in kesehatan
    assert row[p.PREF_DOMAIN_MATCH] == 1 and row[p.RELOCATION_UNWILLING] == 0
    assert row[s.N_SANCTIONS] == 1


def test_labels(table):
    assert table.loc["e1@2016-07-01", PERFORMANCE] == 5                # sangat_baik for 2017
    assert table.loc["e1@2016-07-01", FAILURE] == 0
    assert table.loc["e2@2015-07-01", PERFORMANCE] == 2                # kurang for 2016
    assert table.loc["e2@2015-07-01", FAILURE] == 1


def test_eligibility_reasons(tiny):
    elig = evaluate_eligibility(tiny, ["p2", "p3"], "2020-01-01").set_index(["position_id", "employee_id"])
    assert elig.loc[("p2", "e2"), "eligible"] and elig.loc[("p3", "e1"), "eligible"]
    assert elig.loc[("p2", "e1"), "reasons"] == "holds_position"
    reasons = set(elig.loc[("p3", "e3"), "reasons"].split(";"))
    assert {"not_pns", "tenure_under_min", "grade_below_min", "education_below_min"} <= reasons


def test_eligibility_unknown_position(tiny):
    with pytest.raises(KeyError, match="nope"):
        evaluate_eligibility(tiny, ["nope"], "2020-01-01")


def test_optional_tables_absent_still_builds_and_ranks(tables, tmp_path):
    """exits, preferences and training_catalog may be absent (contract section 1)."""
    from features.io import load_dataset
    from serving.champion import ChampionCache
    from serving.context import ServingContext
    from serving.ranking import rank

    from synthetic_bundle import synthetic_bundle
    from tiny_dataset import write_tables

    for name in ("exits", "preferences", "training_catalog"):
        del tables[name]
    dataset = load_dataset(write_tables(tables, tmp_path / "ds"))
    assert dataset.exits.empty and dataset.preferences.empty and dataset.catalog_is_default
    table = build_training_table(dataset)
    assert len(table) == 2 and table["willing_to_relocate"].isna().all()
    served = ChampionCache.fixed(synthetic_bundle(dataset.training_catalog)).get()
    ranking = rank(ServingContext.from_dataset(dataset), served, "p3", "2020-01-01")
    assert [c.employee_id for c in ranking.candidates] == ["e1"]
