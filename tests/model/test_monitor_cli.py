"""``mutasi monitor`` end to end on one trained throw-away store (a simulated province):
exit 0 with loose thresholds, the files written, the figures on the champion's MLflow run
and its artifacts; an injected shift (every appraisal of the last year one rating better)
drifts the rating features and flips the verdict at a threshold the plain data passes
(exit 1, naming drift); a bad threshold is a usage error (exit 2)."""

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from features import columns as c
from features import vocab as v
from models.store import CHAMPION, MODEL_NAME

pytestmark = pytest.mark.model

BETTER = {name: min(score + 1, 5) for name, score in v.RATING_SCORE.items()}
NAME_OF = {score: name for name, score in v.RATING_SCORE.items()}


def mutasi(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", *args], env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def store(province_dir, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("monitor")
    env = {**os.environ, "MUTASI_HOME": str(root / "home")}
    env.pop("MLFLOW_TRACKING_URI", None)
    env.pop("MLFLOW_REGISTRY_URI", None)
    trained = mutasi(env, "train", "--data", str(province_dir), "--force-champion", "monitor test")
    assert trained.returncode == 0, trained.stderr[-3000:]
    return {"root": root, "env": env, "data": province_dir}


@pytest.fixture(scope="module")
def plain(store) -> dict:
    out = store["root"] / "plain"
    run = mutasi(store["env"], "monitor", "--data", str(store["data"]), "--out", str(out),
                 "--max-drift-share", "1", "--max-ece", "1")
    return {"run": run, "out": out, "document": json.loads((out / "monitor.json").read_text())}


def lenient_copy(data, root):
    """The province with every appraisal ending in the last 12 months one rating better."""
    copy = shutil.copytree(data, root / "lenient")
    appraisals = pd.read_parquet(copy / "appraisals.parquet")
    ends = pd.to_datetime(appraisals[c.PERIOD_END])
    late = ends > ends.max() - pd.DateOffset(months=12)
    appraisals.loc[late, c.RATING] = appraisals.loc[late, c.RATING].map(lambda r: NAME_OF[BETTER[r]])
    appraisals.to_parquet(copy / "appraisals.parquet", index=False)
    return copy


def test_loose_thresholds_exit_0_and_write_the_report(plain):
    assert plain["run"].returncode == 0, plain["run"].stderr[-3000:]
    assert {p.name for p in plain["out"].iterdir()} >= {"monitor.html", "drift.html", "monitor.json"}
    document = plain["document"]
    assert document["alarms"] == [] and document["model"]["name"] == MODEL_NAME
    assert len(document["drift"]["features"]) + len(document["drift"]["skipped"]) >= 40
    assert "ok: no alarm" in plain["run"].stdout
    assert "<img" in (plain["out"] / "monitor.html").read_text() or not document["calibration"]


def test_the_figures_are_on_the_champion_s_run(store, plain):
    from mlflow import MlflowClient

    uri = f"sqlite:///{store['root'] / 'home' / 'mlflow.db'}"
    # the registry too: an in-process test before may have left MLFLOW_REGISTRY_URI set (mlflow.set_registry_uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    champion = client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    assert plain["document"]["model"]["run_id"] == champion.run_id
    history = client.get_metric_history(champion.run_id, "monitor_drift_share")
    assert [m.value for m in history] == [pytest.approx(plain["document"]["drift"]["share"])]
    assert history[0].step == int(plain["document"]["as_of"].replace("-", ""))
    folder = f"monitoring/{plain['document']['as_of']}"
    assert {f.path for f in client.list_artifacts(champion.run_id, folder)} >= {
        f"{folder}/monitor.html", f"{folder}/monitor.json", f"{folder}/drift.html"}


def test_an_injected_shift_flips_the_drift_verdict(store, plain):
    drift = plain["document"]["drift"]
    n = len(drift["features"])
    threshold = drift["share"] + 0.5 / n                 # the plain data passes it (its share is below)
    out = store["root"] / "lenient-report"
    run = mutasi(store["env"], "monitor", "--data", str(lenient_copy(store["data"], store["root"])),
                 "--out", str(out), "--max-drift-share", f"{threshold:.6f}", "--max-ece", "1")
    assert run.returncode == 1, run.stderr[-3000:]
    shifted = json.loads((out / "monitor.json").read_text())
    assert shifted["alarms"] == ["drift"] and "ALARM: drift data" in run.stdout
    assert shifted["drift"]["share"] > drift["share"]
    assert "last_score" in shifted["drift"]["drifted"] and "last_score" not in drift["drifted"]


def test_a_bad_threshold_is_a_usage_error(store):
    run = mutasi(store["env"], "monitor", "--data", str(store["data"]), "--max-drift-share", "1.5")
    assert run.returncode == 2 and "max-drift-share" in run.stderr
