"""The audit log is tamper-evident: triggers refuse edits, a hash chain names the edited entry."""

import hashlib
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from features.eligibility import DEFAULT_RULES
from mutasi.cli import app
from serving.audit import DECISIONS, GENESIS, PLAN_DECISIONS, PLANS, RANKINGS, TRIGGERS, AuditLog

pytestmark = pytest.mark.code

DOC = {"position_id": "p3", "as_of": "2026-01-01", "model": {"name": "m", "version": "2", "run_id": "r"},
       "candidates": [{"rank": 1, "employee_id": "e1", "score": 3.9, "predicted_performance": 4.1,
                       "adjustment_risk": 0.1}], "excluded": []}

# The schema of the first audit log (before caller/peer on decisions and the hash chain).
FIRST_SCHEMA = """
CREATE TABLE rankings (id INTEGER PRIMARY KEY AUTOINCREMENT, served_at TEXT NOT NULL, caller TEXT NOT NULL,
    request TEXT NOT NULL, position_id TEXT NOT NULL, as_of TEXT NOT NULL, model_name TEXT NOT NULL,
    model_version TEXT NOT NULL, run_id TEXT NOT NULL, results TEXT NOT NULL);
CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, ranking_id INTEGER NOT NULL REFERENCES rankings(id),
    decided_at TEXT NOT NULL, reviewer TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'reorder')),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0), order_json TEXT NOT NULL, employee_id TEXT);
CREATE INDEX decisions_by_ranking ON decisions(ranking_id);
CREATE INDEX rankings_by_position ON rankings(position_id, as_of);
"""


@pytest.fixture
def filled(tmp_path):
    """A log of three rankings and two decisions, interleaved; returns (log, ranking ids, decision ids)."""
    log = AuditLog(tmp_path / "audit.db")
    r1 = log.record_ranking("token-bkd", {"position_id": "p3"}, DOC, peer="10.0.0.5")
    d1 = log.record_decision(r1, "Bu Sari", "accept", "cocok", ["e1"], "e1", caller="token-bkd", peer="10.0.0.5")
    r2 = log.record_ranking("cli", {}, DOC)
    r3 = log.record_ranking("cli", {}, DOC)
    d2 = log.record_decision(r3, "Pak Budi", "reject", "belum siap", ["e1"])
    return log, (r1, r2, r3), (d1, d2)


def tamper(log: AuditLog, sql: str, params: tuple = ()) -> None:
    """Edit behind the log's back: drop the triggers first, as someone with the file could."""
    db = sqlite3.connect(log.path, isolation_level=None)
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute(sql, params)
    db.close()


def test_caller_and_peer_are_stored_and_read_back(filled):
    log, (r1, r2, _), (d1, _) = filled
    assert (log.ranking(r1)["caller"], log.ranking(r1)["peer"]) == ("token-bkd", "10.0.0.5")
    assert log.ranking(r2)["peer"] is None
    decision = log.decisions(r1)[0]
    assert (decision["id"], decision["reviewer"], decision["caller"], decision["peer"]) == (
        d1, "Bu Sari", "token-bkd", "10.0.0.5")


def test_an_untouched_log_verifies(filled):
    log, rankings, decisions = filled
    result = log.verify()
    assert result.ok and result.broken is None and result.checked == len(rankings) + len(decisions)


def test_an_empty_log_verifies(tmp_path):
    result = AuditLog(tmp_path / "audit.db").verify()
    assert result.ok and result.checked == 0


@pytest.mark.parametrize("table, column, value", [(DECISIONS, "note", "diubah"), (RANKINGS, "results", "[]"),
                                                  (RANKINGS, "caller", "someone-else")])
def test_an_edited_entry_is_named(filled, table, column, value):
    log, rankings, decisions = filled
    target = (rankings if table == RANKINGS else decisions)[1]
    tamper(log, f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, target))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (table, target)
    assert "edited" in result.broken.problem


def test_a_deleted_entry_is_seen_at_the_next_one(filled):
    log, (r1, r2, r3), _ = filled
    tamper(log, "DELETE FROM rankings WHERE id = ?", (r2,))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (RANKINGS, r3)


def test_deleting_the_newest_entry_is_seen(filled):
    log, _, (_, d2) = filled
    tamper(log, "DELETE FROM decisions WHERE id = ?", (d2,))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (DECISIONS, d2)


def test_a_rehashed_edit_breaks_the_next_link(filled):
    """Recomputing the edited entry's own hash is not enough: the next entry points at the old one."""
    from serving.audit import entry_hash

    log, (r1, r2, r3), _ = filled
    row = log.ranking(r2)
    row.update(caller="someone-else", request=json.dumps(row["request"]), results=json.dumps(row["results"]))
    tamper(log, "UPDATE rankings SET caller = ?, hash = ? WHERE id = ?",
           ("someone-else", entry_hash(RANKINGS, row), r2))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (RANKINGS, r3)
    assert "prev_hash" in result.broken.problem


def test_dropped_triggers_are_reported(filled):
    log, _, _ = filled
    tamper(log, "SELECT 1")
    result = log.verify()
    assert not result.ok and result.broken is None and set(result.missing_triggers) == set(TRIGGERS)


@pytest.mark.parametrize("sql", ["UPDATE rankings SET caller = 'x'", "DELETE FROM rankings",
                                 "UPDATE decisions SET note = 'x'", "DELETE FROM decisions"])
def test_update_and_delete_are_refused(filled, sql):
    log, _, _ = filled
    db = sqlite3.connect(log.path, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(sql)
    db.close()
    assert log.verify().ok


def test_a_first_schema_log_is_migrated_with_its_chain(tmp_path):
    path = tmp_path / "audit.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(FIRST_SCHEMA)
    db.execute("INSERT INTO rankings (served_at, caller, request, position_id, as_of, model_name, model_version, "
               "run_id, results) VALUES ('2025-01-01T00:00:00.000+00:00', 'cli', '{}', 'p3', '2025-01-01', 'm', "
               "'1', 'r', '[]')")
    db.execute("INSERT INTO decisions (ranking_id, decided_at, reviewer, action, note, order_json) "
               "VALUES (1, '2025-01-02T00:00:00.000+00:00', 'Bu Sari', 'accept', 'ok', '[]')")
    db.close()
    log = AuditLog(path)
    assert log.verify().ok and log.verify().checked == 2
    old = log.decisions(1)[0]
    assert (old["reviewer"], old["caller"], old["peer"]) == ("Bu Sari", None, None)
    rid = log.record_ranking("cli", {}, DOC, peer="127.0.0.1")
    assert rid == 2 and log.verify().ok and log.verify().checked == 3
    tamper(log, "UPDATE rankings SET caller = 'x' WHERE id = 1")
    assert (log.verify().broken.table, log.verify().broken.id) == (RANKINGS, 1)


def test_cli_verify_exits_1_and_names_the_entry(filled):
    log, rankings, _ = filled
    runner = CliRunner()
    good = runner.invoke(app, ["audit-log", "--verify", "--audit-db", str(log.path)])
    assert good.exit_code == 0 and "intact" in good.output
    tamper(log, "UPDATE rankings SET caller = 'x' WHERE id = ?", (rankings[0],))
    bad = runner.invoke(app, ["audit-log", "--verify", "--audit-db", str(log.path)])
    assert bad.exit_code == 1 and f"rankings id {rankings[0]}" in bad.output


def test_cli_shows_caller_and_peer(filled, monkeypatch):
    from mutasi import cli

    monkeypatch.setattr(cli.out, "_width", 400)       # one line per row
    log, _, _ = filled
    shown = CliRunner().invoke(app, ["audit-log", "--audit-db", str(log.path), "--json"])
    entries = json.loads(shown.output)
    first = next(e for e in entries if e["peer"])
    assert (first["caller"], first["peer"], first["decisions"][0]["caller"]) == ("token-bkd", "10.0.0.5", "token-bkd")
    table = CliRunner().invoke(app, ["audit-log", "--audit-db", str(log.path)])
    assert "token-bkd @ 10.0.0.5" in table.output


# --- round plans and the reviewers' decisions on their moves ----------------------------------

PLAN = {"plan_id": "abc123", "as_of": "2026-01-01", "model": {"name": "m", "version": "2", "run_id": "r"},
        "rules": "contract@1", "objective": {"value": 7.5, "bound": 7.5, "gap": 0.0, "greedy_value": 7.0},
        "moves": [{"position_id": "p1", "employee_id": "e1"}, {"position_id": "p2", "employee_id": "e2"}],
        "unfilled": [], "constraints": [], "audit_id": None}


@pytest.fixture
def planned(filled):
    """The filled log plus two plans (the second re-plans the first) and three move decisions,
    interleaved with a ranking decision; returns (log, plan ids, plan decision ids)."""
    log, (r1, _, _), _ = filled
    p1 = log.record_plan("token-bkd", {"round": [{"position_id": "p1"}]}, PLAN, peer="10.0.0.5")
    m1 = log.record_move_decision(p1, "e1", "p1", "accept", "Bu Sari", "cocok", caller="token-bkd", peer="10.0.0.5")
    log.record_decision(r1, "Bu Sari", "reject", "tidak", ["e1"], "e1")
    m2 = log.record_move_decision(p1, "e2", "p2", "reject", "Bu Sari", None, caller="token-bkd")
    m3 = log.record_move_decision(p1, "e1", "p1", "reject", "Pak Budi", "berubah pikiran", caller="cli")
    p2 = log.record_plan("cli", {"round": [{"position_id": "p1"}], "forbidden": []}, {**PLAN, "plan_id": "def456"},
                         previous_id=p1)
    return log, (p1, p2), (m1, m2, m3)


def test_plans_and_move_decisions_are_stored_and_read_back(planned):
    log, (p1, p2), (m1, m2, m3) = planned
    entry = log.plan_entry(p1)
    assert (entry["caller"], entry["peer"], entry["plan_id"], entry["as_of"]) == ("token-bkd", "10.0.0.5", "abc123",
                                                                                  "2026-01-01")
    assert entry["request"] == {"round": [{"position_id": "p1"}]} and entry["previous_id"] is None
    assert entry["document"] == {**PLAN, "audit_id": p1}
    assert log.plan_entry(p2)["previous_id"] == p1 and log.plan_entry(p2 + 1) is None
    assert log.latest_plan("def456")["id"] == p2 and log.latest_plan("nope") is None
    latest = log.move_decisions(p1)
    assert [(d["id"], d["employee_id"], d["decision"], d["reviewer"]) for d in latest] == [
        (m2, "e2", "reject", "Bu Sari"), (m3, "e1", "reject", "Pak Budi")]         # the latest per move wins
    assert latest[0]["note"] is None and latest[1]["plan_id"] == "abc123"
    assert [d["id"] for d in log.move_decisions(p1, history=True)] == [m1, m2, m3]
    assert log.move_decisions(p2) == []


def test_move_decisions_need_a_plan_a_reviewer_and_a_known_decision(planned):
    log, (p1, _), _ = planned
    with pytest.raises(KeyError):
        log.record_move_decision(999, "e1", "p1", "accept", "Bu Sari", caller="cli")
    with pytest.raises(ValueError, match="accept or reject"):
        log.record_move_decision(p1, "e1", "p1", "reorder", "Bu Sari", caller="cli")
    with pytest.raises(ValueError, match="reviewer"):
        log.record_move_decision(p1, "e1", "p1", "accept", "  ", caller="cli")
    with pytest.raises(KeyError):
        log.record_plan("cli", {}, PLAN, previous_id=999)


def test_a_log_with_plans_verifies(planned):
    log, plans, moves = planned
    result = log.verify()
    assert result.ok and result.checked == 5 + 1 + len(plans) + len(moves)


@pytest.mark.parametrize("table, column, value", [(PLAN_DECISIONS, "decision", "accept"),
                                                  (PLAN_DECISIONS, "employee_id", "e9"),
                                                  (PLANS, "document", "{}"), (PLANS, "previous_id", None)])
def test_an_edited_plan_entry_is_named(planned, table, column, value):
    log, plans, moves = planned
    target = (plans if table == PLANS else moves)[-1]
    tamper(log, f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, target))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (table, target)
    assert "edited" in result.broken.problem


def test_a_deleted_plan_decision_is_seen(planned):
    log, (_, p2), (_, m2, _) = planned
    tamper(log, "DELETE FROM plan_decisions WHERE id = ?", (m2,))
    result = log.verify()
    assert not result.ok and result.broken.table == PLAN_DECISIONS and "deleted" in result.broken.problem


@pytest.mark.parametrize("sql", ["UPDATE plans SET caller = 'x'", "DELETE FROM plans",
                                 "UPDATE plan_decisions SET decision = 'accept'", "DELETE FROM plan_decisions"])
def test_plans_are_append_only(planned, sql):
    log, _, _ = planned
    db = sqlite3.connect(log.path, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(sql)
    db.close()
    assert log.verify().ok


def test_a_log_from_before_plans_is_upgraded_in_place(tmp_path):
    """A chained log without the plan tables (the previous schema) gets them on opening;
    the chain goes on through the new tables."""
    path = tmp_path / "audit.db"
    log = AuditLog(path)
    rid = log.record_ranking("cli", {}, DOC)
    log.record_decision(rid, "Bu Sari", "accept", "ok", ["e1"], "e1")
    db = sqlite3.connect(path, isolation_level=None)
    for name in [n for n in TRIGGERS if n.startswith(("plan", "rule_packs"))]:
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE plan_decisions")
    db.execute("DROP TABLE plans")
    db.execute("DROP TABLE rule_packs")
    db.close()
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"rankings", "decisions", "sqlite_sequence"}

    upgraded = AuditLog(path)
    assert upgraded.verify().ok and upgraded.verify().checked == 2
    upgraded.record_rules(DEFAULT_RULES)                     # the rule pack table is back too
    assert upgraded.rules_of("contract@1") is not None
    pid = upgraded.record_plan("cli", {}, PLAN)
    upgraded.record_move_decision(pid, "e1", "p1", "accept", "Bu Sari", caller="cli")
    result = upgraded.verify()
    assert result.ok and result.checked == 4
    with sqlite3.connect(path) as db:
        seqs = db.execute("SELECT seq FROM plans UNION ALL SELECT seq FROM plan_decisions").fetchall()
    assert sorted(s for (s,) in seqs) == [3, 4]


# --- the ranking key, added after entries were chained ------------------------------------

# The chained schema from before ranking keys (rankings and decisions only; plans are added on opening).
CHAINED_SCHEMA = """
CREATE TABLE rankings (id INTEGER PRIMARY KEY AUTOINCREMENT, served_at TEXT NOT NULL, caller TEXT NOT NULL,
    request TEXT NOT NULL, position_id TEXT NOT NULL, as_of TEXT NOT NULL, model_name TEXT NOT NULL,
    model_version TEXT NOT NULL, run_id TEXT NOT NULL, results TEXT NOT NULL,
    peer TEXT, seq INTEGER, prev_hash TEXT, hash TEXT);
CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, ranking_id INTEGER NOT NULL REFERENCES rankings(id),
    decided_at TEXT NOT NULL, reviewer TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'reorder')),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0), order_json TEXT NOT NULL, employee_id TEXT,
    caller TEXT, peer TEXT, seq INTEGER, prev_hash TEXT, hash TEXT);
"""
# What the hash of that schema covered (a copy, so that a change of CONTENT_COLUMNS is seen here).
OLD_CONTENT = {RANKINGS: ("id", "served_at", "caller", "peer", "request", "position_id", "as_of", "model_name",
                          "model_version", "run_id", "results"),
               DECISIONS: ("id", "ranking_id", "decided_at", "reviewer", "caller", "peer", "action", "note",
                           "order_json", "employee_id")}


def old_hash(table: str, row: dict) -> str:
    content = {"table": table, "seq": row["seq"], "prev_hash": row["prev_hash"],
               **{column: row[column] for column in OLD_CONTENT[table]}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@pytest.fixture
def chained_before_keys(tmp_path):
    """A log written by the schema before ranking keys: two rankings and a decision, chained."""
    path = tmp_path / "audit.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(CHAINED_SCHEMA)
    prev = GENESIS
    ranking = {"served_at": "2025-01-01T00:00:00.000+00:00", "caller": "cli", "peer": None, "request": "{}",
               "position_id": "p3", "as_of": "2025-01-01", "model_name": "m", "model_version": "1", "run_id": "r",
               "results": json.dumps([{"employee_id": "e1"}])}
    decision = {"ranking_id": 1, "decided_at": "2025-01-02T00:00:00.000+00:00", "reviewer": "Bu Sari",
                "caller": "cli", "peer": None, "action": "accept", "note": "ok", "order_json": '["e1"]',
                "employee_id": "e1"}
    for seq, (table, row) in enumerate([(RANKINGS, {**ranking, "id": 1}), (DECISIONS, {**decision, "id": 1}),
                                        (RANKINGS, {**ranking, "id": 2, "caller": "token-bkd"})], start=1):
        row.update(seq=seq, prev_hash=prev)
        prev = row["hash"] = old_hash(table, row)
        db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    db.close()
    return path


def test_entries_chained_before_ranking_keys_still_verify(chained_before_keys):
    log = AuditLog(chained_before_keys)
    result = log.verify()
    assert result.ok and result.checked == 3
    assert log.ranking(1)["ranking_key"] is None
    keyed = log.record_ranking("cli", {}, DOC, key="abc")
    assert log.record_ranking("cli", {}, DOC, key="abc") == keyed == 3
    assert log.verify().ok and log.verify().checked == 4
    with sqlite3.connect(chained_before_keys) as db:
        indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "rankings_by_key" in indexes


@pytest.mark.parametrize("target, value", [(2, "given-later"), (3, None), (3, "other")])
def test_a_changed_ranking_key_is_named(chained_before_keys, target, value):
    """Giving an old entry a key, removing a new entry's key or changing it breaks its hash."""
    log = AuditLog(chained_before_keys)
    log.record_ranking("cli", {}, DOC, key="abc")
    tamper(log, "UPDATE rankings SET ranking_key = ? WHERE id = ?", (value, target))
    result = log.verify()
    assert not result.ok and (result.broken.table, result.broken.id) == (RANKINGS, target)
