"""The round planner end to end on a small simulated province with a synthetic bundle:
the document of contract section 6, one scoring path shared with the ranking, reviewer
moves, key-post guard, chains, unfilled reasons and clear errors."""

import json

import pandas as pd
import pytest

from features import columns as c
from features.round import round_from_frame
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning.document import UnfilledReason
from serving.planning.plan import plan
from serving.planning.settings import KeyPostGuard, OutflowCap, PlanSettings, PlanWeights
from serving.ranking import RankingOptions, rank

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
NO_PREFERENCE = PlanWeights(preference=0.0, unwilling=0.0)


@pytest.fixture(scope="module")
def context(province):
    return ServingContext.from_dataset(province)


@pytest.fixture(scope="module")
def served(province):
    return ChampionCache.fixed(synthetic_bundle(province.training_catalog), version="3", run_id="r9").get()


@pytest.fixture(scope="module")
def posts(context, served):
    """Eight non-key posts with at least three eligible candidates each."""
    chosen = []
    pos = context.dataset.positions
    for pid in pos.loc[pos[c.POSITION_TYPE].isin(["pelaksana", "fungsional", "pengawas"]), c.POSITION_ID]:
        if rank(context, served, pid).n_eligible >= 3:
            chosen.append(pid)
        if len(chosen) == 8:
            break
    assert len(chosen) == 8
    return chosen


def make_round(context, rows):
    return round_from_frame(pd.DataFrame(rows), context.dataset)


def test_plan_document_follows_the_contract(context, served, posts):
    doc = plan(context, served, make_round(context, [{"position_id": p} for p in posts])).to_document()
    assert set(doc) >= {"as_of", "model", "rules", "objective", "moves", "unfilled", "constraints"}
    assert set(doc["objective"]) >= {"value", "bound", "gap", "greedy_value"}
    assert doc["model"] == {"name": "local", "version": "3", "run_id": "r9"}
    assert doc["rules"] == "contract@1"
    for move in doc["moves"]:
        assert set(move) >= {"position_id", "employee_id", "from_position_id", "predicted_performance",
                             "adjustment_risk", "preference_met", "explanations", "runners_up"}
        assert move["employee_id"] not in move["runners_up"]
    assert len({m["employee_id"] for m in doc["moves"]}) == len(doc["moves"])       # one post each
    assert doc["objective"]["bound"] >= doc["objective"]["value"] - 1e-9
    assert doc["objective"]["gap"] <= 1e-3
    assert doc["objective"]["relaxed_value"] >= doc["objective"]["value"] - 1e-9
    json.dumps(doc)


def test_a_single_vacancy_plan_takes_the_rankings_top_candidate(context, served, posts):
    """One scoring path: with preferences weighted 0 the plan's value is the ranking score."""
    settings = PlanSettings(weights=NO_PREFERENCE, outflow=OutflowCap(None), guard=KeyPostGuard(None, None))
    for pid in posts[:4]:
        ranking = rank(context, served, pid, options=RankingOptions(top_k=1))
        move, = plan(context, served, make_round(context, [{"position_id": pid}]), settings=settings).moves
        top = ranking.candidates[0]
        assert move.employee_id == top.employee_id
        assert move.predicted_performance == top.predicted_performance
        assert move.adjustment_risk == top.adjustment_risk
        assert move.value == pytest.approx(top.score, abs=1e-3)


def test_moves_only_use_eligible_candidates(context, served, posts):
    result = plan(context, served, make_round(context, [{"position_id": p} for p in posts]))
    for move in result.moves:
        excluded = {e["employee_id"] for e in rank(context, served, move.position_id).excluded}
        assert move.employee_id not in excluded


def test_plan_beats_or_equals_the_greedy_pick(context, served, posts):
    rows = [{"position_id": p, "headcount": 2} for p in posts]
    objective = plan(context, served, make_round(context, rows)).objective
    assert objective.value >= objective.greedy_value - 1e-9


def test_outflow_cap_holds_and_its_cost_is_what_relaxing_it_gives_back(context, served, posts):
    rows = [{"position_id": p, "headcount": 3} for p in posts]
    capped = plan(context, served, make_round(context, rows), settings=PlanSettings(outflow=OutflowCap(1)))
    leaving: dict = {}
    for m in capped.moves:
        leaving[m.from_unit_id] = leaving.get(m.from_unit_id, 0) + 1
    assert max(leaving.values()) <= 1
    free = plan(context, served, make_round(context, rows), settings=PlanSettings(outflow=OutflowCap(None)))
    cost = {k.name: k for k in capped.constraints}["max_outflow_per_unit"]
    filled_capped, filled_free = len(capped.moves), len(free.moves)
    if filled_capped == filled_free:
        assert cost.cost == pytest.approx(free.objective.value - capped.objective.value, abs=1e-4)
    assert cost.binding == (cost.cost > 1e-6)


def test_rejected_moves_are_forbidden_and_fixed_moves_kept(context, served, posts):
    round_ = make_round(context, [{"position_id": p} for p in posts])
    first = plan(context, served, round_)
    rejected = (first.moves[0].employee_id, first.moves[0].position_id)
    kept = (first.moves[1].runners_up[0], first.moves[1].position_id)
    again = plan(context, served, round_, settings=PlanSettings(forbidden=(rejected,), fixed=(kept,)))
    pairs = {(m.employee_id, m.position_id) for m in again.moves}
    assert rejected not in pairs and kept in pairs
    assert {m.employee_id: m.fixed for m in again.moves}[kept[0]]


def test_a_fixed_move_of_an_ineligible_employee_is_an_error_naming_it(context, served, posts):
    excluded = rank(context, served, posts[0]).excluded[0]
    settings = PlanSettings(fixed=((excluded["employee_id"], posts[0]),))
    with pytest.raises(RankingError) as err:
        plan(context, served, make_round(context, [{"position_id": posts[0]}]), settings=settings)
    assert err.value.field == "fixed.0"
    assert excluded["employee_id"] in str(err.value) and excluded["reasons"][0] in str(err.value)


@pytest.mark.parametrize("settings, field", [
    (PlanSettings(fixed=(("nobody", "x"),)), "fixed.0.employee_id"),
    (PlanSettings(weights=PlanWeights(risk=-1)), "weights.risk"),
    (PlanSettings(chain_depth=9), "chain_depth"),
    (PlanSettings(time_limit_s=0), "time_limit_s"),
])
def test_bad_settings_name_the_field(context, served, posts, settings, field):
    with pytest.raises(RankingError) as err:
        plan(context, served, make_round(context, [{"position_id": posts[0]}]), settings=settings)
    assert err.value.field == field


def test_infeasible_fixed_moves_name_the_constraint(context, served, posts):
    first = plan(context, served, make_round(context, [{"position_id": posts[0]}]))
    move = first.moves[0]
    other = move.runners_up[0]
    settings = PlanSettings(fixed=((move.employee_id, posts[0]), (other, posts[0])))
    with pytest.raises(RankingError) as err:
        plan(context, served, make_round(context, [{"position_id": posts[0]}]), settings=settings)
    assert err.value.field == "headcount" and posts[0] in str(err.value)


def test_key_post_guard_leaves_a_post_unfilled_with_its_reason(context, served, posts):
    rows = [{"position_id": "adhoc-1", "unit_id": context.dataset.units[c.UNIT_ID].iloc[0], "title": "Kepala",
             "position_type": "pengawas", "job_class": 9, "domain": "keuangan", "min_grade": "II/a",
             "min_education": "sma", "strategic": True}]
    strict = plan(context, served, make_round(context, rows), settings=PlanSettings(guard=KeyPostGuard(5.0, None)))
    assert not strict.moves
    (unfilled,) = strict.unfilled
    assert unfilled.reasons == [UnfilledReason.KEY_POST_GUARD]
    assert {k.name: k for k in strict.constraints}["key_post_guard"].binding
    loose = plan(context, served, make_round(context, rows), settings=PlanSettings(guard=KeyPostGuard(None, None)))
    assert len(loose.moves) == 1 and loose.moves[0].key_post


def test_a_post_nobody_qualifies_for_is_unfilled_with_its_reason(context, served):
    rows = [{"position_id": "adhoc-2", "unit_id": context.dataset.units[c.UNIT_ID].iloc[0], "title": "Ahli",
             "position_type": "fungsional", "functional_level": "ahli_utama", "job_class": 15, "domain": "hukum",
             "min_grade": "IV/e", "min_education": "s3", "headcount": 2}]
    result = plan(context, served, make_round(context, rows))
    assert result.unfilled[0].reasons == [UnfilledReason.NO_ELIGIBLE_CANDIDATE]
    assert result.unfilled[0].missing == 2


def test_vacancy_chains_fill_the_movers_old_posts(context, served, posts):
    round_ = make_round(context, [{"position_id": p} for p in posts[:3]])
    chained = plan(context, served, round_, settings=PlanSettings(chain_depth=1))
    plain = plan(context, served, round_, settings=PlanSettings(chain_depth=0))
    left = {m.from_position_id for m in chained.moves if m.chain_depth == 0}
    deeper = [m for m in chained.moves if m.chain_depth == 1]
    assert deeper and all(m.position_id in left for m in deeper)
    assert chained.objective.value >= plain.objective.value
    assert chained.objective.solver == "highs-mip"


def test_urgent_deployment_fills_a_headcount_at_one_post(context, served):
    unit = context.dataset.units[c.UNIT_ID].iloc[-1]
    rows = [{"position_id": "posko-bencana", "unit_id": unit, "title": "Tenaga Posko", "position_type": "pelaksana",
             "job_class": 6, "domain": "kebencanaan", "min_grade": "II/a", "min_education": "sma", "headcount": 12}]
    result = plan(context, served, make_round(context, rows), settings=PlanSettings(outflow=OutflowCap(None)))
    assert len(result.moves) + sum(u.missing for u in result.unfilled) == 12
    assert len({m.employee_id for m in result.moves}) == len(result.moves)


def test_priority_one_is_filled_before_priority_two(context, served):
    """Two posts compete for the same people under a cap of one mover per unit. Without
    priorities the more valuable post takes most of them; with post A at priority 1 it is
    filled as fully as if it were alone in the round."""
    unit = context.dataset.units[c.UNIT_ID].iloc[0]

    def row(pid, domain, priority):
        return {"position_id": pid, "unit_id": unit, "title": "Staf", "position_type": "pelaksana", "job_class": 6,
                "domain": domain, "min_grade": "II/a", "min_education": "sma", "headcount": 40, "priority": priority}

    settings = PlanSettings(outflow=OutflowCap(1))
    rows = [row("a", "kebencanaan", 1), row("b", "kepegawaian", 2)]
    alone = len(plan(context, served, make_round(context, rows[:1]), settings=settings).moves)
    same = plan(context, served, make_round(context, [dict(r, priority=1) for r in rows]), settings=settings)
    ordered = plan(context, served, make_round(context, rows), settings=settings)
    assert sum(m.position_id == "a" for m in same.moves) < alone           # the two posts do compete
    assert sum(m.position_id == "a" for m in ordered.moves) == alone
    cost = {k.name: k for k in ordered.constraints}["priority"]
    assert cost.binding and cost.cost == pytest.approx(same.objective.value - ordered.objective.value, abs=1e-4)
