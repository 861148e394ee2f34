"""The reviewer page's extras in headless Chromium against a real server: the excluded list
(search by name or id, filter by reason, paging; leavers and non-ASN counted, not listed),
the ranking downloaded as CSV and XLSX, and the fairness page of the served version at
desktop and phone width.

Expected values come from the dataset's files (eligibility recomputed by
``features.eligibility``), the audit log and the run's logged audit, not from the page.
"""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from features.eligibility import evaluate_eligibility
from features.io import load_dataset
from serving.audit import AuditLog
from serving.excluded import COUNTED_ONLY, count_text

pytestmark = pytest.mark.browser

POSITION, AS_OF = "p3", "2021-04-01"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def dataset(store):
    return load_dataset(store["data"])


@pytest.fixture(scope="module")
def excluded(dataset) -> dict[str, list[str]]:
    """Employee id -> reason codes of everyone excluded from POSITION at AS_OF."""
    table = evaluate_eligibility(dataset, [POSITION], AS_OF)
    out = table[~table["eligible"].astype(bool)]
    return {str(e): str(r).split(";") for e, r in zip(out["employee_id"], out["reasons"])}


def shown_ids(page) -> list[str]:
    return page.locator("#excluded tbody tr").evaluate_all("rows => rows.map(r => r.dataset.employee)")


def search(page, text: str) -> None:
    """Search the excluded list and wait for the answer to it."""
    page.fill("#excluded input[name=q]", text)
    page.press("#excluded input[name=q]", "Enter")
    expect(page.locator("#excluded .excluded-page")).to_have_attribute("data-q", text)


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def open_ranking(page, url: str) -> int:
    page.goto(f"{url}/review?position={POSITION}&as_of={AS_OF}&lang=id")
    expect(page.locator("#excluded .excluded-page")).to_be_visible()
    return int(page.locator("article.ranking").get_attribute("data-audit-id"))


def test_excluded_list_search_filter_and_pages(page, server, dataset, excluded, script_errors):
    listed = {e: codes for e, codes in excluded.items() if not set(codes) & set(COUNTED_ONLY)}
    hidden = {e for e in excluded if e not in listed}
    assert len(listed) > 50 and hidden, "the cloned data should page and have someone counted only"
    open_ranking(page, server)
    expect(page.locator("#excluded-total")).to_have_text(count_text(len(excluded), "id"))
    first = shown_ids(page)
    assert len(first) == 50 and set(first) <= set(listed)
    not_pns = sum("not_pns" in codes for codes in excluded.values())
    expect(page.locator('#excluded li.counted-only[data-code="not_pns"]')).to_contain_text(str(not_pns))
    expect(page.locator("#excluded-span")).to_have_text(f"1\u201350 dari {count_text(len(listed), 'id')}")

    # the next page: the following fifty, none seen before
    page.click("#excluded .page-next")
    expect(page.locator("#excluded-span")).to_contain_text("51\u2013")
    second = shown_ids(page)
    assert second and set(second) <= set(listed) and not set(second) & set(first)
    page.click("#excluded .page-prev")
    expect(page.locator("#excluded-span")).to_contain_text("1\u201350")

    # search by name (display names live in employees.csv), then by the id of someone counted only
    names = dataset.employees.set_index("employee_id")["display_name"].astype(str)
    target = max((e for e in listed if names.get(e, "").strip()), key=lambda e: (len(names[e]), names[e]))
    search(page, names[target].upper())
    expect(page.locator(f'#excluded tbody tr[data-employee="{target}"]')).to_have_count(1)
    words = names[target].casefold().split()
    matching = [e for e in listed if all(w in f"{e} {names.get(e, '')}".casefold() for w in words)]
    assert sorted(shown_ids(page)) == sorted(matching)
    search(page, sorted(hidden)[0])
    expect(page.locator("#excluded .excluded-none")).to_be_visible()

    # filter by a reason: only employees with that reason, counted in words
    search(page, "")
    expect(page.locator("#excluded tbody tr")).to_have_count(50)
    code = "holds_position"
    with_code = [e for e, codes in listed.items() if code in codes]
    page.click(f'#excluded button.reason-filter[data-reason="{code}"]')
    expect(page.locator(f'#excluded button.reason-filter[data-reason="{code}"]')).to_have_attribute(
        "aria-pressed", "true")
    expect(page.locator("#excluded-span")).to_contain_text(f"dari {count_text(len(with_code), 'id')}")
    rows = page.locator("#excluded tbody tr").evaluate_all("rows => rows.map(r => r.dataset.reasons)")
    assert rows and all(code in reasons.split(";") for reasons in rows)
    expect(page.locator("#excluded tbody tr").first).to_contain_text("sudah menduduki jabatan ini")
    assert script_errors == []


def test_excluded_list_fits_a_phone(phone, server, fits, script_errors):
    open_ranking(phone, server)
    expect(phone.locator("#excluded tbody tr")).to_have_count(50)
    phone.locator("#excluded").scroll_into_view_if_needed()
    fits(phone, "#excluded, #excluded *")
    fits(phone)
    assert script_errors == []


def test_ranking_downloads_as_csv_and_xlsx(page, server, store, dataset, script_errors):
    audit_id = open_ranking(page, server)
    recorded = [r["employee_id"] for r in AuditLog(store["audit"]).ranking(audit_id)["results"]]
    names = dataset.employees.set_index("employee_id")["display_name"].astype(str)

    with page.expect_download() as csv_download:
        page.click(f'button[data-export="csv"][data-audit-id="{audit_id}"]')
    assert csv_download.value.suggested_filename == f"peringkat-{POSITION}-{AS_OF}-{audit_id}.csv"
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["Peringkat", "Nama", "ID pegawai"]
    assert [row[2] for row in table[1:]] == recorded
    assert [row[1] for row in table[1:]] == [names.get(e, "") for e in recorded]
    assert all(row[3] for row in table[1:])                                  # the current post, by title

    with page.expect_download() as xlsx_download:
        page.click(f'button[data-export="xlsx"][data-audit-id="{audit_id}"]')
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)] == recorded
    assert script_errors == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_fairness_page_at_each_width(browser, server, store, dataset, width, script_errors):
    phone = width == "phone"
    context = browser.new_context(viewport=WIDTHS[width], locale="id-ID", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda m: script_errors.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        logged = list((store["root"] / "home").rglob("fairness/audit.json"))
        assert len(logged) == 1
        audit = json.loads(logged[0].read_text())
        page.goto(f"{server}/review/fairness")
        expect(page.locator("#fairness-verdict")).to_be_visible()
        expect(page.locator("#fairness-verdict")).to_contain_text("Lulus" if audit["passed"] else "Tidak lulus")
        expect(page.locator("#fairness-version option[selected]")).to_contain_text("sedang dilayani")
        assert "version=" in page.url
        expect(page.locator(".ratio-row")).to_have_count(len(audit["rates"]))
        expect(page.locator(".ratio-bars line.four-fifths")).to_have_count(len(audit["rates"]))
        regions = dataset.regions.set_index("region_id")["name"].astype(str)
        shown = page.locator('[data-attribute="home_region"] .ratio-label b').all_inner_texts()
        groups = [r["group"] for r in audit["rates"] if r["attribute"] == "home_region" and r["group"] != "unknown"]
        assert groups and sorted(regions[g] for g in groups) == sorted(s for s in shown if s != "tidak diketahui")
        served = {r["group"]: r["selection_impact_ratio"] for r in audit["rates"] if r["attribute"] == "gender"}
        for group, ratio in served.items():
            bar = page.locator(f'[data-attribute="gender"] [data-group="{group}"] rect[data-series="served"]')
            assert float(bar.get_attribute("data-value")) == pytest.approx(ratio)
        no_horizontal_scroll(page)
        page.click("#lang-switch")
        expect(page.locator("#fairness-verdict")).to_contain_text("Passed" if audit["passed"] else "Failed")
        no_horizontal_scroll(page)
        assert script_errors == []
    finally:
        context.close()
