"""What the HTTP door and the reviewer page do, without HTTP: rank and record, record a
decision. Handlers only translate; tests call these directly."""

from dataclasses import dataclass

from serving.audit import AuditLog
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.errors import RankingError
from serving.ranking import rank
from serving.requests import DecisionIn, RankingCall
from serving.result import Ranking
from serving.security import Caller


@dataclass
class AppState:
    """What one server holds: the dataset, the served model and the audit log."""

    context: ServingContext
    champion: ChampionCache
    audit: AuditLog


def rank_and_record(state: AppState, call: RankingCall, who: Caller, request: dict) -> Ranking:
    """Rank (NoChampionError, RankingError) and record the ranking under the caller's identity."""
    served = state.champion.get()
    ranking = rank(state.context, served, call.position_id, call.as_of, call.options, call.vacancy)
    ranking.audit_id = state.audit.record_ranking(who.identity, request, ranking.audit_summary(), peer=who.peer)
    return ranking


def record_decision(audit: AuditLog, body: DecisionIn, who: Caller) -> dict:
    """A reviewer's decision on a ranking served before; RankingError when it does not fit
    that ranking. The reviewer is recorded as typed, next to the caller's identity and peer."""
    shown = audit.ranking(body.ranking_id)
    if shown is None:
        raise RankingError("ranking_id", f"no ranking with audit id {body.ranking_id}")
    ids = [r["employee_id"] for r in shown["results"]]
    if sorted(body.order) != sorted(ids):
        raise RankingError("order", "order must list exactly the ranking's candidates")
    if body.action != "reorder" and body.employee_id not in ids:
        raise RankingError("employee_id", f"{body.action} needs one of the ranking's candidates")
    employee = body.employee_id if body.action != "reorder" else None
    decision_id = audit.record_decision(body.ranking_id, body.reviewer, body.action, body.note, body.order, employee,
                                        caller=who.identity, peer=who.peer)
    return {"id": decision_id, "ranking_id": body.ranking_id, "action": body.action, "employee_id": employee}
