"""The audit log's tables and its hash chain (see :mod:`serving.audit`): the schema and its
migrations, the hash of an entry, the next link of the chain and what breaks it.

Every entry sits on one chain across all tables, ordered by a global sequence number
``seq``; ``hash`` = sha256 of the canonical JSON of its table name, ``seq``, content
columns and ``prev_hash``. Columns added later are hashed only when set, so entries
written before them keep their hash.
"""

import hashlib
import json
import sqlite3

GENESIS = "0" * 64
RANKINGS, DECISIONS = "rankings", "decisions"
PLANS, PLAN_DECISIONS = "plans", "plan_decisions"
CHAINED = (RANKINGS, DECISIONS, PLANS, PLAN_DECISIONS)      # every table on the hash chain
RULE_PACKS = "rule_packs"          # what each rule pack label decided when first used: append-only
CHAIN_COLUMNS = {"seq": "INTEGER", "prev_hash": "TEXT", "hash": "TEXT"}
# The columns each entry's hash covers, besides seq and prev_hash; new columns go last.
CONTENT_COLUMNS = {
    RANKINGS: ("id", "served_at", "caller", "peer", "request", "position_id", "as_of", "model_name",
               "model_version", "run_id", "results"),
    DECISIONS: ("id", "ranking_id", "decided_at", "reviewer", "caller", "peer", "action", "note",
                "order_json", "employee_id"),
    PLANS: ("id", "at", "caller", "peer", "plan_id", "as_of", "request", "document", "previous_id"),
    PLAN_DECISIONS: ("id", "at", "plan_audit_id", "plan_id", "employee_id", "position_id", "decision",
                     "reviewer", "note", "caller", "peer"),
}
# Content columns added after entries were already chained: a hash covers one only when it
# holds a value, so entries written before it (NULL there) keep their hash; new ones go last.
LATER_COLUMNS = {RANKINGS: ("ranking_key", "rules")}
# Columns added since the first schema: an older database gets them by migration.
ADDED_COLUMNS = {RANKINGS: {"peer": "TEXT", **CHAIN_COLUMNS, "ranking_key": "TEXT", "rules": "TEXT"},
                 DECISIONS: {"caller": "TEXT", "peer": "TEXT", **CHAIN_COLUMNS}}
TABLES = """
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
    results TEXT NOT NULL,
    peer TEXT, seq INTEGER, prev_hash TEXT, hash TEXT,
    ranking_key TEXT,
    rules TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ranking_id INTEGER NOT NULL REFERENCES rankings(id),
    decided_at TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'reorder')),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0),
    order_json TEXT NOT NULL,
    employee_id TEXT,
    caller TEXT, peer TEXT, seq INTEGER, prev_hash TEXT, hash TEXT
);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    caller TEXT NOT NULL,
    peer TEXT,
    plan_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    request TEXT NOT NULL,
    document TEXT NOT NULL,
    previous_id INTEGER REFERENCES plans(id),
    seq INTEGER, prev_hash TEXT, hash TEXT
);
CREATE TABLE IF NOT EXISTS plan_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    plan_audit_id INTEGER NOT NULL REFERENCES plans(id),
    plan_id TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    position_id TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
    note TEXT,
    caller TEXT, peer TEXT, seq INTEGER, prev_hash TEXT, hash TEXT
)
"""
INDEXES = """
CREATE TABLE IF NOT EXISTS rule_packs (
    label TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    content TEXT NOT NULL,
    first_used TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_ranking ON decisions(ranking_id);
CREATE INDEX IF NOT EXISTS rankings_by_position ON rankings(position_id, as_of);
CREATE UNIQUE INDEX IF NOT EXISTS rankings_by_key ON rankings(ranking_key);
CREATE INDEX IF NOT EXISTS decisions_by_employee ON decisions(employee_id);
CREATE UNIQUE INDEX IF NOT EXISTS rankings_by_seq ON rankings(seq);
CREATE UNIQUE INDEX IF NOT EXISTS decisions_by_seq ON decisions(seq);
CREATE INDEX IF NOT EXISTS plans_by_plan_id ON plans(plan_id);
CREATE INDEX IF NOT EXISTS plan_decisions_by_plan ON plan_decisions(plan_audit_id, employee_id, position_id);
CREATE UNIQUE INDEX IF NOT EXISTS plans_by_seq ON plans(seq);
CREATE UNIQUE INDEX IF NOT EXISTS plan_decisions_by_seq ON plan_decisions(seq)
"""
TRIGGERS = {f"{table}_no_{verb.lower()}": (
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {verb} on {table} is refused'); END")
    for table in (*CHAINED, RULE_PACKS) for verb in ("UPDATE", "DELETE")}


def statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def entry_hash(table: str, row: dict) -> str:
    """sha256 over the canonical JSON of an entry's content, sequence number and prev_hash."""
    content = {"table": table, "seq": row["seq"], "prev_hash": row["prev_hash"],
               **{column: row[column] for column in CONTENT_COLUMNS[table]},
               **{column: row[column] for column in LATER_COLUMNS.get(table, ()) if row.get(column) is not None}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_problem(table: str, row: dict, expected_seq: int, prev_hash: str) -> str | None:
    if row["hash"] is None or row["seq"] is None:
        return "no chain hash: inserted outside the audit log"
    if row["seq"] != expected_seq:
        return f"sequence {row['seq']} where {expected_seq} was expected: an earlier entry was deleted"
    if row["prev_hash"] != prev_hash:
        return "prev_hash does not match the previous entry's hash: an entry before it was removed or replaced"
    if entry_hash(table, row) != row["hash"]:
        return "content does not match its hash: edited after it was written"
    return None


def next_id(db: sqlite3.Connection, table: str) -> int:
    used = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
    issued = db.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()[0]
    return max(used, issued) + 1


def next_link(db: sqlite3.Connection) -> dict:
    last = [tuple(row) for table in CHAINED
            for row in db.execute(f"SELECT seq, hash FROM {table} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")]
    seq, prev = max(last, default=(0, GENESIS))
    return {"seq": seq + 1, "prev_hash": prev}


def install_schema(db: sqlite3.Connection) -> None:
    """Create the tables, or migrate a database of the first schema, inside one transaction.

    Migration adds the new columns and backfills the chain over the existing entries in
    the order they were written (timestamp, then rankings before decisions, then id). A
    database from before round plans gets the empty ``plans`` and ``plan_decisions``
    tables, their indexes and triggers; its chain simply continues into them.
    """
    for statement in statements(TABLES):
        db.execute(statement)
    migrated = False
    for table, added in ADDED_COLUMNS.items():
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        for column, kind in added.items():
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                migrated = migrated or column in CHAIN_COLUMNS
    if migrated:
        backfill_chain(db)
    for statement in statements(INDEXES):
        db.execute(statement)
    for statement in TRIGGERS.values():
        db.execute(statement)


def backfill_chain(db: sqlite3.Connection) -> None:
    entries = sorted([(row["served_at"], 0, row["id"], RANKINGS, dict(row))
                      for row in db.execute("SELECT * FROM rankings")] +
                     [(row["decided_at"], 1, row["id"], DECISIONS, dict(row))
                      for row in db.execute("SELECT * FROM decisions")], key=lambda e: e[:3])
    prev = GENESIS
    for seq, (*_, table, row) in enumerate(entries, start=1):
        row.update(seq=seq, prev_hash=prev)
        prev = row["hash"] = entry_hash(table, row)
        db.execute(f"UPDATE {table} SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?",
                   (seq, row["prev_hash"], prev, row["id"]))
