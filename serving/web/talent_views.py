"""The talent page of the reviewer site, mounted under ``/review`` by
:func:`serving.web.routes.mount_review`:

- ``GET /review/talent``: the page shell (filters by unit and job family, the key posts);
- ``GET /review/api/talent``: the 9-box as a 3x3 grid of counts (HTML fragment), the
  people not placed and the talent pool per job family;
- ``GET /review/api/talent/box``: the people of one box with both axes' inputs;
- ``GET /review/api/succession``: a key post's succession list (ready now, ready in 1–2
  years with the trainings and JP), from the served model when there is one.

Everything under the server's rule pack (``AppState.rules``); protected like the rest of
the page. Handlers only translate between HTTP and :mod:`serving.talent` /
:mod:`serving.succession`; the words are :mod:`serving.talent_words`.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from features import columns as c
from serving import talent as t
from serving import talent_words as w
from serving import texts
from serving.requests import Id, Lang
from serving.security import Caller, caller
from serving.succession import SuccessionList, key_post_ids, succession_list
from serving.talent_api import served_or_none
from serving.web import labels as L
from serving.web import pages
from serving.web.pages import JS_KEYS, PREFIX, Date, Filter, state

BOX_LIST_LIMIT = 200              # people listed per box; the rest are counted
SHADES = 5                        # shading steps of a box by its count (0 = empty)
Box = Annotated[int, Query(ge=1, le=9)]

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def render(name: str, lang: str, **values) -> HTMLResponse:
    return pages.render(name, lang, words=w.word, **values)


def shade(count: int, largest: int) -> int:
    """0 for an empty box, else 1..SHADES-1 by its share of the largest box."""
    return 0 if count <= 0 else 1 + min(SHADES - 2, int((SHADES - 1) * count / max(largest, 1)))


def grid_view(tmap: t.TalentMap, lang: str) -> dict:
    """The 3x3 grid (potential rows high to low, performance columns low to high), the
    people not placed and the pools, in words."""
    counts = tmap.counts()
    largest = max(counts.values())
    rows = [{"label": w.potential_level(pot, lang),
             "cells": [{"box": box, "count": counts[box], "title": w.box_title(box, lang),
                        "pool": box in t.POOL_BOXES, "shade": shade(counts[box], largest)}
                       for box in t.BOX_LAYOUT[pot]]}
            for pot in sorted(t.BOX_LAYOUT, reverse=True)]
    unplaced = [(w.unplaced(reason, lang), n) for reason, n in tmap.unplaced().items() if n]
    pools = [(texts.domain_name(family, lang), n) for family, n in tmap.pools().items()]
    return {"rows": rows, "columns": [w.performance_level(level, lang) for level in t.Level],
            "total": len(tmap.people), "unplaced": unplaced, "pools": pools, "as_of": str(tmap.as_of.date()),
            "rules": tmap.rules, "axis_performance": w.pick(w.AXES["performance"], lang),
            "axis_potential": w.pick(w.AXES["potential"], lang)}


def people_view(people, tmap: t.TalentMap, unit_names: dict[str, str], lang: str) -> list[dict]:
    """The people of a box, highest potential first, each with both axes' inputs in words."""
    ordered = people.sort_values([t.POTENTIAL_SCORE, t.PERFORMANCE_SCORE], ascending=False, kind="stable")
    return [{"id": row[t.EMPLOYEE_ID], "name": row["display_name"], "unit": unit_names.get(row[c.UNIT_ID] or "", ""),
             "family": texts.domain_name(row[t.JOB_FAMILY], lang), "inputs": w.inputs_text(row, lang)}
            for row in tmap.records(ordered.head(BOX_LIST_LIMIT))]


def succession_view(doc: SuccessionList, unit_names: dict[str, str], lang: str) -> dict:
    """A succession list in words: each successor's readiness, shortfalls and trainings."""
    people = []
    for s in doc.successors:
        people.append({
            "id": s.employee_id, "name": s.display_name, "box": s.box, "readiness": s.readiness,
            "readiness_text": w.word(s.readiness, lang), "unit": unit_names.get(s.unit_id or "", ""),
            "shortfalls": [texts.competency_name(code, lang) + " " + w.word("gap", lang, levels=texts.number(levels, lang))
                           + (f" ({w.word('not_assessed', lang)})" if code in s.not_assessed else "")
                           for code, levels in s.shortfalls.items()],
            "trainings": [{"name": step.name, "hours": texts.number(step.hours or 0, lang, 0),
                           "competencies": ", ".join(texts.competency_name(k, lang) for k in step.competencies),
                           "risk": None if step.expected_risk_change is None else
                           texts.risk_change_text(step.expected_risk_change, lang)} for step in s.trainings],
            "total": w.word("trainings_total", lang, hours=texts.number(s.total_hours, lang, 0)),
            "assumption": s.assumption})
    return {"doc": doc, "people": people, "unit": unit_names.get(doc.unit_id, doc.unit_id),
            "type": texts.pick(texts.POSITION_TYPE_NAMES.get(doc.position_type, (doc.position_type,) * 2), lang)}


def unit_names(request: Request) -> dict[str, str]:
    return state(request).context.unit_names


def key_posts(request: Request) -> list[dict]:
    """The key posts for the picker (built once per app): id and title."""
    cached = getattr(request.app.state, "talent_key_posts", None)
    if cached is None:
        pos = state(request).context.dataset.positions
        titles = dict(zip(pos[c.POSITION_ID].astype(str), pos[c.TITLE].astype(str)))
        cached = [{"id": pid, "title": titles.get(pid, pid)} for pid in key_post_ids(pos)]
        request.app.state.talent_key_posts = cached
    return cached


@router.get("/talent", response_class=HTMLResponse)
def talent_page(request: Request, lang: str = "id", unit: str = "", domain: str = ""):
    """The page shell; odd query values fall back to the defaults."""
    lang = lang if lang in texts.LANGS else "id"
    context = state(request).context
    names = unit_names(request)
    unit = unit if unit in names else ""
    families = sorted(set(context.dataset.positions[c.DOMAIN].astype(str)))
    domain = domain if domain in families else ""
    switch = urlencode({k: v for k, v in {"unit": unit, "domain": domain,
                                          "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("talent.html", lang, prefix=PREFIX, switch_href=f"{request.url.path}?{switch}",
                  token_required=bool(request.app.state.tokens), strings={k: L.ui(k, lang) for k in JS_KEYS},
                  default_as_of=str(context.default_as_of.date()), unit=unit, domain=domain,
                  units=sorted(names.items(), key=lambda item: item[1]),
                  families=[(f, texts.domain_name(f, lang)) for f in families], posts=key_posts(request))


@router.get("/api/talent", response_class=HTMLResponse)
async def talent_grid(request: Request, as_of: Date = "", unit: Filter = "", domain: Filter = "", lang: Lang = "id",
                      _who: Caller = Depends(caller)):
    app_state = state(request)
    tmap = await run_in_threadpool(t.talent_map, app_state.context, as_of or None, app_state.rules, unit or None,
                                   domain or None)
    return render("talent_grid.html", lang, **grid_view(tmap, lang))


@router.get("/api/talent/box", response_class=HTMLResponse)
async def talent_box(request: Request, box: Box, as_of: Date = "", unit: Filter = "", domain: Filter = "",
                     lang: Lang = "id", _who: Caller = Depends(caller)):
    app_state = state(request)
    tmap = await run_in_threadpool(t.talent_map, app_state.context, as_of or None, app_state.rules, unit or None,
                                   domain or None)
    people = tmap.in_box(box)
    return render("talent_box.html", lang, box=box, title=w.box_title(box, lang), count=len(people),
                  people=people_view(people, tmap, unit_names(request), lang), limit=BOX_LIST_LIMIT,
                  pool=box in t.POOL_BOXES)


@router.get("/api/succession", response_class=HTMLResponse)
async def succession(request: Request, position_id: Id, as_of: Date = "", lang: Lang = "id",
                     _who: Caller = Depends(caller)):
    app_state = state(request)
    served = await run_in_threadpool(served_or_none, app_state.champion)
    doc = await run_in_threadpool(succession_list, app_state.context, position_id, served, as_of or None,
                                  app_state.rules, lang=lang)
    return render("talent_succession.html", lang, **succession_view(doc, unit_names(request), lang))
