"""The plan document (contract section 6), typed; extra fields are welcome there.

Decisions and reasons are enums: the words for people come from :mod:`serving.texts` and
the report writers, never from here.
"""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from serving.result import Explanation, ModelInfo


class UnfilledReason(StrEnum):
    NO_ELIGIBLE_CANDIDATE = "no_eligible_candidate"     # nobody passes the eligibility rules
    KEY_POST_GUARD = "key_post_guard"                   # eligible people, none above the key post's floor
    FORBIDDEN_BY_REVIEWER = "forbidden_by_reviewer"     # the remaining candidates were rejected in review
    FEWER_CANDIDATES = "fewer_candidates_than_headcount"
    OUTFLOW_CAP = "max_outflow_per_unit"                # free candidates, but their unit may lose no one more
    TAKEN_BY_OTHER_POSTS = "taken_by_other_posts"       # candidates placed where they serve the round better
    PAIRS_NOT_KEPT = "pairs_not_kept"                   # eligible people whose pairs a scored round did not keep


class Objective(BaseModel):
    value: float = Field(description="the plan's total objective")
    bound: float = Field(description="proven upper bound on the objective at the same priority fills")
    gap: float = Field(description="(bound - value) / |bound|")
    greedy_value: float = Field(description="objective of the vacancy-by-vacancy top pick, same constraints")
    filled: int = Field(0, description="slots the plan fills")
    greedy_filled: int = 0
    relaxed_value: float = Field(0.0, description="objective with every constraint relaxed (>= value when it "
                                                  "fills as many slots; it may fill more, each worth more than value)")
    relaxed_filled: int = 0
    solver: str = ""
    seconds: float = 0.0


class PlanMove(BaseModel):
    position_id: str
    employee_id: str
    from_position_id: str | None
    predicted_performance: float
    adjustment_risk: float
    preference_met: bool
    explanations: list[Explanation] = Field(default_factory=list)
    runners_up: list[str] = Field(default_factory=list)
    value: float = 0.0
    unit_id: str | None = None
    from_unit_id: str | None = None
    chain_depth: int = 0
    fixed: bool = False
    against_wish: bool = Field(False, description="a move to another region against a stated unwillingness")
    key_post: bool = False


class Unfilled(BaseModel):
    position_id: str
    missing: int
    reasons: list[UnfilledReason]
    n_candidates: int = 0


class ConstraintReport(BaseModel):
    name: str
    binding: bool
    cost: float = Field(description="objective given up because of this constraint (relax it alone)")
    relaxed_value: float = 0.0
    slots_gained: int = Field(0, description="slots the round fills more without this constraint")


class UnitFlow(BaseModel):
    unit_id: str
    staff: int
    max_outflow: int | None
    leaving: int
    arriving: int


class Plan(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    plan_id: str = Field(description="stable id of (data, model, round, settings, date)")
    as_of: date
    model: ModelInfo
    rules: str
    objective: Objective
    moves: list[PlanMove]
    unfilled: list[Unfilled]
    constraints: list[ConstraintReport]
    units: list[UnitFlow] = Field(default_factory=list)
    settings: dict = Field(default_factory=dict)
    n_vacancies: int = 0
    headcount: int = 0
    n_pairs: int = 0
    language: str = "id"
    audit_id: int | None = None

    def to_document(self) -> dict:
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        return self.model_dump_json()
