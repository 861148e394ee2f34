"""The reviewer page on a phone (390×844, headless Chromium, real server): from an empty page
to a recorded decision, every candidate a card, nothing wider than the screen (the
candidate list, the SHAP bars, the history tables, the decision form, the header)."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from serving.audit import AuditLog

pytestmark = pytest.mark.browser

POSITION = "p3"          # Kepala Seksi Pelayanan, UPT Kesehatan Sumba Timur
AS_OF = "2021-04-01"


def test_a_decision_recorded_on_a_phone(phone, server, store, script_errors, fits):
    page = phone
    page.goto(f"{server}/review")
    expect(page.locator("#model-version")).to_be_visible()
    fits(page)                                       # header, model panel, the form

    page.fill("#as-of", AS_OF)
    page.fill("#position-search", "sumba timur")
    items = page.locator("#position-list li button")
    expect(items).to_have_count(1)
    items.first.tap()
    rows = page.locator("#candidates tbody tr.candidate")
    expect(rows.first).to_be_visible()
    expected = httpx.post(f"{server}/v1/rankings", json={"position_id": POSITION, "as_of": AS_OF}, timeout=60).json()
    assert rows.count() == len(expected["candidates"]) >= 2

    # one card per candidate: name, post, reasons and the three numbers, no table header
    expect(page.locator("#candidates thead")).to_be_hidden()
    for row, cand in zip(rows.all(), expected["candidates"]):
        expect(row).to_have_css("display", "grid")
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        for part in (".name", ".post-title", ".reason-for", ".performance", ".risk", ".score"):
            expect(row.locator(part)).to_be_visible()
        expect(row.locator(".name")).to_have_text(cand["display_name"] or cand["employee_id"])
        assert row.locator(".flag").count() == len(cand["flags"])
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"], "cards stack, one under the other"
    fits(page)

    rows.first.locator(".show-detail").tap()
    detail = page.locator("section.detail:visible")
    expect(detail.locator("figure.shap .bar-row").first).to_be_visible()
    expect(detail.locator("table.posts tbody tr").first).to_be_visible()
    fits(page)                                       # SHAP bars, competencies, history tables

    employee = expected["candidates"][1]["employee_id"]
    page.fill("#reviewer", "Rina (BKPSDM)")
    page.select_option("#action", "accept")
    page.select_option("#decision-employee", employee)
    page.fill("#note", "Dipilih dari ponsel")
    page.locator("#save-decision").tap()
    expect(page.locator("#decision-status")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#decisions .decision-item")).to_have_count(1)
    assert not page.locator("#note").evaluate("n => n.matches(':user-invalid')")
    fits(page)                                       # the decision form and the history

    audit_id = int(page.locator("article.ranking").get_attribute("data-audit-id"))
    [decision] = AuditLog(store["audit"]).decisions(audit_id)
    assert (decision["action"], decision["employee_id"], decision["note"]) == ("accept", employee, "Dipilih dari ponsel")
    assert script_errors == []
