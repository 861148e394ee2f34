"""The audit log: every ranking served and every reviewer decision, appended durably.

SQLite in WAL mode with ``synchronous=FULL``; each entry is one transaction, committed
before the caller is answered, so an acknowledged entry survives a crash.
"""

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from models.store import home

SCHEMA = """
CREATE TABLE IF NOT EXISTS rankings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    served_at TEXT NOT NULL,
    caller TEXT NOT NULL,
    request TEXT NOT NULL,
    position_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    run_id TEXT NOT NULL,
    results TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ranking_id INTEGER NOT NULL REFERENCES rankings(id),
    decided_at TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'reorder')),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0),
    order_json TEXT NOT NULL,
    employee_id TEXT
);
CREATE INDEX IF NOT EXISTS decisions_by_ranking ON decisions(ranking_id);
CREATE INDEX IF NOT EXISTS rankings_by_position ON rankings(position_id, as_of);
"""


def default_path() -> Path:
    return home() / "audit.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AuditLog:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.row_factory = sqlite3.Row
        return db

    def _write(self, sql: str, params: tuple) -> int:
        with self._lock:
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")
                cursor = db.execute(sql, params)
                db.execute("COMMIT")
                return int(cursor.lastrowid)
            except BaseException:
                db.execute("ROLLBACK") if db.in_transaction else None
                raise
            finally:
                db.close()

    def record_ranking(self, caller: str, request: dict, document: dict) -> int:
        """Append one served ranking; returns its id."""
        results = [{"rank": c["rank"], "employee_id": c["employee_id"], "score": c["score"],
                    "predicted_performance": c["predicted_performance"], "adjustment_risk": c["adjustment_risk"]}
                   for c in document["candidates"]]
        model = document["model"]
        return self._write(
            "INSERT INTO rankings (served_at, caller, request, position_id, as_of, model_name, model_version, "
            "run_id, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_now(), caller, json.dumps(request, default=str), document["position_id"], str(document["as_of"]),
             model["name"], str(model["version"]), model["run_id"], json.dumps(results)))

    def record_decision(self, ranking_id: int, reviewer: str, action: str, note: str,
                        order: list[str], employee_id: str | None = None) -> int:
        """Append a reviewer's decision on a ranking (a note is mandatory)."""
        if not note or not note.strip():
            raise ValueError("a decision needs a note")
        if action not in ("accept", "reject", "reorder"):
            raise ValueError(f"action must be accept, reject or reorder, not {action!r}")
        if self.ranking(ranking_id) is None:
            raise KeyError(f"no ranking with id {ranking_id}")
        return self._write(
            "INSERT INTO decisions (ranking_id, decided_at, reviewer, action, note, order_json, employee_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ranking_id, _now(), reviewer, action, note.strip(), json.dumps(order), employee_id))

    def _read(self, sql: str, params: tuple = ()) -> list[dict]:
        db = self._connect()
        try:
            return [dict(row) for row in db.execute(sql, params).fetchall()]
        finally:
            db.close()

    def ranking(self, ranking_id: int) -> dict | None:
        rows = self._read("SELECT * FROM rankings WHERE id = ?", (ranking_id,))
        return _decode(rows[0]) if rows else None

    def rankings(self, limit: int = 50, position_id: str | None = None) -> list[dict]:
        where, params = ("WHERE position_id = ?", (position_id,)) if position_id else ("", ())
        rows = self._read(f"SELECT * FROM rankings {where} ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_decode(r) for r in rows]

    def decisions(self, ranking_id: int | None = None) -> list[dict]:
        if ranking_id is None:
            rows = self._read("SELECT * FROM decisions ORDER BY id")
        else:
            rows = self._read("SELECT * FROM decisions WHERE ranking_id = ? ORDER BY id", (ranking_id,))
        for row in rows:
            row["order"] = json.loads(row.pop("order_json"))
        return rows

    def latest_for(self, position_id: str, as_of: str) -> dict | None:
        """The latest ranking of a position at a date that has a decision, else the latest."""
        rows = self._read(
            "SELECT r.* FROM rankings r WHERE r.position_id = ? AND r.as_of = ? "
            "ORDER BY EXISTS (SELECT 1 FROM decisions d WHERE d.ranking_id = r.id) DESC, r.id DESC LIMIT 1",
            (position_id, as_of))
        return _decode(rows[0]) if rows else None


def _decode(row: dict) -> dict:
    row["request"] = json.loads(row["request"])
    row["results"] = json.loads(row["results"])
    return row
