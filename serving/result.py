"""Typed ranking result; serialises exactly to the contract's JSON document (section 5),
with a few extra fields the contract welcomes."""

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12


class ModelInfo(BaseModel):
    name: str
    version: str
    run_id: str


class MoveFlag(StrEnum):
    """Moves a reviewer must notice (``serving.flags``)."""

    JOB_CLASS_DOWN = "job_class_down"           # the target post's job class is lower than the current one
    FIELD_CHANGE = "field_change"               # the post is in another field (domain) than the current one
    LONG_DISTANCE = "long_distance"             # the post is very far (serving.flags.LONG_DISTANCE_KM or more)
    HEAD_TO_STAFF = "head_to_staff"             # a head of agency (JPT) into a staff post


class NoticeCode(StrEnum):
    """Warnings that do not stop a ranking."""

    AS_OF_BEFORE_DATA = "as_of_before_data"     # the date is not after the data's first record: nobody held a post
    AS_OF_AFTER_DATA = "as_of_after_data"       # the date is after the default (the day after the data's end)


class Notice(BaseModel):
    """A warning that does not stop the ranking (e.g. a date outside the data's window)."""

    code: NoticeCode
    field: str | None = None
    message: str


class PostHolder(BaseModel):
    """An employee in a post, as the lists of people (who is due, follow-up) open each entry."""

    employee_id: str
    display_name: str | None = Field(None, description="shown to reviewers only")
    unit_id: str | None
    unit_name: str | None
    position_id: str
    title: str | None


class ExcludedPage(BaseModel):
    """Which slice of the excluded list a document carries (HTTP pages it)."""

    offset: int
    limit: int
    total: int


class Explanation(BaseModel):
    target: Literal["performance", "risk"]
    feature: str
    label: str
    value: float | str | bool | None
    contribution: float = Field(description="Share of the prediction, in its unit: SKP score points "
                                "(performance) or probability of adjustment failure (risk; 0.021 = 2.1 "
                                "percentage points). Base value + contributions = the prediction.")
    raw_contribution: float = Field(0.0, description="The model's TreeSHAP value: score points (performance) "
                                    "or log-odds before calibration (risk)")


class TrainingRecommendation(BaseModel):
    training_code: str
    name: str
    reason: str
    expected_risk_change: float = Field(description="Change of the adjustment risk as a probability (−0.021 = "
                                        "2.1 percentage points lower); texts show percentage points")
    expected_performance_change: float = Field(0.0, description="Change of the expected SKP score, in points")
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
    base_values: dict[str, float] = Field(default_factory=dict, description="The models' raw average outputs "
                                          "(score points, risk log-odds): base + raw contributions = raw output")
    baseline: dict[str, float] = Field(default_factory=dict, description="The average prediction in its unit "
                                       "(score points, risk probability): baseline + contributions = prediction")
    display_name: str | None = Field(None, description="The employee's name when the data has one "
                                     "(shown to reviewers, never a feature)")
    current_unit_id: str | None = None
    current_grade: str | None = None
    flags: list[MoveFlag] = Field(default_factory=list, description="What a reviewer must notice about the move")
    reason_for: str | None = Field(None, description="The feature raising the policy score most (performance "
                                   "points minus the risk penalty times the risk share), in words")
    reason_against: str | None = Field(None, description="The feature lowering the policy score most, in words")


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
    excluded: list[Excluded] | None = Field(description="Every excluded employee with reason codes; over HTTP "
                                            "only when asked (include_excluded), one page at a time")
    n_eligible: int = 0
    n_excluded: int = 0
    excluded_page: ExcludedPage | None = None
    rules: str = Field("", description="name@version of the eligibility rules in force")
    notices: list[Notice] = Field(default_factory=list)
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
