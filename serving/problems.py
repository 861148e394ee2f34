"""Errors as problem documents (RFC 9457, ``application/problem+json``) naming the field.

No answer carries exception text: an unexpected error is logged with an id, and the
client gets a generic message and that id. :class:`Problem` and :func:`problem_responses`
document them in the OpenAPI description; :func:`install_problem_openapi` gives every
error answer there its real media type.
"""

import logging
import uuid
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException

from serving.champion import NoChampionError
from serving.errors import RankingError, Unprocessable
from serving.limits import MAX_ECHO

PROBLEM = "application/problem+json"
JSON = "application/json"
MAX_DETAIL = 500                        # characters of a problem's detail
NOT_FOUND_FIELDS = ("position_id", "ranking_id")
log = logging.getLogger("mutasi.serving")


class Problem(BaseModel):
    """An error answer (RFC 9457). ``field`` names the input at fault as a dotted path
    (``vacancy.domain``, ``requests.3.top_k``); some problems carry more members."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = Field(None, description="The input at fault, as a dotted path")
    error_id: str | None = Field(None, description="500 only: quote it to the operators")


# what each error status means on this API (the OpenAPI description lists them per route)
ERROR_MEANINGS = {
    400: "Malformed JSON or Content-Length",
    401: "A valid bearer token is required (servers with tokens configured)",
    404: "Unknown position or audit id",
    413: "The request body exceeds MAX_BODY_BYTES",
    421: "A server without tokens answers only to loopback Host names",
    422: "A field breaks a rule: the problem's `field` names it",
    500: "The server failed; the problem carries an error id",
    503: "No model is being served, the server is busy, or the work ran out of time",
}


def problem_document(status: int, title: str, detail: str, field: str | None = None, **extra) -> dict:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail[:MAX_DETAIL], **extra}
    if field:
        body["field"] = field[:MAX_ECHO]
    return body


def problem(status: int, title: str, detail: str, field: str | None = None, **extra) -> JSONResponse:
    return JSONResponse(problem_document(status, title, detail, field, **extra), status_code=status,
                        media_type=PROBLEM)


def ranking_problem_document(exc: RankingError, prefix: str = "") -> dict:
    """404 for an unknown position, 422 for any other broken rule (an ad-hoc vacancy's
    unknown unit included: the request names it). An error's ``details`` (a dict) are
    extra members of the problem."""
    status = 404 if exc.field in NOT_FOUND_FIELDS and not isinstance(exc, Unprocessable) else 422
    field = exc.field if exc.field.startswith(prefix) else prefix + exc.field
    return problem_document(status, "cannot rank", str(exc), field, **getattr(exc, "details", {}))


def ranking_problem(exc: RankingError, prefix: str = "") -> JSONResponse:
    body = ranking_problem_document(exc, prefix)
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM)


def internal_error_document(exc: BaseException) -> dict:
    """Log ``exc`` with a fresh id; the document holds only the id."""
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s", error_id, exc_info=exc)
    return problem_document(500, "internal error", f"the server failed; quote error id {error_id}",
                            error_id=error_id)


def internal_error(exc: BaseException) -> JSONResponse:
    return JSONResponse(internal_error_document(exc), status_code=500, media_type=PROBLEM)


def validation_problem_document(errors: list, prefix: str = "") -> dict:
    """422 naming the first invalid field (``prefix`` before its path), 400 for malformed JSON."""
    first = errors[0] if errors else {}
    path = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    field = prefix + path if path else prefix.rstrip(".") or "body"
    message = str(first.get("msg", "invalid"))
    if first.get("type") == "json_invalid":
        return problem_document(400, "malformed JSON", f"the body is not valid JSON: {message}", "body")
    return problem_document(422, "invalid request", f"{field[:MAX_ECHO]}: {message}", field)


def validation_problem(exc: RequestValidationError | ValidationError) -> JSONResponse:
    body = validation_problem_document(list(exc.errors()))
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM)


def problem_responses(*statuses: int) -> dict[int, dict]:
    """The ``responses`` of a route for its error statuses: a :class:`Problem` each."""
    return {status: {"model": Problem, "description": ERROR_MEANINGS[status]} for status in statuses}


def problem_media_types(schema: dict) -> dict:
    """``schema`` (an OpenAPI document) with every error answer (4xx, 5xx) described as
    ``application/problem+json`` rather than FastAPI's ``application/json``."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in "45" and JSON in content:
                    content[PROBLEM] = content.pop(JSON)
    return schema


def install_problem_openapi(app: FastAPI) -> None:
    """Serve the app's OpenAPI document with problem+json error answers."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_types(build())
        return app.openapi_schema

    app.openapi = openapi


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
