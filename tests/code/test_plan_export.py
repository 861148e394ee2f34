"""The plan's files for people: CSV that reads back, a workbook with real numbers, a
self-contained HTML report per unit, all or nothing on disk, words in both languages."""

import dataclasses
import re

import openpyxl
import pandas as pd
import pytest
from hand_plan import PERF_E2, PERF_E3, RISK_E3, RUNNER_UP, hand_plan

from serving.context import ServingContext
from serving.planning import export
from serving.planning import words as w
from serving.planning.costs import ConstraintName
from serving.planning.document import UnfilledReason
from serving.planning.export import FILES, write_plan
from serving.texts import LANGS

pytestmark = pytest.mark.code

EVIL_UNIT = '<script>alert("u2")</script> & Co'
FORMULA_TITLE = "=1+2"


@pytest.fixture(scope="module")
def context(tiny) -> ServingContext:
    return ServingContext.from_dataset(tiny)


@pytest.fixture(scope="module")
def evil_context(tiny) -> ServingContext:
    """Unit u2 named with markup, post p2 titled like a spreadsheet formula."""
    units = tiny.units.copy()
    units.loc[units["unit_id"] == "u2", "name"] = EVIL_UNIT
    positions = tiny.positions.copy()
    positions.loc[positions["position_id"] == "p2", "title"] = FORMULA_TITLE
    return ServingContext.from_dataset(dataclasses.replace(tiny, units=units, positions=positions))


def listing(directory) -> dict:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


# --- CSV --------------------------------------------------------------------------------------


def test_csv_reads_back_with_the_same_moves(context, tmp_path):
    plan = hand_plan()
    paths = write_plan(plan, context, tmp_path / "out")
    assert [p.name for p in paths] == list(FILES) and all(p.is_file() for p in paths)
    moves = pd.read_csv(tmp_path / "out" / "plan.csv", dtype={"runners_up": str})
    assert list(moves["employee_id"]) == [m.employee_id for m in plan.moves]
    assert list(moves["position_id"]) == [m.position_id for m in plan.moves]
    assert list(moves["from_position_id"]) == [m.from_position_id for m in plan.moves]
    assert moves["predicted_performance"].tolist() == [PERF_E3, PERF_E2]
    assert moves["adjustment_risk"].dtype.kind == "f" and moves["chain_depth"].tolist() == [0, 1]
    assert moves["fixed"].tolist() == [False, True] and moves["against_wish"].tolist() == [False, True]
    assert [r.split(";") for r in moves["runners_up"]] == [[RUNNER_UP], [RUNNER_UP, "e3"]]
    assert moves["title"].tolist() == ["Kepala Seksi Pelayanan", "Kepala Subbidang Anggaran"]
    assert moves["unit"].tolist() == ["UPT Kesehatan Sumba Timur", "Badan Keuangan Daerah"]
    assert moves["from_unit"].tolist() == ["Badan Keuangan Daerah", "UPT Kesehatan Sumba Timur"]
    # reasons in words: favourable ones first column, concerns in the other
    assert "Rata-rata nilai SKP 3 periode terakhir 4,7" in moves["reasons_for"][0]
    assert "Harus pindah lokasi kerja" in moves["reasons_against"][0]
    assert "Harus pindah" not in moves["reasons_for"][0]


def test_unfilled_csv_gives_reasons_in_words_in_each_language(context, tmp_path):
    for lang in LANGS:
        write_plan(hand_plan(), context, tmp_path / lang, lang)
        unfilled = pd.read_csv(tmp_path / lang / "unfilled.csv")
        assert unfilled["position_id"].tolist() == ["p4"] and unfilled["missing"].tolist() == [1]
        assert unfilled["title"][0] == "Analis Keuangan Ahli Pertama"
        for reason in (UnfilledReason.NO_ELIGIBLE_CANDIDATE, UnfilledReason.OUTFLOW_CAP):
            assert w.unfilled_reason(reason, lang) in unfilled["reasons"][0]
            assert str(reason) in unfilled["reason_codes"][0]
    english = pd.read_csv(tmp_path / "en" / "plan.csv")
    assert "Mean SKP score of the last 3 periods 4.7" in english["reasons_for"][0]   # re-worded from its value


def test_every_reason_and_constraint_has_words_in_both_languages():
    for lang in LANGS:
        for reason in UnfilledReason:
            assert w.unfilled_reason(reason, lang) != str(reason)
        for name in ConstraintName:
            assert w.constraint_name(name, lang) != str(name)
    assert w.unfilled_reason(UnfilledReason.OUTFLOW_CAP, "id") != w.unfilled_reason(UnfilledReason.OUTFLOW_CAP, "en")
    assert all(len(pair) == 2 and pair[0] and pair[1] for pair in w.TEXTS.values())


def test_formulas_in_data_stay_text(evil_context, tmp_path):
    write_plan(hand_plan(), evil_context, tmp_path)
    moves = pd.read_csv(tmp_path / "plan.csv")
    assert moves["title"][1] == "'" + FORMULA_TITLE
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Perpindahan"]
    cell = sheet.cell(row=3, column=2)
    assert cell.value == FORMULA_TITLE and cell.data_type == "s"


# --- XLSX -------------------------------------------------------------------------------------


def test_workbook_has_its_sheets_with_numbers_as_numbers(context, tmp_path):
    plan = hand_plan()
    write_plan(plan, context, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["Ringkasan", "Perpindahan", "Belum terisi", "Unit", "Batasan"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary[w.t("value", "id")] == pytest.approx(plan.objective.value)
    assert summary[w.t("bound", "id")] == pytest.approx(plan.objective.bound)
    assert summary[w.t("gap", "id")] == pytest.approx(plan.objective.gap)
    assert summary[w.t("greedy_value", "id")] == pytest.approx(plan.objective.greedy_value)
    assert summary[w.t("constraints_cost", "id")] == pytest.approx(0.3)
    assert summary[w.t("solver", "id")] == plan.objective.solver and summary["weights.risk"] == 2.0
    assert summary["fixed"] == "e2:p2"
    moves = book["Perpindahan"]
    header = [c.value for c in moves[1]]
    perf = header.index(w.t("predicted_performance", "id")) + 1
    risk = header.index(w.t("adjustment_risk", "id")) + 1
    assert moves.cell(row=2, column=perf).value == PERF_E3 and moves.cell(row=2, column=perf).data_type == "n"
    assert moves.cell(row=2, column=risk).value == RISK_E3 and "%" in moves.cell(row=2, column=risk).number_format
    assert moves.column_dimensions["A"].width >= export.MIN_WIDTH
    units = list(book["Unit"].iter_rows(min_row=2, values_only=True))
    assert units == [("u1", "Badan Keuangan Daerah", 2, 1, 1, 1),
                     ("u2", "UPT Kesehatan Sumba Timur", 1, w.t("no_cap", "id"), 1, 1)]
    constraints = list(book["Batasan"].iter_rows(min_row=2, values_only=True))
    assert constraints[0][:4] == ("max_outflow_per_unit", w.constraint_name("max_outflow_per_unit", "id"), True, 0.3)
    unfilled = list(book["Belum terisi"].iter_rows(min_row=2, values_only=True))
    assert unfilled[0][0] == "p4" and unfilled[0][4] == 1


def test_workbook_in_english(context, tmp_path):
    write_plan(hand_plan(), context, tmp_path, "en")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["Summary", "Moves", "Unfilled", "Units", "Constraints"]
    assert book["Moves"]["A1"].value == "Position id"


# --- HTML -------------------------------------------------------------------------------------


def unit_sections(html: str) -> dict[str, str]:
    """The text of each unit's section, by unit id."""
    parts = re.split(r"<h3>", html.split('id="unfilled"')[0])[1:]
    return {re.search(r"\((u\d)\)</span></h3>", "<h3>" + part).group(1): part for part in parts}


def test_html_shows_each_units_movers_and_is_self_contained(context, tmp_path):
    write_plan(hand_plan(), context, tmp_path)
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "http" not in html.lower() and "<link" not in html
    assert "<style>" in html and 'name="viewport"' in html and "@media (max-width" in html
    sections = unit_sections(html)
    assert set(sections) == {"u1", "u2"}
    arriving_u2, leaving_u2 = sections["u2"].split(w.t("leaving", "id") + " (")
    assert "e3" in arriving_u2 and "e2" in leaving_u2 and "e2" not in arriving_u2
    arriving_u1, leaving_u1 = sections["u1"].split(w.t("leaving", "id") + " (")
    assert "e2" in arriving_u1 and "e3" in leaving_u1
    assert "Rata-rata nilai SKP 3 periode terakhir 4,7" in arriving_u2            # reasons in words
    assert "Harus pindah lokasi kerja" in arriving_u2
    assert w.unfilled_reason(UnfilledReason.OUTFLOW_CAP, "id") in html
    assert w.constraint_name("max_outflow_per_unit", "id") in html
    assert "7,210" in html and "7,250" in html and "6,500" in html                 # value, bound, greedy


def test_html_escapes_the_data(evil_context, tmp_path):
    write_plan(hand_plan(), evil_context, tmp_path, "en")
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(" in html and "&amp; Co" in html
    assert w.t("arriving", "en") in html and w.unfilled_reason(UnfilledReason.OUTFLOW_CAP, "en") in html


def test_html_of_a_plan_without_moves(context, tmp_path):
    write_plan(hand_plan(moves=[], units=[]), context, tmp_path)
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert w.t("no_moves", "id") in html
    assert pd.read_csv(tmp_path / "plan.csv").empty


# --- all or nothing ---------------------------------------------------------------------------


def test_existing_directory_keeps_its_other_files(context, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "plan.csv").write_text("old")
    write_plan(hand_plan(), context, out)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "plan.csv").read_text(encoding="utf-8-sig").startswith("position_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]                   # no staging left


def test_out_dir_that_is_a_file_leaves_everything_as_it_was(context, tmp_path):
    target = tmp_path / "out"
    target.write_text("a file")
    with pytest.raises(NotADirectoryError):
        write_plan(hand_plan(), context, target)
    assert target.read_text() == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_midway_leaves_no_partial_file(context, tmp_path, monkeypatch):
    def broken(path, *args):
        path.write_bytes(b"half a workbook")
        raise ValueError("bad value")

    monkeypatch.setattr(export, "write_xlsx", broken)
    fresh = tmp_path / "new" / "deeper"
    with pytest.raises(ValueError, match="bad value"):
        write_plan(hand_plan(), context, fresh)
    assert list(tmp_path.iterdir()) == []                                          # created parents removed too
    old = tmp_path / "old"
    old.mkdir()
    (old / "plan.csv").write_text("previous plan")
    with pytest.raises(ValueError):
        write_plan(hand_plan(), context, old)
    assert listing(old) == {"plan.csv": b"previous plan"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_bad_language_is_refused_before_writing(context, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        write_plan(hand_plan(), context, tmp_path / "out", "fr")
    assert list(tmp_path.iterdir()) == []
