"""The talent page's routes in process (serving.web.talent_views): the grid fragment with
counts per box, a box's people with both axes' inputs, a key post's succession list with
and without a served model, and the errors that name the query field."""

import pytest
from fastapi.testclient import TestClient
from test_succession import key_post_tables

from features.io import load_dataset
from serving.api import create_app
from serving.audit import AuditLog
from serving.champion import ChampionCache, NoChampionError
from serving.context import ServingContext
from serving.web.talent_views import SHADES, shade

from tiny_dataset import write_tables


class NoModel(ChampionCache):
    def get(self):
        raise NoChampionError("no version holds the alias 'champion'")


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> ServingContext:
    return ServingContext.from_dataset(load_dataset(write_tables(key_post_tables(),
                                                                 tmp_path_factory.mktemp("talent-views"))))


def client(context, champion, tmp_path) -> TestClient:
    app = create_app(context, champion, AuditLog(tmp_path / "audit.db"), tokens={})
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def served(context):
    from synthetic_bundle import synthetic_bundle

    return ChampionCache.fixed(synthetic_bundle(context.dataset.training_catalog))


def test_the_shell_lists_filters_and_key_posts(context, served, tmp_path):
    page = client(context, served, tmp_path).get("/review/talent?lang=en")
    assert page.status_code == 200
    assert 'id="talent-map"' in page.text and 'value="k1"' in page.text and 'value="u2"' in page.text
    assert "/static/talent.js" in page.text and 'id="to-talent"' not in page.text
    assert 'id="to-talent"' in client(context, served, tmp_path).get("/review/plans").text


def test_the_grid_has_nine_boxes_with_counts(context, served, tmp_path):
    grid = client(context, served, tmp_path).get("/review/api/talent?lang=en&as_of=2020-01-01")
    assert grid.status_code == 200
    for box in range(1, 10):
        assert f'data-box="{box}"' in grid.text
    assert 'aria-label="Box 9: Performance above expectations, potential high, 2 people"' in grid.text
    assert 'aria-label="Box 1: Performance below expectations, potential low, 0 people"' in grid.text


def test_a_box_lists_its_people_with_both_axes_inputs(context, served, tmp_path):
    box = client(context, served, tmp_path).get("/review/api/talent/box?box=9&lang=id")
    assert box.status_code == 200
    assert "Siti Rahmawati" in box.text and "Budi Santoso" in box.text
    assert "Kinerja: nilai SKP terakhir 5, sebelumnya 4, rata-rata 4,5" in box.text
    assert "Kompetensi: 100% standar kelas jabatan 12" in box.text
    assert "Kelincahan belajar" in box.text and "Skor potensial" in box.text
    empty = client(context, served, tmp_path).get("/review/api/talent/box?box=1&unit=u2&lang=en")
    assert "No one in this box." in empty.text


def test_succession_with_a_model(context, served, tmp_path):
    page = client(context, served, tmp_path).get("/review/api/succession?position_id=k1&lang=id")
    assert page.status_code == 200
    now, later = page.text.index("Siap sekarang"), page.text.index("Siap dalam 1")
    assert now < page.text.index("Siti Rahmawati") < later < page.text.index("Budi Santoso")
    assert "Pelatihan Kepemimpinan Pengawas" in page.text and "200 JP" in page.text
    assert "model local@0" in page.text and 'id="no-model"' not in page.text


def test_succession_without_a_model_says_so(context, tmp_path):
    page = client(context, NoModel(), tmp_path).get("/review/api/succession?position_id=k1&lang=en")
    assert page.status_code == 200
    assert 'id="no-model"' in page.text and "without a risk estimate" in page.text
    assert "Pelatihan Kepemimpinan Pengawas" in page.text


def test_errors_name_the_field(context, served, tmp_path):
    http = client(context, served, tmp_path)
    assert http.get("/review/api/talent?unit=nope").json()["field"] == "unit"
    assert http.get("/review/api/talent?domain=nope").json()["field"] == "domain"
    assert http.get("/review/api/talent?as_of=2020-13-01").json()["field"] == "as_of"
    assert http.get("/review/api/talent/box?box=10").status_code == 422
    plain = http.get("/review/api/succession?position_id=p1")            # exists, not a key post
    assert plain.status_code == 422 and plain.json()["field"] == "position_id"
    missing = http.get("/review/api/succession?position_id=p99")
    assert missing.status_code == 404 and missing.json()["field"] == "position_id"


def test_shade_grows_with_the_count():
    assert [shade(n, 40) for n in (0, 1, 10, 20, 40)] == [0, 1, 2, 3, SHADES - 1]


def test_the_fragments_need_the_token_when_one_is_set(context, served, tmp_path):
    app = create_app(context, served, AuditLog(tmp_path / "audit.db"), tokens={"hr": "s3cret-token"})
    http = TestClient(app, base_url="http://127.0.0.1")
    for path in ("/review/api/talent", "/review/api/talent/box?box=9", "/review/api/succession?position_id=k1"):
        assert http.get(path).status_code == 401, path
        assert http.get(path, headers={"Authorization": "Bearer s3cret-token"}).status_code == 200, path
    assert http.get("/review/talent").status_code == 200          # the shell holds no data
