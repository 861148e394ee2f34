"""The HTTP door: a FastAPI app around :func:`serving.ranking.rank`.

Errors are problem documents (``application/problem+json``) that name the field, never
a bare 500. A bearer token (``$MUTASI_API_TOKEN``) is required whenever the server
listens beyond loopback, and checked whenever one is configured.
"""

import ipaddress
import os
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.policy import ScorePolicy
from serving.audit import AuditLog
from serving.champion import ChampionCache, NoChampionError
from serving.context import ServingContext
from serving.pool import PoolFilter
from serving.ranking import RankingError, RankingOptions, Vacancy, rank

TOKEN_ENV = "MUTASI_API_TOKEN"
PROBLEM = "application/problem+json"


class VacancyIn(BaseModel):
    position_id: str = Field(min_length=1)
    unit_id: str = Field(min_length=1)
    position_type: str
    domain: str
    job_class: float = Field(ge=1, le=17)
    standards: dict[str, float] = Field(description="competency_code -> required level (1..5)")
    min_grade: str = "III/a"
    min_education: str = "s1"


class RankingRequest(BaseModel):
    position_id: str | None = Field(None, min_length=1, description="A position of the dataset")
    as_of: date | None = Field(None, description="Decision date (default: the day after the dataset's end)")
    top_k: int = Field(10, ge=1, le=100)
    lang: Literal["id", "en"] = "id"
    units: list[str] | None = None
    regions: list[str] | None = None
    domains: list[str] | None = None
    max_distance_km: float | None = Field(None, gt=0)
    risk_penalty: float | None = Field(None, ge=0)
    vacancy: VacancyIn | None = Field(None, description="An ad-hoc post not in the data")

    def options(self) -> RankingOptions:
        pool = PoolFilter(tuple(self.units) if self.units else None, tuple(self.regions) if self.regions else None,
                          tuple(self.domains) if self.domains else None, self.max_distance_km)
        policy = ScorePolicy() if self.risk_penalty is None else ScorePolicy(risk_penalty=self.risk_penalty)
        return RankingOptions(top_k=self.top_k, lang=self.lang, pool=pool, policy=policy)


@dataclass
class AppState:
    context: ServingContext
    champion: ChampionCache
    audit: AuditLog
    token: str | None


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def problem(status: int, title: str, detail: str, field: str | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def token_check(app: FastAPI):
    """A dependency that accepts a request when no token is configured, or when it carries
    ``Authorization: Bearer <token>``; else 401."""
    bearer = HTTPBearer(auto_error=False)

    def authorised(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
        expected = app.state.mutasi.token
        if expected is None:
            return "anonymous"
        if credentials is None or not secrets.compare_digest(credentials.credentials, expected):
            raise StarletteHTTPException(401, "a valid bearer token is required")
        return "token"

    return authorised


def create_app(context: ServingContext, champion: ChampionCache, audit: AuditLog,
               host: str = "127.0.0.1", token: str | None = None) -> FastAPI:
    """The app; refuses to be built for a non-loopback host without a token."""
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    if not is_loopback(host) and not token:
        raise RuntimeError(f"listening on {host} needs a bearer token: set ${TOKEN_ENV}")
    app = FastAPI(title="mutasi", version="1", description="Ranked, explained candidates for ASN transfers.")
    app.state.mutasi = AppState(context, champion, audit, token)
    authorised = token_check(app)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return problem(422, "invalid request", f"{field}: {first.get('msg')}", field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, "error", str(exc.detail))
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return problem(500, "internal error", f"{type(exc).__name__}: {exc}")

    @app.get("/v1/health")
    def health() -> dict:
        state = app.state.mutasi
        try:
            served = state.champion.get()
            model = {"name": served.name, "version": served.version, "run_id": served.run_id}
        except NoChampionError:
            model = None
        return {"status": "ok" if model else "no_model", "model": model,
                "dataset": state.context.dataset.source, "default_as_of": str(state.context.default_as_of.date())}

    @app.get("/v1/model")
    def model_info(_who: str = Depends(authorised)):
        try:
            served = app.state.mutasi.champion.get()
        except NoChampionError as exc:
            return problem(503, "no model", str(exc))
        return {"name": served.name, "version": served.version, "run_id": served.run_id,
                "features": list(served.bundle.spec.features), "metadata": served.bundle.metadata}

    @app.post("/v1/rankings")
    def rankings(body: RankingRequest, request: Request, who: str = Depends(authorised)):
        state = app.state.mutasi
        if body.position_id is None and body.vacancy is None:
            return problem(422, "invalid request", "position_id or vacancy is required", "position_id")
        try:
            served = state.champion.get()
            vacancy = Vacancy(**body.vacancy.model_dump()) if body.vacancy else None
            ranking = rank(state.context, served, body.position_id or "", body.as_of, body.options(), vacancy)
        except NoChampionError as exc:
            return problem(503, "no model", str(exc))
        except RankingError as exc:
            status = 404 if exc.field in ("position_id", "unit_id") else 422
            return problem(status, "cannot rank", str(exc), exc.field)
        caller = request.headers.get("x-caller") or (request.client.host if request.client else who)
        ranking.audit_id = state.audit.record_ranking(caller, body.model_dump(mode="json"), ranking.audit_summary())
        return Response(ranking.to_json(), media_type="application/json")

    from serving.web import mount_review  # the reviewer page under /review (issue 5)
    mount_review(app)
    return app
