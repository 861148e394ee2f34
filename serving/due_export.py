"""The due list for people: its words (how far past due in years and months, shortfalls
by competency name) and its files — CSV (UTF-8 with a byte-order mark) and XLSX (the list
and the per-unit counts as two sheets), headers in Indonesian or English.

Pure: a :class:`serving.due.DueList` in, words or bytes out. Text cells a spreadsheet
would take for a formula stay text, through the plan export's own cell helpers.
"""

import io

from openpyxl import Workbook

from serving import texts
from serving.due import DueEntry, DueList, DueReason
from serving.planning.export import JOIN, column_headers, table_sheet, worded_csv

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
LIST, UNITS = "list", "units"
PARTS = (LIST, UNITS)               # what a CSV holds (an XLSX holds both, as two sheets)
MEDIA_TYPES = {CSV: "text/csv; charset=utf-8",
               XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

COLUMNS: dict[str, tuple[str, str]] = {          # the list: column code -> header (id, en), in file order
    "number": ("No.", "No."),
    "name": ("Nama", "Name"),
    "employee_id": ("ID pegawai", "Employee id"),
    "unit": ("Unit", "Unit"),
    "current_post": ("Jabatan sekarang", "Current post"),
    "years_in_post": ("Lama di jabatan (tahun)", "Years in post"),
    "reasons": ("Alasan jatuh tempo", "Why due"),
    "past_due": ("Lewat berapa lama", "How far past due"),
    "years_past_max": ("Lewat masa jabatan maks. (tahun)", "Years past the maximum time in post"),
    "years_past_assessment": ("Lewat periode asesmen (tahun)", "Years past the assessment period"),
    "shortfalls": ("Kompetensi di bawah standar (level)", "Competencies below standard (levels)"),
    "reason_codes": ("Kode alasan", "Reason codes"),
}
COUNT_COLUMNS: dict[str, tuple[str, str]] = {    # the per-unit counts
    "unit_id": ("ID unit", "Unit id"),
    "unit": ("Unit", "Unit"),
    "employees": ("Pegawai", "Employees"),
    "due": ("Jatuh tempo", "Due"),
    **{str(code): (texts.REASONS[code][0], texts.REASONS[code][1]) for code in DueReason},
}
NUMBER_FORMATS = {"number": "0", "years_in_post": "0.0", "years_past_max": "0.0", "years_past_assessment": "0.0",
                  "employees": "0", "due": "0", **{str(code): "0" for code in DueReason}}
WRAPPED = {"unit", "current_post", "reasons", "past_due", "shortfalls"}
SHEET_TITLES = {LIST: ("Jatuh tempo mutasi", "Due to move"), UNITS: ("Per unit", "Per unit")}
FILE_STEM = ("jatuh-tempo-mutasi", "due-to-move")
UNITS_SUFFIX = {LIST: "", UNITS: "-unit"}

WORDS: dict[str, tuple[str, str]] = {
    "year": ("tahun", "year"), "years": ("tahun", "years"), "month": ("bulan", "month"), "months": ("bulan", "months"),
    "under_a_month": ("kurang dari 1 bulan", "under a month"),
    "past_max": ("masa jabatan maks. {limit} tahun, lewat {by}", "maximum {limit} years in post, past by {by}"),
    "past_assessment": ("asesmen terakhir {since} lalu (periode {limit} tahun), lewat {by}",
                        "last assessed {since} ago (period {limit} years), past by {by}"),
    "shortfall": ("{name} kurang {levels} level", "{name} {levels} level(s) short"),
}


def word(key: str, lang: str, **fields) -> str:
    return texts.pick(WORDS[key], lang).format(**fields)


def duration_text(years: float, lang: str = "id") -> str:
    """Years as whole years and months: 2.92 -> '2 tahun 11 bulan' / '2 years 11 months'."""
    months = int(round(max(0.0, years) * 12))
    if months == 0:
        return word("under_a_month", lang)
    whole, rest = divmod(months, 12)
    parts = []
    if whole:
        parts.append(f"{whole} {word('year' if whole == 1 else 'years', lang)}")
    if rest:
        parts.append(f"{rest} {word('month' if rest == 1 else 'months', lang)}")
    return " ".join(parts)


def level_text(levels: float, lang: str = "id") -> str:
    """0.5 -> '0,5'; 0.25 -> '0,25' (as precise as the shortfall, at most two decimals)."""
    return texts.number(levels, lang, 1 if abs(levels * 10 - round(levels * 10)) < 1e-9 else 2)


def shortfall_text(entry: DueEntry, lang: str = "id") -> str:
    return JOIN.join(word("shortfall", lang, name=texts.competency_name(s.competency_code, lang),
                          levels=level_text(s.levels, lang)) for s in entry.shortfalls)


def max_text(entry: DueEntry, due: DueList, lang: str = "id") -> str:
    return word("past_max", lang, limit=texts.number(due.max_years_in_post, lang),
                by=duration_text(entry.years_past_max, lang))


def assessment_text(entry: DueEntry, due: DueList, lang: str = "id") -> str:
    return word("past_assessment", lang, since=duration_text(entry.years_since_assessment or 0.0, lang),
                limit=texts.number(due.assessment_period_years, lang), by=duration_text(entry.years_past_assessment, lang))


def past_due_text(entry: DueEntry, due: DueList, lang: str = "id") -> str:
    """How far past due, per reason that has a time (the others say so by their name)."""
    parts = [max_text(entry, due, lang)] if entry.years_past_max is not None else []
    if entry.years_past_assessment is not None:
        parts.append(assessment_text(entry, due, lang))
    return JOIN.join(parts)


def reason_lines(entry: DueEntry, due: DueList, lang: str = "id") -> list[str]:
    """One sentence per reason: its words, and how far past due or what falls short."""
    lines = []
    for reason in entry.reasons:
        detail = ""
        if reason is DueReason.PAST_MAX_TIME_IN_POST and entry.years_past_max is not None:
            detail = max_text(entry, due, lang)
        elif reason is DueReason.ASSESSMENT_OUTDATED and entry.years_past_assessment is not None:
            detail = assessment_text(entry, due, lang)
        elif reason is DueReason.BELOW_POST_STANDARD and entry.shortfalls:
            detail = shortfall_text(entry, lang)
        lines.append(texts.reason_text(reason, lang) + (f": {detail}" if detail else ""))
    return lines


def _years(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def list_rows(due: DueList, lang: str = "id") -> list[dict]:
    """One row per entry, keyed by column code (numbers stay numbers)."""
    return [{"number": due.offset + k, "name": e.display_name or "", "employee_id": e.employee_id,
             "unit": e.unit_name or e.unit_id or "", "current_post": e.title or e.position_id,
             "years_in_post": _years(e.years_in_post),
             "reasons": JOIN.join(texts.reason_text(r, lang) for r in e.reasons),
             "past_due": past_due_text(e, due, lang), "years_past_max": _years(e.years_past_max),
             "years_past_assessment": _years(e.years_past_assessment), "shortfalls": shortfall_text(e, lang),
             "reason_codes": ";".join(e.reasons)}
            for k, e in enumerate(due.entries, start=1)]


def count_rows(due: DueList) -> list[dict]:
    return [{"unit_id": u.unit_id, "unit": u.unit_name or "", "employees": u.employees, "due": u.due,
             **{str(code): u.by_reason.get(code, 0) for code in DueReason}} for u in due.units]


def due_xlsx(due: DueList, lang: str = "id") -> bytes:
    """Two sheets: the list, and the per-unit counts; a caption (date and rules) printed on each page."""
    book = Workbook()
    caption = f"{due.as_of.isoformat()} · {due.rules}"
    for sheet, (part, columns, rows) in zip(
            (book.active, book.create_sheet()),
            ((LIST, COLUMNS, list_rows(due, lang)), (UNITS, COUNT_COLUMNS, count_rows(due)))):
        sheet.title = texts.pick(SHEET_TITLES[part], lang)
        table_sheet(sheet, tuple(columns), column_headers(columns, lang), rows, NUMBER_FORMATS, WRAPPED)
        sheet.auto_filter.ref = sheet.dimensions
        sheet.oddHeader.center.text = caption.replace("&", "&&")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_bytes(due: DueList, fmt: str, part: str = LIST, lang: str = "id") -> bytes:
    """The file: CSV of the list or of the per-unit counts (``part``), or the XLSX of both."""
    if fmt == XLSX:
        return due_xlsx(due, lang)
    if fmt != CSV:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if part == LIST:
        return worded_csv(COLUMNS, list_rows(due, lang), lang)
    if part == UNITS:
        return worded_csv(COUNT_COLUMNS, count_rows(due), lang)
    raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")


def file_name(due: DueList, fmt: str, part: str = LIST, lang: str = "id") -> str:
    """``jatuh-tempo-mutasi-2021-01-01.xlsx``, ``due-to-move-2021-01-01-u3-unit.csv``: ASCII
    letters, digits, ``-`` and ``.`` only."""
    unit = "" if due.unit is None else "-" + "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else "_"
                                                     for ch in due.unit)
    suffix = UNITS_SUFFIX[part] if fmt == CSV else ""
    return f"{texts.pick(FILE_STEM, lang)}-{due.as_of.isoformat()}{unit}{suffix}.{fmt}"
