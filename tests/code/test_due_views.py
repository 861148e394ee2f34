"""The due page's routes and ``GET /v1/due`` in process on the tiny dataset: the shell with
its filters and the header link, the fragment's counts and list in both languages, the
filters and paging, the exports read back, the server's rule pack, errors naming the field."""

import csv
import io
from dataclasses import replace

import openpyxl
import pytest
from fastapi.testclient import TestClient

from features.eligibility import DEFAULT_RULES
from serving.api import create_app
from serving.audit import AuditLog
from serving.champion import ChampionCache
from serving.context import ServingContext

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"
# e1's shortfall is exactly half a level, the default tolerance: without it e1 is due too
ZERO_TOLERANCE = replace(DEFAULT_RULES, competency_gap_tolerance=0.0)


@pytest.fixture(scope="module")
def context(tiny) -> ServingContext:
    return ServingContext.from_dataset(tiny)


@pytest.fixture
def client(context, tmp_path) -> TestClient:
    app = create_app(context, ChampionCache(None), AuditLog(tmp_path / "audit.db"), tokens={},
                     rules=ZERO_TOLERANCE)
    return TestClient(app, base_url="http://127.0.0.1")


def test_the_shell_has_filters_and_every_page_links_to_it(client):
    page = client.get("/review/due?lang=en&unit=u2&reason=never_assessed&as_of=2021-02-03")
    assert page.status_code == 200
    assert 'id="due-filter"' in page.text and '<option value="u2" selected>' in page.text
    assert '<option value="never_assessed" selected>never assessed</option>' in page.text
    assert 'value="2021-02-03"' in page.text and "/static/list_page.js" in page.text and 'id="to-due"' not in page.text
    odd = client.get("/review/due?unit=nowhere&reason=lazy&as_of=soon&lang=xx")
    assert odd.status_code == 200 and 'selected>' not in odd.text.split('id="due-unit"')[1].split("</select>")[0]
    for other in ("/review", "/review/plans", "/review/fairness", "/review/talent"):
        assert 'id="to-due" href="/review/due?lang=id">Jatuh tempo mutasi</a>' in client.get(other).text


def test_the_fragment_counts_and_lists_in_words(client):
    english = client.get(f"/review/api/due?as_of={AS_OF}&lang=en")
    assert english.status_code == 200
    text = english.text
    assert '<h2 id="due-summary">2 of 2 employees due to move</h2>' in text
    assert 'data-unit="u1"' in text and "1 of 1 due" in text
    assert text.index('data-employee="e2"') < text.index('data-employee="e1"')
    assert "past by 2 years 11 months" in text and "teamwork 0.5 level(s) short" in text
    indonesian = client.get(f"/review/api/due?as_of={AS_OF}").text
    assert "2 dari 2 pegawai jatuh tempo mutasi" in indonesian and "kerja sama kurang 0,5 level" in indonesian


def test_filters_and_pages(client):
    only_u1 = client.get(f"/review/api/due?as_of={AS_OF}&unit=u1").text
    assert 'data-employee="e1"' in only_u1 and 'data-employee="e2"' not in only_u1
    outdated = client.get(f"/review/api/due?as_of={AS_OF}&reason=assessment_outdated").text
    assert 'data-employee="e2"' in outdated and 'data-employee="e1"' not in outdated
    second = client.get(f"/review/api/due?as_of={AS_OF}&offset=1").text
    assert 'data-employee="e1"' in second and 'data-employee="e2"' not in second and '<ol class="due-entries" start="2">' in second


def test_exports_read_back(client):
    listed = client.get(f"/review/api/due/export?as_of={AS_OF}&format=csv&part=list&lang=en")
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("text/csv")
    assert 'filename="due-to-move-2020-01-01.csv"' in listed.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert [r["Employee id"] for r in rows] == ["e2", "e1"]
    units = client.get(f"/review/api/due/export?as_of={AS_OF}&format=csv&part=units&unit=u2")
    assert list(csv.reader(io.StringIO(units.content.decode("utf-8-sig"))))[1][:4] == ["u2", "UPT Kesehatan Sumba Timur",
                                                                                       "1", "1"]
    book = client.get(f"/review/api/due/export?as_of={AS_OF}&format=xlsx")
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets
    assert [s.max_row for s in sheets] == [3, 3]


def test_the_servers_rule_pack_decides(context, tmp_path):
    rules = replace(DEFAULT_RULES, competency_gap_tolerance=None, pack="tanpa-standar@1")
    app = create_app(context, ChampionCache(None), AuditLog(tmp_path / "audit.db"), tokens={}, rules=rules)
    client = TestClient(app, base_url="http://127.0.0.1")
    assert 'data-employee="e1"' not in client.get(f"/review/api/due?as_of={AS_OF}").text
    doc = client.get(f"/v1/due?as_of={AS_OF}").json()
    assert [e["employee_id"] for e in doc["entries"]] == ["e2"] and doc["rules"].startswith("tanpa-standar@1")


def test_v1_due_pages_and_names_bad_fields(client):
    doc = client.get(f"/v1/due?as_of={AS_OF}&limit=1&offset=1").json()
    assert doc["due"] == 2 and [e["employee_id"] for e in doc["entries"]] == ["e1"]
    assert doc["units"][0]["by_reason"]["below_post_standard"] + doc["units"][1]["by_reason"]["below_post_standard"] == 1
    for query, field in (("unit=u9", "unit"), ("reason=lazy", "query.reason"), ("as_of=2020-13-01", "query.as_of"),
                         ("limit=100000", "query.limit")):
        answer = client.get(f"/v1/due?{query}")
        assert answer.status_code == 422 and answer.json()["field"] == field, query
    assert client.get("/review/api/due?unit=u9").json()["field"] == "unit"
