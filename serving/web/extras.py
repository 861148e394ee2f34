"""Extras of the reviewer pages, mounted under ``/review`` by :func:`routes.mount_review`:

- ``GET /review/api/excluded``: one page of a post's excluded employees at a date (HTML
  fragment): counts per reason in words (click to filter), a search by id or name, paging;
  leavers and non-ASN are counted, not listed. Recomputed by eligibility alone
  (:func:`serving.excluded.eligibility_excluded`), no model.
- ``GET /review/api/rankings/{audit_id}/export`` and ``/review/api/plans/{audit_id}/export``:
  a recorded ranking or round plan as CSV or XLSX (:mod:`serving.recorded`).
- ``GET /review/fairness`` (page shell) and ``GET /review/api/fairness`` (fragment): a
  model version's fairness audit as bars against the four-fifths line.

Protected like the rest of the page (bearer token when configured); the handlers only
translate between HTTP and the serving functions.
"""

from typing import Annotated, Literal
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from features import columns as c
from models.store import tracking_uri
from serving import texts
from serving.champion import NoChampionError
from serving.excluded import (
    COUNTED_ONLY,
    ExcludedQuery,
    count_text,
    eligibility_excluded,
    excluded_slice,
)
from serving.fairness_audits import fairness_audit, model_versions
from serving.fairness_view import fairness_view, word
from serving.limits import DEFAULT_EXCLUDED_PAGE, MAX_EXCLUDED_PAGE, MAX_ID_LENGTH, MAX_QUERY_LENGTH
from serving.planning.requests import MAX_AUDIT_ID, AuditId
from serving.ranking import resolve_as_of
from serving.recorded import ExportFile, plan_export, ranking_export
from serving.requests import Id, Lang
from serving.security import Caller, caller
from serving.web import labels as L
from serving.web import pages
from serving.web.pages import PREFIX, state

Format = Literal["csv", "xlsx"]              # serving.ranking_export.FORMATS
RankingId = Annotated[int, Path(ge=1, le=MAX_AUDIT_ID, description="The ranking's audit id")]
Search = Annotated[str, Query(max_length=MAX_QUERY_LENGTH)]
Version = Annotated[str, Query(max_length=MAX_ID_LENGTH, pattern=r"^[0-9]*$")]
FAIRNESS_STRINGS = ("loading", "error", "token_prompt")

router = APIRouter(prefix=PREFIX, include_in_schema=False)


render = pages.render


# --- the excluded list ----------------------------------------------------------------------


def excluded_view(found, query: ExcludedQuery, who: dict[str, str], lang: str) -> dict:
    """The page of the excluded list in words: reasons with counts (hidden ones marked),
    the rows, and where this page sits."""
    reasons = [{"code": code, "label": texts.reason_text(code, lang), "count": count_text(n, lang), "hidden": False,
                "active": code == query.reason} for code, n in found.listed_by_reason.items()]
    reasons += [{"code": code, "label": texts.reason_text(code, lang), "count": count_text(n, lang), "hidden": True,
                 "active": False} for code, n in found.hidden.items()]
    rows = [{"employee_id": r["employee_id"], "name": who.get(r["employee_id"], ""), "codes": r["reasons"],
             "reasons": [texts.reason_text(code, lang) for code in r["reasons"]]} for r in found.rows]
    first, last = found.offset + 1, found.offset + len(found.rows)
    span = L.ui("excluded_range", lang).format(first=count_text(first, lang), last=count_text(last, lang),
                                               total=count_text(found.matching, lang))
    return {"found": found, "query": query, "reasons": reasons, "rows": rows, "span": span if rows else "",
            "total": count_text(found.total, lang),
            "previous": max(0, found.offset - found.limit) if found.offset > 0 else None,
            "next": last if last < found.matching else None}


@router.get("/api/excluded", response_class=HTMLResponse)
def excluded(request: Request, position_id: Id, as_of: Annotated[str, Query(max_length=40)] = "",
             q: Search = "", reason: Annotated[str, Query(max_length=MAX_ID_LENGTH)] = "",
             offset: Annotated[int, Query(ge=0, le=MAX_AUDIT_ID)] = 0,
             limit: Annotated[int, Query(ge=1, le=MAX_EXCLUDED_PAGE)] = DEFAULT_EXCLUDED_PAGE,
             lang: Lang = "id", _who: Caller = Depends(caller)):
    context = state(request).context
    when = resolve_as_of(context, as_of or None)
    query = ExcludedQuery(text=q, reason=reason or None, offset=offset, limit=limit, hide=COUNTED_ONLY)
    who = context.display_names
    found = excluded_slice(eligibility_excluded(context, position_id, when, state(request).rules), query, who)
    return render("excluded.html", lang, position_id=position_id, as_of=str(when.date()),
                  **excluded_view(found, query, who, lang))


# --- exports --------------------------------------------------------------------------------


def download(file: ExportFile) -> Response:
    return Response(file.body, media_type=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.name}"'})


@router.get("/api/rankings/{audit_id}/export")
async def export_ranking(audit_id: RankingId, request: Request, format: Format = "csv", lang: Lang = "id",
                         _who: Caller = Depends(caller)):
    """A recorded ranking as a file (``format`` csv or xlsx) in ``lang``."""
    return download(await run_in_threadpool(ranking_export, state(request), audit_id, format, lang))


@router.get("/api/plans/{audit_id}/export")
async def export_plan(audit_id: AuditId, request: Request, format: Format = "csv", lang: Lang = "id",
                      _who: Caller = Depends(caller)):
    """A recorded round plan's moves (csv) or its workbook (xlsx) in ``lang``."""
    return download(await run_in_threadpool(plan_export, state(request), audit_id, format, lang))


# --- the fairness page ----------------------------------------------------------------------


@router.get("/fairness", response_class=HTMLResponse)
def fairness_page(request: Request, lang: str = "id", version: str = ""):
    """The fairness page shell; odd query values fall back to the defaults."""
    lang = lang if lang in texts.LANGS else "id"
    version = version if version.isdigit() and len(version) <= 18 else ""
    switch = urlencode({k: v for k, v in {"version": version, "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("fairness_page.html", lang, prefix=PREFIX, version=version,
                  switch_href=f"{request.url.path}?{switch}", token_required=bool(request.app.state.tokens),
                  strings={key: L.ui(key, lang) for key in FAIRNESS_STRINGS})


def region_names(request: Request) -> dict[str, str]:
    regions: pd.DataFrame = state(request).context.dataset.regions
    if c.NAME not in regions:
        return {}
    return dict(zip(regions[c.REGION_ID].astype(str), regions[c.NAME].astype(str)))


@router.get("/api/fairness", response_class=HTMLResponse)
async def fairness(request: Request, version: Version = "", lang: Lang = "id", _who: Caller = Depends(caller)):
    """The fairness audit of ``version`` (default: the served champion, else the newest)."""
    app_state = state(request)
    uri = tracking_uri(app_state.champion.tracking_uri)
    versions = await run_in_threadpool(model_versions, uri)
    if not versions:
        return render("fairness.html", lang, versions=[], chosen=None, view=None)
    try:
        served = app_state.champion.get().version
    except NoChampionError:
        served = None
    by_number = {v.version: v for v in versions}
    chosen = by_number.get(version) or by_number.get(served) or versions[0]
    audit = await run_in_threadpool(fairness_audit, uri, chosen.run_id)
    view = fairness_view(audit, region_names(request), lang) if audit else None
    return render("fairness.html", lang, versions=versions, chosen=chosen, served=served, view=view,
                  count=lambda n: count_text(n, lang),
                  series_words={s: word(s, lang) for s in (view.series if view else ())},
                  scope=L.ui("fairness_scope", lang).format(positions=view.positions, as_of=view.as_of,
                                                            top_k=view.top_k) if view else "")
