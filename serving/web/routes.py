"""The reviewer page under ``/review``, served by the API's app.

``GET /review`` is a page shell with no data in it; the page's script loads everything
from ``/review/api/...`` with ``fetch``. Those endpoints are protected exactly like the
API: when bearer tokens are configured, the script asks for one once, keeps it in
``sessionStorage`` (gone when the tab closes) and sends it as ``Authorization: Bearer``.
HTML fragments are rendered by Jinja2 with autoescaping, so data text is always escaped.

Every ranking shown is produced and recorded by :func:`serving.service.rank_and_record`,
like ``POST /v1/rankings``; a decision by :func:`serving.service.record_decision`, with
the reviewer's name as typed next to the authenticated identity and the peer.

``GET /review/plans`` plans a round (CSV typed or uploaded) through the same functions as
``POST /v1/plans`` (:mod:`serving.planning.service`): the plan by unit, accept and reject
per move (recorded in the audit log), and a re-plan with the rejected moves forbidden and
the accepted ones fixed.
"""

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from features import columns as c
from models.store import tracking_uri
from serving import texts
from serving.champion import NoChampionError
from serving.limits import MAX_QUERY_LENGTH
from serving.planning import words
from serving.planning.requests import AuditId, MoveDecisionIn, PagePlanIn, page_request
from serving.planning.service import decide_move, plan_and_record, plan_announcement, replan_and_record, stored_plan
from serving.requests import DecisionIn, Id, Lang, ReviewRankingIn, review_call
from serving.security import Caller, caller
from serving.service import rank_and_record, record_decision
from serving.web import due_views, extras, followup_views, pages, plan_views, talent_views, views
from serving.web import labels as L
from serving.web.pages import HERE, PREFIX

SEARCH_LIMIT = 30
Search = Annotated[str, Query(max_length=MAX_QUERY_LENGTH)]

router = APIRouter(prefix=PREFIX, include_in_schema=False)


render, state = pages.render, pages.state


def titles(request: Request) -> pd.DataFrame:
    """Positions with a lowercase search text (built once per app)."""
    cached = getattr(request.app.state, "review_titles", None)
    if cached is None:
        cached = views.searchable_titles(state(request).context)
        request.app.state.review_titles = cached
    return cached


@router.get("", response_class=HTMLResponse)
def page(request: Request, lang: str = "id", position: str = "", as_of: str = "", top: str = "10"):
    """The page shell; odd query values fall back to the defaults instead of an error page."""
    query = views.page_query(lang, position, as_of, top)
    lang = query.pop("lang")
    switch = urlencode({k: v for k, v in {**query, "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("page.html", lang, query=query, switch_href=f"{request.url.path}?{switch}",
                  default_as_of=str(state(request).context.default_as_of.date()),
                  token_required=bool(request.app.state.tokens), strings=L.js_strings(lang), prefix=PREFIX,
                  top_choices=views.TOP_CHOICES)


@router.get("/api/model", response_class=HTMLResponse)
def model(request: Request, lang: Lang = "id", _who: Caller = Depends(caller)):
    app_state = state(request)
    try:
        served = app_state.champion.get()
    except NoChampionError:
        return render("model.html", lang, status=503, model=None)
    view = views.model_view(served, tracking_uri(app_state.champion.tracking_uri), app_state.context.dataset.source)
    return render("model.html", lang, model=view)


@router.get("/api/positions")
def positions(request: Request, q: Search = "", lang: Lang = "id", _who: Caller = Depends(caller)) -> list[dict]:
    return views.search_positions(titles(request), q, lang, SEARCH_LIMIT)


@router.post("/api/rankings", response_class=HTMLResponse)
def ranking(body: ReviewRankingIn, request: Request, who: Caller = Depends(caller)):
    asked, call = review_call(body)
    recorded = {**asked.model_dump(mode="json"), "door": "review", "reviewer": body.reviewer}
    result = rank_and_record(state(request), call, who, recorded)
    return render("ranking.html", body.lang, headers={"X-Audit-Id": str(result.audit_id)},
                  **ranking_view(request, result.to_document(), result.audit_id, body.top_k, body.lang))


def ranking_view(request: Request, document: dict, audit_id: int, top: int, lang: str) -> dict:
    context = state(request).context
    table = titles(request)
    pid = document["position_id"]
    n_excluded = document.get("n_excluded") or len(document.get("excluded") or [])
    return {"doc": document, "audit_id": audit_id, "top": top, "n_excluded": n_excluded,
            "candidates": views.candidate_views(context, table, document, lang),
            "position": {"id": pid, "title": table[c.TITLE].get(pid, pid), "unit": table["unit_name"].get(pid, "")},
            **decisions_view(request, pid, document["as_of"], lang)}


def decisions_view(request: Request, position_id: str, as_of: str, lang: str) -> dict:
    """Every decision on every ranking of the post at the date, newest first."""
    history = state(request).audit.decision_history(position_id, as_of)
    return {"decisions": views.decision_views(history, state(request).context.display_names, lang)}


@router.get("/api/decisions", response_class=HTMLResponse)
def decisions(request: Request, position_id: Id, as_of: date, lang: Lang = "id", _who: Caller = Depends(caller)):
    return render("decisions.html", lang, **decisions_view(request, position_id, as_of.isoformat(), lang))


@router.post("/api/decisions", status_code=201)
def decide(body: DecisionIn, request: Request, who: Caller = Depends(caller)):
    return JSONResponse(record_decision(state(request).audit, body, who), status_code=201)


# --- round plans ----------------------------------------------------------------------------


def plan_names(request: Request) -> words.Names:
    """Titles of posts and names of units (built once per app)."""
    cached = getattr(request.app.state, "plan_names", None)
    if cached is None:
        cached = words.Names.from_context(state(request).context)
        request.app.state.plan_names = cached
    return cached


def render_plan(request: Request, document: dict, decisions: list[dict], lang: str) -> HTMLResponse:
    view = plan_views.plan_view(plan_names(request), document, decisions, lang)
    return render("plan_view.html", lang, headers={"X-Audit-Id": str(document["audit_id"])},
                  audit_id=document["audit_id"], w=lambda key, **fields: words.t(key, lang, **fields), **view)


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request, lang: str = "id", plan: str = ""):
    """The plan page shell; ``plan`` reopens a recorded plan (odd values are ignored)."""
    lang = lang if lang in texts.LANGS else "id"
    plan = plan if plan.isdigit() and len(plan) <= 18 else ""
    switch = urlencode({k: v for k, v in {"plan": plan, "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("plan.html", lang, plan=plan, switch_href=f"{request.url.path}?{switch}", prefix=PREFIX,
                  default_as_of=str(state(request).context.default_as_of.date()),
                  token_required=bool(request.app.state.tokens), strings=L.plan_js_strings(lang))


@router.post("/api/plans", response_class=HTMLResponse)
async def make_plan(body: PagePlanIn, request: Request, who: Caller = Depends(caller)):
    asked = page_request(body)
    recorded = {**asked.model_dump(mode="json"), "door": "review", "reviewer": body.reviewer}
    document = await plan_and_record(state(request), asked, who, recorded=recorded)
    return render_plan(request, document, [], body.lang)


@router.get("/api/plans/{audit_id}", response_class=HTMLResponse)
def show_plan(audit_id: AuditId, request: Request, lang: Lang = "id", _who: Caller = Depends(caller)):
    document = stored_plan(state(request), audit_id)
    return render_plan(request, document, document["decisions"], lang)


@router.post("/api/plans/{audit_id}/decisions", status_code=201)
def decide_plan_move(audit_id: AuditId, body: MoveDecisionIn, request: Request, who: Caller = Depends(caller)):
    return JSONResponse(decide_move(state(request), audit_id, body, who), status_code=201)


@router.get("/api/plans/{audit_id}/announcement", response_class=HTMLResponse)
def plan_announcement_page(audit_id: AuditId, request: Request, lang: Lang = "id", _who: Caller = Depends(caller)):
    """The announcement of the plan's accepted moves, as a self-contained HTML file."""
    body, media_type = plan_announcement(state(request), audit_id, lang, "html")
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="pengumuman-mutasi-{audit_id}.html"'})


@router.post("/api/plans/{audit_id}/replan", response_class=HTMLResponse)
async def replan_plan(audit_id: AuditId, request: Request, lang: Lang = "id", who: Caller = Depends(caller)):
    return render_plan(request, await replan_and_record(state(request), audit_id, who), [], lang)


def mount_review(app: FastAPI) -> None:
    """Add the reviewer page and its static files to ``app``."""
    app.include_router(router)
    app.include_router(extras.router)          # excluded list, exports, fairness page
    app.include_router(talent_views.router)    # talent map (9-box) and succession
    app.include_router(due_views.router)       # who is due to move (rotation)
    app.include_router(followup_views.router)  # follow-up after transfers (watchlist)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="review-static")
