"""The audit log: append-only, durable once acknowledged, decisions need a note."""

import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from serving.audit import AuditLog

pytestmark = pytest.mark.code

DOC = {"position_id": "p3", "as_of": "2026-01-01", "model": {"name": "m", "version": "2", "run_id": "r"},
       "candidates": [{"rank": 1, "employee_id": "e1", "score": 3.9, "predicted_performance": 4.1,
                       "adjustment_risk": 0.1}], "excluded": []}

WRITER = """
import sys
from serving.audit import AuditLog
log = AuditLog(sys.argv[1])
doc = {doc!r}
for i in range(100000):
    entry = log.record_ranking(f"caller-{{i}}", {{"i": i}}, doc)
    print(entry, flush=True)          # acknowledged only after the commit returned
"""


def test_ranking_and_decision_round_trip(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    rid = log.record_ranking("bkd", {"position_id": "p3"}, DOC)
    entry = log.ranking(rid)
    assert entry["results"][0]["employee_id"] == "e1" and entry["model_version"] == "2"
    did = log.record_decision(rid, "Bu Sari", "reorder", "lebih berpengalaman di lapangan", ["e1"])
    assert log.decisions(rid)[0]["id"] == did and log.decisions(rid)[0]["order"] == ["e1"]
    assert log.latest_for("p3", "2026-01-01")["id"] == rid


@pytest.mark.parametrize("note, action", [("", "accept"), ("   ", "reject"), ("ok", "promote")])
def test_decision_needs_a_note_and_a_known_action(tmp_path, note, action):
    log = AuditLog(tmp_path / "audit.db")
    rid = log.record_ranking("bkd", {}, DOC)
    with pytest.raises(ValueError):
        log.record_decision(rid, "reviewer", action, note, ["e1"])
    assert log.decisions(rid) == []


def test_decision_must_refer_to_a_ranking(tmp_path):
    with pytest.raises(KeyError):
        AuditLog(tmp_path / "audit.db").record_decision(99, "reviewer", "accept", "fine", ["e1"])


def test_a_crash_never_loses_an_acknowledged_entry(tmp_path):
    path = tmp_path / "audit.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(doc=DOC), str(path)], stdout=subprocess.PIPE,
                            text=True)
    acknowledged = []
    for line in proc.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) == 200:
            os.kill(proc.pid, signal.SIGKILL)      # no cleanup, no final commit
            break
    proc.wait()
    stored = {e["id"] for e in AuditLog(path).rankings(limit=100000)}
    assert set(acknowledged) <= stored


def test_a_keyed_ranking_is_logged_once(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    first = log.record_ranking("bkd", {"lang": "id"}, DOC, key="k1")
    again = log.record_ranking("someone", {"lang": "en"}, DOC, key="k1")
    other = log.record_ranking("bkd", {}, DOC, key="k2")
    unkeyed = [log.record_ranking("bkd", {}, DOC) for _ in range(2)]
    assert again == first and len({first, other, *unkeyed}) == 4
    assert log.ranking_by_key("k1")["id"] == first and log.ranking_by_key("k1")["caller"] == "bkd"
    assert log.ranking_by_key("nope") is None
    assert len(log.rankings(limit=100)) == 4 and log.verify().ok


def test_identical_rankings_at_once_give_one_entry(tmp_path):
    """Two servers (two AuditLog objects, no shared lock) logging the same rankings at the
    same moment: the lookup inside the write transaction keeps one entry per key."""
    path = tmp_path / "audit.db"
    logs = [AuditLog(path) for _ in range(4)]
    keys = [f"key-{i}" for i in range(25)]
    barrier = threading.Barrier(len(logs))

    def serve(log: AuditLog) -> list[int]:
        barrier.wait()
        return [log.record_ranking("cli", {}, DOC, key=key) for key in keys]

    with ThreadPoolExecutor(len(logs)) as pool:
        answers = list(pool.map(serve, logs))
    assert all(ids == answers[0] for ids in answers)          # every caller got the same id per key
    stored = AuditLog(path).rankings(limit=1000)
    assert len(stored) == len(keys) and AuditLog(path).verify().ok
