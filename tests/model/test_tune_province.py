"""``mutasi train --tune N`` end to end: the search on a simulated province never sees its
test period; a tuned training run logs each trial as a nested MLflow run under the parent,
logs the best parameters and fits the registered model with them; ``--params`` reuses a
downloaded ``best_params.json`` without searching again."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from features.names import FAILURE, FOLLOWED_UP, PERFORMANCE
from models.store import MODEL_NAME, connect, load_bundle
from mutasi.cli import app
from training.fit import FitSettings
from training.pipeline import train
from training.split import temporal_split
from training.tune import SEARCH_SPACE, tune

pytestmark = [pytest.mark.model, pytest.mark.slow]

SMALL = FitSettings(max_rounds=60, early_stopping_rounds=20)
PARENT = "tags.mlflow.parentRunId = '{}'"


def test_search_on_a_province_never_sees_its_test_period(trained):
    """Each target's observed test-period labels made absurd (an unobserved label stays
    unobserved, so the splits themselves do not move): the search is unchanged."""
    table = trained["table"]
    perf_test = temporal_split(table, PERFORMANCE).test
    risk_test = temporal_split(table, FAILURE, usable=FOLLOWED_UP).test
    broken = table.copy()
    broken.iloc[perf_test, broken.columns.get_loc(PERFORMANCE)] = 99.0
    broken.iloc[risk_test, broken.columns.get_loc(FAILURE)] = 1 - table[FAILURE].to_numpy()[risk_test]
    clean, dirty = tune(table, SMALL, 3, seed=5), tune(broken, SMALL, 3, seed=5)
    assert [(t.params, t.value) for t in clean.trials] == [(t.params, t.value) for t in dirty.trials]
    assert all(t.state == "COMPLETE" and 0 < t.value < 2 for t in clean.trials)      # the objective's scale


def booster_value(booster, name: str) -> float:
    """A parameter as the saved LightGBM model records it (``[name: value]`` lines)."""
    text = booster.model_to_string()
    return float(text.split(f"[{name}: ", 1)[1].split("]", 1)[0])


def test_tuned_run_logs_nested_trials_and_fits_with_the_best_parameters(home, data, tmp_path):
    result = train(data, settings=SMALL, tune=3)
    client = connect()
    parent = client.get_run(result.run_id)
    children = client.search_runs([parent.info.experiment_id], PARENT.format(result.run_id))
    assert len(children) == 3
    assert {c.data.tags["optuna_state"] for c in children} <= {"COMPLETE", "PRUNED"}
    assert all("objective" in c.data.metrics for c in children if c.data.tags["optuna_state"] == "COMPLETE")
    assert all(set(c.data.params) == {d.name for d in SEARCH_SPACE} for c in children)
    best = json.loads(open(client.download_artifacts(result.run_id, "tuning/best_params.json", str(tmp_path))).read())
    assert set(best) == {d.name for d in SEARCH_SPACE}
    assert {f.path for f in client.list_artifacts(result.run_id, "tuning")} == {"tuning/best_params.json",
                                                                               "tuning/trials.csv"}
    assert min(c.data.metrics["objective"] for c in children if "objective" in c.data.metrics) == pytest.approx(
        parent.data.metrics["tuning_best_objective"])
    for name, value in best.items():
        assert float(parent.data.params[f"tuned_{name}"]) == pytest.approx(value)
        assert float(parent.data.params[name]) == pytest.approx(value)          # the settings of the final fit
    assert parent.data.params["seed"] == str(SMALL.seed) and parent.data.params["max_rounds"] == "60"
    bundle = load_bundle(f"models:/{MODEL_NAME}/{result.version}")
    for booster in (bundle.performance, bundle.risk):                             # the registered model itself
        assert booster_value(booster, "learning_rate") == pytest.approx(best["learning_rate"])
        assert booster_value(booster, "num_leaves") == best["num_leaves"]

    reused = tmp_path / "reused.json"                                            # `--params` round trip
    reused.write_text(json.dumps(dict(best, learning_rate=0.123)))
    done = CliRunner().invoke(app, ["train", "--data", str(data), "--params", str(reused)])
    assert done.exit_code == 0, done.output
    again = next(r for r in client.search_runs([parent.info.experiment_id], order_by=["attributes.start_time DESC"])
                 if "mlflow.parentRunId" not in r.data.tags)
    assert again.info.run_id != result.run_id
    assert float(again.data.params["learning_rate"]) == 0.123
    assert float(again.data.params["num_leaves"]) == best["num_leaves"]
    assert not any(k.startswith("tuned_") for k in again.data.params)                 # no new search
    assert not client.search_runs([parent.info.experiment_id], PARENT.format(again.info.run_id))
    newest = load_bundle(f"models:/{MODEL_NAME}/{int(result.version) + 1}")
    assert booster_value(newest.performance, "learning_rate") == pytest.approx(0.123)
    refused = CliRunner().invoke(app, ["train", "--data", str(data), "--params", str(reused), "--tune", "2"])
    assert refused.exit_code == 1



def test_search_weighs_rows_as_the_corrected_fit_will(home, data, monkeypatch):
    """With a selection correction the search gets the same inverse-propensity weights as
    the final fit (one selection model serves both)."""
    import training.tune

    seen = {}

    def spy(table, settings, n_trials, **kwargs):
        seen["weight"] = kwargs.get("sample_weight")
        return tune(table, settings, n_trials, **kwargs)

    monkeypatch.setattr(training.tune, "tune", spy)
    result = train(data, settings=FitSettings(max_rounds=60, early_stopping_rounds=20, selection_correction="ipw"),
                   tune=2)
    weight = seen["weight"]
    assert weight is not None and len(weight) > 0
    run = connect().get_run(result.run_id)
    assert run.data.params["selection_correction"] == "ipw"
    assert any(key.startswith("selection_") for key in run.data.metrics)
    finite = weight[~np.isnan(weight)]
    assert finite.std() > 0 and abs(finite.mean() - 1) < 0.5     # stabilised inverse propensities, not ones
