"""Many rankings in one call (``POST /v1/rankings:batch``), without HTTP.

Each request is ranked by the same path as ``POST /v1/rankings``
(:func:`serving.answers.answer_ranking`: checked, ranked, recorded in the audit log like
a single ranking), with the data already loaded and one model for the whole batch (the
champion is read once and pinned, so a promotion mid-batch does not mix versions). One
bad request does not fail the others: it is answered by a problem document at its index.
The batch stops when its time budget is spent and answers the rest as errors.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field, SkipValidation, ValidationError

from serving.answers import answer_ranking
from serving.champion import ChampionCache
from serving.errors import RankingError
from serving.limits import BATCH_TIME_BUDGET_S, MAX_BATCH
from serving.problems import (
    Problem,
    internal_error_document,
    problem_document,
    ranking_problem_document,
    validation_problem_document,
)
from serving.requests import RankingRequest
from serving.result import Ranking
from serving.security import Caller
from serving.service import AppState

OUT_OF_TIME = 503                   # status of the requests left when the budget is spent


class BatchRequest(BaseModel):
    """Rankings to make; each item is a ``POST /v1/rankings`` body, checked on its own."""

    requests: Annotated[list[SkipValidation[RankingRequest]], Field(min_length=1, max_length=MAX_BATCH)]


class BatchError(BaseModel):
    index: int = Field(description="Position of the request in ``requests``")
    problem: Problem


class BatchAnswer(BaseModel):
    rankings: list[Ranking | None] = Field(description="One per request, in order; null where it failed")
    errors: list[BatchError] = Field(description="The failed requests, each with its problem document")


@dataclass(frozen=True)
class BatchOutcome:
    rankings: list[Ranking | None]
    errors: list[dict]              # {"index": i, "problem": problem document}

    def to_document(self) -> dict:
        return {"rankings": [r.model_dump(mode="json") if r is not None else None for r in self.rankings],
                "errors": self.errors}


def pinned(state: AppState) -> AppState:
    """``state`` with its current champion fixed (NoChampionError when there is none)."""
    served = state.champion.get()
    return AppState(state.context, ChampionCache.fixed(served.bundle, served.name, served.version, served.run_id),
                    state.audit)


def _one(state: AppState, item, who: Caller, index: int) -> Ranking | dict:
    """The ranking of one item, or its problem document (fields prefixed ``requests.i.``)."""
    prefix = f"requests.{index}."
    try:
        return answer_ranking(state, RankingRequest.model_validate(item), who)
    except ValidationError as exc:
        return validation_problem_document(list(exc.errors()), prefix)
    except RankingError as exc:
        return ranking_problem_document(exc, prefix)
    except Exception as exc:  # noqa: BLE001 - one failure must not lose the others; logged with an id
        return internal_error_document(exc)


def rank_many(state: AppState, items: Sequence, who: Caller, budget_s: float = BATCH_TIME_BUDGET_S,
              clock: Callable[[], float] = time.monotonic) -> BatchOutcome:
    """Rank each of ``items`` (request bodies) in order with one model; NoChampionError
    when none is served. Items not started within ``budget_s`` seconds are errors."""
    state = pinned(state)
    start = clock()
    rankings: list[Ranking | None] = []
    errors: list[dict] = []
    for index, item in enumerate(items):
        if clock() - start > budget_s:
            result = problem_document(OUT_OF_TIME, "time budget spent", f"the batch ranked for more than "
                                      f"{budget_s:g} s; send request {index} and the rest again",
                                      f"requests.{index}")
        else:
            result = _one(state, item, who, index)
        rankings.append(result if isinstance(result, Ranking) else None)
        if not isinstance(result, Ranking):
            errors.append({"index": index, "problem": result})
    return BatchOutcome(rankings, errors)
