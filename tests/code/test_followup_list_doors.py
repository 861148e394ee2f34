"""The follow-up list's doors in process, on the simulated province with a synthetic
champion that has a post-transfer model: the reviewer page's shell, fragment and files,
``GET /v1/follow-up`` (paging, errors naming the field), and ``mutasi follow-up`` (table,
JSON, files written whole, bad options named with exit code 2)."""

import csv
import dataclasses
import io
import json

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import serving
from mutasi.cli import app as cli
from mutasi.followup_cli import WARNING_CODES
from serving.api import create_app
from serving.audit import AuditLog
from serving.champion import ChampionCache, ServedModel
from serving.context import ServingContext
from serving.followup import EarlyWarning, follow_up
from serving.followup_words import warning_text

from synthetic_bundle import synthetic_bundle, synthetic_followup

pytestmark = pytest.mark.code
T = pd.Timestamp("2026-01-01")
AS_OF = "2026-01-01"


@pytest.fixture(scope="module")
def context(province) -> ServingContext:
    return ServingContext.from_dataset(province)


@pytest.fixture(scope="module")
def bundle(province):
    return dataclasses.replace(synthetic_bundle(province.training_catalog, n=1500), followup=synthetic_followup(n=1500))


@pytest.fixture(scope="module")
def whole(context, bundle):
    return follow_up(context, bundle, T)


@pytest.fixture(scope="module")
def client(context, bundle, tmp_path_factory) -> TestClient:
    app = create_app(context, ChampionCache.fixed(bundle), AuditLog(tmp_path_factory.mktemp("fu") / "audit.db"),
                     tokens={})
    return TestClient(app, base_url="http://127.0.0.1")


def test_the_cli_knows_every_warning():
    assert WARNING_CODES == tuple(EarlyWarning)


def test_the_shell_has_filters_and_every_page_links_to_it(client, whole):
    unit = whole.units[0].unit_id
    page = client.get(f"/review/follow-up?lang=en&unit={unit}&warning=risk_rose&as_of=2025-02-03")
    assert page.status_code == 200 and 'id="fu-filter"' in page.text
    assert f'<option value="{unit}" selected>' in page.text and 'value="2025-02-03"' in page.text
    assert '<option value="risk_rose" selected>Risk rose since the decision</option>' in page.text
    assert "/static/list_page.js" in page.text and 'id="to-follow-up"' not in page.text
    odd = client.get("/review/follow-up?unit=nowhere&warning=sad&as_of=soon&lang=xx")
    assert odd.status_code == 200 and " selected>" not in odd.text.split('id="fu-unit"')[1].split("</select>")[0]
    for other in ("/review", "/review/due", "/review/talent"):
        assert 'id="to-follow-up" href="/review/follow-up?lang=id">Tindak lanjut mutasi</a>' in client.get(other).text


def test_the_fragment_lists_the_watchlist_with_plans(client, whole):
    html = client.get(f"/review/api/follow-up?as_of={AS_OF}&lang=id").text
    shown = [part.split('"', 1)[0] for part in html.split('class="due-entry fu-entry" data-employee="')[1:]]
    assert shown == [e.employee_id for e in whole.entries[:50]]
    first = whole.entries[0]
    for code in first.warnings:
        assert f'<span class="fu-badge fu-{code}" title="' in html and warning_text(code, "id") in html
    assert html.count('<details class="fu-plan">') == sum(e.plan is not None for e in whole.entries[:50])
    assert "JP setahun" in html and "Rencana orientasi" in html
    english = client.get(f"/review/api/follow-up?as_of={AS_OF}&lang=en&offset=50").text
    assert "Onboarding plan" in english and f"51\u2013{min(100, whole.matching)} of {whole.matching}" in english
    code = next(code for code, n in whole.by_warning.items() if n)
    narrowed = client.get(f"/review/api/follow-up?as_of={AS_OF}&warning={code}").text
    assert narrowed.count('class="due-entry fu-entry"') == min(50, whole.by_warning[code])
    assert client.get("/review/api/follow-up?unit=nowhere").json()["field"] == "unit"


def test_the_page_files_hold_every_entry(client, whole):
    answer = client.get(f"/review/api/follow-up/export?as_of={AS_OF}&format=csv")
    assert answer.status_code == 200 and 'filename="tindak-lanjut-mutasi-2026-01-01.csv"' in answer.headers[
        "content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == [e.employee_id for e in whole.entries]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/review/api/follow-up/export?as_of={AS_OF}").content))
    assert [s.max_row for s in book.worksheets][0] == whole.matching + 1 and len(book.worksheets) == 3


def test_v1_follow_up_pages_and_names_bad_fields(client, whole):
    doc = client.get(f"/v1/follow-up?as_of={AS_OF}&limit=2&offset=1").json()
    assert [e["employee_id"] for e in doc["entries"]] == [e.employee_id for e in whole.entries[1:3]]
    assert doc["matching"] == whole.matching and doc["followup_model"] is True
    assert doc["entries"][0]["plan"]["check_ins"] and "risk_now" in doc["entries"][0]
    for query, field in (("unit=nowhere", "unit"), ("warning=sad", "query.warning"), ("limit=1001", "query.limit"),
                         ("as_of=2026-13-01", "query.as_of"), ("offset=-1", "query.offset")):
        answer = client.get(f"/v1/follow-up?{query}")
        assert answer.status_code == 422 and answer.json()["field"] == field, query


@pytest.fixture
def cli_store(monkeypatch, province_dir, context, bundle):
    """``mutasi follow-up`` finds the module's context and the synthetic champion."""
    monkeypatch.setitem(serving._contexts, str(province_dir.resolve()), context)
    monkeypatch.setattr(ChampionCache, "get", lambda self: ServedModel(bundle, "synthetic", "1", ""))
    return province_dir


def follow(*args: str):
    return CliRunner().invoke(cli, ["follow-up", *args], env={"COLUMNS": "160"})    # ids unfolded in the table


def test_the_cli_prints_the_table_and_the_document(cli_store, whole):
    text = follow("--data", str(cli_store), "--as-of", AS_OF, "--top", "3").stdout
    assert f"{whole.transferees} pegawai dipantau · {whole.warned} dengan peringatan dini" in text
    assert whole.entries[0].employee_id in text and whole.entries[3].employee_id not in text
    assert f"… dan {whole.matching - 3} lainnya" in text
    result = follow("--data", str(cli_store), "--as-of", AS_OF, "--json", "--lang", "en")
    doc = json.loads(result.stdout)
    assert [e["employee_id"] for e in doc["entries"]] == [e.employee_id for e in whole.entries]


def test_the_cli_writes_files_whole_and_names_bad_options(cli_store, whole, tmp_path):
    out = tmp_path / "fu.xlsx"
    assert follow("--data", str(cli_store), "--as-of", AS_OF, "--out", str(out)).exit_code == 0
    assert [s.max_row for s in openpyxl.load_workbook(out).worksheets][0] == whole.matching + 1
    for args, option in ((["--unit", "nowhere"], "--unit"), (["--warning", "sad"], "--warning"),
                         (["--months", "0"], "--months"), (["--risk-threshold", "2"], "--risk-threshold"),
                         (["--out", str(tmp_path / "fu.txt")], "--out")):
        result = follow("--data", str(cli_store), "--as-of", AS_OF, *args)
        assert result.exit_code == 2 and option in result.output, (args, result.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fu.xlsx"]
