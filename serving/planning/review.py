"""A reviewer's decisions on the moves of a plan, and the settings of the next plan.

Pure functions: the audit log keeps the decisions (:meth:`serving.audit.AuditLog.move_decisions`),
the HTTP door and the page call these to re-plan.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from enum import StrEnum

from serving.planning.settings import Move, PlanSettings


class MoveDecision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


def _decided(decisions: Iterable) -> dict[Move, MoveDecision]:
    """The decision in force on each move: later decisions on the same move win.

    ``decisions`` holds mappings with ``employee_id``, ``position_id`` and ``decision``
    (as :meth:`AuditLog.move_decisions` gives them) or ``(employee_id, position_id,
    decision)`` triples, oldest first."""
    out: dict[Move, MoveDecision] = {}
    for item in decisions:
        if isinstance(item, Mapping):
            employee, position, decision = item["employee_id"], item["position_id"], item["decision"]
        else:
            employee, position, decision = item
        out[(str(employee), str(position))] = MoveDecision(decision)
    return out


def accepted_moves(decisions: Iterable) -> set[Move]:
    """The (employee_id, position_id) moves whose latest decision is accept."""
    return {move for move, decision in _decided(decisions).items() if decision is MoveDecision.ACCEPT}


def rejected_moves(decisions: Iterable) -> set[Move]:
    """The (employee_id, position_id) moves whose latest decision is reject."""
    return {move for move, decision in _decided(decisions).items() if decision is MoveDecision.REJECT}


def replan_settings(settings: PlanSettings, decisions: Iterable) -> PlanSettings:
    """The settings of the plan that follows a review of the plan made with ``settings``.

    A rejected move becomes ``forbidden``: the next plan will not make it. An accepted
    move becomes ``fixed``: it is kept when re-planning (the solver must make it, and the
    rest of the round is planned around it). A move keeps only its latest decision, so a
    move accepted earlier and rejected now leaves ``fixed`` for ``forbidden``, and the
    other way round. Moves fixed or forbidden before and not decided again stay as they
    were; the order of the tuples is the earlier settings' then the new decisions', so
    the same decisions give the same settings (and the same plan id)."""
    decided = _decided(decisions)
    fixed = [m for m in settings.fixed if decided.get(tuple(m)) is not MoveDecision.REJECT]
    forbidden = [m for m in settings.forbidden if decided.get(tuple(m)) is not MoveDecision.ACCEPT]
    for move, decision in decided.items():
        target = fixed if decision is MoveDecision.ACCEPT else forbidden
        if move not in {tuple(m) for m in target}:
            target.append(move)
    return replace(settings, fixed=tuple(tuple(m) for m in fixed), forbidden=tuple(tuple(m) for m in forbidden))
