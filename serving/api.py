"""The HTTP door: a FastAPI app around :func:`serving.ranking.rank` and the round planner
(:func:`serving.planning.plan.plan`, with the reviewers' decisions on its moves).

Errors are problem documents (``application/problem+json``, :mod:`serving.problems`) that
name the field, never exception text; every route documents its answer and its error
statuses in the OpenAPI description (``/openapi.json``, ``/docs``). Callers and tokens:
:mod:`serving.security`; limits: :mod:`serving.limits`; the request models and their
rules: :mod:`serving.requests`; what each route does, without HTTP: :mod:`serving.answers`,
:mod:`serving.batch_rankings`, :mod:`serving.what_if`, :mod:`serving.planning.service`.
"""

import os
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from features.eligibility import DEFAULT_RULES, EligibilityRules
from serving.answers import answer_ranking
from serving.api_models import Health, ModelDescription, MoveDecisionAnswer, PlanAnswer
from serving.audit import AuditLog
from serving.batch_rankings import BatchAnswer, BatchRequest, rank_many
from serving.champion import ChampionCache, NoChampionError
from serving.context import ServingContext
from serving.due import HTTP_PAGE, MAX_HTTP_PAGE, MAX_PAGE, DueList, DueReason, due_list
from serving.followup import HTTP_PAGE_SIZE, MAX_ENTRIES, MAX_HTTP_PAGE_SIZE, EarlyWarning, FollowUp, follow_up
from serving.memory import freeze_serving
from serving.middleware import BodyLimit, ErrorGuard, LoopbackHostOnly, SecurityHeaders
from serving.planning.announce import Announcement
from serving.planning.requests import AuditId, MoveDecisionIn, PlanRequest
from serving.planning.service import (
    AnnouncementFormat,
    decide_move,
    install_plan_handlers,
    plan_and_record,
    plan_announcement,
    replan_and_record,
    stored_plan,
)
from serving.problems import install_handlers, install_problem_openapi, problem_responses
from serving.requests import Id, IsoDate, Lang, RankingRequest, WhatIfRequest
from serving.result import Ranking
from serving.security import Caller, caller, require_token_beyond_loopback, tokens_from_env
from serving.service import AppState
from serving.succession import SuccessionList, succession_list
from serving.talent_api import MAX_TALENT_PAGE, TALENT_PAGE, TalentPage, served_or_none, talent_page
from serving.web.routes import mount_review
from serving.what_if import WhatIf, rescore_with_trainings

router = APIRouter(prefix="/v1")

# error statuses of every route (Host check of tokenless servers, unexpected errors), of a
# route with a JSON body (malformed, too large, invalid), and of one behind the token
ANY, BODY, GUARDED = (421, 500), (400, 413, 422), (401,)


def answers(model, *statuses: int, status: int = 200) -> dict:
    """A route's documented answers: ``model`` for ``status`` and a Problem per error status."""
    return {status: {"model": model}, **problem_responses(*sorted({*ANY, *statuses}))}


def state(request: Request) -> AppState:
    return request.app.state.mutasi


@router.get("/health", responses=answers(Health))
def health(request: Request) -> dict:
    """Open to anyone: up or not, and which model; details are behind the token (/v1/model)."""
    try:
        served = state(request).champion.get()
    except NoChampionError:
        return {"status": "no_model", "model": None}
    return {"status": "ok", "model": {"name": served.name, "version": served.version}}


@router.get("/model", responses=answers(ModelDescription, *GUARDED, 503))
def model_info(request: Request, _who: Caller = Depends(caller)) -> dict:
    context = state(request).context
    served = state(request).champion.get()
    return {"name": served.name, "version": served.version, "run_id": served.run_id,
            "features": list(served.bundle.spec.features), "metadata": served.bundle.metadata,
            "dataset": Path(context.dataset.source).name or None,
            "default_as_of": str(context.default_as_of.date())}


@router.post("/rankings", responses=answers(Ranking, *BODY, *GUARDED, 404, 503))
def rankings(body: RankingRequest, request: Request, who: Caller = Depends(caller)) -> Response:
    """Rank the eligible candidates of a post of the data (``position_id``) or of an ad-hoc
    ``vacancy``; the excluded employees only when asked (``include_excluded``), one page."""
    ranking = answer_ranking(state(request), body, who)
    return Response(ranking.to_json(), media_type="application/json")


@router.post("/rankings:batch", responses=answers(BatchAnswer, *BODY, *GUARDED, 503))
def rankings_batch(body: BatchRequest, request: Request, who: Caller = Depends(caller)) -> JSONResponse:
    """Many rankings with one model, each as ``POST /v1/rankings`` would answer it and
    recorded alike; a failed one is a problem at its index in ``errors``, the others stand."""
    return JSONResponse(rank_many(state(request), body.requests, who).to_document())


@router.post("/what-if", responses=answers(WhatIf, *BODY, *GUARDED, 404, 503))
def what_if_view(body: WhatIfRequest, request: Request, _who: Caller = Depends(caller)) -> JSONResponse:
    """A candidate's predicted performance and risk for a post, before and after completing
    the chosen trainings (the re-scoring of the training recommendations)."""
    app_state = state(request)
    answer = rescore_with_trainings(app_state.context, app_state.champion.get(), body.position_id, body.employee_id,
                                    body.trainings, body.as_of, body.lang, app_state.rules)
    return JSONResponse(answer.model_dump(mode="json"))


@router.get("/due", responses=answers(DueList, *GUARDED, 422))
def due(request: Request, as_of: IsoDate | None = None, unit: Id | None = None, reason: DueReason | None = None,
        offset: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_HTTP_PAGE)] = HTTP_PAGE, lang: Lang = "id",
        _who: Caller = Depends(caller)) -> JSONResponse:
    """Who is due to move at ``as_of`` under the server's rule pack: the per-unit counts and
    one page of the list, furthest past due first (``unit`` and ``reason`` narrow it)."""
    app_state = state(request)
    return JSONResponse(due_list(app_state.context, as_of, app_state.rules, unit, reason, offset, limit,
                                 lang).to_document())


@router.get("/follow-up", responses=answers(FollowUp, *GUARDED, 422, 503))
def follow_up_list(request: Request, as_of: IsoDate | None = None, unit: Id | None = None,
                   warning: EarlyWarning | None = None,
                   offset: Annotated[int, Query(ge=0, le=MAX_ENTRIES)] = 0,
                   limit: Annotated[int, Query(ge=1, le=MAX_HTTP_PAGE_SIZE)] = HTTP_PAGE_SIZE, lang: Lang = "id",
                   _who: Caller = Depends(caller)) -> JSONResponse:
    """Everyone transferred in the last 24 months: the risk at the decision and now (the
    champion's post-transfer model), reasons, early warnings and onboarding plans, highest
    risk first; counts per warning and per unit (``unit`` and ``warning`` narrow it)."""
    app_state = state(request)
    return JSONResponse(follow_up(app_state.context, app_state.champion.get().bundle, as_of, unit=unit,
                                  warning=warning, offset=offset, limit=limit, lang=lang).to_document())


@router.get("/talent", responses=answers(TalentPage, *GUARDED, 422))
def talent(request: Request, as_of: IsoDate | None = None, unit: Id | None = None, domain: Id | None = None,
           box: Annotated[int, Query(ge=1, le=9)] | None = None,
           offset: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 0,
           limit: Annotated[int, Query(ge=1, le=MAX_TALENT_PAGE)] = TALENT_PAGE,
           _who: Caller = Depends(caller)) -> JSONResponse:
    """The 9-box talent map (PermenPANRB 3/2020) under the server's rule pack: counts per box,
    talent pools per job family and one page of people with both axes' inputs."""
    app_state = state(request)
    page = talent_page(app_state.context, as_of, app_state.rules, unit, domain, box, offset, limit)
    return JSONResponse(page.model_dump(mode="json"))


@router.get("/succession/{position_id}", responses=answers(SuccessionList, *GUARDED, 404, 422))
def succession(request: Request, position_id: Id, as_of: IsoDate | None = None, lang: Lang = "id",
               _who: Caller = Depends(caller)) -> JSONResponse:
    """A key post's succession list: talent pool members ready now or in 1-2 years, with the
    trainings (and JP) that close their gaps (the served model's recommender when there is one)."""
    app_state = state(request)
    answer = succession_list(app_state.context, position_id, served_or_none(app_state.champion), as_of,
                             app_state.rules, lang=lang)
    return JSONResponse(answer.to_document())


@router.post("/plans", responses=answers(PlanAnswer, *BODY, *GUARDED, 503))
async def plans(body: PlanRequest, request: Request, who: Caller = Depends(caller)) -> JSONResponse:
    """Plan a round (contract section 6); the plan document with its ``audit_id``."""
    return JSONResponse(await plan_and_record(state(request), body, who))


@router.get("/plans/{audit_id}", responses=answers(PlanAnswer, *GUARDED, 404, 422))
def plan_document(audit_id: AuditId, request: Request, _who: Caller = Depends(caller)) -> JSONResponse:
    """A recorded plan with the decisions in force on its moves."""
    return JSONResponse(stored_plan(state(request), audit_id))


@router.post("/plans/{audit_id}/decisions", status_code=201,
             responses=answers(MoveDecisionAnswer, *BODY, *GUARDED, 404, status=201))
def plan_decision(audit_id: AuditId, body: MoveDecisionIn, request: Request,
                  who: Caller = Depends(caller)) -> JSONResponse:
    """Accept or reject one move of a recorded plan (the latest decision on a move counts)."""
    return JSONResponse(decide_move(state(request), audit_id, body, who), status_code=201)


@router.get("/plans/{audit_id}/announcement", responses={
    200: {"model": Announcement, "description": "HTML (default), plain text, or JSON (format=json)",
          "content": {"text/html": {}, "text/plain": {}}}, **problem_responses(*ANY, *GUARDED, 404, 422)})
def plan_announcement_view(audit_id: AuditId, request: Request, lang: Lang = "id",
                           format: AnnouncementFormat = "html",
                           _who: Caller = Depends(caller)) -> Response:
    """The public announcement of the plan's accepted moves: who moves where and why, in
    plain words; no scores, no runners-up, no protected attributes."""
    body, media_type = plan_announcement(state(request), audit_id, lang, format)
    return Response(body, media_type=media_type)


@router.post("/plans/{audit_id}/replan", responses=answers(PlanAnswer, *GUARDED, 404, 422, 503))
async def replan(audit_id: AuditId, request: Request, who: Caller = Depends(caller)) -> JSONResponse:
    """Plan the same round again, rejected moves forbidden and accepted ones fixed."""
    return JSONResponse(await replan_and_record(state(request), audit_id, who))


def add_middleware(app: FastAPI, loopback_hosts_only: bool) -> None:
    """Innermost first: body limit, Host check (tokenless servers), error guard, headers."""
    app.add_middleware(BodyLimit)
    if loopback_hosts_only:
        app.add_middleware(LoopbackHostOnly)
    app.add_middleware(ErrorGuard)
    app.add_middleware(SecurityHeaders)


def create_app(context: ServingContext, champion: ChampionCache, audit: AuditLog,
               host: str = "127.0.0.1", tokens: dict[str, str] | None = None,
               rules: EligibilityRules = DEFAULT_RULES) -> FastAPI:
    """The app (API and reviewer page). ``tokens`` default to the environment's; a server
    without any may only listen on loopback (ConfigError otherwise)."""
    tokens = tokens_from_env(os.environ) if tokens is None else tokens
    require_token_beyond_loopback(host, tokens)
    app = FastAPI(title="mutasi", version="1", description="Ranked, explained candidates for ASN transfers.")
    audit.record_rules(rules)               # RulesChanged: the pack changed under its name@version
    app.state.mutasi = AppState(context, champion, audit, rules)
    app.state.tokens = tokens
    install_handlers(app)
    install_plan_handlers(app)
    install_problem_openapi(app)
    add_middleware(app, loopback_hosts_only=not tokens)
    app.include_router(router)
    mount_review(app)
    freeze_serving(context)                 # server start-up: see serving.memory
    return app


def run(app: FastAPI, host: str, port: int, trusted_proxies: list[str]) -> None:
    """uvicorn, one process (LightGBM's threads do not survive a fork). X-Forwarded-For is
    believed only from ``trusted_proxies``; with none, the peer is the TCP peer."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, workers=1, log_level="info", proxy_headers=bool(trusted_proxies),
                forwarded_allow_ips=",".join(trusted_proxies) or None)
