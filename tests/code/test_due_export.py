"""The due list as files and words (serving.due_export): CSV and XLSX read back with the
csv module and openpyxl, headers in Indonesian and English, numbers as numbers, a name a
spreadsheet would evaluate stays text; how far past due in years and months."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from serving.due import DueEntry, DueList, DueReason, Shortfall, UnitCount
from serving.due_export import (
    COLUMNS,
    COUNT_COLUMNS,
    CSV,
    LIST,
    UNITS,
    XLSX,
    duration_text,
    export_bytes,
    file_name,
    reason_lines,
)

pytestmark = pytest.mark.code

R = DueReason
ENTRIES = [
    DueEntry(employee_id="e2", display_name="=HYPERLINK(\"x\")", unit_id="u2", unit_name="UPT Kesehatan",
             position_id="p3", title="Kepala Seksi", years_in_post=7.25, years_since_assessment=5.9167,
             reasons=[R.PAST_MAX_TIME_IN_POST, R.ASSESSMENT_OUTDATED], years_past_max=2.25,
             years_past_assessment=2.9167),
    DueEntry(employee_id="e1", display_name="Siti", unit_id="u1", unit_name="Badan Keuangan", position_id="p2",
             title="Kepala Subbidang", years_in_post=3.5, reasons=[R.NEVER_ASSESSED]),
    DueEntry(employee_id="e4", display_name=None, unit_id="u1", unit_name="Badan Keuangan", position_id="p1",
             title="Analis", years_in_post=2.0, years_since_assessment=1.0, reasons=[R.BELOW_POST_STANDARD],
             shortfalls=[Shortfall(competency_code="m.02", levels=0.5), Shortfall(competency_code="m.08", levels=1.25)]),
]
UNIT_COUNTS = [
    UnitCount(unit_id="u1", unit_name="Badan Keuangan", employees=10, due=2,
              by_reason={R.PAST_MAX_TIME_IN_POST: 0, R.ASSESSMENT_OUTDATED: 0, R.NEVER_ASSESSED: 1,
                         R.BELOW_POST_STANDARD: 1}),
    UnitCount(unit_id="u2", unit_name="UPT Kesehatan", employees=4, due=1,
              by_reason={R.PAST_MAX_TIME_IN_POST: 1, R.ASSESSMENT_OUTDATED: 1, R.NEVER_ASSESSED: 0,
                         R.BELOW_POST_STANDARD: 0}),
]
DUE = DueList(as_of=date(2021, 1, 1), rules="contract@1", max_years_in_post=5.0, assessment_period_years=3.0,
              competency_gap_tolerance=0.0, considered=14, due=3, entries=ENTRIES, units=UNIT_COUNTS)


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")                      # Excel reads UTF-8 with the mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_list_csv_reads_back(lang):
    rows = read_csv(export_bytes(DUE, CSV, LIST, lang))
    assert rows[0] == [pair[0 if lang == "id" else 1] for pair in COLUMNS.values()]
    body = [dict(zip(COLUMNS, row)) for row in rows[1:]]
    assert [r["employee_id"] for r in body] == ["e2", "e1", "e4"]
    assert body[0]["name"] == "'=HYPERLINK(\"x\")"               # never a formula
    assert body[0]["reason_codes"] == "past_max_time_in_post;assessment_outdated"
    assert float(body[0]["years_past_max"]) == 2.25 and body[1]["years_past_max"] == ""
    assert body[2]["shortfalls"] == ("kerja sama kurang 0,5 level; pengambilan keputusan kurang 1,25 level"
                                     if lang == "id" else
                                     "teamwork 0.5 level(s) short; decision-making 1.25 level(s) short")
    past = "lewat 2 tahun 3 bulan" if lang == "id" else "past by 2 years 3 months"
    assert past in body[0]["past_due"]


def test_units_csv_reads_back():
    rows = read_csv(export_bytes(DUE, CSV, UNITS, "en"))
    assert rows[0][:4] == ["Unit id", "Unit", "Employees", "Due"] and len(rows[0]) == len(COUNT_COLUMNS)
    assert rows[1] == ["u1", "Badan Keuangan", "10", "2", "0", "0", "1", "1"]
    assert rows[2][:4] == ["u2", "UPT Kesehatan", "4", "1"]


def test_xlsx_holds_the_list_and_the_counts_with_numbers():
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(DUE, XLSX, lang="id")))
    listed, units = book.worksheets
    assert (listed.title, units.title) == ("Jatuh tempo mutasi", "Per unit")
    header = [cell.value for cell in listed[1]]
    assert header[:3] == ["No.", "Nama", "ID pegawai"]
    first = {code: cell.value for code, cell in zip(COLUMNS, listed[2])}
    assert first["number"] == 1 and first["years_in_post"] == 7.25 and first["years_past_max"] == 2.25
    assert first["name"] == "=HYPERLINK(\"x\")" and listed.cell(2, 2).data_type == "s"
    assert [row[2].value for row in listed.iter_rows(min_row=2)] == ["e2", "e1", "e4"]
    assert [cell.value for cell in units[2]] == ["u1", "Badan Keuangan", 10, 2, 0, 0, 1, 1]
    assert listed.freeze_panes == "A2"


def test_file_names_are_plain_ascii():
    assert file_name(DUE, XLSX) == "jatuh-tempo-mutasi-2021-01-01.xlsx"
    one_unit = DUE.model_copy(update={"unit": "unit/ä 1"})
    assert file_name(one_unit, CSV, UNITS, "en") == "due-to-move-2021-01-01-unit___1-unit.csv"


@pytest.mark.parametrize(("years", "lang", "words"), [
    (0.0, "id", "kurang dari 1 bulan"), (0.03, "en", "under a month"), (1.0, "id", "1 tahun"),
    (1.0, "en", "1 year"), (2.9167, "id", "2 tahun 11 bulan"), (0.5, "en", "6 months"),
    (1.0 / 12, "en", "1 month"), (2.99, "en", "3 years"),
])
def test_duration_in_years_and_months(years, lang, words):
    assert duration_text(years, lang) == words


def test_reason_lines_say_how_far_past_due():
    lines = reason_lines(ENTRIES[0], DUE, "id")
    assert lines == ["melewati masa jabatan maksimum: masa jabatan maks. 5 tahun, lewat 2 tahun 3 bulan",
                     "asesmen kompetensi sudah kedaluwarsa: asesmen terakhir 5 tahun 11 bulan lalu (periode 3 tahun), "
                     "lewat 2 tahun 11 bulan"]
    assert reason_lines(ENTRIES[1], DUE, "en") == ["never assessed"]
