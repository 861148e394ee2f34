"""The answers of the HTTP door as pydantic models, for its OpenAPI description (the
documents themselves are built by the serving functions; these only describe them)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from serving.planning.document import Plan
from serving.planning.review import MoveDecision


class ServedVersion(BaseModel):
    name: str
    version: str


class Health(BaseModel):
    status: Literal["ok", "no_model"]
    model: ServedVersion | None = None


class ModelDescription(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    name: str
    version: str
    run_id: str
    features: list[str] = Field(description="The model's inputs, in order")
    metadata: dict = Field(description="Training metadata of the version (data window, metrics, settings)")
    dataset: str | None = Field(None, description="Name of the served data directory (no server path)")
    default_as_of: str = Field(description="The decision date used when a request gives none")


class MoveDecisionView(BaseModel):
    id: int
    at: str = Field(description="When it was recorded (ISO 8601, UTC)")
    employee_id: str
    position_id: str
    decision: MoveDecision
    reviewer: str
    note: str | None = None


class PlanAnswer(Plan):
    """A plan document as served: with its audit id, the plan it re-plans, and (when read
    back) the decisions in force on its moves."""

    replan_of: int | None = Field(None, description="Audit id of the plan this one re-plans")
    decisions: list[MoveDecisionView] | None = Field(None, description="GET only: decisions in force")


class MoveDecisionAnswer(BaseModel):
    id: int
    plan_audit_id: int
    plan_id: str
    employee_id: str
    position_id: str
    decision: MoveDecision
