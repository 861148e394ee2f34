"""What every reviewer-page module shares: the one template environment, the server's
state, and rendering a template with the UI words (``t``), the labels (``L``) and, for a
page with words of its own, ``w``."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from serving.limits import MAX_ID_LENGTH
from serving.service import AppState
from serving.web import labels as L

HERE = Path(__file__).parent
PREFIX = "/review"
# query parameters and sizes of the list pages (due, follow-up, talent)
PAGE = 50                         # entries per page of a list
UNITS_SHOWN = 10                  # units listed before "every unit"
MAX_OFFSET = 10_000_000
Filter = Annotated[str, Query(max_length=MAX_ID_LENGTH)]
Date = Annotated[str, Query(max_length=40)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Format = Literal["csv", "xlsx"]
JS_KEYS = ("loading", "error", "token_prompt", "token_wrong", "token_forbidden")   # UI words the scripts need

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


def state(request: Request) -> AppState:
    return request.app.state.mutasi


def render(name: str, lang: str, status: int = 200, headers: dict | None = None,
           words: Callable[..., str] | None = None, **values) -> HTMLResponse:
    """``words(key, lang, **fields)``: the page's own words, as ``w(key, **fields)`` in the template."""
    own = {} if words is None else {"w": lambda key, **fields: words(key, lang, **fields)}
    html = templates.get_template(name).render(lang=lang, t=lambda key: L.ui(key, lang), L=L, **own, **values)
    return HTMLResponse(html, status_code=status, headers=headers)
