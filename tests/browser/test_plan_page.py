"""The round plan page in headless Chromium against a real server, at desktop and phone
width: plan a round typed as CSV, read it by unit, accept one move and reject another
(recorded in the audit log, shown on the buttons and after a reload), download the
announcement and the plan as CSV and XLSX, re-plan, and the rejected employee is gone from
that post while the accepted move is kept.

Expected values come from the audit log's copy of the plan document the page was served,
not from the page itself.
"""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from serving.audit import AuditLog
from serving.planning import words as w

pytestmark = pytest.mark.browser

AS_OF = "2021-01-01"
ROUND_CSV = "position_id,headcount,priority\np1,1,1\np2,1,1\np3,2,2\np4,1,1\n"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser, script_errors):
    """A fresh page at desktop or phone width, script errors and CSP reports collected."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=WIDTHS[request.param], locale="id-ID", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: script_errors.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error" else None)
    yield page, request.param
    context.close()


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def moves_shown(page) -> list[tuple[str, str]]:
    pairs = page.locator("article.plan tr.move").evaluate_all(
        "rows => rows.map(r => [r.dataset.employee, r.dataset.position])")
    return [tuple(pair) for pair in pairs]


def plan_round(page, url: str) -> int:
    """Plan ROUND_CSV on the page; the audit id of the plan shown."""
    page.goto(f"{url}/review/plans")
    page.fill("#round-csv", ROUND_CSV)
    page.fill("#plan-as-of", AS_OF)
    page.fill("#max-outflow", "20%")
    page.click("#make-plan")
    expect(page.locator("article.plan")).to_be_visible()
    audit_id = int(page.locator("article.plan").get_attribute("data-audit-id"))
    return audit_id


def test_plan_review_and_replan(sized, server, store, script_errors):
    page, width = sized
    log = AuditLog(store["audit"])
    audit_id = plan_round(page, server)
    entry = log.plan_entry(audit_id)
    doc = entry["document"]
    assert entry["request"]["door"] == "review" and entry["as_of"] == AS_OF
    assert [r["position_id"] for r in entry["request"]["round"]] == ["p1", "p2", "p3", "p4"]
    assert f"plan={audit_id}" in page.url

    # the plan by unit: every move once among the arriving rows, in its post's unit
    assert sorted(moves_shown(page)) == sorted((m["employee_id"], m["position_id"]) for m in doc["moves"])
    units = {m["unit_id"] for m in doc["moves"]} | {m["from_unit_id"] for m in doc["moves"]}
    expect(page.locator("article.plan section.unit")).to_have_count(len(units))
    for move in doc["moves"]:
        unit = page.locator(f'section.unit[data-unit="{move["unit_id"]}"]')
        row = unit.locator(f'tr.move[data-employee="{move["employee_id"]}"][data-position="{move["position_id"]}"]')
        expect(row).to_have_count(1)
        expect(row.locator(".performance")).to_have_text(f"{move['predicted_performance']:.2f}".replace(".", ","))
        leaver = page.locator(f'section.unit[data-unit="{move["from_unit_id"]}"] tr.leaver'
                              f'[data-employee="{move["employee_id"]}"]')
        expect(leaver).to_have_count(1)
    expect(page.locator("#objective-value")).to_have_text(f"{doc['objective']['value']:,.3f}".translate(
        str.maketrans(",.", ".,")))
    expect(page.locator("#objective")).to_contain_text("Batas atas terbukti")
    expect(page.locator('#constraints tr[data-constraint="max_outflow_per_unit"]')).to_contain_text(
        "Batas pegawai yang boleh keluar dari satu unit")
    no_horizontal_scroll(page)

    # accept one move, reject another: recorded, and the buttons say so
    by_post = {m["position_id"]: m for m in doc["moves"]}
    kept, dropped = by_post["p1"], by_post["p2"]
    kept_row = page.locator(f'tr.move[data-employee="{kept["employee_id"]}"][data-position="p1"]')
    dropped_row = page.locator(f'tr.move[data-employee="{dropped["employee_id"]}"][data-position="p2"]')
    kept_row.locator(".decide-accept").click()                 # no reviewer name yet: refused by the page
    expect(page.locator("#plan-reviewer:invalid")).to_have_count(1)
    assert log.move_decisions(audit_id) == []
    page.fill("#plan-reviewer", "Rina (BKPSDM)")
    kept_row.locator(".decide-accept").click()
    expect(kept_row).to_have_attribute("data-decision", "accept")
    expect(kept_row.locator(".decide-accept")).to_have_attribute("aria-pressed", "true")
    page.fill("#plan-note", "Sudah diwawancarai")
    dropped_row.locator(".decide-reject").click()
    expect(dropped_row).to_have_attribute("data-decision", "reject")
    expect(dropped_row.locator(".decide-reject")).to_have_attribute("aria-pressed", "true")
    expect(dropped_row.locator(".decide-accept")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f'tr.leaver[data-employee="{dropped["employee_id"]}"] .decision-state')).to_have_text("ditolak")
    expect(page.locator("#decided-counts")).to_have_text("1 diterima · 1 ditolak")
    expect(page.locator("#plan-status")).to_have_class(re.compile(r"\bok\b"))
    decided = {(d["employee_id"], d["position_id"]): d for d in log.move_decisions(audit_id)}
    assert decided[(kept["employee_id"], "p1")]["decision"] == "accept"
    assert decided[(dropped["employee_id"], "p2")]["decision"] == "reject"
    assert decided[(dropped["employee_id"], "p2")]["note"] == "Sudah diwawancarai"
    assert {d["reviewer"] for d in decided.values()} == {"Rina (BKPSDM)"}

    # a reload reopens the same plan with its decisions
    page.reload()
    expect(page.locator("article.plan")).to_have_attribute("data-audit-id", str(audit_id))
    expect(kept_row.locator(".decide-accept")).to_have_attribute("aria-pressed", "true")
    expect(dropped_row.locator(".decide-reject")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#plan-reviewer")).to_have_value("Rina (BKPSDM)")

    # the public announcement: the accepted move only, saved as a file
    with page.expect_download() as download:
        page.click("#announce")
    announced = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == f"pengumuman-mutasi-{audit_id}.html"
    assert kept["employee_id"] in announced and dropped["employee_id"] not in announced

    # the plan itself as files for people: the moves as CSV, the workbook
    if width == "desktop":
        with page.expect_download() as csv_file:
            page.click("#export-plan-csv")
        assert csv_file.value.suggested_filename == f"rencana-mutasi-{audit_id}.csv"
        text = Path(csv_file.value.path()).read_bytes().decode("utf-8-sig")
        assert sorted((m["employee_id"], m["position_id"]) for m in csv.DictReader(io.StringIO(text))) == sorted(
            (m["employee_id"], m["position_id"]) for m in doc["moves"])
        with page.expect_download() as xlsx_file:
            page.click("#export-plan-xlsx")
        assert xlsx_file.value.suggested_filename == f"rencana-mutasi-{audit_id}.xlsx"
        book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_file.value.path()).read_bytes()))
        assert book.sheetnames[:2] == [w.t("sheet_summary", "id"), w.t("sheet_moves", "id")]
        moves_sheet = book[w.t("sheet_moves", "id")]
        assert moves_sheet.max_row == len(doc["moves"]) + 1 and moves_sheet["A1"].font.b

    # re-plan: the rejected move is not made again, the accepted one is kept
    page.click("#replan")
    expect(page.locator("#replan-of")).to_have_text(str(audit_id))
    new_id = int(page.locator("article.plan").get_attribute("data-audit-id"))
    assert new_id != audit_id and f"plan={new_id}" in page.url
    new = log.plan_entry(new_id)
    assert new["previous_id"] == audit_id
    shown = moves_shown(page)
    assert sorted(shown) == sorted((m["employee_id"], m["position_id"]) for m in new["document"]["moves"])
    assert (dropped["employee_id"], "p2") not in shown
    expect(page.locator(f'tr.move[data-position="p2"][data-employee="{dropped["employee_id"]}"]')).to_have_count(0)
    assert any(position == "p2" for _, position in shown), "p2 goes to someone else"
    kept_again = page.locator(f'tr.move[data-employee="{kept["employee_id"]}"][data-position="p1"]')
    expect(kept_again.locator(".tag.fixed")).to_be_visible()
    expect(page.locator("#decided-counts")).to_have_text("0 diterima · 0 ditolak")
    no_horizontal_scroll(page)
    if width == "phone":                                    # tables turn into stacked cards
        assert kept_again.evaluate("r => getComputedStyle(r).display") == "block"
        assert page.locator("article.plan table.plan-moves thead").first.is_hidden()
    assert script_errors == []


def test_a_bad_round_lists_its_problems_by_row(sized, server, script_errors):
    page, _ = sized
    page.goto(f"{server}/review/plans?lang=en")
    expect(page.locator("#make-plan")).to_have_text("Make the plan")
    page.fill("#round-csv", "position_id,headcount\np1,1\np2,0\n")
    page.click("#make-plan")
    expect(page.locator("#plan-error")).to_be_visible()
    problem = page.locator('#plan-problems li[data-row="2"][data-column="headcount"]')
    expect(problem).to_contain_text("headcount must be at least 1")
    expect(problem).to_contain_text("row 2")
    expect(page.locator("#plan-error-text")).to_contain_text("round.1.headcount")
    expect(page.locator("article.plan")).to_have_count(0)
    no_horizontal_scroll(page)
    # the browser reports the refused request itself as a console error; nothing else may fail
    assert [e for e in script_errors if "422" not in e] == []
