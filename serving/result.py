"""Typed ranking result; serialises exactly to the contract's JSON document (section 5),
with a few extra fields the contract welcomes."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12


class ModelInfo(BaseModel):
    name: str
    version: str
    run_id: str


class Explanation(BaseModel):
    target: Literal["performance", "risk"]
    feature: str
    label: str
    value: float | str | bool | None
    contribution: float = Field(description="TreeSHAP value: score points (performance) or risk log-odds")


class TrainingRecommendation(BaseModel):
    training_code: str
    name: str
    reason: str
    expected_risk_change: float
    expected_performance_change: float = 0.0
    competencies: list[str] = Field(default_factory=list)
    hours: float | None = None
    assumed_uplift: dict[str, float] = Field(default_factory=dict, description="Level each assessed competency "
                                             "was raised by in the re-scoring (estimated from similar employees)")
    assumption: str = Field("", description="The assumption behind the expected changes, in words")


class Candidate(BaseModel):
    rank: int
    employee_id: str
    score: float
    predicted_performance: float
    adjustment_risk: float
    explanations: list[Explanation] = Field(default_factory=list)
    training_recommendations: list[TrainingRecommendation] = Field(default_factory=list)
    recommendation_note: str | None = None
    current_position_id: str | None = None
    distance_km: float | None = None
    base_values: dict[str, float] = Field(default_factory=dict)


class Excluded(TypedDict):
    """An employee who is not a candidate, with the reason codes (thousands per ranking:
    a TypedDict keeps building and validating them cheap)."""

    employee_id: str
    reasons: list[str]


class FairRankingInfo(BaseModel):
    """How the fair top-list constraint of the served version shaped this list (extra field)."""

    applied: bool = Field(description="the version serves fair top lists and the pool is larger than top_k")
    threshold: float = Field(description="impact ratio aimed at in every top-k (0: off)")
    top_k: int = Field(description="length of the constrained top list")
    binding: bool = Field(False, description="the constrained top list differs from the plain one")
    entered: list[str] = Field(default_factory=list, description="employees in the top list only because of it")
    left: list[str] = Field(default_factory=list, description="employees the plain order had in the top list")
    score_given_up: float = Field(0.0, description="sum of policy scores of the plain top list minus this one")
    relaxed: list[str] = Field(default_factory=list, description="bounds relaxed because they could not all hold")


class Ranking(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    position_id: str
    as_of: date
    model: ModelInfo
    candidates: list[Candidate]
    excluded: list[Excluded]
    n_eligible: int = 0
    policy: str = ""
    language: Literal["id", "en"] = "id"
    fair_ranking: FairRankingInfo | None = None
    audit_id: int | None = Field(None, description="Entry of the audit log that recorded this ranking")

    def to_document(self) -> dict:
        """The contract's JSON document as a plain dict (dates as ISO strings)."""
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        """The same document serialised directly (fast: thousands of excluded entries)."""
        return self.model_dump_json()

    def audit_summary(self) -> dict:
        """What the audit log keeps: the document without the excluded list."""
        return self.model_dump(mode="json", exclude={"excluded"})
