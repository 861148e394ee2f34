"""Self-contained HTML of the plan reports: one jinja2 environment that escapes every value,
and the style sheet inlined in each page (no scripts, no external links; tables turn into
stacked cards on a phone)."""

from functools import lru_cache

from jinja2 import Environment, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True), undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True)

CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d7dce4; --soft: #f3f5f8; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .25rem; }
h4 { font-size: .95rem; margin: .75rem 0 .25rem; color: var(--muted); }
p { margin: .35rem 0; }
.muted { color: var(--muted); }
.box { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem 1rem; margin: 0 0 .5rem; }
.figures div { margin: 0; }
.figures dt { font-size: .8rem; color: var(--muted); }
.figures dd { margin: 0; font-size: 1.15rem; font-weight: 600; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; margin: .25rem 0 .75rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
         overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; }
td.id { overflow-wrap: normal; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
.tag { display: inline-block; font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #e4ecf7;
       color: var(--accent); margin: .1rem .2rem 0 0; }
.tag.warn { background: #fbeee0; color: #8a4b00; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
@media (max-width: 40rem) {
  body { padding: .5rem; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .25rem 0; }
  td { border: 0; padding: .2rem .6rem; }
  td.num, td.id { text-align: left; white-space: normal; overflow-wrap: anywhere; }
  td[data-label]::before { content: attr(data-label); display: block; font-size: .75rem; color: var(--muted); }
}
@media print { body { padding: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


@lru_cache(maxsize=8)
def _template(source: str) -> Template:
    return ENV.from_string(source)


def render(source: str, **context) -> str:
    """``source`` rendered with autoescaping and the shared style sheet as ``css``."""
    return _template(source).render(css=Markup(CSS), **context)
