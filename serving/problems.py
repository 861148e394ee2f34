"""Errors as problem documents (RFC 9457, ``application/problem+json``) naming the field.

No answer carries exception text: an unexpected error is logged with an id, and the
client gets a generic message and that id.
"""

import logging
import uuid
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from serving.champion import NoChampionError
from serving.errors import MissingInput, RankingError
from serving.limits import MAX_ECHO

PROBLEM = "application/problem+json"
MAX_DETAIL = 500                        # characters of a problem's detail
NOT_FOUND_FIELDS = ("position_id", "ranking_id")
log = logging.getLogger("mutasi.serving")


def problem(status: int, title: str, detail: str, field: str | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail[:MAX_DETAIL], **extra}
    if field:
        body["field"] = field[:MAX_ECHO]
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def ranking_problem(exc: RankingError, prefix: str = "") -> JSONResponse:
    """404 for an unknown position, 422 for any other broken rule (an ad-hoc vacancy's
    unknown unit included: the request names it)."""
    status = 404 if exc.field in NOT_FOUND_FIELDS and not isinstance(exc, MissingInput) else 422
    field = exc.field if exc.field.startswith(prefix) else prefix + exc.field
    return problem(status, "cannot rank", str(exc), field)


def internal_error(exc: BaseException) -> JSONResponse:
    """Log ``exc`` with a fresh id; the answer holds only the id."""
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s", error_id, exc_info=exc)
    return problem(500, "internal error", f"the server failed; quote error id {error_id}", error_id=error_id)


def validation_problem(exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    message = str(first.get("msg", "invalid"))
    if first.get("type") == "json_invalid":
        return problem(400, "malformed JSON", f"the body is not valid JSON: {message}", "body")
    return problem(422, "invalid request", f"{field[:MAX_ECHO]}: {message}", field)


def install_handlers(app: FastAPI) -> None:
    """Problem documents for invalid requests, HTTP errors and broken ranking rules."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        response = problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail),
                           getattr(exc, "field", None))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(NoChampionError)
    async def no_model(_request: Request, exc: NoChampionError) -> JSONResponse:
        return problem(503, "no model", str(exc))

    @app.exception_handler(RankingError)
    async def cannot_rank(_request: Request, exc: RankingError) -> JSONResponse:
        return ranking_problem(exc)
