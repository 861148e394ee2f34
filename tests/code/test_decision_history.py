"""A ranking is logged once per (post, date, model, rules, top_k, filters, policy), not per
view or language; every decision on a post and date is in its history; a decision that
contradicts an earlier one is recorded with a warning naming it."""

from datetime import date

import pandas as pd
import pytest

from models.policy import ScorePolicy
from serving.audit import AuditLog
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.decisions import ConflictKind, NewDecision, accepts_elsewhere, conflicts
from serving.pool import PoolFilter
from serving.ranking import RankingOptions, Vacancy
from serving.requests import DecisionIn, RankingCall, RankingRequest, ranking_call
from serving.result import Candidate, ModelInfo, Ranking
from serving.security import Caller
from serving.service import AppState, rank_and_record, ranking_key, record_decision, record_ranking

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code

AS_OF = date(2026, 1, 1)
VACANCY = {"position_id": "darurat-1", "unit_id": "u2", "position_type": "pengawas", "domain": "kebencanaan",
           "job_class": 9, "standards": {"m.08": 4, "t.kebencanaan": 3}}
WHO = Caller("rina", "10.0.0.7")
HISTORY_KEYS = {"id", "ranking_id", "decided_at", "reviewer", "action", "note", "order", "employee_id",
                "model_version", "caller", "peer"}


def served(position_id: str = "p3", as_of: date = AS_OF, version: str = "1", lang: str = "id",
           employees: tuple[str, ...] = ("e1", "e2", "e3"), rules: str = "contract@1") -> Ranking:
    return Ranking(position_id=position_id, as_of=as_of, model=ModelInfo(name="m", version=version, run_id="r"),
                   candidates=[Candidate(rank=k + 1, employee_id=e, score=3.0 - k, predicted_performance=4.0,
                                         adjustment_risk=0.1) for k, e in enumerate(employees)],
                   excluded=None, rules=rules, language=lang)


def call(position_id: str = "p3", **options) -> RankingCall:
    return RankingCall(position_id, AS_OF, RankingOptions(**options))


def log_ranking(audit: AuditLog, position_id: str = "p3", as_of: date = AS_OF, version: str = "1") -> int:
    return record_ranking(audit, call(position_id), served(position_id, as_of, version), "rina", {})


def decide(audit: AuditLog, ranking_id: int, action: str, employee: str | None, reviewer: str = "Rina") -> dict:
    body = DecisionIn(ranking_id=ranking_id, reviewer=reviewer, action=action, note="alasan",
                      order=["e1", "e2", "e3"], employee_id=employee)
    return record_decision(audit, body, WHO)


# --- logged once ------------------------------------------------------------------------------


def test_the_key_ignores_the_language_and_nothing_else():
    base = ranking_key(call(), served())
    assert ranking_key(call(lang="en"), served(lang="en")) == base
    changed = [ranking_key(call("p4"), served("p4")), ranking_key(call(top_k=5), served()),
               ranking_key(call(pool=PoolFilter(units=("u1",))), served()),
               ranking_key(call(pool=PoolFilter(max_distance_km=50.0)), served()),
               ranking_key(call(policy=ScorePolicy(risk_penalty=0.5)), served()),
               ranking_key(call(), served(as_of=date(2026, 2, 1))), ranking_key(call(), served(version="2")),
               ranking_key(call(), served(rules="contract@2")), ranking_key(call(), served(employees=("e2", "e1")))]
    assert base not in changed and len(set(changed)) == len(changed)


def test_an_ad_hoc_vacancy_is_keyed_by_its_fields():
    def keyed(**fields) -> str:
        vacancy = Vacancy(**{**VACANCY, **fields})
        return ranking_key(RankingCall("", AS_OF, RankingOptions(), vacancy), served("darurat-1"))

    assert keyed() == keyed()
    assert len({keyed(), keyed(job_class=10), keyed(standards={"m.08": 3}), keyed(unit_id="u1")}) == 4


def test_viewing_again_or_in_another_language_logs_nothing_new(tmp_path):
    audit = AuditLog(tmp_path / "audit.db")
    first = record_ranking(audit, call(), served(), "rina", {"lang": "id"}, peer="10.0.0.7")
    assert record_ranking(audit, call(lang="en"), served(lang="en"), "budi", {"lang": "en"}) == first
    assert record_ranking(audit, call(), served(), "rina", {}) == first
    assert record_ranking(audit, call(top_k=5), served(), "rina", {}) != first
    entries = audit.rankings(limit=10)
    assert len(entries) == 2 and audit.ranking(first)["request"] == {"lang": "id"}
    assert audit.verify().ok


def test_rank_and_record_logs_a_real_ranking_once_per_view(tiny, tmp_path):
    state = AppState(ServingContext.from_dataset(tiny),
                     ChampionCache.fixed(synthetic_bundle(tiny.training_catalog), version="7", run_id="r1"),
                     AuditLog(tmp_path / "audit.db"))

    def view(**asked) -> int:
        body = RankingRequest(position_id="p2", as_of=date(2020, 1, 1), **asked)
        return rank_and_record(state, ranking_call(body), WHO, body.model_dump(mode="json")).audit_id

    first = view()
    assert view(lang="en") == first and view() == first
    assert view(top_k=1) != first and view(risk_penalty=0.5) != first
    assert len(state.audit.rankings(limit=10)) == 3


# --- the history of a post and date -----------------------------------------------------------


def test_history_has_every_decision_of_every_ranking_of_the_post_and_date(tmp_path):
    audit = AuditLog(tmp_path / "audit.db")
    old, new = log_ranking(audit, version="1"), log_ranking(audit, version="2")
    other_day, other_post = log_ranking(audit, as_of=date(2026, 3, 1)), log_ranking(audit, "p4")
    made = [decide(audit, old, "accept", "e1")["id"], decide(audit, other_day, "accept", "e2")["id"],
            decide(audit, new, "reorder", None)["id"], decide(audit, other_post, "reject", "e3")["id"],
            decide(audit, new, "reject", "e1", reviewer="Budi")["id"]]
    history = audit.decision_history("p3", AS_OF)
    assert [d["id"] for d in history] == [made[0], made[2], made[4]]
    assert HISTORY_KEYS <= set(history[0])
    assert [(d["ranking_id"], d["model_version"], d["action"], d["employee_id"], d["reviewer"]) for d in history] == [
        (old, "1", "accept", "e1", "Rina"), (new, "2", "reorder", None, "Rina"), (new, "2", "reject", "e1", "Budi")]
    assert (history[0]["caller"], history[0]["peer"], history[0]["order"]) == ("rina", "10.0.0.7", ["e1", "e2", "e3"])
    assert audit.decision_history("p3", "2026-01-01") == audit.decision_history("p3", pd.Timestamp(AS_OF)) == history
    assert audit.decision_history("p9", AS_OF) == []


# --- conflicts --------------------------------------------------------------------------------


def row(id: int, action: str, employee: str | None, position: str = "p3") -> dict:
    return {"id": id, "action": action, "employee_id": employee, "position_id": position,
            "reviewer": "Rina", "decided_at": "2026-01-02T08:00:00.000+00:00"}


@pytest.mark.parametrize("history, new, expected", [
    ([row(1, "accept", "e1")], NewDecision("accept", "e2", "p3"), [(ConflictKind.OTHER_ACCEPTED, 1, "e1")]),
    ([row(1, "accept", "e1")], NewDecision("reject", "e1", "p3"), [(ConflictKind.REVERSED, 1, "e1")]),
    ([row(1, "reject", "e1")], NewDecision("accept", "e1", "p3"), [(ConflictKind.REVERSED, 1, "e1")]),
    ([row(1, "accept", "e1"), row(2, "reject", "e1")], NewDecision("accept", "e2", "p3"), []),   # withdrawn
    ([row(1, "accept", "e1"), row(2, "reject", "e1")], NewDecision("accept", "e1", "p3"),
     [(ConflictKind.REVERSED, 2, "e1")]),                                                         # the latest counts
    ([row(1, "accept", "e1")], NewDecision("accept", "e1", "p3"), []),                            # the same again
    ([row(1, "accept", "e1")], NewDecision("reject", "e2", "p3"), []),
    ([row(1, "accept", "e1")], NewDecision("reorder", None, "p3"), []),
    ([row(1, "reorder", None), row(2, "accept", "e1", "p4")], NewDecision("accept", "e2", "p3"), []),
])
def test_conflicts_on_the_same_post(history, new, expected):
    found = conflicts(history, new, [])
    assert [(f.kind, f.decision_id, f.employee_id) for f in found] == expected
    for f in found:
        assert f"#{f.decision_id}" in f.message_id and f"#{f.decision_id}" in f.message_en and f.message_id != f.message_en


def test_an_employee_accepted_for_another_post_that_date():
    theirs = [row(5, "accept", "e2", "p4"), row(6, "accept", "e2", "p5"), row(7, "reject", "e2", "p5"),
              row(8, "accept", "e2", "p3")]
    elsewhere = accepts_elsewhere(theirs, "p3")
    assert [r["id"] for r in elsewhere] == [5]                     # p5 withdrawn, p3 is this post
    [found] = conflicts([], NewDecision("accept", "e2", "p3"), elsewhere)
    assert (found.kind, found.decision_id, found.position_id) == (ConflictKind.ACCEPTED_ELSEWHERE, 5, "p4")
    assert "p4" in found.message_id and "p4" in found.message_en
    assert conflicts([], NewDecision("reject", "e2", "p3"), elsewhere) == []


def test_a_conflicting_decision_is_recorded_with_its_warnings(tmp_path):
    audit = AuditLog(tmp_path / "audit.db")
    first, second, elsewhere = log_ranking(audit, version="1"), log_ranking(audit, version="2"), log_ranking(audit, "p4")
    accepted = decide(audit, first, "accept", "e1")
    assert accepted["conflicts"] == [] and accepted["employee_id"] == "e1"
    taken = decide(audit, elsewhere, "accept", "e2")
    saved = decide(audit, second, "accept", "e2")               # another ranking of the same post and date
    assert [(c["kind"], c["decision_id"], c["employee_id"], c["position_id"]) for c in saved["conflicts"]] == [
        ("other_accepted", accepted["id"], "e1", "p3"), ("accepted_elsewhere", taken["id"], "e2", "p4")]
    assert all(c["message_id"] and c["message_en"] for c in saved["conflicts"])
    assert [d["id"] for d in audit.decision_history("p3", AS_OF)] == [accepted["id"], saved["id"]]
    reversed_ = decide(audit, second, "reject", "e1")
    assert [(c["kind"], c["decision_id"]) for c in reversed_["conflicts"]] == [("reversed", accepted["id"])]
    assert audit.verify().ok
