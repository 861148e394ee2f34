"""Re-planning after a review: rejected moves become forbidden, accepted ones fixed, the
latest decision on a move wins, and earlier fixed or forbidden moves stay as they were."""

import pytest

from serving.planning.review import MoveDecision, accepted_moves, rejected_moves, replan_settings
from serving.planning.settings import PlanSettings

pytestmark = pytest.mark.code


def decision(employee: str, position: str, verdict: str) -> dict:
    return {"employee_id": employee, "position_id": position, "decision": verdict}


def test_rejected_moves_are_forbidden_and_accepted_ones_fixed():
    settings = replan_settings(PlanSettings(), [decision("e1", "p1", "accept"), decision("e2", "p2", "reject")])
    assert settings.fixed == (("e1", "p1"),) and settings.forbidden == (("e2", "p2"),)
    assert settings.outflow == PlanSettings().outflow and settings.weights == PlanSettings().weights


def test_the_latest_decision_on_a_move_wins():
    decisions = [decision("e1", "p1", "accept"), decision("e1", "p1", "reject"), ("e2", "p2", MoveDecision.REJECT),
                 ("e2", "p2", "accept")]
    assert accepted_moves(decisions) == {("e2", "p2")} and rejected_moves(decisions) == {("e1", "p1")}
    settings = replan_settings(PlanSettings(), decisions)
    assert settings.fixed == (("e2", "p2"),) and settings.forbidden == (("e1", "p1"),)


def test_earlier_moves_stay_unless_decided_again():
    earlier = PlanSettings(fixed=(("e1", "p1"), ("e3", "p3")), forbidden=(("e2", "p2"), ("e4", "p4")))
    settings = replan_settings(earlier, [decision("e1", "p1", "reject"), decision("e2", "p2", "accept"),
                                         decision("e5", "p5", "reject"), decision("e3", "p3", "accept")])
    assert settings.fixed == (("e3", "p3"), ("e2", "p2"))
    assert settings.forbidden == (("e4", "p4"), ("e1", "p1"), ("e5", "p5"))
    assert replan_settings(earlier, []) == earlier


def test_an_unknown_decision_is_refused():
    with pytest.raises(ValueError):
        replan_settings(PlanSettings(), [decision("e1", "p1", "maybe")])
