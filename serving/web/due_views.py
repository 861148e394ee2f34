"""The due list on the reviewer site, mounted under ``/review`` by
:func:`serving.web.routes.mount_review`:

- ``GET /review/due``: the page shell (date, unit and reason filters);
- ``GET /review/api/due``: the per-unit counts and one page of the list (HTML fragment);
- ``GET /review/api/due/export``: the list as CSV (``part=list`` or ``units``) or XLSX
  (both as sheets), with the filters of the page.

Under the server's rule pack (``AppState.rules``); protected like the rest of the page.
Handlers only translate between HTTP and :func:`serving.due.due_list`; the words of the
files are :mod:`serving.due_export`'s, those of the page :data:`WORDS`.
"""

from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from serving import texts
from serving.due import REASON_ORDER, DueList, due_list
from serving.due_export import LIST, MEDIA_TYPES, export_bytes, file_name, reason_lines
from serving.excluded import count_text
from serving.requests import Lang
from serving.security import Caller, caller
from serving.web import labels as L
from serving.web import pages
from serving.web.pages import JS_KEYS, PAGE, PREFIX, UNITS_SHOWN, Date, Filter, Format, Offset, state

Part = Literal["list", "units"]

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Jatuh tempo mutasi", "Due to move"),
    "as_of": ("Tanggal keputusan", "Decision date"), "unit": ("Unit", "Unit"), "reason": ("Alasan", "Reason"),
    "all_units": ("Semua unit", "All units"), "all_reasons": ("Semua alasan", "All reasons"),
    "show": ("Tampilkan", "Show"),
    "summary": ("{due} dari {considered} pegawai jatuh tempo mutasi", "{due} of {considered} employees due to move"),
    "rules": ("Aturan {rules}: masa jabatan maks. {max} tahun · asesmen tiap {period} tahun · toleransi standar "
              "{tol} level", "Rules {rules}: max. {max} years in post · assessment every {period} years · "
                             "standard tolerance {tol} levels"),
    "off": ("mati", "off"),
    "per_unit": ("Per unit", "Per unit"), "unit_line": ("{due} dari {employees} jatuh tempo", "{due} of {employees} due"),
    "every_unit": ("Semua unit ({n})", "Every unit ({n})"),
    "list": ("Daftar", "List"), "range": ("{first}\u2013{last} dari {total}", "{first}\u2013{last} of {total}"),
    "in_post": ("{years} tahun di jabatan", "{years} years in post"),
    "none": ("Tidak ada pegawai yang jatuh tempo.", "Nobody is due to move."),
    "previous": ("Sebelumnya", "Previous"), "next": ("Berikutnya", "Next"),
    "export": ("Unduh", "Download"), "csv_list": ("CSV daftar", "CSV list"),
    "csv_units": ("CSV per unit", "CSV per unit"), "xlsx": ("XLSX (daftar dan per unit)", "XLSX (list and per unit)"),
    "filter_unit": ("Tampilkan unit ini", "Show this unit"),
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def word(key: str, lang: str, **fields) -> str:
    return texts.pick(WORDS[key], lang).format(**fields)


def render(name: str, lang: str, **values) -> HTMLResponse:
    return pages.render(name, lang, words=word, **values)


def unit_names(request: Request) -> dict[str, str]:
    return state(request).context.unit_names


def list_view(due: DueList, lang: str) -> dict:
    """The fragment's values in words: the summary, the units, one page of entries."""
    def limit(value) -> str:
        return word("off", lang) if value is None else texts.number(value, lang)

    units = [{"id": u.unit_id, "name": u.unit_name or u.unit_id, "count": u.due,
              "line": word("unit_line", lang, due=count_text(u.due, lang), employees=count_text(u.employees, lang)),
              "chips": [(texts.reason_text(code, lang), count_text(n, lang)) for code, n in u.by_reason.items() if n]}
             for u in due.units]
    entries = [{"id": e.employee_id, "name": e.display_name or "", "post": e.title or e.position_id,
                "unit": e.unit_name or e.unit_id or "", "codes": " ".join(e.reasons),
                "in_post": word("in_post", lang, years=texts.number(e.years_in_post, lang)),
                "reasons": reason_lines(e, due, lang)} for e in due.entries]
    first, last = due.offset + 1, due.offset + len(due.entries)
    return {"due": due, "units": units[:UNITS_SHOWN], "more_units": units[UNITS_SHOWN:], "entries": entries,
            "summary": word("summary", lang, due=count_text(sum(u.due for u in due.units), lang),
                            considered=count_text(due.considered, lang)),
            "rules": word("rules", lang, rules=due.rules, max=limit(due.max_years_in_post),
                          period=limit(due.assessment_period_years), tol=limit(due.competency_gap_tolerance)),
            "range": word("range", lang, first=count_text(first, lang), last=count_text(last, lang),
                          total=count_text(due.due, lang)) if entries else "",
            "previous": max(0, due.offset - PAGE) if due.offset > 0 else None,
            "next": last if last < due.due else None}


@router.get("/due", response_class=HTMLResponse)
def due_page(request: Request, lang: str = "id", unit: str = "", reason: str = "", as_of: str = ""):
    """The page shell; odd query values fall back to the defaults."""
    lang = lang if lang in texts.LANGS else "id"
    names = unit_names(request)
    unit = unit if unit in names else ""
    reason = reason if reason in REASON_ORDER else ""
    default_as_of = str(state(request).context.default_as_of.date())
    as_of = as_of if len(as_of) == 10 and as_of[4] == "-" and as_of[7] == "-" else default_as_of
    switch = urlencode({k: v for k, v in {"as_of": as_of, "unit": unit, "reason": reason,
                                          "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("due.html", lang, prefix=PREFIX, switch_href=f"{request.url.path}?{switch}",
                  token_required=bool(request.app.state.tokens), strings={k: L.ui(k, lang) for k in JS_KEYS},
                  as_of=as_of, unit=unit, reason=reason, units=sorted(names.items(), key=lambda item: item[1]),
                  reasons=[(str(code), texts.reason_text(code, lang)) for code in REASON_ORDER])


@router.get("/api/due", response_class=HTMLResponse)
async def due_fragment(request: Request, as_of: Date = "", unit: Filter = "", reason: Filter = "", offset: Offset = 0,
                       lang: Lang = "id", _who: Caller = Depends(caller)):
    app_state = state(request)
    due = await run_in_threadpool(due_list, app_state.context, as_of or None, app_state.rules, unit or None,
                                  reason or None, offset, PAGE, lang)
    return render("due_list.html", lang, **list_view(due, lang))


@router.get("/api/due/export")
async def due_export(request: Request, as_of: Date = "", unit: Filter = "", reason: Filter = "",
                     format: Format = "xlsx", part: Part = LIST, lang: Lang = "id", _who: Caller = Depends(caller)):
    """Every entry with the page's filters, as a file."""
    app_state = state(request)
    due = await run_in_threadpool(due_list, app_state.context, as_of or None, app_state.rules, unit or None,
                                  reason or None, 0, None, lang)
    body = await run_in_threadpool(export_bytes, due, format, part, lang)
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{file_name(due, format, part, lang)}"'})
