"""The programme evaluation report (a hand-made evaluation, tests/program_evaluation.py)
opened from disk in headless Chromium, as `mutasi evaluate-program` writes it: at desktop
width every section and plot shows, and on a 390 px phone nothing on the page is wider
than the screen while the wide tables scroll inside their own box."""

import pytest
from playwright.sync_api import expect

from serving.program.export import REPORT_HTML, write_files

from program_evaluation import evaluation

pytestmark = pytest.mark.browser
# the page's blocks (not the cells of a table, which may scroll inside its box)
BLOCKS = "main > *, section > *, article > *, figure, figure svg, .scroll, .box > *"
SECTIONS = ("#summary", "#findings", "#placebo", "#splits", "#satisfaction", "#service", "#notices", "#how")


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("program-report")
    files = write_files(evaluation(1.0), folder, "id")
    return files[REPORT_HTML].resolve().as_uri()


def test_every_section_and_plot_on_a_desktop(page, report_url, script_errors, fits):
    e = evaluation(1.0)
    page.goto(report_url)
    for section in SECTIONS:
        expect(page.locator(section)).to_be_visible()
    expect(page.locator("#findings tr.outcome")).to_have_count(len(e.main))
    plots = page.locator("figure svg")
    expect(plots).to_have_count(len(e.main) + 3 + len(e.service))
    for svg in plots.all():
        box = svg.bounding_box()
        assert box["width"] > 300 and box["height"] > 100          # drawn at a readable size
    fits(page)
    assert script_errors == []


def test_readable_on_a_phone(phone, report_url, script_errors, fits):
    page = phone
    page.goto(report_url)
    expect(page.locator("#summary-main")).to_be_visible()
    fits(page, BLOCKS)
    width = page.viewport_size["width"]
    boxes = page.locator("#findings .scroll")
    expect(boxes).to_have_count(1)
    scroll = boxes.first.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll[0] > scroll[1], "the findings table fits a phone: nothing to scroll (test no longer checks it)"
    box = boxes.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for svg in page.locator("figure svg").all():
        svg_box = svg.bounding_box()
        assert svg_box["width"] <= width and svg_box["height"] > 60       # shrunk to the screen, not away
    font = page.locator("#summary-main").evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert font >= 14
    assert script_errors == []
