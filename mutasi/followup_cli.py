"""``mutasi follow-up`` (registered by :mod:`mutasi.cli`): everyone transferred in the last
months with their risk at the decision and now, early warnings and onboarding plan (the
champion model's), as a table, the JSON document, or CSV/XLSX files
(:mod:`serving.followup_export`). Files are written whole or not at all.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mutasi.common import (
    BAD_INPUT,
    AsOfOption,
    DataOption,
    DayFirstOption,
    LangOption,
    TrackingOption,
    as_of_option,
    check_lang,
    check_table_file,
    fail,
    out,
    quiet_libraries,
    say,
    warn,
    warn_notices,
    write_whole,
)

WARNING_CODES = ("risk_high", "risk_rose", "appraisal_fell", "survey_unhappy", "survey_wants_to_leave")
OPTION_OF = {"as_of": "--as-of", "unit": "--unit", "warning": "--warning", "months": "--months",
             "risk_threshold": "--risk-threshold"}

WORDS = {
    "id": {"title": "Tindak lanjut mutasi per {as_of} · dimutasi dalam {months} bulan terakhir",
           "counts": "{n} pegawai dipantau · {warned} dengan peringatan dini",
           "by_warning": "per peringatan", "none": "Tidak ada pegawai yang dimutasi dalam jangka ini.",
           "no": "no", "who": "pegawai", "post": "jabatan · unit", "months": "bulan",
           "risk": "risiko\nkeputusan \u2192 kini", "warnings": "peringatan", "check_in": "jadwal\nberikut",
           "mentor": "mentor", "more": "… dan {n} lainnya (--top N, --json atau --out)"},
    "en": {"title": "Follow-up after transfers as of {as_of} · moved in the last {months} months",
           "counts": "{n} transferees watched · {warned} with early warnings",
           "by_warning": "per warning", "none": "Nobody was transferred in this window.",
           "no": "no", "who": "employee", "post": "post · unit", "months": "months",
           "risk": "risk\ndecision \u2192 now", "warnings": "warnings", "check_in": "next\ncheck-in",
           "mentor": "mentor", "more": "… and {n} more (--top N, --json or --out)"},
}


def risk_cell(entry, lang: str) -> str:
    """``48,6% → 53,9% (+5,3)``; the at-decision risk alone without a post-transfer model."""
    from serving import texts
    from serving.followup_words import percent

    if entry.risk_now is None:
        return percent(entry.risk_at_decision, lang)
    change = texts.signed(100 * (entry.risk_change or 0.0), lang, 1)
    return f"{percent(entry.risk_at_decision, lang)} \u2192 {percent(entry.risk_now, lang)} ({change})"


def mentor_name(entry, lang: str) -> str:
    """The suggested mentor's name (id when unnamed), else why there is none."""
    from serving.followup_export import mentor_text

    mentor = entry.plan.mentor if entry.plan is not None else None
    return mentor_text(entry, lang) if mentor is None else mentor.display_name or mentor.employee_id


def follow_table(follow, lang: str, top: int) -> Table:
    """The first ``top`` entries: who, where, months since the move, both risks, warnings
    in words (their figures are in --json and --out), next check-in and mentor."""
    from serving import texts
    from serving.followup_words import warning_text

    w = WORDS[lang]
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    table.add_column(w["no"], justify="right")
    for header in (w["who"], w["post"]):
        table.add_column(header, overflow="fold", min_width=8)
    table.add_column(w["months"], justify="right")
    for header in (w["risk"], w["warnings"]):
        table.add_column(header, overflow="fold", min_width=8)
    table.add_column(w["check_in"], min_width=10)
    table.add_column(w["mentor"], overflow="fold", min_width=8)
    for k, e in enumerate(follow.entries[:top], start=follow.offset + 1):
        plan = e.plan
        table.add_row(str(k), escape(f"{e.display_name}\n{e.employee_id}" if e.display_name else e.employee_id),
                      escape(f"{e.title or e.position_id} · {e.unit_name or e.unit_id or ''}"),
                      texts.number(e.months_since_move, lang, 0), escape(risk_cell(e, lang)),
                      escape("\n".join(warning_text(code, lang) for code in e.warnings)),
                      "" if plan is None or plan.next_check_in is None else plan.next_check_in.isoformat(),
                      escape(mentor_name(e, lang)))
    return table


def render_follow(follow, console: Console, lang: str, top: int) -> None:
    from serving.followup_words import notice_text, warning_text

    w = WORDS[lang]

    def line(text: str = "") -> None:
        console.print(text, highlight=False, markup=False, soft_wrap=True)

    line(w["title"].format(as_of=follow.as_of.isoformat(), months=follow.months))
    line(w["counts"].format(n=follow.transferees, warned=follow.warned))
    line(f"{w['by_warning']}: " + " · ".join(f"{warning_text(code, lang)} {n}" for code, n in follow.by_warning.items()))
    for code in follow.followup_notices:
        line(notice_text(code, lang))
    line()
    if not follow.matching:
        line(w["none"])
        return
    if top:
        console.print(follow_table(follow, lang, top))
    shown = min(top, len(follow.entries))
    if follow.matching > shown:
        line(w["more"].format(n=follow.matching - shown))


def follow_up_cmd(data: DataOption,
                  as_of: AsOfOption = None,
                  day_first: DayFirstOption = False,
                  unit: Annotated[str | None, typer.Option("--unit", help="Only transferees of this unit (unit_id).")]
                  = None,
                  warning: Annotated[str | None, typer.Option(
                      "--warning", help=f"Only transferees with this early warning: {', '.join(WARNING_CODES)}.")]
                  = None,
                  months: Annotated[int, typer.Option("--months", help="Follow those moved within this many months.")]
                  = 24,
                  risk_threshold: Annotated[float, typer.Option(
                      "--risk-threshold", help="Early warning when the risk reaches this probability.")] = 0.30,
                  top: Annotated[int, typer.Option("--top", min=0, help="Entries of the list printed.")] = 20,
                  lang: LangOption = "id",
                  as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document (every entry).")]
                  = False,
                  out_file: Annotated[Path | None, typer.Option(
                      "--out", dir_okay=False, help="Write the list: FILE.csv (one row per transferee) or FILE.xlsx "
                                                    "(sheets: watchlist, trainings, check-ins).")] = None,
                  tracking_uri: TrackingOption = None) -> None:
    """The follow-up list after transfers: everyone moved in the last --months months, their
    adjustment risk at the decision and now (the champion's post-transfer model), the
    reasons, early warnings (risk, appraisal, survey) and the onboarding plan — trainings
    with JP, a mentor in the new unit, check-in dates. Highest risk first.

    Exit 2 on a bad option (date, unit, warning, months, threshold, file), 1 when data or model cannot load."""
    from dataclasses import replace

    from features.io import DatasetError
    from serving import context_for
    from serving.champion import ChampionCache, NoChampionError
    from serving.errors import RankingError
    from serving.followup import FollowupSettings, follow_up
    from serving.followup_export import CSV, XLSX, export_bytes

    check_lang(lang)
    check_table_file(out_file)
    quiet_libraries()
    day = as_of_option(as_of, day_first)
    settings = replace(FollowupSettings(), months=months, risk_threshold=risk_threshold)
    say(f"loading {data}")
    try:
        context = context_for(data)
        served = ChampionCache(tracking_uri).get()
    except (DatasetError, NoChampionError) as exc:
        fail(escape(str(exc)))
    say(f"model {served.name} version {served.version}")
    whole = as_json or out_file is not None
    try:
        follow = follow_up(context, served.bundle, day, settings, unit=unit, warning=warning,
                           limit=None if whole else max(top, 1), lang=lang)
    except RankingError as exc:
        fail(escape(f"{OPTION_OF.get(exc.field, exc.field)}: {exc}"), BAD_INPUT)
    document = follow.to_document()
    warn_notices(document)
    if as_json and not follow.followup_model:
        from serving.followup_words import notice_text

        warn(notice_text(document["followup_notices"][0], "en"))
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        render_follow(follow, out, lang, top)
    if out_file is not None:
        fmt = XLSX if out_file.suffix.lower() == ".xlsx" else CSV
        try:
            write_whole({out_file: export_bytes(follow, fmt, lang)})
        except OSError as exc:
            fail(escape(f"cannot write {out_file}: {exc}"))
        say(escape(f"wrote {out_file}"))
