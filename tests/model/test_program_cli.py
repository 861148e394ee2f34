"""``mutasi evaluate-program``: bad options end with exit 2 naming the option and its value
(before any data is read), and end to end on a simulated province (600 employees, seed
3): the report and the JSON written, the MLflow evaluation run with the headline figures,
the headline printed as the JSON says."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mutasi.cli import app
from serving.program import export, tracking
from serving.program.results import Outcome

pytestmark = pytest.mark.model


def evaluate(*args: str):
    return CliRunner().invoke(app, ["evaluate-program", *args])


@pytest.mark.parametrize("args, named", [
    (["--since", "2020-13-01"], "--since"),
    (["--until", "31/12/2024"], "--until"),
    (["--since", "2024-01-01", "--until", "2020-12-31"], "--since 2024-01-01 is after --until 2020-12-31"),
    (["--by", "gender"], "--by must be one of unit, domain, move_type, match, not 'gender'"),
    (["--lang", "fr"], "--lang"),
])
def test_bad_options_are_named(tmp_path, args, named):
    result = evaluate("--data", str(tmp_path), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2, result.output
    assert named in " ".join(result.stderr.split())
    value = args[1]
    assert value in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_data_folder_is_named(tmp_path):
    missing = tmp_path / "nowhere"
    result = evaluate("--data", str(missing))
    assert result.exit_code == 2
    assert "--data" in result.stderr and "nowhere" in result.stderr


def test_a_missing_audit_log_is_named(tmp_path):
    result = evaluate("--data", str(tmp_path), "--audit-log", str(tmp_path / "audit.db"), "--no-mlflow")
    assert result.exit_code == 2
    assert "--audit-log" in result.stderr and "audit.db" in result.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("program-cli")
    env = {**os.environ, "MUTASI_HOME": str(root / "home")}
    env.pop("MLFLOW_TRACKING_URI", None)
    env.pop("MLFLOW_REGISTRY_URI", None)

    def mutasi(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mutasi.cli", *args], env=env, capture_output=True, text=True,
                              timeout=600)

    simulated = mutasi("simulate", "--employees", "600", "--seed", "3", "--out", str(root / "province"))
    assert simulated.returncode == 0, simulated.stderr[-3000:]
    uri = f"sqlite:///{root / 'mlflow.db'}"
    done = mutasi("evaluate-program", "--data", str(root / "province"), "--out", str(root / "out"), "--lang", "en",
                  "--tracking-uri", uri)
    return {"root": root, "done": done, "uri": uri}


def test_end_to_end(run):
    done, out = run["done"], run["root"] / "out"
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == sorted([export.REPORT_HTML, export.EVALUATION_JSON])
    evaluation = export.from_document(json.loads((out / export.EVALUATION_JSON).read_text()))
    assert {r.outcome for r in evaluation.main} >= {Outcome.APPRAISAL.value}
    head = next(r for r in evaluation.main if r.outcome == Outcome.APPRAISAL)
    page = (out / export.REPORT_HTML).read_text()
    assert page.count("<svg") >= len(evaluation.main) and "<script" not in page

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=run["uri"])
    experiment = client.get_experiment_by_name(tracking.EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id], f"tags.`{tracking.KIND_TAG}` = '{tracking.KIND}'")
    assert len(runs) == 1
    metrics = runs[0].data.metrics
    assert metrics[f"{head.outcome}.att"] == pytest.approx(head.att.estimate)
    assert metrics[f"{head.outcome}.naive"] == pytest.approx(head.naive.estimate)
    first_line = done.stdout.splitlines()[0]
    assert f"{abs(head.att.estimate):.2f}" in first_line and f"{abs(head.att.ci_low):.2f}" in first_line
    assert str(out / export.REPORT_HTML) in done.stdout
