"""Conflicts between a reviewer's new decision and the decisions already made for the same
post and date, or for the same employee at that date.

A conflict is a warning, not a refusal: the decision is recorded and the reviewer (and
whoever reads the log) is told what it contradicts, in Indonesian and English.

What stands: per (post, employee) the latest accept or reject counts (a later decision on
the same move supersedes the earlier one); a ``reorder`` names no employee and never
conflicts.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

ACCEPT, REJECT = "accept", "reject"
OPPOSITE = {ACCEPT: REJECT, REJECT: ACCEPT}
ACTION_WORDS = {ACCEPT: ("diterima", "accepted"), REJECT: ("ditolak", "rejected")}


class ConflictKind(StrEnum):
    OTHER_ACCEPTED = "other_accepted"           # another candidate was already accepted for this post and date
    REVERSED = "reversed"                       # the same employee got the opposite action earlier
    ACCEPTED_ELSEWHERE = "accepted_elsewhere"   # this employee was accepted for another post on the same date


@dataclass(frozen=True)
class NewDecision:
    """The decision about to be recorded."""

    action: str                 # accept, reject or reorder
    employee_id: str | None     # None for a reorder
    position_id: str


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    decision_id: int            # the earlier decision it conflicts with
    employee_id: str
    position_id: str
    message_id: str
    message_en: str

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": self.kind.value}


def standing(history: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """The decision in force per (position_id, employee_id): the latest accept or reject."""
    latest: dict[tuple[str, str], dict] = {}
    for row in sorted(history, key=lambda r: r["id"]):
        if row["action"] in OPPOSITE and row.get("employee_id"):
            latest[(str(row["position_id"]), str(row["employee_id"]))] = row
    return latest


def accepts_elsewhere(rows: Iterable[dict], position_id: str) -> list[dict]:
    """Of one employee's decisions at a date (any post), those standing as accept for
    another post than ``position_id``."""
    return [row for (post, _), row in standing(rows).items() if post != position_id and row["action"] == ACCEPT]


def conflicts(history: list[dict], new: NewDecision, accepted_elsewhere: list[dict]) -> list[Conflict]:
    """What ``new`` contradicts: ``history`` is every decision for its post and date
    (:meth:`serving.audit.AuditLog.decision_history`), ``accepted_elsewhere`` the decisions
    accepting its employee for other posts at that date (:func:`accepts_elsewhere`)."""
    if new.action not in OPPOSITE or not new.employee_id:
        return []
    here = {employee: row for (post, employee), row in standing(history).items() if post == new.position_id}
    found = []
    if new.action == ACCEPT:
        found += [_conflict(ConflictKind.OTHER_ACCEPTED, row, employee, new.position_id)
                  for employee, row in here.items() if employee != new.employee_id and row["action"] == ACCEPT]
    earlier = here.get(new.employee_id)
    if earlier is not None and earlier["action"] == OPPOSITE[new.action]:
        found.append(_conflict(ConflictKind.REVERSED, earlier, new.employee_id, new.position_id))
    if new.action == ACCEPT:
        found += [_conflict(ConflictKind.ACCEPTED_ELSEWHERE, row, new.employee_id, str(row["position_id"]))
                  for row in accepted_elsewhere if str(row["position_id"]) != new.position_id]
    return found


def _conflict(kind: ConflictKind, row: dict, employee_id: str, position_id: str) -> Conflict:
    message_id, message_en = messages(kind, row, employee_id, position_id)
    return Conflict(kind, int(row["id"]), employee_id, position_id, message_id, message_en)


def messages(kind: ConflictKind, row: dict, employee_id: str, position_id: str) -> tuple[str, str]:
    """The warning in words (Indonesian, English), naming the earlier decision."""
    day = str(row.get("decided_at") or "")[:10]
    reviewer = row.get("reviewer") or "?"
    by_id = f"keputusan #{row['id']} oleh {reviewer}, {day}"
    by_en = f"decision #{row['id']} by {reviewer}, {day}"
    if kind is ConflictKind.OTHER_ACCEPTED:
        return (f"Pegawai {employee_id} sudah diterima untuk jabatan ini pada tanggal ini ({by_id}).",
                f"Employee {employee_id} was already accepted for this post on this date ({by_en}).")
    if kind is ConflictKind.REVERSED:
        word_id, word_en = ACTION_WORDS[row["action"]]
        return (f"Keputusan ini membalik keputusan sebelumnya: pegawai {employee_id} sudah {word_id} ({by_id}).",
                f"This reverses an earlier decision: employee {employee_id} was {word_en} ({by_en}).")
    return (f"Pegawai {employee_id} sudah diterima untuk jabatan lain ({position_id}) pada tanggal yang sama "
            f"({by_id}).",
            f"Employee {employee_id} was already accepted for another post ({position_id}) on the same date "
            f"({by_en}).")
