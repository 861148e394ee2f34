"""The round planner drawing its movers from the due list (``PlanSettings.movers``):
with ``movers=due`` nobody off the due list at the round's date moves or is a runner-up,
a fixed move of someone not due says so, the setting is echoed in the plan document and
reaches the planner from the HTTP request and the command line."""

from dataclasses import replace

import pandas as pd
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from features import columns as c
from features.eligibility import DEFAULT_RULES
from features.round import round_from_frame
from mutasi.cli import app
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.due import due_list
from serving.errors import RankingError
from serving.planning.plan import plan
from serving.planning.requests import PlanRequest, plan_call
from serving.planning.settings import Movers, PlanSettings

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
# only the time in post decides who is due: about half the province, so a plain plan moves some who are not
ROTATION_ONLY = replace(DEFAULT_RULES, assessment_period_years=None, competency_gap_tolerance=None)


@pytest.fixture(scope="module")
def context(province):
    return ServingContext.from_dataset(province)


@pytest.fixture(scope="module")
def served(province):
    return ChampionCache.fixed(synthetic_bundle(province.training_catalog), version="3", run_id="r9").get()


@pytest.fixture(scope="module")
def round_(context):
    pos = context.dataset.positions
    posts = pos.loc[pos[c.POSITION_TYPE].isin(["pelaksana", "fungsional", "pengawas"]), c.POSITION_ID].tolist()[:12]
    return round_from_frame(pd.DataFrame([{"position_id": p, "headcount": 2} for p in posts]), context.dataset)


@pytest.fixture(scope="module")
def due_ids(context) -> set[str]:
    return {e.employee_id for e in due_list(context, rules=ROTATION_ONLY).entries}


def test_with_movers_due_only_those_on_the_due_list_move(context, served, round_, due_ids):
    everyone = plan(context, served, round_, settings=PlanSettings(rules=ROTATION_ONLY))
    assert {m.employee_id for m in everyone.moves} - due_ids, "the plain plan should move someone not due"
    only_due = plan(context, served, round_, settings=PlanSettings(rules=ROTATION_ONLY, movers=Movers.DUE))
    assert only_due.moves
    for move in only_due.moves:
        assert move.employee_id in due_ids
        assert set(move.runners_up) <= due_ids
    assert only_due.settings["movers"] == "due" and everyone.settings["movers"] == "all"
    assert only_due.plan_id != everyone.plan_id
    assert only_due.to_document()["settings"]["movers"] == "due"


def test_a_fixed_move_of_someone_not_due_names_the_reason(context, served, round_, due_ids):
    everyone = plan(context, served, round_, settings=PlanSettings(rules=ROTATION_ONLY))
    move = next(m for m in everyone.moves if m.employee_id not in due_ids)
    settings = PlanSettings(rules=ROTATION_ONLY, movers=Movers.DUE, fixed=((move.employee_id, move.position_id),))
    with pytest.raises(RankingError) as caught:
        plan(context, served, round_, settings=settings)
    assert caught.value.field == "fixed.0" and "not_due" in str(caught.value)


def test_the_http_request_carries_movers():
    rows = [{"position_id": "p1"}]
    assert plan_call(PlanRequest(round=rows)).settings.movers == Movers.ALL
    assert plan_call(PlanRequest(round=rows, movers="due")).settings.movers == Movers.DUE
    with pytest.raises(ValidationError) as caught:
        PlanRequest(round=rows, movers="some")
    assert caught.value.errors()[0]["loc"] == ("movers",)


def test_the_command_line_option_is_checked_before_loading(tmp_path):
    result = CliRunner().invoke(app, ["plan", "--data", str(tmp_path), "--round", str(tmp_path / "r.csv"),
                                      "--movers", "some"])
    assert result.exit_code == 2 and "--movers" in result.output
