"""A ranking as CSV and XLSX for people: headers in the language, names, posts, reasons,
flags and trainings in words, numbers as numbers, Excel-safe text, a bold frozen header."""

import csv
import io

import openpyxl
import pytest

from serving.ranking_export import (
    COLUMNS,
    PostNames,
    export_bytes,
    file_name,
    ranking_csv,
    ranking_rows,
    ranking_xlsx,
)

pytestmark = pytest.mark.code

NAMES = PostNames(titles={"p1": "Analis Kebijakan", "p4": "Pengelola Keuangan"},
                  units={"u1": "Dinas Kesehatan", "u2": "BKPSDM"})
CANDIDATES = [
    {"rank": 1, "employee_id": "e7", "display_name": "Siti Rahmawati", "current_position_id": "p1",
     "current_unit_id": "u1", "current_grade": "III/c", "score": 4.1234, "predicted_performance": 4.2,
     "adjustment_risk": 0.123, "reason_for": "4,8 tahun pengalaman di bidang jabatan",
     "reason_against": "Pindah ke bidang lain", "flags": ["field_change", "long_distance"],
     "training_recommendations": [
         {"name": "Pelatihan Kepemimpinan", "expected_risk_change": -0.021},
         {"name": "Diklat Keuangan Daerah", "expected_risk_change": -0.005},
         {"name": "Bimtek Perencanaan", "expected_risk_change": -0.004},
         {"name": "Fourth, not shown", "expected_risk_change": -0.001}]},
    {"rank": 2, "employee_id": "e9", "display_name": "=HYPERLINK(\"http://x\")", "current_position_id": "p9",
     "current_unit_id": None, "score": 3.5, "predicted_performance": 3.7, "adjustment_risk": 0.05,
     "flags": [], "training_recommendations": []},
]


def test_rows_hold_the_words_of_each_candidate():
    first, second = ranking_rows(CANDIDATES, NAMES, "id")
    assert first["name"] == "Siti Rahmawati" and first["current_post"] == "Analis Kebijakan"
    assert first["current_unit"] == "Dinas Kesehatan" and first["grade"] == "III/c"
    assert first["risk_percent"] == 12.3
    assert first["flags"] == "Pindah bidang; Jarak sangat jauh"
    assert first["trainings"] == ("Pelatihan Kepemimpinan (\u22122,1 poin persen risiko); Diklat Keuangan Daerah "
                                  "(\u22120,5 poin persen risiko); Bimtek Perencanaan (\u22120,4 poin persen risiko)")
    assert second["current_post"] == "p9" and second["current_unit"] == ""        # unknown post: its id
    assert second["reason_for"] == "" and second["flags"] == "" and second["grade"] == ""
    english = ranking_rows(CANDIDATES, NAMES, "en")[0]
    assert english["flags"] == "Change of field; Very long distance"
    assert english["trainings"].startswith("Pelatihan Kepemimpinan (\u22122.1 pp of risk)")


def test_csv_opens_in_excel_and_reads_back():
    body = ranking_csv(ranking_rows(CANDIDATES, NAMES, "id"), "id")
    assert body.startswith(b"\xef\xbb\xbf")                                   # UTF-8 byte-order mark
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [words[0] for words in COLUMNS.values()]
    assert table[0][:3] == ["Peringkat", "Nama", "ID pegawai"]
    assert [row[2] for row in table[1:]] == ["e7", "e9"]
    assert table[1][1] == "Siti Rahmawati" and table[1][8] == "12.3"
    assert table[2][1] == "'=HYPERLINK(\"http://x\")"                         # text, never a formula
    english = ranking_csv(ranking_rows(CANDIDATES, NAMES, "en"), "en").decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Rank,Name,Employee id,Current post")


def test_workbook_has_a_bold_frozen_header_numbers_and_widths():
    body = ranking_xlsx(ranking_rows(CANDIDATES, NAMES, "en"), "en", caption="Analis (p1) · 2021-01-01")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Ranking" and sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == [words[1] for words in COLUMNS.values()]
    assert all(cell.font.b for cell in sheet[1])
    assert [sheet.cell(row=r, column=3).value for r in (2, 3)] == ["e7", "e9"]
    assert sheet.cell(row=2, column=1).value == 1 and sheet.cell(row=2, column=9).value == 12.3
    assert sheet.cell(row=2, column=7).value == pytest.approx(4.1234)
    assert sheet.cell(row=3, column=2).data_type == "s"                      # the formula-like name is text
    reason_width = sheet.column_dimensions["J"].width
    assert reason_width >= len("4,8 tahun pengalaman di bidang jabatan")
    assert sheet.column_dimensions["A"].width >= len("Rank")
    assert "Analis" in sheet.oddHeader.center.text


def test_formats_and_file_names():
    rows = ranking_rows(CANDIDATES, NAMES, "id")
    assert export_bytes(rows, "csv").startswith(b"\xef\xbb\xbf")
    assert export_bytes(rows, "xlsx")[:2] == b"PK"                           # a zip: the XLSX container
    with pytest.raises(ValueError, match="format"):
        export_bytes(rows, "pdf")
    assert file_name("p3", "2021-01-01", 12, "csv") == "peringkat-p3-2021-01-01-12.csv"
    assert file_name('a"b/c\u00e9', "2021-01-01", 3, "xlsx", "en") == "ranking-a_b_c_-2021-01-01-3.xlsx"
