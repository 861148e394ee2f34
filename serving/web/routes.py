"""The reviewer page under ``/review``, served by the API's app.

``GET /review`` is a page shell with no data in it; the page's script loads everything
from ``/review/api/...`` with ``fetch``. Those endpoints are protected exactly like the
API: when a bearer token is configured, the script asks for it once, keeps it in
``sessionStorage`` (gone when the tab closes) and sends it as ``Authorization: Bearer``.
HTML fragments are rendered by Jinja2 with autoescaping, so data text is always escaped.

Every ranking shown is produced by :func:`serving.ranking.rank` and recorded with
:meth:`AuditLog.record_ranking`, like ``POST /v1/rankings``; a decision is recorded with
:meth:`AuditLog.record_decision` against the audit id of the ranking on screen.
"""

from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field, StringConstraints

from features import columns as c
from models.store import tracking_uri
from serving import texts
from serving.api import RankingRequest, problem, token_check
from serving.champion import NoChampionError
from serving.ranking import RankingError, rank
from serving.web import labels as L
from serving.web import views

HERE = Path(__file__).parent
PREFIX = "/review"
EXCLUDED_SHOWN = 500
SEARCH_LIMIT = 30
Lang = Literal["id", "en"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


class ReviewRankingIn(BaseModel):
    position_id: str = Field(min_length=1)
    as_of: date | None = None
    top_k: int = Field(10, ge=1, le=50)
    lang: Lang = "id"
    reviewer: str | None = Field(None, max_length=200)


class DecisionIn(BaseModel):
    ranking_id: int
    reviewer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    action: Literal["accept", "reject", "reorder"]
    note: Text
    order: list[str] = Field(min_length=1)
    employee_id: str | None = None


def render(name: str, lang: str, status: int = 200, headers: dict | None = None, **values) -> HTMLResponse:
    html = templates.get_template(name).render(lang=lang, t=lambda key: L.ui(key, lang), L=L, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False


def mount_review(app: FastAPI) -> None:
    """Add the reviewer page and its static files to ``app``."""
    app.include_router(review_router(app))
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="review-static")


def review_router(app: FastAPI) -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    authorised = token_check(app)

    def titles() -> pd.DataFrame:
        cached = getattr(app.state, "review_titles", None)
        if cached is None:
            cached = app.state.mutasi.context.position_titles().set_index(c.POSITION_ID)
            cached["search"] = (cached.index.astype(str) + " " + cached[c.TITLE].astype(str) + " "
                                + cached["unit_name"].astype(str)).str.casefold()
            app.state.review_titles = cached
        return cached

    @router.get("", response_class=HTMLResponse)
    def page(request: Request, lang: str = "id", position: str = "", as_of: str = "", top: str = "10"):
        """The page shell; odd query values fall back to the defaults instead of an error page."""
        state = app.state.mutasi
        lang = lang if lang in L.LANGS else "id"
        query = {"position": position.strip(), "as_of": as_of if _is_date(as_of) else "",
                 "top": int(top) if top.isdigit() and 1 <= int(top) <= 50 else 10}
        other = "id" if lang == "en" else "en"
        switch = urlencode({k: v for k, v in {**query, "lang": other}.items() if v})
        return render("page.html", lang, query=query, switch_href=f"{request.url.path}?{switch}",
                      default_as_of=str(state.context.default_as_of.date()), token_required=state.token is not None,
                      strings=L.js_strings(lang), prefix=PREFIX)

    @router.get("/api/model", response_class=HTMLResponse)
    def model(lang: Lang = "id", _who: str = Depends(authorised)):
        state = app.state.mutasi
        try:
            served = state.champion.get()
        except NoChampionError:
            return render("model.html", lang, status=503, model=None)
        view = views.model_view(served, tracking_uri(state.champion.tracking_uri), str(state.context.dataset.source))
        return render("model.html", lang, model=view)

    @router.get("/api/positions")
    def positions(q: str = "", lang: Lang = "id", _who: str = Depends(authorised)) -> list[dict]:
        table = titles()
        needle = q.strip().casefold()
        hits = []
        mask = pd.Series(True, index=table.index)
        for word in needle.split():
            mask &= table["search"].str.contains(word, regex=False)
        for pid, row in table[mask].head(SEARCH_LIMIT).iterrows():
            kind = row[c.POSITION_TYPE]
            hits.append({"position_id": str(pid), "title": str(row[c.TITLE]), "unit_name": str(row["unit_name"]),
                         "position_type": L.pick(texts.POSITION_TYPE_NAMES.get(kind, (kind, kind)), lang)})
        return hits

    @router.post("/api/rankings", response_class=HTMLResponse)
    def ranking(body: ReviewRankingIn, who: str = Depends(authorised)):
        state = app.state.mutasi
        request = RankingRequest(position_id=body.position_id, as_of=body.as_of, top_k=body.top_k, lang=body.lang)
        try:
            served = state.champion.get()
            result = rank(state.context, served, body.position_id, body.as_of, request.options())
        except NoChampionError as exc:
            return problem(503, "no model", str(exc))
        except RankingError as exc:
            return problem(404 if exc.field == "position_id" else 422, "cannot rank", str(exc), exc.field)
        document = result.to_document()
        caller = f"review:{body.reviewer.strip()}" if body.reviewer and body.reviewer.strip() else "review"
        audit_id = state.audit.record_ranking(caller, request.model_dump(mode="json"), result.audit_summary())
        return render("ranking.html", body.lang, headers={"X-Audit-Id": str(audit_id)},
                      **ranking_view(document, audit_id, body.lang))

    def ranking_view(document: dict, audit_id: int, lang: str) -> dict:
        state = app.state.mutasi
        context = state.context
        as_of = pd.Timestamp(document["as_of"])
        snap = context.snapshot(as_of).set_index(c.EMPLOYEE_ID)
        table = titles()
        pid = document["position_id"]
        candidates = []
        for cand in document["candidates"]:
            eid = cand["employee_id"]
            current = cand.get("current_position_id")
            base = cand.get("base_values") or {}
            candidates.append({
                **cand, "performance_text": texts.number(cand["predicted_performance"], lang, 2),
                "risk_text": views.percent(cand["adjustment_risk"], lang),
                "score_text": texts.number(cand["score"], lang, 2),
                "current_title": table[c.TITLE].get(current, current or "-"),
                "distance_text": None if cand.get("distance_km") is None else texts.number(cand["distance_km"], lang, 0),
                "shap": [views.shap_chart(cand["explanations"], "performance", base.get("performance"), lang),
                         views.shap_chart(cand["explanations"], "risk", base.get("risk"), lang)],
                "competencies": views.competency_chart(context, pid, snap.loc[eid] if eid in snap.index else None, lang),
                "recommendations": views.recommendation_rows(cand, lang),
                "history": views.history(context, eid, as_of, lang)})
        return {"doc": document, "audit_id": audit_id, "candidates": candidates,
                "position": {"id": pid, "title": table[c.TITLE].get(pid, pid), "unit": table["unit_name"].get(pid, "")},
                "excluded": views.excluded_view(document["excluded"], lang, EXCLUDED_SHOWN),
                **decisions_view(pid, document["as_of"], lang)}

    def decisions_view(position_id: str, as_of: str, lang: str) -> dict:
        audit = app.state.mutasi.audit
        latest = audit.latest_for(position_id, as_of)
        decided = audit.decisions(latest["id"]) if latest else []
        for d in decided:
            d["action_text"] = L.action(d["action"], lang)
        return {"decisions": list(reversed(decided)), "decided_ranking": latest["id"] if decided else None}

    @router.get("/api/decisions", response_class=HTMLResponse)
    def decisions(position_id: str, as_of: date, lang: Lang = "id", _who: str = Depends(authorised)):
        return render("decisions.html", lang, **decisions_view(position_id, as_of.isoformat(), lang))

    @router.post("/api/decisions", status_code=201)
    def decide(body: DecisionIn, _who: str = Depends(authorised)):
        audit = app.state.mutasi.audit
        shown = audit.ranking(body.ranking_id)
        if shown is None:
            return problem(404, "unknown ranking", f"no ranking with audit id {body.ranking_id}", "ranking_id")
        ids = [r["employee_id"] for r in shown["results"]]
        if sorted(body.order) != sorted(ids):
            return problem(422, "invalid decision", "order must list exactly the ranking's candidates", "order")
        if body.action != "reorder" and body.employee_id not in ids:
            return problem(422, "invalid decision", f"{body.action} needs one of the ranking's candidates",
                           "employee_id")
        employee = body.employee_id if body.action != "reorder" else None
        decision_id = audit.record_decision(body.ranking_id, body.reviewer, body.action, body.note, body.order, employee)
        return JSONResponse({"id": decision_id, "ranking_id": body.ranking_id, "action": body.action,
                             "employee_id": employee}, status_code=201)

    return router
