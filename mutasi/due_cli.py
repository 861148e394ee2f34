"""``mutasi due`` (registered by :mod:`mutasi.cli`): who is due to move at a date under a
rule pack — per-unit counts and the top of the list in words, the JSON document, or the
list as CSV/XLSX (:mod:`serving.due_export`). Files are written whole or not at all.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from features.eligibility import DUE_REASON_CODES
from mutasi.common import (
    BAD_INPUT,
    RULES_HELP,
    AsOfOption,
    DataOption,
    DayFirstOption,
    LangOption,
    as_of_option,
    check_lang,
    check_table_file,
    fail,
    out,
    rules_for,
    say,
    warn_notices,
    write_whole,
)

REASON_CODES = DUE_REASON_CODES
UNITS_SHOWN = 30                # units in the counts table (most due first); the files hold every unit
OPTION_OF = {"as_of": "--as-of", "unit": "--unit", "reason": "--reason"}

WORDS = {
    "id": {"title": "Jatuh tempo mutasi per {as_of} · aturan {rules}",
           "limits": "masa jabatan maks. {max} tahun · asesmen tiap {period} tahun · toleransi standar {tol} level",
           "off": "mati", "unit": "unit", "employees": "pegawai", "due": "jatuh\ntempo", "total": "jumlah",
           "more_units": "… dan {n} unit lain (semua unit ada di berkas --out)",
           "top": "Teratas dari {n} pegawai jatuh tempo", "none": "Tidak ada pegawai yang jatuh tempo.",
           "in_post": "{years} tahun di jabatan", "more": "… dan {n} lainnya (--top N, --json atau --out)"},
    "en": {"title": "Due to move as of {as_of} · rules {rules}",
           "limits": "max. {max} years in post · assessment every {period} years · standard tolerance {tol} levels",
           "off": "off", "unit": "unit", "employees": "employees", "due": "due", "total": "total",
           "more_units": "… and {n} more units (every unit is in the --out file)",
           "top": "Top of {n} employees due to move", "none": "Nobody is due to move.",
           "in_post": "{years} years in post", "more": "… and {n} more (--top N, --json or --out)"},
}
SHORT_REASONS = {   # column headers of the counts table (two short lines: fits 80 columns)
    "id": {"past_max_time_in_post": "masa\njabatan", "assessment_outdated": "asesmen\nlama",
           "never_assessed": "belum\ndiases", "below_post_standard": "di bawah\nstandar"},
    "en": {"past_max_time_in_post": "time in\npost", "assessment_outdated": "old\nassessment",
           "never_assessed": "never\nassessed", "below_post_standard": "below\nstandard"},
}


def out_paths(path: Path) -> dict[str, Path]:
    """Where ``--out`` writes: FILE.xlsx (both sheets), or FILE.csv and FILE-unit.csv."""
    from serving.due_export import LIST, UNITS, UNITS_SUFFIX

    if path.suffix.lower() == ".xlsx":
        return {LIST: path}
    return {LIST: path, UNITS: path.with_name(f"{path.stem}{UNITS_SUFFIX[UNITS]}{path.suffix}")}


def render_due(due, console: Console, lang: str, top: int) -> None:
    """The per-unit counts (most due first) and the first ``top`` entries in words."""
    from serving import texts
    from serving.due_export import reason_lines

    w = WORDS[lang]

    def limit(value) -> str:
        return w["off"] if value is None else texts.number(value, lang)

    def line(text: str = "") -> None:
        console.print(text, highlight=False, markup=False, soft_wrap=True)

    line(w["title"].format(as_of=due.as_of.isoformat(), rules=due.rules))
    line(w["limits"].format(max=limit(due.max_years_in_post), period=limit(due.assessment_period_years),
                            tol=limit(due.competency_gap_tolerance)))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(w["unit"], overflow="fold", min_width=16)
    for header in (w["employees"], w["due"], *(SHORT_REASONS[lang][code] for code in REASON_CODES)):
        table.add_column(header, justify="right")
    for u in due.units[:UNITS_SHOWN]:
        table.add_row(escape(f"{u.unit_name or u.unit_id} ({u.unit_id})"), str(u.employees), str(u.due),
                      *(str(u.by_reason.get(code, 0)) for code in REASON_CODES))
    table.add_section()
    table.add_row(w["total"], str(sum(u.employees for u in due.units)), str(sum(u.due for u in due.units)),
                  *(str(sum(u.by_reason.get(code, 0) for u in due.units)) for code in REASON_CODES))
    console.print(table)
    if len(due.units) > UNITS_SHOWN:
        line(w["more_units"].format(n=len(due.units) - UNITS_SHOWN))
    line()
    if not due.due:
        line(w["none"])
        return
    line(w["top"].format(n=due.due))
    for k, entry in enumerate(due.entries[:top], start=1):
        who = f"{entry.display_name} ({entry.employee_id})" if entry.display_name else entry.employee_id
        where = ", ".join(x for x in (entry.title or entry.position_id, entry.unit_name or entry.unit_id) if x)
        line(f"{k:>3}. {who} · {where} · {w['in_post'].format(years=texts.number(entry.years_in_post, lang))}")
        for text in reason_lines(entry, due, lang):
            line(f"     - {text}")
    if due.due > min(top, len(due.entries)):
        line(w["more"].format(n=due.due - min(top, len(due.entries))))


def due_cmd(data: DataOption,
            as_of: AsOfOption = None,
            day_first: DayFirstOption = False,
            rules: Annotated[str | None, typer.Option("--rules", help=RULES_HELP)] = None,
            unit: Annotated[str | None, typer.Option("--unit", help="Only employees of this unit (unit_id).")] = None,
            reason: Annotated[str | None, typer.Option(
                "--reason", help=f"Only employees due for this reason: {', '.join(REASON_CODES)}.")] = None,
            top: Annotated[int, typer.Option("--top", min=0, help="Entries of the list printed.")] = 20,
            lang: LangOption = "id",
            as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document (every entry).")] = False,
            out_file: Annotated[Path | None, typer.Option(
                "--out", dir_okay=False, help="Write the list: FILE.xlsx (the list and the per-unit counts as two "
                                              "sheets) or FILE.csv (the list; the counts in FILE-unit.csv).")]
            = None) -> None:
    """Who is due to move: past the rule pack's maximum time in post, competency assessment
    out of date or never done, or assessed competencies below the current post's standard;
    each with how far past due, and the counts per unit.

    Exit 2 on a bad option (date, rules, unit, reason, file name), 1 when the dataset cannot be loaded."""
    from features.io import DatasetError
    from serving import context_for
    from serving.due import due_list
    from serving.due_export import CSV, XLSX, export_bytes
    from serving.errors import RankingError

    check_lang(lang)
    check_table_file(out_file)
    day = as_of_option(as_of, day_first)
    pack = rules_for(rules)
    say(f"loading {data}")
    try:
        context = context_for(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    whole = as_json or out_file is not None
    try:
        due = due_list(context, day, pack, unit=unit, reason=reason, limit=None if whole else max(top, 1), lang=lang)
    except RankingError as exc:
        fail(escape(f"{OPTION_OF.get(exc.field, exc.field)}: {exc}"), BAD_INPUT)
    document = due.to_document()
    warn_notices(document)
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        render_due(due, out, lang, top)
    if out_file is not None:
        fmt = XLSX if out_file.suffix.lower() == ".xlsx" else CSV
        files = {path: export_bytes(due, fmt, part, lang) for part, path in out_paths(out_file).items()}
        try:
            write_whole(files)
        except OSError as exc:
            fail(escape(f"cannot write {out_file}: {exc}"))
        say(escape(f"wrote {', '.join(str(p) for p in files)}"))
