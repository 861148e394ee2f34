"""Registry mechanics on a throw-away local MLflow store: decisions as values, aliases,
manual promotion, clean failure, reload of the served model when the alias moves, and what
a first-time user is told when the first version is refused by the fairness audit."""

import dataclasses
import math

import pytest
from mlflow.exceptions import MlflowException

from features.io import DatasetError
from models.store import CHALLENGER, CHAMPION, MODEL_NAME, connect
from models.tags import AUDIT_FAILED, AUDIT_TAG, DECISION_REASON_TAG, DECISION_TAG
from serving.champion import ChampionCache, NoChampionError
from training import mlflow_run, pipeline
from training.pipeline import train
from training.registry import AuditGateError, Comparison, Decision, compare, gate, list_versions, promote
from training.results import outcome_line

from cloned_dataset import cloned_tables
from tiny_dataset import write_tables

pytestmark = pytest.mark.model


def aliases(client) -> dict[str, list[str]]:
    return {row["version"]: row["aliases"] for row in list_versions(client)}


def test_compare_rules():
    champ = {"performance_spearman": 0.40, "risk_brier": 0.15}
    assert compare(champ, None, None).decision is Decision.PROMOTE
    assert compare(dict(champ), champ, "1").decision is Decision.PROMOTE              # a tie keeps the title moving
    assert compare({"performance_spearman": 0.39, "risk_brier": 0.15}, champ, "1").decision is Decision.KEEP
    assert compare({"performance_spearman": 0.50, "risk_brier": 0.16}, champ, "1").decision is Decision.KEEP
    assert compare({"performance_spearman": 0.41, "risk_brier": 0.14}, champ, "1").decision is Decision.PROMOTE
    assert compare({"performance_spearman": math.nan, "risk_brier": 0.1}, champ, "1").decision is Decision.KEEP
    assert compare(champ, {"performance_spearman": math.nan, "risk_brier": 0.2}, "1").decision is Decision.PROMOTE


def test_gate_refuses_champion_unless_forced():
    first = compare({"performance_spearman": 0.4, "risk_brier": 0.1}, None, None)
    passed = gate(first, audit_passed=True, force_reason=None)
    assert passed.decision is Decision.PROMOTE and passed.reason.startswith(first.reason)
    assert "audit of the lists it serves passed" in passed.reason
    refused = gate(first, audit_passed=False, force_reason=None, flagged_groups=3)
    assert refused.decision is Decision.REFUSED_BY_AUDIT and not refused.promote
    assert "3 flagged group(s)" in refused.reason
    forced = gate(first, audit_passed=False, force_reason="reviewed by the board on 2026-01-05")
    assert forced.decision is Decision.FORCED and forced.promote
    assert forced.reason.endswith("reviewed by the board on 2026-01-05")
    worse = Comparison({}, {}, "1", Decision.KEEP, "worse than champion v1")
    assert gate(worse, audit_passed=False, force_reason="anything") == worse     # forcing overrides the audit only


def test_only_promote_and_forced_take_champion():
    assert {d for d in Decision if d.takes_champion} == {Decision.PROMOTE, Decision.FORCED}


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
    assert second.alias == CHALLENGER and second.decision is Decision.KEEP
    assert aliases(connect()) == {"2": [CHALLENGER], "1": [CHAMPION]}
    tags = connect().get_model_version(MODEL_NAME, "2").tags
    assert tags[DECISION_TAG] == Decision.KEEP.value and tags[DECISION_REASON_TAG] == second.reason
    assert second.champion_version == "1" and "champion stays v1" in outcome_line(second)


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

    monkeypatch.setattr(mlflow_run, "record_decision", broken)
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
    assert {"fairness/audit.md", "fairness/audit.json"} <= files <= {
        "fairness/audit.md", "fairness/audit.json", "fairness/tradeoff.csv", "fairness/tradeoff.png"}
    assert run.data.params["fair_threshold"] == "0.8"             # the version's served setting, as logged
    card = client.download_artifacts(result.run_id, "model_card.md", str(tmp_path))
    text = open(card).read()
    assert "## Fairness audit" in text and "Audit " in text and "## Fair top lists: the price" in text
    params = run.data.params                            # the splits' dates and counts, as logged
    assert (f"train before {params['performance_valid_from']} ({params['performance_n_train']} events)"
            in text)
    assert f"test from {params['failure_test_from']} ({params['failure_n_test']} events)" in text
    assert f"Decision: `{result.decision}`" in text


def test_audit_command(home, data, tmp_path):
    import os
    import subprocess
    import sys

    train(data)
    done = subprocess.run([sys.executable, "-m", "mutasi.cli", "audit", "--data", str(data), "--out",
                           str(tmp_path / "audit")], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "250"})
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert (tmp_path / "audit" / "audit.json").exists() and "jenis kelamin" in " ".join(done.stdout.split())


FLAGGED = 3


def fail_the_audit(monkeypatch) -> None:
    """The real audit, then marked failed with FLAGGED flagged groups (the tiny cloned data
    is too small for the audit to fail on its own)."""
    real = pipeline.audit_ranker

    def failed(*args, **kwargs):
        report = real(*args, **kwargs)
        assert len(report.rates) >= FLAGGED
        rates = report.rates.assign(flagged=[i < FLAGGED for i in range(len(report.rates))])
        return dataclasses.replace(report, passed=False, rates=rates)

    monkeypatch.setattr(pipeline, "audit_ranker", failed)


def no_champion_message() -> str:
    with pytest.raises(NoChampionError) as caught:
        ChampionCache(check_every=0).get()
    return str(caught.value)


def test_first_version_refused_by_the_audit_says_what_to_do(home, data, monkeypatch):
    assert "nothing is registered yet; run `mutasi train --data DIR` first" in no_champion_message()
    fail_the_audit(monkeypatch)
    first = train(data)
    assert (first.version, first.alias, first.decision) == ("1", CHALLENGER, Decision.REFUSED_BY_AUDIT)
    assert first.flagged_groups == FLAGGED and first.champion_version is None
    line = outcome_line(first)
    assert line.startswith(f"version 1 is challenger: refused by the fairness audit ({FLAGGED} flagged group(s))")
    assert "there is no champion yet, so nothing can rank" in line
    assert line.endswith('`mutasi promote 1 --force --reason "..."`')
    tags = connect().get_model_version(MODEL_NAME, "1").tags
    assert tags[DECISION_TAG] == Decision.REFUSED_BY_AUDIT.value and tags[AUDIT_TAG] == AUDIT_FAILED
    message = no_champion_message()
    assert "the latest, version 1, has fairness audit failed and decision refused_by_audit" in message
    assert message.endswith('`mutasi promote 1 --force --reason "..."`')
    promote(connect(), "1", "board reviewed the audit on 2026-01-05", force=True)
    assert ChampionCache(check_every=0).get().version == "1"


def test_models_and_rank_commands_show_the_audit_and_what_to_do(home, data, monkeypatch):
    from typer.testing import CliRunner

    from mutasi.cli import app

    def run(*args: str) -> str:
        done = CliRunner().invoke(app, list(args))
        return " ".join(done.output.split())           # rich wraps long lines

    uri = f"sqlite:///{home / 'home' / 'mlflow.db'}"
    assert "run `mutasi train --data DIR` first" in run("rank", "--data", str(data), "--position", "p1",
                                                        "--tracking-uri", uri)
    fail_the_audit(monkeypatch)
    train(data)
    listed = run("models", "--tracking-uri", uri, "--lang", "en")
    assert "fairness audit │ failed" in listed and f"decision │ {Decision.REFUSED_BY_AUDIT.value}" in listed
    ranked = run("rank", "--data", str(data), "--position", "p1", "--tracking-uri", uri + "?again")
    assert "version 1, has fairness audit failed" in ranked and "mutasi promote 1 --force" in ranked
