"""What the HTTP door and the reviewer page do, without HTTP: rank and record, record a
decision. Handlers only translate; tests call these directly.

A ranking is logged once per :func:`ranking_key` (post or ad-hoc vacancy, date, model,
rules, top_k, pool filters, policy and the candidates served): viewing it again, or in
another language, returns the entry already logged. Each decision is logged against it,
with warnings when it conflicts with earlier decisions (:mod:`serving.decisions`).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from features.eligibility import DEFAULT_RULES, EligibilityRules
from serving.audit import AuditLog
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.decisions import NewDecision, accepts_elsewhere, conflicts
from serving.errors import RankingError
from serving.ranking import rank
from serving.requests import DecisionIn, RankingCall
from serving.result import Ranking
from serving.security import Caller


@dataclass
class AppState:
    """What one server holds: the dataset, the served model, the audit log and the rule
    pack in force (``mutasi serve --rules NAME``)."""

    context: ServingContext
    champion: ChampionCache
    audit: AuditLog
    rules: EligibilityRules = DEFAULT_RULES


def ranking_key(call: RankingCall, ranking: Ranking) -> str:
    """sha256 of what makes two rankings the same one for the audit log: the post (or the
    ad-hoc vacancy's fields), the date, the model version, the rules, top_k, the pool
    filters, the policy, and the candidates served in order (so a ranking over changed data
    is a new entry). Not the language: it changes the words, not the ranking."""
    options = call.options
    content = {
        "post": asdict(call.vacancy) if call.vacancy is not None else {"position_id": call.position_id},
        "as_of": ranking.as_of.isoformat(), "model": [ranking.model.name, ranking.model.version],
        "rules": ranking.rules, "top_k": options.top_k, "pool": asdict(options.pool),
        "policy": asdict(options.policy), "candidates": [c.employee_id for c in ranking.candidates],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_ranking(audit: AuditLog, call: RankingCall, ranking: Ranking, caller: str, request: dict,
                   peer: str | None = None) -> int:
    """The audit id of this ranking: the entry already logged under its key, else a new one
    (recorded under the caller's identity, the request as asked and the peer address)."""
    return audit.record_ranking(caller, request, ranking.audit_summary(), peer=peer, key=ranking_key(call, ranking))


def rank_and_record(state: AppState, call: RankingCall, who: Caller, request: dict) -> Ranking:
    """Rank under the server's rule pack (NoChampionError, RankingError) and record the
    ranking under the caller's identity."""
    call = replace(call, options=replace(call.options, rules=state.rules))
    served = state.champion.get()
    ranking = rank(state.context, served, call.position_id, call.as_of, call.options, call.vacancy)
    ranking.audit_id = record_ranking(state.audit, call, ranking, who.identity, request, who.peer)
    return ranking


def record_decision(audit: AuditLog, body: DecisionIn, who: Caller) -> dict:
    """A reviewer's decision on a ranking served before; RankingError when it does not fit
    that ranking. The reviewer is recorded as typed, next to the caller's identity and peer.
    Conflicts with earlier decisions (same post and date, or the same employee accepted
    elsewhere that date) are returned as warnings; the decision is recorded all the same."""
    shown = audit.ranking(body.ranking_id)
    if shown is None:
        raise RankingError("ranking_id", f"no ranking with audit id {body.ranking_id}")
    ids = [r["employee_id"] for r in shown["results"]]
    if sorted(body.order) != sorted(ids):
        raise RankingError("order", "order must list exactly the ranking's candidates")
    if body.action != "reorder" and body.employee_id not in ids:
        raise RankingError("employee_id", f"{body.action} needs one of the ranking's candidates")
    employee = body.employee_id if body.action != "reorder" else None
    new = NewDecision(body.action, employee, shown["position_id"])
    history = audit.decision_history(shown["position_id"], shown["as_of"])
    elsewhere = accepts_elsewhere(audit.employee_decisions(employee, shown["as_of"]), new.position_id) if employee else []
    found = conflicts(history, new, elsewhere)
    decision_id = audit.record_decision(body.ranking_id, body.reviewer, body.action, body.note, body.order, employee,
                                        caller=who.identity, peer=who.peer)
    return {"id": decision_id, "ranking_id": body.ranking_id, "action": body.action, "employee_id": employee,
            "conflicts": [conflict.to_dict() for conflict in found]}
