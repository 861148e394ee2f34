"""Off-policy evaluation end to end: from the history of the session's trained province,
and through ``mutasi evaluate-policies`` on a small province with simulated logged
choices, where the oracle value of each policy is known."""

import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from features import columns as c
from features.io import load_dataset
from features.names import ORACLE_LOG_FILE, ORACLE_VACANCIES_FILE, PROPENSITY, TRUE_EXPECTED_SCORE
from features.snapshot import prepare_sources
from features.training_table import build_training_table
from mutasi import policies_cli
from mutasi.cli import app
from simulator import simulate, write_simulation
from training import policy_eval as pe
from training.evaluate import oracle_candidates, read_oracle, with_age
from training.pipeline import fit_ranker

pytestmark = [pytest.mark.model, pytest.mark.slow]

FAST = pe.OPESettings(max_events=30, selection_events=200, n_boot=200)


def test_history_path_estimates_every_policy(trained):
    fitted = trained["fitted"]
    result = pe.evaluate_history(trained["dataset"], fitted.bundle, trained["table"], linear=fitted.linear,
                                 settings=FAST)
    table = result.table
    policies = table[table["policy"] != pe.LOGGED]
    assert set(policies["policy"]) == set(pe.POLICIES)
    assert set(policies["estimator"]) == {"ips", "snips", "dr"}
    assert len(policies) == 4 * 3 * 2                   # policies x estimators x targets
    perf = table[table["target"] == pe.Target.PERFORMANCE.value]
    assert perf["n_events"].between(1, FAST.max_events).all()
    defined = table[(table["estimator"] != "snips") | (table["n_matched"] > 0)]   # SNIPS needs a match
    assert np.isfinite(defined[["estimate", "low", "high"]].to_numpy(dtype=float)).all()
    assert ((defined["low"] <= defined["estimate"] + 1e-9) & (defined["estimate"] <= defined["high"] + 1e-9)).all()
    assert table["oracle_value"].isna().all()            # history: no oracle
    logged = table[table["policy"] == pe.LOGGED].set_index("target")
    assert 1 <= logged.loc["performance", "estimate"] <= 5
    assert (table["n_matched"] <= table["n_events"]).all()
    assert "reward model" in result.reward_model


def test_top_picks_follow_rank_order_and_eligibility():
    pool = np.array(["a", "a", "a", "b", "b"], dtype=object)
    score = np.array([1.0, 3.0, 3.0, 5.0, 2.0])
    allowed = np.array([True, True, True, False, True])
    picks = pe.top_picks(pool, score, allowed)
    assert picks.to_dict() == {"a": 1, "b": 4}          # a tie keeps the earlier row; b's best is not allowed


def test_estimates_on_a_known_log():
    # two pools; policy "x" picks row 1 in pool p and row 2 in pool q; logged: row 1 (p) twice, row 3 (q) once
    pools = pd.DataFrame({"g": ["p", "p", "q", "q"], c.EMPLOYEE_ID: ["e1", "e2", "e1", "e3"],
                          PROPENSITY: [0.6, 0.4, 0.25, 0.75], TRUE_EXPECTED_SCORE: [3.0, 4.0, 2.0, 5.0],
                          "true_failure_prob": [0.1, 0.2, 0.3, 0.4]})
    events = pd.DataFrame({"g": ["p", "p", "q"], c.EMPLOYEE_ID: ["e2", "e2", "e3"],
                           "performance": [4.0, 5.0, 3.0], "no_failure": [1.0, np.nan, 0.0]})
    scores = {"x": np.array([0.0, 1.0, 1.0, 0.0])}
    q = {t: np.array([3.5, 3.5, 3.5, 3.5]) for t in pe.Target}
    table = pe.estimate_policies(pools, events, "g", scores, q, pe.OPESettings(n_boot=50)).set_index(
        ["policy", "target", "estimator"])
    ips = table.loc[("x", "performance", "ips")]
    assert ips["estimate"] == pytest.approx((4 / 0.4 + 5 / 0.4 + 0) / 3)
    assert ips["n_matched"] == 2 and ips["expected_matches"] == pytest.approx(0.4 + 0.4 + 0.25)
    assert ips["oracle_value"] == pytest.approx((4.0 + 2.0) / 2)          # pick's truth, mean over pools
    assert table.loc[("x", "performance", "snips"), "estimate"] == pytest.approx(4.5)
    dr = ((3.5 + (4 - 3.5) / 0.4) + (3.5 + (5 - 3.5) / 0.4) + 3.5) / 3       # q̂(pick) + matched residual/p
    assert table.loc[("x", "performance", "dr"), "estimate"] == pytest.approx(dr)
    assert table.loc[("x", "no_failure", "ips"), "n_events"] == 2          # an unobserved reward is left out
    assert table.loc[("logged", "performance", "naive"), "oracle_value"] == pytest.approx(4.0 * 2 / 3 + 5 / 3)


@pytest.fixture(scope="module")
def logged_store(tmp_path_factory):
    """A small province with logged choices, a ranker fitted on it, registered in a
    throw-away MLflow store as version 1."""
    import mlflow

    from models.pyfunc import log_bundle
    from models.store import MODEL_NAME, connect

    root = tmp_path_factory.mktemp("ope")
    path = write_simulation(simulate(n_employees=500, seed=3, n_vacancies=10), root / "province",
                            logged_replicates=6)
    dataset = load_dataset(path)
    table = with_age(build_training_table(dataset), dataset)
    fitted = fit_ranker(dataset, table)
    uri = f"sqlite:///{root / 'mlflow.db'}"
    connect(uri)
    experiment = mlflow.create_experiment("ope", artifact_location=(root / "artifacts").as_uri())
    with mlflow.start_run(experiment_id=experiment):
        info = log_bundle(str(fitted.bundle.save(root / "bundle")), table.head(20), [])
    mlflow.register_model(info.model_uri, MODEL_NAME)
    return {"path": path, "uri": uri, "dataset": dataset, "table": table, "fitted": fitted}


def test_cli_oracle_log_prints_the_oracle_value(logged_store, tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "home"))
    path = logged_store["path"]
    args = ["evaluate-policies", "--data", str(path), "--model", "1", "--oracle-log", str(path / ORACLE_LOG_FILE),
            "--n-boot", "100", "--selection-events", "200", "--tracking-uri", logged_store["uri"],
            "--out", str(tmp_path / "out")]
    monkeypatch.setattr(policies_cli, "out", Console(width=250))       # the whole table on one line per row
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "oracle value" in shown.output and "covers" in shown.output
    doc = json.loads((tmp_path / "out" / "estimates.json").read_text())
    rows = pd.DataFrame(doc["estimates"])
    assert set(rows["policy"]) == {*pe.POLICIES, pe.LOGGED}
    # the oracle value is the mean true expected score of the policy's top pick per vacancy
    oracle = read_oracle(path / ORACLE_VACANCIES_FILE)
    cands = oracle_candidates(logged_store["dataset"], prepare_sources(logged_store["dataset"]), oracle)
    duk = pe.policy_scores(logged_store["fitted"].bundle, logged_store["fitted"].linear, cands)[pe.DUK]
    picks = pe.top_picks(cands[c.POSITION_ID].astype("str").to_numpy(), duk, np.ones(len(cands), bool))
    expected = cands[TRUE_EXPECTED_SCORE].to_numpy()[picks.to_numpy()].mean()
    duk_rows = rows[(rows["policy"] == pe.DUK) & (rows["target"] == "performance")]
    assert duk_rows["oracle_value"].to_numpy() == pytest.approx(expected)
    assert (tmp_path / "out" / "estimates.csv").exists()
    printed = shown.output[shown.output.index("oracle value"):]
    assert f"{expected:.3f}" in printed                             # the printed column holds it too


def test_cli_names_a_missing_log(logged_store, tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "home"))
    missing = tmp_path / "nowhere.parquet"
    result = CliRunner().invoke(app, ["evaluate-policies", "--data", str(logged_store["path"]), "--oracle-log",
                                      str(missing), "--tracking-uri", logged_store["uri"]])
    assert result.exit_code == 2
    assert "--oracle-log" in result.output and "nowhere.parquet" in result.output
