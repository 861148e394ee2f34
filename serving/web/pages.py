"""What every reviewer-page module shares: the one template environment, the server's
state, and rendering a template with the UI words (``t``), the labels (``L``) and, for a
page with words of its own, ``w``."""

from collections.abc import Callable
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from serving.service import AppState
from serving.web import labels as L

HERE = Path(__file__).parent
PREFIX = "/review"
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
