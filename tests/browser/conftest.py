"""A registered model, a real uvicorn process serving it, and Debian's headless Chromium
driven by Playwright (never a browser Playwright downloads itself), at desktop width
(``page``) and phone width (``phone``, 390×844).

The store is built like ``tests/api``'s (cloned tiny dataset, throw-away MUTASI_HOME) but
trained with small leaves: with the default settings the boosters learn nothing on so few
events, and the page would have no SHAP bars to show.
"""

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from servers import server_fixture, trained_store

CHROMIUM = os.environ.get("MUTASI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COPIES = 120
TRAIN = """
import sys
from training.fit import FitSettings
from training.pipeline import train
# the page needs a served model whatever the fairness audit of these clones says
result = train(sys.argv[1], settings=FitSettings(min_data_in_leaf=5, early_stopping_rounds=20),
               force_champion="browser tests on cloned tiny data")
print(result.version, result.alias)
"""

expect.set_options(timeout=30_000)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# every laid-out element under the given selectors that reaches past the screen's edges
OVERFLOW = """([selectors, width]) => {
  const wide = [];
  for (const el of document.querySelectorAll(selectors)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5)
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, screen: width,
           wide: wide.slice(0, 12) };
}"""


def assert_fits(page, selectors: str = "body *") -> None:
    """Nothing on the page is wider than the screen the test set (``page.viewport_size``): no
    horizontal scrolling, and no element under ``selectors`` reaches past either edge. Not
    ``window.innerWidth``: a mobile browser widens its layout viewport to fit content that is
    too wide, and zooms out."""
    width = page.viewport_size["width"]
    found = page.evaluate(OVERFLOW, [selectors, width])
    assert found["scrollWidth"] <= width and found["innerWidth"] <= width, found
    assert found["wide"] == [], found


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> dict:
    """Dataset directory and MUTASI_HOME holding a registered champion."""
    return trained_store(tmp_path_factory.mktemp("browser"), COPIES, [sys.executable, "-c", TRAIN])


@pytest.fixture(scope="session")
def server(store):
    yield from server_fixture(store)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
                    "(`make browser`, or apt-get install chromium chromium-driver); "
                    "set $MUTASI_CHROMIUM to use another binary", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def script_errors() -> list[str]:
    """Uncaught script errors and Content-Security-Policy violations of the page (tests
    assert it stays empty)."""
    return []


def _open(browser, script_errors: list[str], **options):
    context = browser.new_context(locale="id-ID", **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: script_errors.append(message.text)     # blocked by the page's CSP
            if "Content Security Policy" in message.text else None)
    return context, page


@pytest.fixture
def page(browser, script_errors):
    """A fresh browser context (empty storage) and page at desktop width."""
    context, page = _open(browser, script_errors, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser, script_errors):
    """A fresh browser context and page as a phone shows it: 390×844, touch, mobile viewport."""
    context, page = _open(browser, script_errors, viewport=PHONE, is_mobile=True, has_touch=True,
                          device_scale_factor=2)
    yield page
    context.close()


@pytest.fixture
def fits():
    """``fits(page, selectors)``: assert nothing is wider than the viewport (see assert_fits)."""
    return assert_fits
