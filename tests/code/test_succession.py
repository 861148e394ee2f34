"""Succession lists of key posts (serving.succession) on hand-made posts and employees:
ready now, ready in 1–2 years (with the trainings that close the gap), not listed; the
pack's tolerance; with and without a served model; and ``mutasi succession``.

The tiny dataset (tests/tiny_dataset.py) with two key administrator posts in keuangan,
class 12, standard 3 on every core code and t.keuangan: k1 (min grade III/b) and k2 (min
grade IV/a, nobody qualifies); and a JPT post k3 (class 14) asking t.kesehatan at 2. At 2020-01-01 both PNS are in box 9: e1 (appraisals baik
then sangat baik, every competency assessed at 3.2, 200 JP of PKP in 2017) and e2
(likewise, but m.08 at 2.2 and 40 JP in 2019). The answers hold under a gap tolerance of
0 and of 0.5 levels.
"""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from features.eligibility import EligibilityRules
from features.io import load_dataset
from mutasi.cli import app
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.errors import RankingError
from serving.recommend import CatalogIndex
from serving.succession import (
    NOT_LISTED,
    Readiness,
    SuccessionSettings,
    allowed_trainings,
    closing_trainings,
    key_post_ids,
    readiness,
    shortfalls,
    succession_list,
)
from serving.talent import talent_map

from tiny_dataset import tiny_tables, write_tables

CORE = [f"m.0{i}" for i in range(1, 9)] + ["sk.01"]
NOW, LATER = Readiness.READY_NOW.value, Readiness.READY_1_2_YEARS.value


def add(tables: dict, name: str, rows: list[dict]) -> None:
    tables[name] = pd.concat([tables[name], pd.DataFrame(rows, dtype="str")], ignore_index=True)


def key_post_tables() -> dict[str, pd.DataFrame]:
    tables = tiny_tables()
    post = {"unit_id": "u1", "position_type": "administrator", "functional_level": "", "job_class": "12",
            "domain": "keuangan", "min_education": "s1"}
    add(tables, "positions", [{**post, "position_id": "k1", "title": "Kepala Bidang Anggaran", "min_grade": "III/b"},
                              {**post, "position_id": "k2", "title": "Sekretaris Badan", "min_grade": "IV/a"}])
    add(tables, "positions", [{**post, "position_id": "k3", "title": "Asisten", "min_grade": "III/b",
                               "position_type": "jpt_pratama", "job_class": "14"}])
    add(tables, "position_competencies", [{"position_id": p, "competency_code": code, "required_level": "3"}
                                          for p in ("k1", "k2") for code in CORE + ["t.keuangan"]]
        + [{"position_id": "k3", "competency_code": code, "required_level": "3"} for code in CORE]
        + [{"position_id": "k3", "competency_code": "t.kesehatan", "required_level": "2"}])
    ratings = tables["appraisals"]
    ratings.loc[ratings["period_end"] == "2019-12-31", "rating"] = "sangat_baik"
    e1 = {code: "3.2" for code in CORE + ["t.keuangan"]}
    e2 = {**{code: "3.0" for code in CORE + ["t.keuangan", "t.kesehatan"]}, "m.08": "2.2"}
    add(tables, "competency_assessments", [{"employee_id": e, "assessed_date": "2019-05-10", "competency_code": code,
                                            "level": level} for e, levels in (("e1", e1), ("e2", e2))
                                           for code, level in levels.items()])
    add(tables, "trainings", [{"employee_id": "e2", "end_date": "2019-06-01", "training_code": "keu01", "hours": "40"}])
    return tables


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return write_tables(key_post_tables(), tmp_path_factory.mktemp("key-posts"))


@pytest.fixture(scope="module")
def context(data_dir) -> ServingContext:
    return ServingContext.from_dataset(load_dataset(data_dir))


def listed(doc) -> list[tuple[str, str]]:
    return [(s.employee_id, s.readiness) for s in doc.successors]


# --- pure functions -----------------------------------------------------------------------------


def test_shortfalls_count_a_never_assessed_code_as_level_1():
    got = shortfalls(np.array([[3.5, 2.0, np.nan]]), np.array([3.0, 3.0, np.nan]))
    assert got.tolist() == [[0.0, 1.0, 0.0]]
    assert shortfalls(np.array([[np.nan]]), np.array([3.0])).tolist() == [[2.0]]


def test_readiness_now_within_tolerance_later_when_trainable_and_small():
    short = np.array([[0.0, 0.0], [0.2, 0.0], [0.8, 0.0], [1.2, 0.0], [0.0, 0.3]])
    trainable = np.array([True, False])
    got = readiness(short, tolerance=0.2, max_gap=1.0, trainable=trainable)
    # within 0.2: now; 0.8 trainable: later; 1.2 beyond the max: out; short on an untrainable code: out
    assert got.tolist() == [NOW, NOW, LATER, NOT_LISTED, NOT_LISTED]


def catalog() -> CatalogIndex:
    return CatalogIndex.from_frame(pd.DataFrame({
        "training_code": ["both", "a_short", "b_short", "c_long", "c_basic"],
        "name": ["A and B", "A", "B", "C", "C basic"], "category": ["teknis"] * 4 + ["latsar"],
        "domain": [None] * 5, "competency_codes": ["m.01;m.02", "m.01", "m.02", "m.03", "m.03"],
        "hours": [100.0, 10.0, 10.0, 50.0, 5.0]}))


def test_closing_trainings_cover_every_code_with_the_fewest_trainings():
    index = catalog()
    allowed = np.array([True, True, True, True, False])
    chosen = [index.training_codes[i] for i in closing_trainings(["m.01", "m.02", "m.03"], index, allowed=allowed)]
    assert chosen == ["both", "c_long"]                       # the most codes first; c_basic is not allowed
    assert [index.training_codes[i] for i in closing_trainings(["m.03"], index)] == ["c_basic"]


def test_closing_trainings_prefer_the_recommenders_then_the_fewest_hours():
    index = catalog()
    assert [index.training_codes[i] for i in closing_trainings(["m.01"], index)] == ["a_short"]
    assert [index.training_codes[i] for i in closing_trainings(["m.01"], index, preferred=["both"])] == ["both"]
    assert closing_trainings(["t.hukum"], index) == []        # nothing develops it: stays uncovered


# --- lists on hand-made posts --------------------------------------------------------------------


def test_key_posts_are_jpt_administrator_and_strategic(context):
    assert key_post_ids(context.dataset.positions) == ["k1", "k2", "k3"]
    marked = context.dataset.positions.assign(strategic=[False, False, True, False, False, False, False])
    assert key_post_ids(marked) == ["p3", "k1", "k2", "k3"]


def test_both_in_box_9(context):
    people = talent_map(context).people.set_index("employee_id")
    assert people["box"].to_dict() == {"e1": 9, "e2": 9}


def test_ready_now_and_in_1_2_years_with_the_trainings_that_close_the_gap(context):
    doc = succession_list(context, "k1", None)
    assert listed(doc) == [("e1", NOW), ("e2", LATER)]
    assert (doc.model, doc.n_pool, doc.n_eligible) == (None, 2, 2)
    e1, e2 = doc.successors
    assert e1.shortfalls == {} and e1.trainings == ()
    assert e2.shortfalls == {"m.08": 0.8}
    assert [(s.training_code, s.hours, s.competencies, s.expected_risk_change) for s in e2.trainings] == [
        ("pkp", 200.0, ("m.08",), None)]
    assert e2.total_hours == 200.0


def test_a_competency_never_assessed_counts_as_level_1(context):
    doc = succession_list(context, "k3", None)          # t.kesehatan 2: e1 was never assessed on it
    assert listed(doc) == [("e1", LATER), ("e2", LATER)]      # e2 is still short on m.08; e1 ranks higher
    e1 = doc.successors[0]
    assert e1.shortfalls == {"t.kesehatan": 1.0} and e1.not_assessed == ("t.kesehatan",)
    assert [step.training_code for step in e1.trainings] == ["kes01"] and e1.total_hours == 60.0


def test_a_gap_beyond_what_trainings_close_is_not_listed(context):
    doc = succession_list(context, "k1", None, settings=SuccessionSettings(max_closable_gap=0.7))
    assert listed(doc) == [("e1", NOW)]
    assert listed(succession_list(context, "k1", None, settings=SuccessionSettings(top=1))) == [("e1", NOW)]


def test_only_the_boxes_of_the_pool_are_drawn_from(context):
    doc = succession_list(context, "k1", None, settings=SuccessionSettings(boxes=(7, 8)))    # both are in box 9
    assert (doc.n_pool, doc.n_eligible, doc.successors) == (0, 0, [])


def test_the_basic_cpns_training_is_never_a_successors_step(context):
    index = context.catalog_index
    allowed = dict(zip(index.training_codes, allowed_trainings(index, context.dataset.training_catalog)))
    assert allowed == {"latsar": False, "pkp": True, "keu01": True, "kes01": True}


def test_the_packs_gap_tolerance_makes_a_small_gap_ready_now(context):
    doc = succession_list(context, "k1", None, rules=EligibilityRules(competency_gap_tolerance=0.8))
    assert listed(doc) == [("e1", NOW), ("e2", NOW)]


def test_nobody_eligible_under_the_posts_minimum_grade(context):
    doc = succession_list(context, "k2", None)
    assert (doc.n_pool, doc.n_eligible, doc.successors) == (2, 0, [])


def test_only_key_posts_have_a_list(context):
    with pytest.raises(RankingError, match="not a key post") as error:
        succession_list(context, "p1", None)
    assert error.value.field == "position_id"
    with pytest.raises(RankingError, match="unknown position_id"):
        succession_list(context, "nope", None)


def test_with_a_model_the_recommenders_estimates_come_along(context):
    from synthetic_bundle import synthetic_bundle

    served = ChampionCache.fixed(synthetic_bundle(context.dataset.training_catalog)).get()
    doc = succession_list(context, "k1", served, lang="en")
    assert doc.model == "local@0"
    assert {s.readiness for s in doc.successors} == {NOW, LATER}
    for s in doc.successors:
        assert 0 <= s.adjustment_risk <= 1 and s.score is not None and s.predicted_performance is not None
    later = next(s for s in doc.successors if s.readiness == LATER)
    assert {code for step in later.trainings for code in step.competencies} == set(later.shortfalls)


# --- the command ----------------------------------------------------------------------------------


def test_succession_command_without_a_model_lists_catalog_trainings(data_dir, tmp_path):
    # an empty store, whatever other tests registered (mlflow.set_tracking_uri also sets the variable)
    empty_store = {"MUTASI_HOME": str(tmp_path), "MLFLOW_TRACKING_URI": None}
    result = CliRunner().invoke(app, ["succession", "--data", str(data_dir), "--position", "k1", "--json"],
                                env=empty_store)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    doc = json.loads(lines[0])
    assert doc["model"] is None and [s["employee_id"] for s in doc["successors"]] == ["e1", "e2"]
    assert doc["successors"][1]["trainings"][0]["training_code"] == "pkp"
    assert "pelatihan dari katalog" in result.stderr


def test_succession_command_tables_every_key_post_and_rejects_other_posts(data_dir):
    runner = CliRunner()
    result = runner.invoke(app, ["succession", "--data", str(data_dir), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Ready now" in result.stdout and "k1" in result.stdout and "k2" in result.stdout
    assert "No eligible talent pool member is ready" in result.stdout
    bad = runner.invoke(app, ["succession", "--data", str(data_dir), "--position", "p1"])
    assert bad.exit_code == 2 and "--position" in bad.stderr and "not a key post" in bad.stderr
