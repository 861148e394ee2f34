"""The audit log: every ranking and round plan served and every reviewer decision on
them, appended durably.

SQLite in WAL mode with ``synchronous=FULL``; each entry is one transaction, committed
before the caller is answered, so an acknowledged entry survives a crash.

Tamper evidence (the schema and the chain: :mod:`serving.audit_chain`). Triggers refuse UPDATE and DELETE on every table (rankings, decisions,
plans, plan_decisions). Every entry also sits on one hash chain across all of them,
ordered by a global sequence number ``seq`` (1, 2, 3, … in insertion order): an entry stores ``prev_hash`` (the previous entry's
``hash``, or :data:`GENESIS` for the first) and ``hash`` = sha256 of the canonical JSON
of its table name, sequence number, content columns and ``prev_hash``. The next id, the
sequence number and the previous hash are read inside the writer's ``BEGIN IMMEDIATE``
transaction, so concurrent writers cannot fork the chain. :meth:`AuditLog.verify`
recomputes the chain; it also compares each table's highest id with ``sqlite_sequence``
so that deleting the newest entries is seen. Someone able to rewrite the whole file can
rebuild a consistent chain: keep the printed head hash elsewhere to anchor it.

``caller`` is the authenticated identity (API token name, ``cli``); ``peer`` the network
address; ``reviewer`` the name the person typed on the review page.
"""

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from features.eligibility import EligibilityRules, rules_content, rules_digest, rules_label
from models.store import home
from serving.audit_chain import (
    CHAINED,
    DECISIONS,
    GENESIS,
    PLAN_DECISIONS,
    PLANS,
    RANKINGS,
    RULE_PACKS,
    TRIGGERS,
    entry_hash,
    install_schema,
    link_problem,
    next_id,
    next_link,
)

ACTIONS = ("accept", "reject", "reorder")


class RulesChanged(ValueError):
    """A rule pack label already in the log stood for other rules: a changed pack needs a new version."""
MOVE_DECISIONS = ("accept", "reject")           # a reviewer's word on one move of a plan
def default_path() -> Path:
    return home() / "audit.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose chain link does not hold."""
    table: str
    id: int | None
    problem: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int                    # entries verified intact (all of them when ok)
    head: str                       # hash of the last intact entry
    broken: ChainBreak | None = None
    missing_triggers: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"audit log {'intact' if self.ok else 'BROKEN'}: {self.checked:,} entries verified, "
                 f"head {self.head}"]
        if self.broken:
            where = f"{self.broken.table} id {self.broken.id}" if self.broken.id is not None else self.broken.table
            lines.append(f"first broken entry: {where}: {self.broken.problem}")
        if self.missing_triggers:
            lines.append(f"append-only triggers missing: {', '.join(self.missing_triggers)}")
        return "\n".join(lines)


class AuditLog:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        db = self._connect()
        try:
            db.execute("PRAGMA journal_mode=WAL")
            self._transaction(db, install_schema)
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.row_factory = sqlite3.Row
        return db

    @staticmethod
    def _transaction(db: sqlite3.Connection, work):
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
            db.execute("COMMIT")
            return result
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _append(self, table: str, row: dict, same: tuple[str, str] | None = None) -> int:
        """Insert one entry on the chain inside one write transaction; returns its id.
        ``same`` = (column, value): when an entry already holds that value there, return its
        id instead (looked up inside the transaction, so concurrent writers add one entry)."""
        def work(db: sqlite3.Connection) -> int:
            if same is not None:
                found = db.execute(f"SELECT id FROM {table} WHERE {same[0]} = ? ORDER BY id LIMIT 1",
                                   (same[1],)).fetchone()
                if found is not None:
                    return found["id"]
            entry = {**row, "id": next_id(db, table), **next_link(db)}
            entry["hash"] = entry_hash(table, entry)
            columns = ", ".join(entry)
            db.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(entry))})",
                       tuple(entry.values()))
            return entry["id"]

        with self._lock:
            db = self._connect()
            try:
                return self._transaction(db, work)
            finally:
                db.close()

    def record_ranking(self, caller: str, request: dict, document: dict, *, peer: str | None = None,
                       key: str | None = None) -> int:
        """Append one served ranking; returns its id. With a ``key``
        (:func:`serving.service.ranking_key`) a ranking already logged under it is not logged
        again: its id is returned."""
        results = [{"rank": c["rank"], "employee_id": c["employee_id"], "score": c["score"],
                    "predicted_performance": c["predicted_performance"], "adjustment_risk": c["adjustment_risk"]}
                   for c in document["candidates"]]
        model = document["model"]
        return self._append(RANKINGS, {
            "served_at": _now(), "caller": str(caller), "peer": _text(peer),
            "request": json.dumps(request, default=str), "position_id": str(document["position_id"]),
            "as_of": str(document["as_of"]), "model_name": str(model["name"]),
            "model_version": str(model["version"]), "run_id": str(model["run_id"]), "results": json.dumps(results),
            "rules": _text(document.get("rules")),          # the rule pack's name@version: replay under its rules
            **({} if key is None else {"ranking_key": str(key)})},
            same=None if key is None else ("ranking_key", str(key)))

    def record_rules(self, rules: EligibilityRules) -> None:
        """Keep what rule pack ``rules_label(rules)`` (``name@version``) decides, the first time it is used,
        so a decision can be replayed under the rules of its day even once the pack's file has
        changed or gone (:meth:`rules_of`). The same label with other rules is refused
        (:class:`RulesChanged`): a changed pack must get a new version."""
        label, digest, content = rules_label(rules), rules_digest(rules), rules_content(rules)

        def work(db: sqlite3.Connection) -> None:
            found = db.execute(f"SELECT digest FROM {RULE_PACKS} WHERE label = ?", (label,)).fetchone()
            if found is None:
                db.execute(f"INSERT INTO {RULE_PACKS} (label, digest, content, first_used) VALUES (?, ?, ?, ?)",
                           (label, digest, json.dumps(content, sort_keys=True), _now()))
            elif found["digest"] != digest:
                raise RulesChanged(f"rule pack {label} has changed since the audit log first used it "
                                   f"(rules {found['digest']}, now {digest}): give the changed pack a new version")

        with self._lock:
            db = self._connect()
            try:
                self._transaction(db, work)
            finally:
                db.close()

    def rules_of(self, label: str) -> dict | None:
        """The rules pack ``label`` decided when first used (see :meth:`record_rules`)."""
        rows = self._read(f"SELECT content FROM {RULE_PACKS} WHERE label = ?", (label,))
        return json.loads(rows[0]["content"]) if rows else None

    def record_decision(self, ranking_id: int, reviewer: str, action: str, note: str,
                        order: list[str], employee_id: str | None = None, *,
                        caller: str | None = None, peer: str | None = None) -> int:
        """Append a reviewer's decision on a ranking (a note is mandatory)."""
        if not note or not note.strip():
            raise ValueError("a decision needs a note")
        if action not in ACTIONS:
            raise ValueError(f"action must be accept, reject or reorder, not {action!r}")
        if self.ranking(ranking_id) is None:
            raise KeyError(f"no ranking with id {ranking_id}")
        return self._append(DECISIONS, {
            "ranking_id": int(ranking_id), "decided_at": _now(), "reviewer": str(reviewer),
            "caller": _text(caller), "peer": _text(peer), "action": action, "note": note.strip(),
            "order_json": json.dumps(order), "employee_id": _text(employee_id)})

    def record_plan(self, caller: str, request: dict, document: dict, *, peer: str | None = None,
                    previous_id: int | None = None) -> int:
        """Append one served round plan (the request as asked and the whole document);
        ``previous_id`` is the plan audit id it re-plans. Returns its audit id."""
        if previous_id is not None and self.plan_entry(previous_id) is None:
            raise KeyError(f"no plan with audit id {previous_id}")
        stored = {k: v for k, v in document.items() if k != "audit_id"}
        return self._append(PLANS, {
            "at": _now(), "caller": str(caller), "peer": _text(peer), "plan_id": str(document["plan_id"]),
            "as_of": str(document["as_of"]), "request": json.dumps(request, default=str),
            "document": json.dumps(stored, default=str),
            "previous_id": None if previous_id is None else int(previous_id)})

    def plan_entry(self, audit_id: int) -> dict | None:
        """A recorded plan: the row with ``request`` and ``document`` decoded (the document's
        ``audit_id`` set to this entry's id)."""
        rows = self._read("SELECT * FROM plans WHERE id = ?", (audit_id,))
        return _decode_plan(rows[0]) if rows else None

    def plans(self, limit: int = 50) -> list[dict]:
        """The latest recorded plans, newest first (request and document decoded)."""
        return [_decode_plan(r) for r in self._read("SELECT * FROM plans ORDER BY id DESC LIMIT ?", (limit,))]

    def latest_plan(self, plan_id: str) -> dict | None:
        """The latest recorded plan with this ``plan_id`` (same data, model, round, settings, date)."""
        rows = self._read("SELECT * FROM plans WHERE plan_id = ? ORDER BY id DESC LIMIT 1", (plan_id,))
        return _decode_plan(rows[0]) if rows else None

    def record_move_decision(self, plan_audit_id: int, employee_id: str, position_id: str, decision: str,
                             reviewer: str, note: str | None = None, *, caller: str | None,
                             peer: str | None = None) -> int:
        """Append a reviewer's accept or reject of one move (employee to post) of a recorded
        plan; a later decision on the same move supersedes the earlier one. Returns its id."""
        if decision not in MOVE_DECISIONS:
            raise ValueError(f"decision must be accept or reject, not {decision!r}")
        if not reviewer or not str(reviewer).strip():
            raise ValueError("a decision needs the reviewer's name")
        rows = self._read("SELECT plan_id FROM plans WHERE id = ?", (plan_audit_id,))
        if not rows:
            raise KeyError(f"no plan with audit id {plan_audit_id}")
        note = note.strip() if isinstance(note, str) else None
        return self._append(PLAN_DECISIONS, {
            "at": _now(), "plan_audit_id": int(plan_audit_id), "plan_id": rows[0]["plan_id"],
            "employee_id": str(employee_id), "position_id": str(position_id), "decision": decision,
            "reviewer": str(reviewer).strip(), "note": note or None, "caller": _text(caller), "peer": _text(peer)})

    def move_decisions(self, plan_audit_id: int, *, history: bool = False) -> list[dict]:
        """The decisions on a plan's moves in the order made: the latest per move (employee,
        position) only, unless ``history``."""
        latest = "" if history else (
            "AND d.id = (SELECT MAX(e.id) FROM plan_decisions e WHERE e.plan_audit_id = d.plan_audit_id "
            "AND e.employee_id = d.employee_id AND e.position_id = d.position_id)")
        return self._read(f"SELECT * FROM plan_decisions d WHERE d.plan_audit_id = ? {latest} ORDER BY d.id",
                          (plan_audit_id,))

    def _read(self, sql: str, params: tuple = ()) -> list[dict]:
        db = self._connect()
        try:
            return [dict(row) for row in db.execute(sql, params).fetchall()]
        finally:
            db.close()

    def ranking(self, ranking_id: int) -> dict | None:
        rows = self._read("SELECT * FROM rankings WHERE id = ?", (ranking_id,))
        return _decode(rows[0]) if rows else None

    def ranking_by_key(self, key: str) -> dict | None:
        """The ranking logged under this key (:func:`serving.service.ranking_key`), if any."""
        rows = self._read("SELECT * FROM rankings WHERE ranking_key = ?", (key,))
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

    def decision_history(self, position_id: str, as_of) -> list[dict]:
        """Every decision on every ranking of a post at a date, oldest first (keys: id,
        ranking_id, decided_at, reviewer, action, note, order, employee_id, model_version,
        caller, peer, position_id, as_of)."""
        return self._joined("r.position_id = ? AND r.as_of = ?", (str(position_id), _day(as_of)))

    def employee_decisions(self, employee_id: str, as_of) -> list[dict]:
        """Every decision naming this employee on a ranking at this date (any post), oldest
        first; the same keys as :meth:`decision_history`."""
        return self._joined("d.employee_id = ? AND r.as_of = ?", (str(employee_id), _day(as_of)))

    def _joined(self, where: str, params: tuple) -> list[dict]:
        rows = self._read(
            "SELECT d.id, d.ranking_id, d.decided_at, d.reviewer, d.action, d.note, d.order_json, d.employee_id, "
            "r.model_version, d.caller, d.peer, r.position_id, r.as_of FROM decisions d "
            f"JOIN rankings r ON r.id = d.ranking_id WHERE {where} ORDER BY d.id", params)
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

    def verify(self) -> Verification:
        """Recompute the hash chain; name the first entry that does not hold."""
        db = self._connect()
        try:
            db.execute("BEGIN")                 # one consistent snapshot of every table
            entries = sorted(((row["seq"] is None, row["seq"] or 0, table, row)
                              for table in CHAINED
                              for row in map(dict, db.execute(f"SELECT * FROM {table}"))),
                             key=lambda e: e[:3] + (e[3]["id"],))
            sequences = dict(db.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
            present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            db.execute("COMMIT")
        finally:
            db.close()
        missing = tuple(name for name in TRIGGERS if name not in present)
        head, checked = GENESIS, 0
        for expected_seq, (_, _, table, row) in enumerate(entries, start=1):
            problem = link_problem(table, row, expected_seq, head)
            if problem:
                return Verification(False, checked, head, ChainBreak(table, row["id"], problem), missing)
            head, checked = row["hash"], checked + 1
        for table in CHAINED:
            highest = max((row["id"] for _, _, t, row in entries if t == table), default=0)
            if sequences.get(table, 0) > highest:
                return Verification(False, checked, head, ChainBreak(
                    table, sequences[table], f"entries up to id {sequences[table]} were written, "
                                             f"the last present is id {highest}: deleted"), missing)
        return Verification(not missing, checked, head, None, missing)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _day(value) -> str:
    """A decision date as the log stores it (ISO day), from a date, a Timestamp or a string."""
    return str(value)[:10]


def _decode_plan(row: dict) -> dict:
    row["request"] = json.loads(row["request"])
    row["document"] = {**json.loads(row["document"]), "audit_id": row["id"]}
    return row


def _decode(row: dict) -> dict:
    row["request"] = json.loads(row["request"])
    row["results"] = json.loads(row["results"])
    return row
