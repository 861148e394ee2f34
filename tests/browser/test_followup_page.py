"""The follow-up page in headless Chromium against the real server (the cloned tiny dataset
of tests/browser/conftest.py, at a date whose window holds the clones' moves): the list is
``GET /v1/follow-up``'s in its order, a plan opens, a warning filter narrows the list, the
XLSX button downloads every entry, and it fits a 390 px phone with a plan open.

Expected values come from the server's ``GET /v1/follow-up`` document, not from the page.
"""

import httpx
import openpyxl
import pytest
from playwright.sync_api import expect

from serving.excluded import count_text

pytestmark = pytest.mark.browser
AS_OF = "2016-01-01"


@pytest.fixture(scope="module")
def doc(server) -> dict:
    answer = httpx.get(f"{server}/v1/follow-up?as_of={AS_OF}&limit=1000", timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def open_page(page, url: str, lang: str = "id") -> None:
    page.goto(f"{url}/review/follow-up?lang={lang}&as_of={AS_OF}")
    expect(page.locator("#fu-summary")).to_be_visible()


def test_the_list_a_plan_a_filter_and_the_download(page, server, doc, script_errors, tmp_path):
    assert doc["matching"] > 5, "the window should hold several of the clones' moves"
    open_page(page, server)
    expect(page.locator("#fu-summary")).to_have_text(
        f"{count_text(doc['warned'], 'id')} dari {count_text(doc['transferees'], 'id')} pegawai yang dimutasi "
        f"dalam 24 bulan terakhir dengan peringatan dini")
    shown = page.locator(".fu-entry").evaluate_all("rows => rows.map(r => r.dataset.employee)")
    assert shown == [e["employee_id"] for e in doc["entries"][:50]]
    if not doc["followup_model"]:
        expect(page.locator(".fu-model-notice")).to_be_visible()

    first = page.locator(".fu-entry").first
    plan = doc["entries"][0]["plan"]
    expect(first.locator(".fu-check-ins")).to_be_hidden()
    first.locator(".fu-plan summary").click()
    expect(first.locator(".fu-check-ins .chip")).to_have_count(len(plan["check_ins"]))
    expect(first.locator(".fu-jp")).to_be_visible()

    code, n = max(doc["by_warning"].items(), key=lambda item: item[1])
    assert n > 0
    page.select_option("#fu-warning", code)
    expect(page.locator(".fu-entry")).to_have_count(min(50, n))
    codes = page.locator(".fu-entry").evaluate_all("rows => rows.map(r => r.dataset.warnings)")
    assert all(code in c.split() for c in codes) and f"warning={code}" in page.url

    with page.expect_download() as download:
        page.click('button[data-export="xlsx"]')
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"tindak-lanjut-mutasi-{AS_OF}.xlsx"
    watchlist, trainings, check_ins = openpyxl.load_workbook(saved).worksheets
    assert watchlist.max_row == n + 1 and check_ins.max_row > n
    assert script_errors == []


def test_it_fits_a_phone_with_a_plan_open(phone, server, doc, fits, script_errors):
    open_page(phone, server, "en")
    expect(phone.locator("#fu-summary")).to_contain_text("employees moved in the last 24 months")
    fits(phone)
    phone.locator(".fu-entry .fu-plan summary").first.click()
    expect(phone.locator(".fu-entry .fu-plan[open] .fu-jp").first).to_be_visible()
    fits(phone)
    unit = doc["units"][-1]
    phone.click(f'.fu-unit button[data-unit="{unit["unit_id"]}"]')
    expect(phone.locator("#fu-unit")).to_have_value(unit["unit_id"])
    expect(phone.locator(".fu-entry")).to_have_count(min(50, unit["transferees"]))
    fits(phone)
    assert script_errors == []
