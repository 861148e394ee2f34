"""The HTTP requests (pydantic models) and how they become a ranking call.

Shapes and sizes are checked here, before any work (list lengths, id lengths, finite
numbers, dates only as ``YYYY-MM-DD``); the ranking rules (vocabularies, date window, top_k) are checked by
:mod:`serving.checks` for every door: an ad-hoc vacancy's when :func:`ranking_call` builds
it, the options when :func:`serving.ranking.rank` runs.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, Strict, StringConstraints

from features.vocab import MAX_JOB_CLASS, MIN_JOB_CLASS, OPEN_CODE_PATTERN
from models.policy import ScorePolicy
from serving.checks import parse_date
from serving.errors import MissingInput, quoted
from serving.excluded import ExcludedQuery
from serving.limits import (
    DEFAULT_EXCLUDED_PAGE,
    MAX_EXCLUDED_PAGE,
    MAX_FILTER_IDS,
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_STANDARDS,
    MAX_TOP_K,
    MAX_WHAT_IF_TRAININGS,
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


def iso_day(value) -> date:
    """A decision date as the HTTP door takes it: a text ``YYYY-MM-DD`` (ISO 8601), or a
    ``date`` from Python callers. Numbers, ``01/02/2025`` and other forms pydantic's
    ``date`` would guess at are refused (:func:`serving.checks.parse_date`)."""
    if isinstance(value, date):
        return parse_date(value).date()
    if not isinstance(value, str):
        raise ValueError(f"as_of must be a text date YYYY-MM-DD (ISO 8601), not {quoted(value)}")
    return parse_date(value).date()


IsoDate = Annotated[date, BeforeValidator(iso_day)]


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
    required_fields: Annotated[str, Field(max_length=500)] | None = Field(
        None, description="';'-separated education fields the post needs (rule required_fields)")


class RankingRequest(BaseModel):
    position_id: Id | None = Field(None, description="A position of the dataset")
    as_of: IsoDate | None = Field(None, description="Decision date, YYYY-MM-DD (default: the day after the "
                                  "dataset's end); a date outside the data's window is served with a notice")
    top_k: TopK = 10
    lang: Lang = "id"
    units: Ids | None = None
    regions: Ids | None = None
    domains: Ids | None = None
    max_distance_km: Annotated[Finite, Field(gt=0)] | None = None
    risk_penalty: Annotated[Finite, Field(ge=0)] | None = None
    vacancy: VacancyIn | None = Field(None, description="An ad-hoc post not in the data (not with position_id)")
    include_excluded: Annotated[bool, Strict()] = Field(False, description="Send one page of the excluded "
                                                        "employees; otherwise only their number (n_excluded)")
    excluded_offset: Annotated[int, Field(ge=0)] = 0
    excluded_limit: Annotated[int, Field(ge=1, le=MAX_EXCLUDED_PAGE)] = DEFAULT_EXCLUDED_PAGE
    excluded_reason: Annotated[str, StringConstraints(pattern=OPEN_CODE_PATTERN, max_length=MAX_ID_LENGTH)] | None = \
        Field(None, description="Only the excluded employees with this reason code")
    excluded_search: Annotated[str, StringConstraints(max_length=MAX_QUERY_LENGTH)] = Field(
        "", description="Only the excluded employees whose id or name holds every word")


class ReviewRankingIn(BaseModel):
    position_id: Id
    as_of: IsoDate | None = None
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
    excluded: ExcludedQuery | None = None       # the page of the excluded list to send; None: none


class ConflictingInput(MissingInput):
    """Two inputs of which exactly one is required were both given (422, like a missing one)."""


class WhatIfRequest(BaseModel):
    position_id: Id = Field(description="A position of the dataset")
    employee_id: Id = Field(description="An eligible candidate for it")
    as_of: IsoDate | None = Field(None, description="Decision date, YYYY-MM-DD (default: the day after the "
                                  "dataset's end)")
    trainings: Annotated[list[Id], Field(min_length=1, max_length=MAX_WHAT_IF_TRAININGS)] = Field(
        description="Training codes of the catalog, all completed before the move")
    lang: Lang = "id"


def _ids(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def ranking_call(body: RankingRequest) -> RankingCall:
    """The ranking a request asks for; RankingError (naming the field) when it breaks a rule."""
    if body.position_id is None and body.vacancy is None:
        raise MissingInput("position_id", "position_id or vacancy is required")
    if body.position_id is not None and body.vacancy is not None:
        raise ConflictingInput("position_id", "give either position_id (a post of the data) or vacancy (an ad-hoc "
                                              "post), not both")
    pool = PoolFilter(_ids(body.units), _ids(body.regions), _ids(body.domains), body.max_distance_km)
    policy = ScorePolicy() if body.risk_penalty is None else ScorePolicy(risk_penalty=body.risk_penalty)
    options = RankingOptions(top_k=body.top_k, lang=body.lang, pool=pool, policy=policy)   # rank() checks them
    vacancy = Vacancy(**body.vacancy.model_dump()) if body.vacancy else None     # checks its fields
    return RankingCall(body.position_id or "", body.as_of, options, vacancy, excluded_query(body))


def excluded_query(body: RankingRequest) -> ExcludedQuery | None:
    """The page of the excluded list a request asks for (None unless ``include_excluded``)."""
    if not body.include_excluded:
        return None
    return ExcludedQuery(text=body.excluded_search, reason=body.excluded_reason, offset=body.excluded_offset,
                         limit=body.excluded_limit)


def review_call(body: ReviewRankingIn) -> tuple[RankingRequest, RankingCall]:
    """A page request as the equivalent API request (what the audit log records) and its call."""
    request = RankingRequest(position_id=body.position_id, as_of=body.as_of, top_k=body.top_k, lang=body.lang)
    return request, ranking_call(request)
