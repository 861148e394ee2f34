"""The HTTP requests (pydantic models) and how they become a ranking call.

Shapes and sizes are checked here, before any work (list lengths, id lengths, finite
numbers); the ranking rules (vocabularies, date window, top_k) are checked by
:mod:`serving.checks` for every door: an ad-hoc vacancy's when :func:`ranking_call` builds
it, the options when :func:`serving.ranking.rank` runs.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from features.vocab import MAX_JOB_CLASS, MIN_JOB_CLASS
from models.policy import ScorePolicy
from serving.errors import MissingInput
from serving.limits import (
    MAX_FILTER_IDS,
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_STANDARDS,
    MAX_TOP_K,
)
from serving.pool import PoolFilter
from serving.ranking import DEFAULT_MIN_EDUCATION, DEFAULT_MIN_GRADE, RankingOptions, Vacancy

Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]
Ids = Annotated[list[Id], Field(max_length=MAX_FILTER_IDS)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Lang = Literal["id", "en"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)]
TopK = Annotated[int, Field(ge=1, le=MAX_TOP_K)]


class VacancyIn(BaseModel):
    position_id: Id
    unit_id: Id
    position_type: Id
    domain: Id
    job_class: Annotated[Finite, Field(ge=MIN_JOB_CLASS, le=MAX_JOB_CLASS)]
    standards: Annotated[dict[Id, Finite], Field(max_length=MAX_STANDARDS,
                                                 description="competency_code -> required level (1..5)")]
    min_grade: Id = DEFAULT_MIN_GRADE
    min_education: Id = DEFAULT_MIN_EDUCATION
    functional_level: Id | None = None


class RankingRequest(BaseModel):
    position_id: Id | None = Field(None, description="A position of the dataset")
    as_of: date | None = Field(None, description="Decision date (default: the day after the dataset's end)")
    top_k: TopK = 10
    lang: Lang = "id"
    units: Ids | None = None
    regions: Ids | None = None
    domains: Ids | None = None
    max_distance_km: Annotated[Finite, Field(gt=0)] | None = None
    risk_penalty: Annotated[Finite, Field(ge=0)] | None = None
    vacancy: VacancyIn | None = Field(None, description="An ad-hoc post not in the data")


class ReviewRankingIn(BaseModel):
    position_id: Id
    as_of: date | None = None
    top_k: TopK = 10
    lang: Lang = "id"
    reviewer: Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH)] | None = None


class DecisionIn(BaseModel):
    ranking_id: int
    reviewer: Name
    action: Literal["accept", "reject", "reorder"]
    note: Note
    order: Annotated[list[Id], Field(min_length=1, max_length=MAX_TOP_K)]
    employee_id: Id | None = None


@dataclass(frozen=True)
class RankingCall:
    """The arguments of :func:`serving.ranking.rank` for one request."""

    position_id: str
    as_of: date | None
    options: RankingOptions
    vacancy: Vacancy | None = None


def _ids(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def ranking_call(body: RankingRequest) -> RankingCall:
    """The ranking a request asks for; RankingError (naming the field) when it breaks a rule."""
    if body.position_id is None and body.vacancy is None:
        raise MissingInput("position_id", "position_id or vacancy is required")
    pool = PoolFilter(_ids(body.units), _ids(body.regions), _ids(body.domains), body.max_distance_km)
    policy = ScorePolicy() if body.risk_penalty is None else ScorePolicy(risk_penalty=body.risk_penalty)
    options = RankingOptions(top_k=body.top_k, lang=body.lang, pool=pool, policy=policy)   # rank() checks them
    vacancy = Vacancy(**body.vacancy.model_dump()) if body.vacancy else None     # checks its fields
    return RankingCall(body.position_id or "", body.as_of, options, vacancy)


def review_call(body: ReviewRankingIn) -> tuple[RankingRequest, RankingCall]:
    """A page request as the equivalent API request (what the audit log records) and its call."""
    request = RankingRequest(position_id=body.position_id, as_of=body.as_of, top_k=body.top_k, lang=body.lang)
    return request, ranking_call(request)
