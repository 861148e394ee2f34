"""The follow-up list on the reviewer site, mounted under ``/review`` by
:func:`serving.web.routes.mount_review`:

- ``GET /review/follow-up``: the page shell (date, unit and warning filters);
- ``GET /review/api/follow-up``: the counts and one page of the watchlist, each entry with
  its onboarding plan in a ``<details>`` (HTML fragment);
- ``GET /review/api/follow-up/export``: the list as CSV or XLSX (watchlist, trainings,
  check-ins), with the filters of the page.

Scored by the served champion (503 when there is none); protected like the rest of the
page. Handlers only translate between HTTP and :func:`serving.followup.follow_up`; the
words of the files are :mod:`serving.followup_export`'s, those of the page :data:`WORDS`.
"""

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from serving import texts
from serving.excluded import count_text
from serving.followup import EarlyWarning, FollowEntry, FollowUp, follow_up
from serving.followup_export import (
    MEDIA_TYPES,
    export_bytes,
    file_name,
    gap_texts,
    mentor_text,
    reason_text,
    warning_line,
)
from serving.followup_words import notice_text, percent, warning_text
from serving.requests import Lang
from serving.security import Caller, caller
from serving.web import labels as L
from serving.web import pages
from serving.web.pages import JS_KEYS, PAGE, PREFIX, UNITS_SHOWN, Date, Filter, Format, Offset, state

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Tindak lanjut mutasi", "Follow-up after transfers"),
    "as_of": ("Tanggal", "Date"), "unit": ("Unit", "Unit"), "warning": ("Peringatan", "Warning"),
    "all_units": ("Semua unit", "All units"), "all_warnings": ("Semua peringatan", "All warnings"),
    "show": ("Tampilkan", "Show"),
    "summary": ("{warned} dari {n} pegawai yang dimutasi dalam {months} bulan terakhir dengan peringatan dini",
                "{warned} of {n} employees moved in the last {months} months with early warnings"),
    "settings": ("Ambang risiko {threshold} · kenaikan risiko {rise} · SKP turun {drop} poin · survei puas \u2264 {sat}",
                 "Risk threshold {threshold} · risk rise {rise} · SKP drop {drop} points · survey satisfaction \u2264 {sat}"),
    "per_unit": ("Per unit", "Per unit"),
    "unit_line": ("{warned} dari {n} dengan peringatan", "{warned} of {n} with warnings"),
    "every_unit": ("Semua unit ({n})", "Every unit ({n})"), "filter_unit": ("Tampilkan unit ini", "Show this unit"),
    "list": ("Daftar pantau", "Watchlist"), "range": ("{first}\u2013{last} dari {total}", "{first}\u2013{last} of {total}"),
    "since": ("{months} bulan sejak mutasi ({day})", "{months} months since the move ({day})"),
    "risk": ("Risiko saat keputusan {before} \u2192 sekarang {now} ({change})",
             "Risk at the decision {before} \u2192 now {now} ({change})"),
    "risk_alone": ("Risiko saat keputusan {before}", "Risk at the decision {before}"),
    "raising": ("Menaikkan risiko", "Raising the risk"), "lowering": ("Menurunkan risiko", "Lowering the risk"),
    "survey": ("Survei {day}: kepuasan {level} dari 5{stay}", "Survey {day}: satisfaction {level} of 5{stay}"),
    "stays": (", ingin bertahan", ", wants to stay"), "leaves": (", ingin pindah", ", wants to leave"),
    "plan": ("Rencana orientasi", "Onboarding plan"), "gaps": ("Kesenjangan (level / standar)", "Gaps (level / standard)"),
    "no_gaps": ("Tidak ada kesenjangan kompetensi.", "No competency gap."),
    "trainings": ("Pelatihan", "Trainings"), "no_trainings": ("Tidak ada pelatihan yang disarankan.", "No training suggested."),
    "jp": ("{done} JP dalam 12 bulan terakhir + {planned} JP direncanakan; masih kurang {short} JP dari {year} JP setahun",
           "{done} JP in the last 12 months + {planned} JP planned; {short} JP still owed of {year} JP a year"),
    "mentor": ("Mentor", "Mentor"), "check_ins": ("Pendampingan", "Check-ins"),
    "none": ("Tidak ada pegawai yang cocok.", "Nobody matches."),
    "previous": ("Sebelumnya", "Previous"), "next": ("Berikutnya", "Next"),
    "export": ("Unduh", "Download"), "csv": ("CSV daftar pantau", "CSV watchlist"),
    "xlsx": ("XLSX (daftar, pelatihan, pendampingan)", "XLSX (watchlist, trainings, check-ins)"),
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def word(key: str, lang: str, **fields) -> str:
    return texts.pick(WORDS[key], lang).format(**fields)


def render(name: str, lang: str, **values) -> HTMLResponse:
    return pages.render(name, lang, words=word, **values)


def plan_view(e: FollowEntry, follow: FollowUp, lang: str) -> dict | None:
    plan = e.plan
    if plan is None:
        return None
    n = lambda x: texts.number(x, lang, 0)  # noqa: E731
    return {"gaps": gap_texts(e, lang), "mentor": mentor_text(e, lang),
            "trainings": [f"{t.name} \u00b7 {n(t.hours)} JP \u00b7 {texts.risk_change_text(t.expected_risk_change, lang)}"
                          for t in plan.trainings],
            "jp": word("jp", lang, done=n(plan.jp_last_12_months), planned=n(plan.jp_planned), short=n(plan.jp_short),
                       year=n(follow.jp_per_year)),
            "check_ins": [(day.isoformat(), day == plan.next_check_in) for day in plan.check_ins]}


def entry_view(e: FollowEntry, follow: FollowUp, lang: str) -> dict:
    """One card of the list in words."""
    before = percent(e.risk_at_decision, lang)
    risk = (word("risk_alone", lang, before=before) if e.risk_now is None else
            word("risk", lang, before=before, now=percent(e.risk_now, lang),
                 change=texts.risk_change_text(e.risk_change or 0.0, lang)))
    survey = e.survey
    stay = "" if survey is None or survey.wants_to_stay is None else word("stays" if survey.wants_to_stay else "leaves", lang)
    return {"id": e.employee_id, "name": e.display_name or "", "post": e.title or e.position_id,
            "unit": e.unit_name or e.unit_id or "", "codes": " ".join(e.warnings), "risk": risk,
            "rose": e.risk_change is not None and e.risk_change > 0,
            "since": word("since", lang, months=texts.number(e.months_since_move, lang, 0), day=e.move_date.isoformat()),
            "warnings": [(str(code), warning_text(code, lang), warning_line(code, e, follow, lang)) for code in e.warnings],
            "raising": [reason_text(r, lang) for r in e.raising], "lowering": [reason_text(r, lang) for r in e.lowering],
            "survey": None if survey is None else word("survey", lang, day=survey.survey_date.isoformat(),
                                                       level=survey.satisfaction, stay=stay),
            "comment": None if survey is None else survey.comment, "plan": plan_view(e, follow, lang)}


def list_view(follow: FollowUp, lang: str) -> dict:
    """The fragment's values in words: the summary, the units, one page of entries."""
    units = [{"id": u.unit_id, "name": u.unit_name or u.unit_id, "count": u.warned,
              "line": word("unit_line", lang, warned=count_text(u.warned, lang), n=count_text(u.transferees, lang)),
              "chips": [(warning_text(code, lang), count_text(n, lang)) for code, n in u.by_warning.items() if n]}
             for u in follow.units]
    first, last = follow.offset + 1, follow.offset + len(follow.entries)
    return {"follow": follow, "units": units[:UNITS_SHOWN], "more_units": units[UNITS_SHOWN:],
            "entries": [entry_view(e, follow, lang) for e in follow.entries],
            "model_notices": [notice_text(code, lang) for code in follow.followup_notices],
            "summary": word("summary", lang, warned=count_text(follow.warned, lang),
                            n=count_text(follow.transferees, lang), months=follow.months),
            "settings": word("settings", lang, threshold=percent(follow.risk_threshold, lang),
                             rise=texts.risk_change_text(follow.risk_rise, lang),
                             drop=texts.number(follow.appraisal_drop, lang), sat=follow.unhappy_satisfaction),
            "by_warning": [(str(code), warning_text(code, lang), count_text(n, lang)) for code, n in follow.by_warning.items()],
            "range": word("range", lang, first=count_text(first, lang), last=count_text(last, lang),
                          total=count_text(follow.matching, lang)) if follow.entries else "",
            "previous": max(0, follow.offset - PAGE) if follow.offset > 0 else None,
            "next": last if last < follow.matching else None}


@router.get("/follow-up", response_class=HTMLResponse)
def follow_up_page(request: Request, lang: str = "id", unit: str = "", warning: str = "", as_of: str = ""):
    """The page shell; odd query values fall back to the defaults."""
    lang = lang if lang in texts.LANGS else "id"
    names = state(request).context.unit_names
    unit = unit if unit in names else ""
    warning = warning if warning in tuple(EarlyWarning) else ""
    default_as_of = str(state(request).context.default_as_of.date())
    as_of = as_of if len(as_of) == 10 and as_of[4] == "-" and as_of[7] == "-" else default_as_of
    switch = urlencode({k: v for k, v in {"as_of": as_of, "unit": unit, "warning": warning,
                                          "lang": "id" if lang == "en" else "en"}.items() if v})
    return render("followup.html", lang, prefix=PREFIX, switch_href=f"{request.url.path}?{switch}",
                  token_required=bool(request.app.state.tokens), strings={k: L.ui(k, lang) for k in JS_KEYS},
                  as_of=as_of, unit=unit, warning=warning, units=sorted(names.items(), key=lambda item: item[1]),
                  warnings=[(str(code), warning_text(code, lang)) for code in EarlyWarning])


def _follow(request: Request, as_of: str, unit: str, warning: str, offset: int, limit: int | None,
            lang: str) -> FollowUp:
    app_state = state(request)
    bundle = app_state.champion.get().bundle          # NoChampionError: 503
    return follow_up(app_state.context, bundle, as_of or None, unit=unit or None, warning=warning or None,
                     offset=offset, limit=limit, lang=lang)


@router.get("/api/follow-up", response_class=HTMLResponse)
async def follow_up_fragment(request: Request, as_of: Date = "", unit: Filter = "", warning: Filter = "",
                             offset: Offset = 0, lang: Lang = "id", _who: Caller = Depends(caller)):
    follow = await run_in_threadpool(_follow, request, as_of, unit, warning, offset, PAGE, lang)
    return render("followup_list.html", lang, **list_view(follow, lang))


@router.get("/api/follow-up/export")
async def follow_up_export(request: Request, as_of: Date = "", unit: Filter = "", warning: Filter = "",
                           format: Format = "xlsx", lang: Lang = "id", _who: Caller = Depends(caller)):
    """Every entry with the page's filters, as a file."""
    follow = await run_in_threadpool(_follow, request, as_of, unit, warning, 0, None, lang)
    body = await run_in_threadpool(export_bytes, follow, format, lang)
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{file_name(follow, format, lang)}"'})
