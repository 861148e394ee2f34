"""The due page in headless Chromium against the real server (the cloned tiny dataset of
tests/browser/conftest.py): the counts it shows are those of serving.due, a filter
narrows the list, the XLSX button downloads every entry, paging, and it fits a 390 px phone.

Expected values come from :func:`serving.due.due_list` on the dataset's files, not from the page.
"""

import openpyxl
import pytest
from playwright.sync_api import expect

from features.eligibility import DEFAULT_RULES
from serving.context import ServingContext
from serving.due import due_list
from serving.excluded import count_text

pytestmark = pytest.mark.browser
REASON = "below_post_standard"


@pytest.fixture(scope="module")
def context(store) -> ServingContext:
    return ServingContext.load(store["data"])


def open_due(page, url: str, query: str = "") -> None:
    page.goto(f"{url}/review/due?lang=id{query}")
    expect(page.locator("#due-summary")).to_be_visible()


def test_counts_filter_pages_and_download(page, server, context, script_errors, tmp_path):
    due = due_list(context, rules=DEFAULT_RULES, limit=50)
    assert due.due > 50, "the cloned data should fill more than one page"
    open_due(page, server)
    expect(page.locator("#due-summary")).to_have_text(
        f"{count_text(due.due, 'id')} dari {count_text(due.considered, 'id')} pegawai jatuh tempo mutasi")
    for unit in due.units:
        expect(page.locator(f'.due-unit[data-unit="{unit.unit_id}"] .due-unit-count')).to_have_attribute(
            "data-count", str(unit.due))
    shown = page.locator(".due-entry").evaluate_all("rows => rows.map(r => r.dataset.employee)")
    assert shown == [e.employee_id for e in due.entries]

    page.click(".pager .page-next")                                  # the next fifty
    expect(page.locator("#due-range")).to_contain_text("51\u2013")
    assert page.locator(".due-entry").first.get_attribute("data-employee") == due_list(
        context, rules=DEFAULT_RULES, offset=50, limit=1).entries[0].employee_id

    narrowed = due_list(context, rules=DEFAULT_RULES, reason=REASON, limit=1)
    page.select_option("#due-reason", REASON)
    expect(page.locator("#due-range")).to_have_text(f"1\u201350 dari {count_text(narrowed.due, 'id')}")
    codes = page.locator(".due-entry").evaluate_all("rows => rows.map(r => r.dataset.reasons)")
    assert codes and all(REASON in c.split() for c in codes)
    assert f"reason={REASON}" in page.url                           # a reload keeps the filter

    with page.expect_download() as download:
        page.click('button[data-export="xlsx"]')
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"jatuh-tempo-mutasi-{due.as_of}.xlsx"
    listed, units = openpyxl.load_workbook(saved).worksheets
    assert listed.max_row == narrowed.due + 1 and units.max_row == len(due.units) + 1
    assert script_errors == []


def test_a_unit_filter_on_a_phone(phone, server, context, fits, script_errors):
    unit = due_list(context, rules=DEFAULT_RULES, limit=1).units[-1]
    open_due(phone, server)
    fits(phone)
    phone.click(f'.due-unit button[data-unit="{unit.unit_id}"]')
    expect(phone.locator("#due-unit")).to_have_value(unit.unit_id)
    expect(phone.locator(".due-unit")).to_have_count(1)
    expect(phone.locator("#due-summary")).to_have_text(
        f"{count_text(unit.due, 'id')} dari {count_text(unit.employees, 'id')} pegawai jatuh tempo mutasi")
    fits(phone)
    assert script_errors == []
