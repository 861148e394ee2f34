"""The talent page in headless Chromium against a real server: the 9-box as a 3x3 grid
with counts (the counts of serving.talent), a click on a box lists its people with both
axes' inputs, the succession list of a key post, at desktop width and on a 390 px phone.

The data: the cloned tiny dataset with p2 and p3 marked strategic (key posts) and every
PNS assessed on every core and technical competency and trained recently, served with the
session's model.
"""

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from features.io import load_dataset
from serving.context import ServingContext
from serving.talent import talent_map

from cloned_dataset import cloned_tables
from servers import start_server
from tiny_dataset import write_tables

pytestmark = pytest.mark.browser

COPIES = 30
CODES = [f"m.0{i}" for i in range(1, 9)] + ["sk.01", "t.keuangan", "t.kesehatan"]
KEY_POST = "p3"


def talent_tables() -> dict[str, pd.DataFrame]:
    tables = cloned_tables(COPIES, seed=3)
    tables["positions"] = tables["positions"].assign(strategic=np.where(
        tables["positions"]["position_id"].isin(["p2", KEY_POST]), "true", "false"))
    rng = np.random.default_rng(11)
    pns = tables["employees"].loc[tables["employees"]["employment_status"] == "pns", "employee_id"]
    rows = [{"employee_id": e, "assessed_date": "2015-05-10", "competency_code": code,
             "level": f"{rng.uniform(2.9, 4.2):.1f}"} for e in pns for code in CODES]
    assessed = pd.concat([tables["competency_assessments"], pd.DataFrame(rows)], ignore_index=True)
    tables["competency_assessments"] = assessed.drop_duplicates(["employee_id", "assessed_date", "competency_code"])
    recent = [{"employee_id": e, "end_date": "2022-06-01", "training_code": "pkp", "hours": "200"} for e in pns]
    tables["trainings"] = pd.concat([tables["trainings"], pd.DataFrame(recent)], ignore_index=True)
    return tables


@pytest.fixture(scope="module")
def talent_data(tmp_path_factory):
    return write_tables(talent_tables(), tmp_path_factory.mktemp("talent-page") / "data")


@pytest.fixture(scope="module")
def talent_server(store, talent_data):
    """One server for this module: the session's model store, this module's data."""
    proc, url = start_server({**store, "data": talent_data, "root": talent_data.parent})
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def expected(talent_data):
    tmap = talent_map(ServingContext.from_dataset(load_dataset(talent_data)))
    return tmap.counts(), tmap


def open_page(page, url: str, lang: str = "id") -> None:
    page.goto(f"{url}/review/talent?lang={lang}")
    expect(page.locator("#talent-map .ninebox-grid")).to_be_visible()


def test_the_grid_shows_the_counts_and_a_click_lists_the_people(page, talent_server, expected, script_errors):
    counts, tmap = expected
    open_page(page, talent_server)
    boxes = page.locator("#talent-map button.box")
    expect(boxes).to_have_count(9)
    shown = {int(b.get_attribute("data-box")): int(b.locator(".box-count").inner_text()) for b in boxes.all()}
    assert shown == counts
    # box 9 top right, box 1 bottom left: potential up, performance across
    nine, one = page.locator('button.box[data-box="9"]').bounding_box(), page.locator('button.box[data-box="1"]').bounding_box()
    assert nine["x"] > one["x"] and nine["y"] < one["y"]
    busiest = max(counts, key=counts.get)
    page.click(f'button.box[data-box="{busiest}"]')
    expect(page.locator(f'button.box[data-box="{busiest}"]')).to_have_attribute("aria-pressed", "true")
    people = page.locator("#talent-box .talent-people > li")
    expect(people).to_have_count(min(counts[busiest], 200))
    ids = set(people.evaluate_all("items => items.map(li => li.dataset.employee)"))
    assert ids == set(tmap.in_box(busiest)["employee_id"])
    first = people.first
    expect(first.locator(".inputs li")).to_have_count(4)
    expect(first).to_contain_text("Kinerja: nilai SKP terakhir")
    expect(first).to_contain_text("Kelincahan belajar")
    assert script_errors == []


def test_filter_by_unit_recounts(page, talent_server, expected):
    _, tmap = expected
    open_page(page, talent_server, "en")
    page.select_option("#talent-unit", "u2")
    page.click("#talent-show")
    in_unit = int((tmap.people["unit_id"] == "u2").sum())
    expect(page.locator("#talent-map .talent-head")).to_contain_text(f"{in_unit} employees on the map")


def test_succession_of_a_key_post(page, talent_server, script_errors):
    open_page(page, talent_server, "en")
    page.select_option("#succession-post", KEY_POST)
    listed = page.locator("#succession .successors > li")
    expect(listed.first).to_be_visible()
    expect(page.locator("#succession h3")).to_contain_text("Kepala Seksi Pelayanan")
    expect(page.locator("#succession")).to_contain_text("Ready")
    assert 1 <= listed.count() <= 5
    assert script_errors == []


def test_the_page_fits_a_phone(phone, talent_server, expected, fits, script_errors):
    counts, _ = expected
    open_page(phone, talent_server)
    fits(phone)
    busiest = max(counts, key=counts.get)
    phone.click(f'button.box[data-box="{busiest}"]')
    expect(phone.locator("#talent-box .talent-people > li").first).to_be_visible()
    phone.select_option("#succession-post", KEY_POST)
    expect(phone.locator("#succession .successors > li").first).to_be_visible()
    fits(phone)
    assert script_errors == []
