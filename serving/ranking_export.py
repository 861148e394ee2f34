"""A ranking for people, as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
names right) and XLSX (header bold and frozen, column widths, numbers as numbers).

Pure: the ranking document's candidates (dicts, as :meth:`Ranking.to_document` gives
them) and the names of posts and units in, bytes out. Headers and words are in the
language asked; numbers stay numbers (risk in percent, one decimal). Text cells a
spreadsheet would take for a formula stay text (:func:`serving.planning.export.as_text`),
and the workbook is written by the plan export's own cell and header helpers.
"""

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook

from serving import texts
from serving.planning.export import JOIN, csv_bytes, table_sheet

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
MEDIA_TYPES = {CSV: "text/csv; charset=utf-8",
               XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TRAININGS_SHOWN = 3

COLUMNS: dict[str, tuple[str, str]] = {          # column code -> header (id, en), in file order
    "rank": ("Peringkat", "Rank"),
    "name": ("Nama", "Name"),
    "employee_id": ("ID pegawai", "Employee id"),
    "current_post": ("Jabatan sekarang", "Current post"),
    "current_unit": ("Unit sekarang", "Current unit"),
    "grade": ("Golongan", "Grade"),
    "score": ("Skor", "Score"),
    "predicted_performance": ("Kinerja prediksi (SKP)", "Predicted performance (SKP)"),
    "risk_percent": ("Risiko penyesuaian (%)", "Adjustment risk (%)"),
    "reason_for": ("Alasan utama mendukung", "Main reason for"),
    "reason_against": ("Alasan utama menentang", "Main reason against"),
    "flags": ("Perlu diperhatikan", "To notice"),
    "trainings": ("Pelatihan yang disarankan", "Suggested trainings"),
}
NUMBER_FORMATS = {"rank": "0", "score": "0.00", "predicted_performance": "0.00", "risk_percent": "0.0"}
WRAPPED = {"current_post", "current_unit", "reason_for", "reason_against", "flags", "trainings"}
SHEET_TITLE = ("Peringkat", "Ranking")
FILE_STEM = ("peringkat", "ranking")


@dataclass(frozen=True)
class PostNames:
    """Titles of posts and names of units by id (unknown ids are shown as they are)."""

    titles: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    def title(self, position_id: str | None) -> str:
        return "" if position_id is None else str(self.titles.get(position_id, position_id))

    def unit(self, unit_id: str | None) -> str:
        return "" if unit_id is None else str(self.units.get(unit_id, unit_id))


def headers(lang: str) -> list[str]:
    return [texts.pick(words, lang) for words in COLUMNS.values()]


def flag_words(flags: Sequence[str], lang: str) -> str:
    return JOIN.join(texts.flag_text(str(flag), lang) for flag in flags)


def training_words(recommendations: Sequence[Mapping], lang: str, shown: int = TRAININGS_SHOWN) -> str:
    """The first trainings suggested, each with its expected change of risk in percentage points."""
    return JOIN.join(f"{rec['name']} ({texts.risk_change_text(float(rec['expected_risk_change']), lang)})"
                     for rec in list(recommendations)[:shown])


def ranking_rows(candidates: Sequence[Mapping], names: PostNames, lang: str = "id") -> list[dict]:
    """One row per candidate, keyed by column code; missing fields become empty cells."""
    rows = []
    for cand in candidates:
        risk = cand.get("adjustment_risk")
        rows.append({
            "rank": cand["rank"], "name": cand.get("display_name") or "", "employee_id": cand["employee_id"],
            "current_post": names.title(cand.get("current_position_id")),
            "current_unit": names.unit(cand.get("current_unit_id")), "grade": cand.get("current_grade") or "",
            "score": cand.get("score"), "predicted_performance": cand.get("predicted_performance"),
            "risk_percent": None if risk is None else round(100 * float(risk), 1),
            "reason_for": cand.get("reason_for") or "", "reason_against": cand.get("reason_against") or "",
            "flags": flag_words(cand.get("flags") or [], lang),
            "trainings": training_words(cand.get("training_recommendations") or [], lang)})
    return rows


def ranking_csv(rows: Sequence[Mapping], lang: str = "id") -> bytes:
    """The rows as CSV, headers in ``lang``, with a byte-order mark."""
    return csv_bytes(headers(lang), COLUMNS, rows)


def ranking_xlsx(rows: Sequence[Mapping], lang: str = "id", caption: str = "") -> bytes:
    """The rows as one worksheet: a caption line (post and date) when given, then the table
    with a bold frozen header, real numbers and widths fitted to the content."""
    book = Workbook()
    sheet = book.active
    sheet.title = texts.pick(SHEET_TITLE, lang)
    table_sheet(sheet, COLUMNS, headers(lang), rows, NUMBER_FORMATS, WRAPPED)
    sheet.auto_filter.ref = sheet.dimensions
    if caption:
        sheet.oddHeader.center.text = caption.replace("&", "&&")      # printed on every page
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_bytes(rows: Sequence[Mapping], fmt: str, lang: str = "id", caption: str = "") -> bytes:
    if fmt == CSV:
        return ranking_csv(rows, lang)
    if fmt == XLSX:
        return ranking_xlsx(rows, lang, caption)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def file_name(position_id: str, as_of: str, audit_id: int, fmt: str, lang: str = "id") -> str:
    """``peringkat-p3-2021-01-01-12.csv``: ASCII letters, digits, ``-`` and ``.`` only."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else "_" for ch in position_id)
    return f"{texts.pick(FILE_STEM, lang)}-{safe}-{as_of}-{audit_id}.{fmt}"
