"""The ranking document's reviewer fields on the tiny dataset: names and current post,
flags, reasons for and against (in the policy score's units), the rules label, counts,
notices about the date, and pool filters naming unknown units or regions."""

import re

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from models.bundle import RISK_MODEL
from models.policy import ScorePolicy
from serving.champion import ChampionCache
from serving.context import ServingContext, display_names
from serving.errors import RankingError
from serving.explain import contributions, in_prediction_units
from serving.flags import LONG_DISTANCE_KM
from serving.pool import PoolFilter
from serving.ranking import RankingOptions, date_notices, rank, score_pool
from serving.result import MoveFlag, NoticeCode
from serving.texts import describe

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"            # the tiny dataset's default decision date (its end is 2019-12-31)


@pytest.fixture(scope="module")
def context(tiny):
    return ServingContext.from_dataset(tiny)


@pytest.fixture(scope="module")
def served(tiny):
    return ChampionCache.fixed(synthetic_bundle(tiny.training_catalog), version="7", run_id="r1").get()


def test_names_and_current_post_at_the_decision_date(context, served):
    e1 = rank(context, served, "p3", AS_OF).candidates[0]
    assert (e1.employee_id, e1.display_name) == ("e1", "Siti Rahmawati")
    assert (e1.current_position_id, e1.current_unit_id, e1.current_grade) == ("p2", "u1", "III/b")
    e2 = rank(context, served, "p2", AS_OF).candidates[0]
    assert (e2.employee_id, e2.display_name, e2.current_unit_id, e2.current_grade) == ("e2", "Budi Santoso", "u2",
                                                                                       "III/c")
    assert rank(context, served, "p2", "2012-01-01").candidates[0].current_grade == "III/b"   # before 2013-04


def test_names_are_looked_up_once_and_blank_names_are_none(context):
    assert context.display_names is context.display_names
    assert context.display_names == {"e1": "Siti Rahmawati", "e2": "Budi Santoso"}       # e3's name is blank


def test_a_dataset_without_names_has_no_names(tiny):
    assert display_names(tiny.employees.drop(columns=[c.DISPLAY_NAME])) == {}
    padded = tiny.employees.assign(**{c.DISPLAY_NAME: ["  Siti  ", None, " "]})
    assert display_names(padded) == {"e1": "Siti"}


def test_a_ranking_flags_the_move_across_the_province(context, served):
    cand = rank(context, served, "p3", AS_OF).candidates[0]
    # e1: keuangan in Kupang (p2, class 9) -> kesehatan in Sumba Timur (p3, class 9), 371 km
    assert cand.employee_id == "e1" and cand.distance_km > LONG_DISTANCE_KM
    assert cand.flags == [MoveFlag.FIELD_CHANGE, MoveFlag.LONG_DISTANCE]
    assert cand.model_dump(mode="json")["flags"] == ["field_change", "long_distance"]


@pytest.mark.parametrize("penalty", [0.0, 2.0, 50.0])
def test_reasons_are_the_strongest_shares_of_the_policy_score(context, served, penalty):
    policy = ScorePolicy(risk_penalty=penalty)
    options = RankingOptions(policy=policy, lang="en")
    cand = rank(context, served, "p3", AS_OF, options).candidates[0]
    pool = score_pool(context, served.bundle, context.positions, "p3", pd.Timestamp(AS_OF), options)
    units = in_prediction_units(served.bundle, contributions(served.bundle, pool.scored.matrix))
    effect = units["performance"][0, :-1] - penalty * units[RISK_MODEL][0, :-1]
    names = served.bundle.spec.features
    row = pool.pool.frame.records(list(names))[0]
    best, worst = int(np.argmax(effect)), int(np.argmin(effect))
    assert effect[best] > 0 > effect[worst]
    assert cand.reason_for == describe(names[best], row.get(names[best]), row, "en")
    assert cand.reason_against == describe(names[worst], row.get(names[worst]), row, "en")
    assert cand.reason_for != cand.reason_against


def test_the_penalty_decides_which_model_gives_the_reason(context, served):
    """Ranked by performance alone, the risk model cannot give a reason; with a huge risk
    penalty the performance model cannot."""
    features = served.bundle.spec.features

    def reasons(penalty):
        options = RankingOptions(policy=ScorePolicy(risk_penalty=penalty), explanations_per_target=len(features))
        cand = rank(context, served, "p3", AS_OF, options).candidates[0]
        labels = {target: {e.label for e in cand.explanations if e.target == target} for target in ("performance",
                                                                                                     "risk")}
        return cand, labels

    by_performance, labels = reasons(0.0)
    assert {by_performance.reason_for, by_performance.reason_against} <= labels["performance"]
    by_risk, labels = reasons(1e6)
    assert {by_risk.reason_for, by_risk.reason_against} <= labels["risk"]
    assert (by_performance.reason_for, by_performance.reason_against) != (by_risk.reason_for, by_risk.reason_against)


def test_rules_and_counts(context, served, tiny):
    ranking = rank(context, served, "p3", AS_OF)
    assert ranking.rules == "contract@1"
    assert ranking.n_excluded == len(ranking.excluded) == len(tiny.employees) - ranking.n_eligible


@pytest.mark.parametrize("as_of, code", [
    (AS_OF, None), ("2016-06-30", None), ("2005-01-02", None),
    ("2020-01-02", NoticeCode.AS_OF_AFTER_DATA), ("2031-01-01", NoticeCode.AS_OF_AFTER_DATA),
    ("2005-01-01", NoticeCode.AS_OF_BEFORE_DATA), ("1999-05-05", NoticeCode.AS_OF_BEFORE_DATA),
])
def test_a_date_outside_the_data_window_is_a_notice(context, as_of, code):
    for lang in ("id", "en"):
        notices = date_notices(context, pd.Timestamp(as_of), lang)
        assert [n.code for n in notices] == ([] if code is None else [code])
        for notice in notices:           # names the date and the window (first assignment .. data's end)
            assert notice.field == "as_of"
            assert {as_of, "2005-01-01", "2019-12-31"} <= set(re.findall(r"\d{4}-\d{2}-\d{2}", notice.message))


def test_the_document_carries_the_notice_and_the_default_date_has_none(context, served):
    assert rank(context, served, "p3").notices == []
    late = rank(context, served, "p3", "2020-01-02", RankingOptions(lang="en")).to_document()["notices"]
    assert [(n["code"], n["field"]) for n in late] == [("as_of_after_data", "as_of")]
    assert "after the data ends" in late[0]["message"]


@pytest.mark.parametrize("pool, field", [
    (PoolFilter(units=("u1", "u-nope")), "units.1"),
    (PoolFilter(regions=("zz",)), "regions.0"),
    (PoolFilter(units=("u2",), regions=("r1", "r2", "r9")), "regions.2"),
])
def test_an_unknown_unit_or_region_in_a_filter_names_the_field(context, served, pool, field):
    with pytest.raises(RankingError) as err:
        rank(context, served, "p3", AS_OF, RankingOptions(pool=pool))
    assert err.value.field == field and repr(pool.units[-1] if field.startswith("units") else pool.regions[-1]) \
        in str(err.value)


def test_a_new_domain_in_a_filter_is_allowed(context, served):
    ranking = rank(context, served, "p3", AS_OF, RankingOptions(pool=PoolFilter(domains=("urusan_baru",))))
    assert ranking.candidates == []
    assert {e["employee_id"]: e["reasons"] for e in ranking.excluded}["e1"] == ["outside_domains_filter"]
