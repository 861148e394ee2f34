"""Write a plan for people: ``plan.csv``, ``unfilled.csv``, ``plan.xlsx`` and ``plan.html``.

- ``plan.csv``: one row per move (columns named as in the plan document, the same in both
  languages, so scripts can read it); reasons in words in the report's language.
- ``unfilled.csv``: one row per unfilled vacancy with its reasons in words. A separate file
  rather than extra rows at the bottom of ``plan.csv``: each file then holds one kind of row
  with every column meaningful, so a spreadsheet user can sort, filter and count moves
  without stray half-empty rows, and a script reads moves without skipping a second table.
- ``plan.xlsx``: sheets Summary, Moves, Unfilled, Units, Constraints (headers in the
  report's language, bold and frozen; numbers, dates and yes/no as real cells).
- ``plan.html``: a self-contained report (inline style, no scripts, no external links) that
  reads on a phone: the plan's value against its bound and the greedy pick, what the
  constraints cost, who leaves and who arrives per unit and why, unfilled vacancies.

Nothing half-written: every file is written into a staging directory next to ``out_dir``
and moved in only when all of them are complete; other files in ``out_dir`` are untouched.
Text cells that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``) are kept
as text.
"""

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from serving.context import ServingContext
from serving.planning import words as w
from serving.planning.document import Plan
from serving.planning.html import render
from serving.texts import pick

PLAN_CSV, UNFILLED_CSV, PLAN_XLSX, PLAN_HTML = "plan.csv", "unfilled.csv", "plan.xlsx", "plan.html"
FILES = (PLAN_CSV, UNFILLED_CSV, PLAN_XLSX, PLAN_HTML)
CSV_ENCODING = "utf-8-sig"          # the byte-order mark makes Excel read UTF-8 (unit names, "−")
JOIN = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MOVE_COLUMNS = ("position_id", "title", "unit_id", "unit", "employee_id", "from_position_id", "from_title",
                "from_unit_id", "from_unit", "predicted_performance", "adjustment_risk", "value", "preference_met",
                "against_wish", "key_post", "chain_depth", "fixed", "runners_up", "reasons_for", "reasons_against")
UNFILLED_COLUMNS = ("position_id", "title", "unit_id", "unit", "missing", "n_candidates", "reasons", "reason_codes")
UNIT_COLUMNS = ("unit_id", "unit", "staff", "max_outflow", "leaving", "arriving")
CONSTRAINT_COLUMNS = ("constraint_code", "constraint", "binding", "cost", "relaxed_value")
NUMBER_FORMATS = {"predicted_performance": "0.00", "adjustment_risk": "0.0%", "value": "0.000", "cost": "0.000",
                  "relaxed_value": "0.000"}
WRAPPED = {"reasons_for", "reasons_against", "reasons", "runners_up", "title", "from_title", "unit", "from_unit",
           "constraint"}
HEADER_KEYS = {"value": "move_value"}     # columns whose header words differ from their code
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class PlanTables:
    """The plan as plain rows (one dict per row, keyed by column code), shared by every format."""

    moves: list[dict]
    unfilled: list[dict]
    units: list[dict]
    constraints: list[dict]

    @classmethod
    def build(cls, plan: Plan, names: w.Names, lang: str) -> "PlanTables":
        moves = [{
            "position_id": m.position_id, "title": names.title(m.position_id), "unit_id": m.unit_id,
            "unit": names.unit(m.unit_id), "employee_id": m.employee_id, "from_position_id": m.from_position_id,
            "from_title": names.title(m.from_position_id), "from_unit_id": m.from_unit_id,
            "from_unit": names.unit(m.from_unit_id), "predicted_performance": m.predicted_performance,
            "adjustment_risk": m.adjustment_risk, "value": m.value, "preference_met": m.preference_met,
            "against_wish": m.against_wish, "key_post": m.key_post, "chain_depth": m.chain_depth, "fixed": m.fixed,
            "runners_up": ";".join(m.runners_up),
            "reasons_for": JOIN.join(names.reasons(m, lang, plan.language, favourable=True)),
            "reasons_against": JOIN.join(names.reasons(m, lang, plan.language, favourable=False)),
        } for m in plan.moves]
        unfilled = []
        for u in plan.unfilled:
            unit_id = names.unit_id_of(u.position_id)
            unfilled.append({"position_id": u.position_id, "title": names.title(u.position_id), "unit_id": unit_id,
                             "unit": names.unit(unit_id), "missing": u.missing, "n_candidates": u.n_candidates,
                             "reasons": JOIN.join(w.unfilled_reason(r, lang) for r in u.reasons),
                             "reason_codes": ";".join(str(r) for r in u.reasons)})
        units = [{"unit_id": f.unit_id, "unit": names.unit(f.unit_id), "staff": f.staff,
                  "max_outflow": f.max_outflow, "leaving": f.leaving, "arriving": f.arriving} for f in plan.units]
        constraints = [{"constraint_code": k.name, "constraint": w.constraint_name(k.name, lang),
                        "binding": k.binding, "cost": k.cost, "relaxed_value": k.relaxed_value}
                       for k in plan.constraints]
        return cls(moves, unfilled, units, constraints)


def write_plan(plan: Plan, context: ServingContext, out_dir: Path, lang: str = "id") -> list[Path]:
    """Write plan.csv, unfilled.csv, plan.xlsx and plan.html into ``out_dir`` (created if
    needed; other files there are left alone) and return their paths. On any failure no
    file of this call is left behind and the previous ones stay as they were."""
    return write_files(Path(out_dir), plan_files(plan, context, lang))


def plan_files(plan: Plan, context: ServingContext, lang: str = "id") -> dict[str, Callable[[Path], None]]:
    """The writers of the four files by name, for :func:`write_files` (with others, e.g. the
    announcement, when they must appear together)."""
    w.check_lang(lang)
    names = w.Names.from_context(context)
    tables = PlanTables.build(plan, names, lang)
    html = plan_html(plan, names, tables, lang)
    return {
        PLAN_CSV: lambda path: write_csv(path, MOVE_COLUMNS, tables.moves),
        UNFILLED_CSV: lambda path: write_csv(path, UNFILLED_COLUMNS, tables.unfilled),
        PLAN_XLSX: lambda path: write_xlsx(path, plan, tables, lang),
        PLAN_HTML: lambda path: path.write_text(html, encoding="utf-8"),
    }


# --- all or nothing -------------------------------------------------------------------------


def write_files(out_dir: Path, writers: dict[str, Callable[[Path], None]]) -> list[Path]:
    """Call each writer on a path in a staging directory next to ``out_dir``; when all have
    succeeded, move the files into ``out_dir`` (replacing files of the same name only)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir} exists and is not a directory")
    for name in writers:
        if (out_dir / name).is_dir():
            raise IsADirectoryError(f"{out_dir / name} is a directory")
    parent = out_dir.absolute().parent
    created = [d for d in (parent, *parent.parents) if not d.exists()]
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=parent))
    made_out_dir = False
    try:
        for name, write in writers.items():
            write(staging / name)
        if not out_dir.is_dir():
            out_dir.mkdir()
            made_out_dir = True
        for name in writers:
            os.replace(staging / name, out_dir / name)
    except BaseException:
        if made_out_dir:
            shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        for d in created:                       # innermost first; only if still empty
            try:
                d.rmdir()
            except OSError:
                break
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in writers]


# --- CSV ------------------------------------------------------------------------------------


def as_text(value) -> str:
    """A text cell that no spreadsheet evaluates as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_cell(value):
    """A value as a CSV cell: empty for None, true/false, text that no spreadsheet evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return as_text(value) if isinstance(value, str) else value


def csv_bytes(header: Sequence[str], columns: Sequence[str], rows: Iterable[Mapping]) -> bytes:
    """The rows as CSV with a byte-order mark: the ``header`` line, then each row's
    ``columns`` as :func:`csv_cell` values (every CSV export of the project)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(row[col]) for col in columns])
    return out.getvalue().encode(CSV_ENCODING)


def column_headers(columns: Mapping[str, tuple[str, str]], lang: str) -> list[str]:
    """The header words of ``columns`` (name -> (Indonesian, English)) in ``lang``."""
    return [pick(words, lang) for words in columns.values()]


def worded_csv(columns: Mapping[str, tuple[str, str]], rows: Sequence[Mapping], lang: str = "id") -> bytes:
    """:func:`csv_bytes` of ``rows`` under the words of ``columns`` in ``lang``."""
    return csv_bytes(column_headers(columns, lang), list(columns), rows)


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    path.write_bytes(csv_bytes(columns, columns, rows))


# --- XLSX -----------------------------------------------------------------------------------


def write_xlsx(path: Path, plan: Plan, tables: PlanTables, lang: str) -> None:
    book = Workbook()
    _summary_sheet(book.active, plan, lang)
    no_cap = w.t("no_cap", lang)
    units = [{**row, "max_outflow": no_cap if row["max_outflow"] is None else row["max_outflow"]}
             for row in tables.units]
    for key, columns, rows in (("sheet_moves", MOVE_COLUMNS, tables.moves),
                               ("sheet_unfilled", UNFILLED_COLUMNS, tables.unfilled),
                               ("sheet_units", UNIT_COLUMNS, units),
                               ("sheet_constraints", CONSTRAINT_COLUMNS, tables.constraints)):
        _table_sheet(book.create_sheet(w.t(key, lang)), columns, rows, lang)
    book.save(path)


def _put(sheet, row: int, col: int, value, number_format: str | None = None):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)     # control characters have no place in XML
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"                    # "=..." stays text, never a formula
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def _header(sheet, labels: list[str]) -> None:
    for j, label in enumerate(labels, start=1):
        _put(sheet, 1, j, label).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def table_sheet(sheet, columns: tuple[str, ...], headers: list[str], rows, number_formats: dict[str, str],
                wrapped: set[str]) -> None:
    """``rows`` under a bold frozen header: real numbers in their formats, long texts
    wrapped, widths fitted to the content (within MIN_WIDTH..MAX_WIDTH)."""
    _header(sheet, headers)
    for i, row in enumerate(rows, start=2):
        for j, col in enumerate(columns, start=1):
            cell = _put(sheet, i, j, row[col], number_formats.get(col))
            if col in wrapped:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(columns, start=1):
        longest = max([len(headers[j - 1])] + [len(str(row[col] if row[col] is not None else "")) for row in rows])
        sheet.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def _table_sheet(sheet, columns: tuple[str, ...], rows: list[dict], lang: str) -> None:
    headers = [w.t(HEADER_KEYS.get(col, col), lang) for col in columns]
    table_sheet(sheet, columns, headers, rows, NUMBER_FORMATS, WRAPPED)
    sheet.auto_filter.ref = sheet.dimensions


def summary_items(plan: Plan) -> list[tuple[str, object, str | None]]:
    """(text key, value, number format) of the plan's headline figures."""
    o = plan.objective
    return [("plan_id", plan.plan_id, None), ("as_of", plan.as_of, "yyyy-mm-dd"),
            ("model", f"{plan.model.name} v{plan.model.version} (run {plan.model.run_id})", None),
            ("rules", plan.rules, None), ("value", o.value, "0.000"), ("bound", o.bound, "0.000"),
            ("gap", o.gap, "0.0000%"), ("greedy_value", o.greedy_value, "0.000"),
            ("greedy_filled", o.greedy_filled, "0"), ("relaxed_value", o.relaxed_value, "0.000"),
            ("constraints_cost", constraints_cost(plan), "0.000"), ("solver", o.solver, None),
            ("seconds", o.seconds, "0.000"), ("n_vacancies", plan.n_vacancies, "0"),
            ("headcount", plan.headcount, "0"), ("n_moves", len(plan.moves), "0"),
            ("n_unfilled", sum(u.missing for u in plan.unfilled), "0"), ("n_pairs", plan.n_pairs, "#,##0")]


def constraints_cost(plan: Plan) -> float:
    """Objective given up to all the constraints together (never below 0)."""
    return max(0.0, round(plan.objective.relaxed_value - plan.objective.value, 6))


def settings_items(settings: dict, prefix: str = "") -> list[tuple[str, object]]:
    """The settings flattened to (dotted name, number or text)."""
    out: list[tuple[str, object]] = []
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += settings_items(value, name + ".")
        elif isinstance(value, list | tuple):
            out.append((name, JOIN.join(":".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
                                        for v in value)))
        elif value is None:
            out.append((name, "none"))
        else:
            out.append((name, value))
    return out


def _summary_sheet(sheet, plan: Plan, lang: str) -> None:
    sheet.title = w.t("sheet_summary", lang)
    _header(sheet, [w.t("item", lang), w.t("value", lang)])
    row = 2
    for key, value, fmt in summary_items(plan):
        _put(sheet, row, 1, w.t(key, lang))
        _put(sheet, row, 2, value, fmt).alignment = Alignment(horizontal="left")
        row += 1
    row += 1
    _put(sheet, row, 1, w.t("settings", lang)).font = Font(bold=True)
    for name, value in settings_items(plan.settings):
        row += 1
        _put(sheet, row, 1, name)
        _put(sheet, row, 2, value).alignment = Alignment(horizontal="left")
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 48


# --- HTML -----------------------------------------------------------------------------------

PLAN_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · mutasi</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<header>
  <h1>{{ title }}</h1>
  <p class="muted">{{ t("plan_id") }} {{ plan.plan_id }} · {{ t("model") }} {{ model }} · {{ t("rules") }}
    {{ plan.rules }}</p>
</header>

<section class="box" aria-labelledby="objective">
  <h2 id="objective">{{ t("objective_box") }}</h2>
  <dl class="figures">
    {% for label, shown in figures %}<div><dt>{{ label }}</dt><dd>{{ shown }}</dd></div>
    {% endfor %}
  </dl>
  <p>{{ t("objective_help") }}</p>
  <p>{{ bound_help }}</p>
  <p>{{ greedy_help }}</p>
  <p>{{ cost_help }}</p>
  {% if binding %}
  <ul>{% for name, cost in binding %}<li>{{ name }}: {{ cost }}</li>{% endfor %}</ul>
  {% else %}<p>{{ t("no_binding") }}</p>{% endif %}
</section>

<section aria-labelledby="units">
  <h2 id="units">{{ t("units") }}</h2>
  {% if not sections %}<p>{{ t("no_moves") }}</p>{% endif %}
  {% for s in sections %}
  <h3>{{ s.name }} <span class="muted">({{ s.unit_id }})</span></h3>
  <p class="muted">{{ s.flow }}</p>
  <h4>{{ t("arriving") }} ({{ s.arriving | length }})</h4>
  {% if s.arriving %}
  <table>
    <thead><tr><th>{{ t("employee") }}</th><th>{{ t("to") }}</th><th>{{ t("from") }}</th>
      <th>{{ t("predicted_performance") }}</th><th>{{ t("adjustment_risk") }}</th><th>{{ t("reasons_for") }}</th>
      <th>{{ t("reasons_against") }}</th></tr></thead>
    <tbody>
    {% for m in s.arriving %}
    <tr>
      <td class="id" data-label="{{ t('employee') }}">{{ m.employee_id }}
        {% for tag, warn in m.tags %}<br><span class="tag{{ ' warn' if warn }}">{{ tag }}</span>{% endfor %}</td>
      <td data-label="{{ t('to') }}">{{ m.title or m.position_id }} <span class="muted">({{ m.position_id }})</span></td>
      <td data-label="{{ t('from') }}">{{ m.from_post }}</td>
      <td class="num" data-label="{{ t('predicted_performance') }}">{{ m.performance }}</td>
      <td class="num" data-label="{{ t('adjustment_risk') }}">{{ m.risk }}</td>
      <td data-label="{{ t('reasons_for') }}"><ul class="reasons">{% for r in m.reasons_for %}<li>{{ r }}</li>{% endfor %}</ul></td>
      <td data-label="{{ t('reasons_against') }}"><ul class="reasons">{% for r in m.reasons_against %}<li>{{ r }}</li>{% endfor %}</ul></td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  {% else %}<p class="muted">{{ t("nobody") }}</p>{% endif %}
  <h4>{{ t("leaving") }} ({{ s.leaving | length }})</h4>
  {% if s.leaving %}
  <table>
    <thead><tr><th>{{ t("employee") }}</th><th>{{ t("from") }}</th><th>{{ t("to") }}</th></tr></thead>
    <tbody>
    {% for m in s.leaving %}
    <tr>
      <td class="id" data-label="{{ t('employee') }}">{{ m.employee_id }}</td>
      <td data-label="{{ t('from') }}">{{ m.from_title or m.from_position_id or t("unknown_post") }}</td>
      <td data-label="{{ t('to') }}">{{ m.to_post }}</td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  {% else %}<p class="muted">{{ t("nobody") }}</p>{% endif %}
  {% endfor %}
</section>

<section aria-labelledby="unfilled">
  <h2 id="unfilled">{{ t("unfilled") }}</h2>
  {% if unfilled %}
  <table>
    <thead><tr><th>{{ t("title") }}</th><th>{{ t("unit") }}</th><th>{{ t("missing") }}</th>
      <th>{{ t("n_candidates") }}</th><th>{{ t("reasons") }}</th></tr></thead>
    <tbody>
    {% for u in unfilled %}
    <tr>
      <td data-label="{{ t('title') }}">{{ u.title or u.position_id }} <span class="muted">({{ u.position_id }})</span></td>
      <td data-label="{{ t('unit') }}">{{ u.unit }}</td>
      <td class="num" data-label="{{ t('missing') }}">{{ u.missing }}</td>
      <td class="num" data-label="{{ t('n_candidates') }}">{{ u.n_candidates }}</td>
      <td data-label="{{ t('reasons') }}"><ul class="reasons">{% for r in u.reasons %}<li>{{ r }}</li>{% endfor %}</ul></td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  {% else %}<p>{{ t("no_unfilled") }}</p>{% endif %}
</section>

<section aria-labelledby="constraints">
  <h2 id="constraints">{{ t("constraints") }}</h2>
  <table>
    <thead><tr><th>{{ t("constraint") }}</th><th>{{ t("binding") }}</th><th>{{ t("cost") }}</th></tr></thead>
    <tbody>
    {% for k in constraints %}
    <tr>
      <td data-label="{{ t('constraint') }}">{{ k.name }}</td>
      <td data-label="{{ t('binding') }}">{{ k.binding }}</td>
      <td class="num" data-label="{{ t('cost') }}">{{ k.cost }}</td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  <h3>{{ t("settings") }}</h3>
  <table>
    <tbody>
    {% for name, value in settings %}
    <tr><td data-label="{{ t('setting') }}">{{ name }}</td><td data-label="{{ t('value') }}">{{ value }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</section>
<footer>{{ t("generated", model=model) }}</footer>
</main>
</body>
</html>
"""


def plan_html(plan: Plan, names: w.Names, tables: PlanTables, lang: str) -> str:
    """The self-contained HTML report (every value escaped)."""
    o = plan.objective

    def num(value: float) -> str:
        return w.score(value, lang, 3)

    def post(title: str, position_id: str | None, unit: str) -> str:
        what = title or position_id or w.t("unknown_post", lang)
        return f"{what} · {unit}" if unit else what

    cost = constraints_cost(plan)
    figures = [(w.t("value", lang), num(o.value)), (w.t("bound", lang), num(o.bound)),
               (w.t("gap", lang), w.percent(o.gap, lang, 2)), (w.t("greedy_value", lang), num(o.greedy_value)),
               (w.t("relaxed_value", lang), num(o.relaxed_value)), (w.t("constraints_cost", lang), num(cost)),
               (w.t("n_moves", lang), str(len(plan.moves))),
               (w.t("n_unfilled", lang), str(sum(u.missing for u in plan.unfilled)))]
    rows = []
    for m, row in zip(plan.moves, tables.moves):
        tags = [(w.t(key, lang), key == "against_wish") for key in ("key_post", "preference_met", "against_wish",
                                                                    "fixed") if getattr(m, key)]
        rows.append({**row, "tags": tags, "performance": w.score(m.predicted_performance, lang),
                     "risk": w.percent(m.adjustment_risk, lang),
                     "from_post": post(row["from_title"], row["from_position_id"], row["from_unit"]),
                     "to_post": post(row["title"], row["position_id"], row["unit"]),
                     "reasons_for": names.reasons(m, lang, plan.language, favourable=True),
                     "reasons_against": names.reasons(m, lang, plan.language, favourable=False)})
    return render(PLAN_TEMPLATE, lang=lang, t=lambda key, **kw: w.t(key, lang, **kw), plan=plan,
                  title=w.t("plan_title", lang, as_of=plan.as_of.isoformat()),
                  model=f"{plan.model.name} v{plan.model.version}", figures=figures,
                  bound_help=w.t("bound_help", lang, bound=num(o.bound), gap=w.percent(o.gap, lang, 2)),
                  greedy_help=w.t("greedy_help", lang, greedy=num(o.greedy_value), filled=o.greedy_filled,
                                  diff=num(o.value - o.greedy_value)),
                  cost_help=w.t("cost_help", lang, relaxed=num(o.relaxed_value), cost=num(cost)),
                  binding=[(w.constraint_name(k.name, lang), num(k.cost)) for k in plan.constraints if k.binding],
                  sections=_unit_sections(plan, rows, names, lang),
                  unfilled=[{**row, "reasons": [w.unfilled_reason(r, lang) for r in u.reasons]}
                            for u, row in zip(plan.unfilled, tables.unfilled)],
                  constraints=[{"name": w.constraint_name(k.name, lang), "binding": w.yes_no(k.binding, lang),
                                "cost": num(k.cost)} for k in plan.constraints],
                  settings=settings_items(plan.settings))


def _unit_sections(plan: Plan, rows: list[dict], names: w.Names, lang: str) -> list[dict]:
    """One section per unit that loses or gains someone: the plan's unit flows first, then
    any unit of a move the flows do not list (so every mover appears)."""
    flows = {f.unit_id: f for f in plan.units}
    order = list(flows)
    for row in rows:
        for unit_id in (row["unit_id"], row["from_unit_id"]):
            if unit_id is not None and unit_id not in flows and unit_id not in order:
                order.append(unit_id)
    sections = []
    for unit_id in order:
        f = flows.get(unit_id)
        arriving = [r for r in rows if r["unit_id"] == unit_id]
        leaving = [r for r in rows if r["from_unit_id"] == unit_id]
        if f is None:
            flow = ""
        else:
            cap = w.t("no_cap", lang) if f.max_outflow is None else str(f.max_outflow)
            flow = (f"{w.t('staff', lang)} {f.staff} · {w.t('max_outflow', lang)} {cap} · "
                    f"{w.t('leaving', lang)} {f.leaving} · {w.t('arriving', lang)} {f.arriving}")
        sections.append({"unit_id": unit_id, "name": names.unit(unit_id), "flow": flow,
                         "arriving": arriving, "leaving": leaving})
    return sections
