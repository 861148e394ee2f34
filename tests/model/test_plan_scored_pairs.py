"""A round planned from a scored round (serving.planning.sparse): with every pair kept it is
the ordinary plan, scored in this process or on a real Dask LocalCluster; with the best few
per vacancy it is a feasible plan of the whole round worth no more; a scored round that does
not fit the plan is refused naming what does not fit."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster

from features import columns as c
from features.eligibility import EligibilityRules
from features.round import positions_with_round, round_from_frame
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning.build import build_round
from serving.planning.document import UnfilledReason
from serving.planning.plan import plan
from serving.planning.problem import check_assignment, objective
from serving.planning.settings import Movers, PlanSettings
from serving.planning.sparse import SOURCE, round_arrays
from serving.scale.pairs import RANK
from serving.scale.run import prepare_job, score_round
from serving.scale.scored import read_scored
from serving.scale.settings import ClusterSettings, Engine, Keep

pytestmark = [pytest.mark.model, pytest.mark.slow]

SAME = 1e-9
SLICE = 400                     # employees per slice: several slices of the 1,500-employee province
TOP = 3                         # pairs kept per vacancy in the sparse round


@pytest.fixture(scope="module")
def setup(trained, tmp_path_factory):
    """A round of 24 posts (some needing two people) and one ad-hoc post at the data's
    default date, scored in this process keeping every pair and the best TOP per vacancy."""
    dataset = trained["dataset"]
    context = ServingContext.from_dataset(dataset)
    served = ServedModel(trained["fitted"].bundle, "mutasi-ranker", "3", "run")
    posts = dataset.positions[c.POSITION_ID].tolist()[::60][:24]
    unit = dataset.units[c.UNIT_ID].iloc[2]
    frame = pd.DataFrame({c.POSITION_ID: [*posts, "adhoc-analis"], "headcount": [1, 2, 1] * 8 + [2],
                          c.UNIT_ID: [None] * len(posts) + [unit], c.TITLE: [None] * len(posts) + ["Analis Kebijakan"],
                          c.POSITION_TYPE: [None] * len(posts) + ["fungsional"],
                          c.JOB_CLASS: [None] * len(posts) + [9.0], c.DOMAIN: [None] * len(posts) + ["umum"],
                          c.MIN_GRADE: [None] * len(posts) + ["III/a"], c.MIN_EDUCATION: [None] * len(posts) + ["s1"]})
    round_ = round_from_frame(frame, dataset)
    when = context.default_as_of
    root = tmp_path_factory.mktemp("scored")
    scored = {}
    for name, keep in (("all", Keep(top_n=None)), ("top", Keep(top_n=TOP))):
        job = prepare_job(trained["path"], served, round_, when, EligibilityRules(), keep)
        score_round(trained["path"], job, served, root / name, rows_per_slice=SLICE)
        scored[name] = read_scored(root / name)
    return SimpleNamespace(path=trained["path"], context=context, served=served, round=round_, when=when,
                           scored=scored, full=plan(context, served, round_, when))


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="2GiB",
                      dashboard_address=None) as local:
        yield local


def same_plan(got, want) -> None:
    assert [m.model_dump() for m in got.moves] == [m.model_dump() for m in want.moves]
    assert got.objective.value == want.objective.value and got.objective.filled == want.objective.filled
    assert got.unfilled == want.unfilled and got.n_pairs == want.n_pairs


def test_every_pair_kept_gives_the_planners_own_arrays_and_plan(setup):
    r = setup
    positions = positions_with_round(r.context.positions, r.context.dataset, r.round)
    settings = PlanSettings()
    kept = round_arrays(r.scored["all"], r.context, r.served, r.round, r.when, settings, positions)
    own = build_round(r.context, r.served.bundle, r.round, r.when, settings, positions)
    read = build_round(r.context, r.served.bundle, r.round, r.when, settings, positions, kept=kept)
    for name in ("pair_employee", "pair_vacancy", "pair_value", "guarded", "headcount", "outflow_cap"):
        assert np.array_equal(getattr(read.problem, name), getattr(own.problem, name)), name
    assert np.array_equal(read.n_excluded, own.n_excluded) and own.problem.n_pairs > 5000

    document = plan(r.context, r.served, r.round, r.when, scored=r.scored["all"])
    same_plan(document, r.full)
    assert len(r.full.moves) > 20 and any(m.position_id == "adhoc-analis" for m in r.full.moves)
    assert document.settings[SOURCE] == {"engine": "local", "workers": 1, "top_n": None, "score_floor": None,
                                         "pairs_scored": own.problem.n_pairs, "pairs_kept": own.problem.n_pairs}
    assert SOURCE not in r.full.settings and document.plan_id != r.full.plan_id


def test_pairs_scored_on_a_dask_cluster_give_the_same_plan(setup, cluster, tmp_path):
    r = setup
    job = prepare_job(r.path, r.served, r.round, r.when, EligibilityRules(), Keep(top_n=None))
    score_round(r.path, job, r.served, tmp_path / "dask", engine=Engine.DASK, rows_per_slice=SLICE,
                cluster=ClusterSettings(scheduler=cluster.scheduler_address))
    scored = read_scored(tmp_path / "dask")
    assert scored.manifest["engine"] == "dask" and scored.manifest["workers"] == 2
    document = plan(r.context, r.served, r.round, r.when, scored=scored)
    same_plan(document, r.full)
    assert document.plan_id == plan(r.context, r.served, r.round, r.when, scored=r.scored["all"]).plan_id


def test_the_best_few_pairs_give_a_feasible_plan_worth_no_more(setup):
    r = setup
    top = r.scored["top"]
    document = plan(r.context, r.served, r.round, r.when, scored=top)
    assert document.n_pairs == len(top.pairs) < r.full.n_pairs / 10
    kept = set(zip(top.pairs[c.EMPLOYEE_ID], top.pairs[c.POSITION_ID]))
    assert all((m.employee_id, m.position_id) in kept for m in document.moves)
    assert all(len(m.runners_up) <= TOP - 1 for m in document.moves)
    positions = positions_with_round(r.context.positions, r.context.dataset, r.round)
    full = build_round(r.context, r.served.bundle, r.round, r.when, PlanSettings(), positions)
    chosen = full.chosen_by(document.moves)
    assert check_assignment(full.problem, chosen) == []          # every constraint of the whole round
    assert objective(full.problem, chosen) == pytest.approx(document.objective.value, abs=1e-4)
    # one priority level: the solver fills most slots first, then maximises the value
    assert (document.objective.filled, document.objective.value) <= (r.full.objective.filled,
                                                                     r.full.objective.value + SAME)
    assert document.objective.value < r.full.objective.value
    assert document.settings[SOURCE]["top_n"] == TOP and document.plan_id != r.full.plan_id


def test_slots_left_for_want_of_kept_pairs_say_so(setup, tmp_path):
    """A vacancy unfilled while more people are eligible than its kept pairs names
    ``pairs_not_kept``; a floor above every score is not 'nobody eligible'."""
    r = setup
    document = plan(r.context, r.served, r.round, r.when, scored=r.scored["top"])
    short = [u for u in document.unfilled if UnfilledReason.PAIRS_NOT_KEPT in u.reasons]
    assert short and all(UnfilledReason.NO_ELIGIBLE_CANDIDATE not in u.reasons for u in short)
    assert all(UnfilledReason.PAIRS_NOT_KEPT not in u.reasons for u in r.full.unfilled)
    job = prepare_job(r.path, r.served, r.round, r.when, EligibilityRules(), Keep(top_n=None, score_floor=99.0))
    score_round(r.path, job, r.served, tmp_path / "none", rows_per_slice=SLICE)
    empty = plan(r.context, r.served, r.round, r.when, scored=read_scored(tmp_path / "none"))
    assert not empty.moves and {tuple(u.reasons) for u in empty.unfilled} == {(UnfilledReason.PAIRS_NOT_KEPT,)}


def test_a_fixed_move_of_an_eligible_employee_not_kept_says_so(setup):
    r = setup
    everything, top = r.scored["all"].pairs, r.scored["top"].pairs
    dropped = everything[everything[RANK] == TOP + 1].iloc[0]
    move = (dropped[c.EMPLOYEE_ID], dropped[c.POSITION_ID])
    with pytest.raises(RankingError) as caught:
        plan(r.context, r.served, r.round, r.when, PlanSettings(fixed=(move,)), scored=r.scored["top"])
    assert caught.value.field == "fixed.0" and "not among the kept pairs" in str(caught.value)
    assert f"top_n {TOP}" in str(caught.value)
    best = top[top[RANK] == 1].iloc[1]
    kept_move = (best[c.EMPLOYEE_ID], best[c.POSITION_ID])
    document = plan(r.context, r.served, r.round, r.when, PlanSettings(fixed=(kept_move,)), scored=r.scored["top"])
    assert [m.fixed for m in document.moves if (m.employee_id, m.position_id) == kept_move] == [True]
    eligible = set(everything[everything[c.POSITION_ID] == move[1]][c.EMPLOYEE_ID])
    outsider = next(e for e in r.context.dataset.employees[c.EMPLOYEE_ID] if e not in eligible)
    with pytest.raises(RankingError) as caught:
        plan(r.context, r.served, r.round, r.when, PlanSettings(fixed=((outsider, move[1]),)), scored=r.scored["top"])
    assert caught.value.field == "fixed.0" and "is not eligible" in str(caught.value)


def refusals(r) -> dict:
    """name -> (scored round, served model, settings, field, words of the message)."""
    s, m = r.scored["top"], r.scored["top"].manifest
    pairs, vacancies = s.pairs, s.vacancies
    strange = pairs.assign(**{c.EMPLOYEE_ID: pairs[c.EMPLOYEE_ID].where(pairs.index != 4, "emp-nobody")})
    default = PlanSettings()
    return {
        "date": (replace(s, manifest={**m, "as_of": "2019-06-30"}), r.served, default, "pairs", "2019-06-30"),
        "model": (s, replace(r.served, version="4"), default, "pairs", "v3"),
        "rules": (s, r.served, replace(default, rules=EligibilityRules(min_tenure_years=1.0)), "pairs",
                  "contract@1"),
        "movers": (s, r.served, replace(default, movers=Movers.DUE), "pairs", "movers=all"),
        "vacancy": (replace(s, vacancies=vacancies.iloc[1:]), r.served, default, "pairs",
                    vacancies[c.POSITION_ID].iloc[0]),
        "employee": (replace(s, pairs=strange), r.served, default, "pairs", "emp-nobody"),
        "twice": (replace(s, pairs=pd.concat([pairs, pairs.iloc[[7]]], ignore_index=True)), r.served, default,
                  "pairs", "more than once"),
        "chains": (s, r.served, replace(default, chain_depth=1), "chain_depth", "chain posts"),
    }


@pytest.mark.parametrize("name", ["date", "model", "rules", "movers", "vacancy", "employee", "twice", "chains"])
def test_a_scored_round_that_does_not_fit_is_refused(setup, name):
    scored, served, settings, field, words = refusals(setup)[name]
    with pytest.raises(RankingError) as caught:
        plan(setup.context, served, setup.round, setup.when, settings, scored=scored)
    assert caught.value.field == field and words in str(caught.value)


def test_pairs_of_posts_outside_the_round_are_left_out(setup):
    r = setup
    smaller = round_from_frame(pd.DataFrame({c.POSITION_ID: [v.position_id for v in r.round.vacancies[:10]]}),
                               r.context.dataset)
    got = plan(r.context, r.served, smaller, r.when, scored=r.scored["all"])
    same_plan(got, plan(r.context, r.served, smaller, r.when))
