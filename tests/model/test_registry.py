"""Registry mechanics on a throw-away local MLflow store: aliases, manual promotion,
clean failure, reload of the served model when the alias moves."""

import math

import pytest
from mlflow.exceptions import MlflowException

from features.io import DatasetError
from models.store import CHAMPION, MODEL_NAME, connect
from serving.champion import ChampionCache
from training import mlflow_run
from training.pipeline import train
from training.registry import AUDIT_TAG, AuditGateError, compare, list_versions, promote

from cloned_dataset import cloned_tables
from tiny_dataset import write_tables

pytestmark = pytest.mark.model


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path


@pytest.fixture
def data(tmp_path):
    return write_tables(cloned_tables(50), tmp_path / "data")


def aliases(client) -> dict[str, list[str]]:
    return {row["version"]: row["aliases"] for row in list_versions(client)}


def test_compare_rules():
    champ = {"performance_spearman": 0.40, "risk_brier": 0.15}
    assert compare(champ, None, None).promote
    assert compare(dict(champ), champ, "1").promote                                   # a tie keeps the title moving
    assert not compare({"performance_spearman": 0.39, "risk_brier": 0.15}, champ, "1").promote
    assert not compare({"performance_spearman": 0.50, "risk_brier": 0.16}, champ, "1").promote
    assert compare({"performance_spearman": 0.41, "risk_brier": 0.14}, champ, "1").promote
    assert not compare({"performance_spearman": math.nan, "risk_brier": 0.1}, champ, "1").promote
    assert compare(champ, {"performance_spearman": math.nan, "risk_brier": 0.2}, "1").promote


def test_first_model_is_champion_then_ties_move_it(home, data):
    first = train(data)
    assert (first.version, first.alias) == ("1", CHAMPION)
    second = train(data)                  # same data, same seed: at least as good
    assert second.alias == CHAMPION
    client = connect()
    assert aliases(client)["2"] == [CHAMPION] and aliases(client)["1"] == []


def test_worse_model_becomes_challenger(home, data, monkeypatch):
    train(data)
    real = mlflow_run.compare

    def new_is_worse(new, champion, version):
        worse = {"performance_spearman": champion["performance_spearman"], "risk_brier": champion["risk_brier"] + 0.1}
        return real(worse, champion, version)

    monkeypatch.setattr(mlflow_run, "compare", new_is_worse)
    second = train(data)
    assert second.alias == "challenger" and "keep champion" in second.decision
    assert aliases(connect()) == {"2": ["challenger"], "1": [CHAMPION]}


def test_manual_promotion_and_served_model_follows_the_alias(home, data):
    train(data)
    train(data)
    client = connect()
    cache = ChampionCache(check_every=0)
    assert cache.get().version == "2"
    promote(client, "1", "rollback after review")
    assert cache.get().version == "1"
    assert client.get_model_version(MODEL_NAME, "1").tags["promoted_by_hand"] == "rollback after review"
    with pytest.raises(MlflowException):
        promote(client, "99", "no such version")


def test_failure_after_registration_leaves_no_version(home, data, monkeypatch):
    train(data)

    def broken(*args, **kwargs):
        raise RuntimeError("registry went away")

    monkeypatch.setattr(mlflow_run, "apply_aliases", broken)
    with pytest.raises(RuntimeError, match="registry went away"):
        train(data)
    assert list(aliases(connect())) == ["1"]


def test_bad_data_stops_before_any_run(home, tmp_path):
    tables = cloned_tables(5)
    tables["assignments"].loc[0, "move_type"] = "teleport"
    bad = write_tables(tables, tmp_path / "bad")
    with pytest.raises(DatasetError):
        train(bad)
    assert not (home / "home" / "mlflow.db").exists()


def test_manual_promotion_of_a_failed_audit_needs_force(home, data):
    train(data)
    train(data)
    client = connect()
    client.set_model_version_tag(MODEL_NAME, "1", AUDIT_TAG, "failed")
    with pytest.raises(AuditGateError):
        promote(client, "1", "rollback")
    assert str(client.get_model_version_by_alias(MODEL_NAME, CHAMPION).version) == "2"
    promote(client, "1", "board decision 12/2026 after review", force=True)
    assert client.get_model_version(MODEL_NAME, "1").tags["audit_override"] == "board decision 12/2026 after review"


def test_audit_is_logged_and_recorded_on_the_version(home, data, tmp_path):
    result = train(data)
    client = connect()
    version = client.get_model_version(MODEL_NAME, result.version)
    assert version.tags[AUDIT_TAG] in ("passed", "failed")
    run = client.get_run(result.run_id)
    assert "fairness_passed" in run.data.metrics
    files = {f.path for f in client.list_artifacts(result.run_id, "fairness")}
    assert files == {"fairness/audit.md", "fairness/audit.json"}
    card = client.download_artifacts(result.run_id, "model_card.md", str(tmp_path))
    assert "## Fairness audit" in open(card).read() and "Audit " in open(card).read()


def test_audit_command(home, data, tmp_path):
    import subprocess
    import sys

    train(data)
    done = subprocess.run([sys.executable, "-m", "mutasi.cli", "audit", "--data", str(data), "--out",
                           str(tmp_path / "audit")], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert (tmp_path / "audit" / "audit.json").exists() and "| gender |" in done.stdout
