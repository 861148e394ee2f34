"""A plan document written by hand on the tiny dataset (two units, four posts, three
employees), for the tests of the plan's exports and announcement.

e3 moves from p1 (unit u1) to p3 (unit u2), e2 from p3 (u2) to p2 (u1); e1 is only a
runner-up; p4 stays unfilled. Numbers are distinctive so a test can look for them.
"""

from datetime import date

from serving.planning.document import (
    ConstraintReport,
    Objective,
    Plan,
    PlanMove,
    Unfilled,
    UnfilledReason,
    UnitFlow,
)
from serving.result import Explanation, ModelInfo

RUNNER_UP = "e1"
PERF_E3, RISK_E3, VALUE_E3 = 4.1234, 0.0987, 3.9261
PERF_E2, RISK_E2, VALUE_E2 = 3.7771, 0.2468, 3.2835
SECRET_NUMBERS = ("4.1234", "4,1234", "4.12", "4,12", "0.0987", "9.9%", "9,9%", "3.9261", "3.7771", "3.78",
                  "3,78", "0.2468", "24.7%", "24,7%", "25%", "3.2835")

GOOD_E3 = "Rata-rata nilai SKP 3 periode terakhir 4,7"          # performance, favourable
GOOD_E3_RISK = "5 tahun pengalaman di bidang jabatan"           # risk, favourable
BAD_E3 = "Harus pindah lokasi kerja"                            # risk, unfavourable
SANCTION_E3 = "0 hukuman disiplin tercatat"                     # favourable but never public
SHORTFALL_E2 = "Kompetensi integritas 1,5 level di bawah standar jabatan"   # favourable but a weakness
GOOD_E2 = "Golongan III/c"


def explanation(target: str, feature: str, label: str, value, contribution: float) -> Explanation:
    return Explanation(target=target, feature=feature, label=label, value=value, contribution=contribution)


def hand_plan(**changes) -> Plan:
    moves = [
        PlanMove(position_id="p3", employee_id="e3", from_position_id="p1", predicted_performance=PERF_E3,
                 adjustment_risk=RISK_E3, preference_met=True, runners_up=[RUNNER_UP], value=VALUE_E3,
                 unit_id="u2", from_unit_id="u1", key_post=False,
                 explanations=[
                     explanation("performance", "mean_score_3", GOOD_E3, 4.666, 0.21),
                     explanation("performance", "n_sanctions", SANCTION_E3, 0.0, 0.05),
                     explanation("risk", "target_domain_years", GOOD_E3_RISK, 5.0, -0.4),
                     explanation("risk", "relocation", BAD_E3, True, 0.3),
                 ]),
        PlanMove(position_id="p2", employee_id="e2", from_position_id="p3", predicted_performance=PERF_E2,
                 adjustment_risk=RISK_E2, preference_met=False, runners_up=[RUNNER_UP, "e3"], value=VALUE_E2,
                 unit_id="u1", from_unit_id="u2", chain_depth=1, fixed=True, against_wish=True,
                 explanations=[
                     explanation("performance", "grade_rank", GOOD_E2, 11, 0.12),
                     explanation("risk", "gap_m.01", SHORTFALL_E2, -1.5, -0.1),
                 ]),
    ]
    doc = dict(
        plan_id="hand0123456789ab", as_of=date(2020, 1, 1),
        model=ModelInfo(name="mutasi-ranker", version="7", run_id="run42"), rules="contract@1",
        objective=Objective(value=7.2096, bound=7.25, gap=0.0056, greedy_value=6.5, greedy_filled=2,
                            relaxed_value=7.5096, solver="ortools-min-cost-flow", seconds=0.012),
        moves=moves,
        unfilled=[Unfilled(position_id="p4", missing=1, n_candidates=0,
                           reasons=[UnfilledReason.NO_ELIGIBLE_CANDIDATE, UnfilledReason.OUTFLOW_CAP])],
        constraints=[ConstraintReport(name="max_outflow_per_unit", binding=True, cost=0.3, relaxed_value=7.5096),
                     ConstraintReport(name="priority", binding=False, cost=0.0, relaxed_value=7.2096)],
        units=[UnitFlow(unit_id="u1", staff=2, max_outflow=1, leaving=1, arriving=1),
               UnitFlow(unit_id="u2", staff=1, max_outflow=None, leaving=1, arriving=1)],
        settings={"weights": {"performance": 1.0, "risk": 2.0}, "outflow": "20% of staff", "chain_depth": 1,
                  "fixed": [["e2", "p2"]], "forbidden": []},
        n_vacancies=3, headcount=3, n_pairs=6, language="id")
    doc.update(changes)
    return Plan(**doc)
