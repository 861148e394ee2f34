"""The reviewer page's helpers and shell without a browser: MLflow links, reason words,
odd query values."""

import httpx
import pytest

from features.eligibility import REASON_CODES
from serving.web import labels, views

pytestmark = pytest.mark.browser

POOL_CODES = ("outside_units_filter", "outside_regions_filter", "outside_domains_filter", "beyond_max_distance")


def test_every_reason_code_has_words_in_both_languages():
    for code in (*REASON_CODES, *POOL_CODES):
        indonesian, english = labels.reason(code, "id"), labels.reason(code, "en")
        assert code in labels.REASONS and indonesian != english, code
        assert "_" not in indonesian + english, code
    assert labels.reason("some_new_rule", "en") == "some new rule"


def test_link_to_the_run_on_a_tracking_server(monkeypatch):
    monkeypatch.setattr(views, "experiment_id", lambda uri, run_id: "7")
    link = views.mlflow_link("https://mlflow.example.go.id/", "abc123")
    assert link == {"kind": "http", "uri": "https://mlflow.example.go.id/",
                    "url": "https://mlflow.example.go.id/#/experiments/7/runs/abc123"}


def test_local_store_gets_a_command_to_open_it(monkeypatch):
    monkeypatch.setattr(views, "experiment_id", lambda uri, run_id: None)
    link = views.mlflow_link("sqlite:////srv/mutasi/.mutasi/mlflow.db", "abc123")
    assert link["kind"] == "local" and link["path"] == "/srv/mutasi/.mutasi/mlflow.db" and link["url"] is None
    assert link["command"] == "mlflow ui --backend-store-uri sqlite:////srv/mutasi/.mutasi/mlflow.db"


def test_odd_query_values_fall_back_to_defaults(server):
    response = httpx.get(f"{server}/review", params={"lang": "fr", "as_of": "2021-13-45", "top": "x",
                                                       "position": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html and "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html or "&#34;&gt;&lt;script&gt;" in html
    assert 'value="2021-13-45"' not in html
