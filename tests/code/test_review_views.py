"""The reviewer page's helpers without a browser: reason and flag words, contributions in
the prediction's unit, the decision history in words, MLflow links and the model panel
without server paths, odd query values."""

from types import SimpleNamespace

import pytest

from features.eligibility import REASON_CODES
from serving import texts
from serving.limits import MAX_ID_LENGTH, MAX_TOP_K
from serving.result import MoveFlag
from serving.web import labels, views

pytestmark = pytest.mark.code

POOL_CODES = ("outside_units_filter", "outside_regions_filter", "outside_domains_filter", "beyond_max_distance")
SECRET_DIR = "/srv/mutasi-secret"


def test_every_reason_code_has_words_in_both_languages():
    for code in (*REASON_CODES, *POOL_CODES):
        indonesian, english = texts.reason_text(code, "id"), texts.reason_text(code, "en")
        assert code in texts.REASONS and indonesian != english, code
        assert "_" not in indonesian + english, code
    assert texts.reason_text("some_new_rule", "en") == "some new rule"


def test_link_to_the_run_on_a_tracking_server(monkeypatch):
    monkeypatch.setattr(views, "experiment_id", lambda uri, run_id: "7")
    link = views.mlflow_link("https://mlflow.example.go.id/", "abc123")
    assert link == {"kind": "http", "uri": "https://mlflow.example.go.id/",
                    "url": "https://mlflow.example.go.id/#/experiments/7/runs/abc123"}
    with_password = views.mlflow_link("https://bkd:hunter2@mlflow.example.go.id/", "abc123")
    assert "hunter2" not in str(with_password) and with_password["url"].startswith("https://mlflow.example.go.id/")


def test_local_store_is_named_without_its_path(monkeypatch):
    monkeypatch.setattr(views, "experiment_id", lambda uri, run_id: None)
    link = views.mlflow_link(f"sqlite:///{SECRET_DIR}/.mutasi/mlflow.db", "abc123")
    assert link["kind"] == "local" and link["url"] is None
    assert link["command"].startswith("mlflow ui --backend-store-uri sqlite:///") and "mlflow.db" in link["command"]
    assert SECRET_DIR not in str(link)


def test_model_panel_shows_no_server_paths(monkeypatch):
    monkeypatch.setattr(views, "experiment_id", lambda uri, run_id: None)
    meta = {"data_source": f"{SECRET_DIR}/province", "dataset_end": "2022-12-31", "n_events": 10,
            "catalog": f"file://{SECRET_DIR}/catalog.csv"}
    served = SimpleNamespace(name="mutasi-ranker", version="3", run_id="r9", bundle=SimpleNamespace(metadata=meta))
    view = views.model_view(served, f"sqlite:///{SECRET_DIR}/mlflow.db", f"{SECRET_DIR}/served-province")
    assert SECRET_DIR not in str(view)
    assert view["served_data"] == "served-province" and view["run_id"] == "r9"
    assert "province" in view["data_source"] and view["metadata"]["dataset_end"] == "2022-12-31"


@pytest.mark.parametrize("top, shown", [(str(MAX_TOP_K), MAX_TOP_K), (str(MAX_TOP_K + 1), views.DEFAULT_TOP),
                                        ("0", views.DEFAULT_TOP), ("x", views.DEFAULT_TOP), ("20", 20)])
def test_page_top_k_follows_the_shared_limit(top, shown):
    assert views.page_query("id", "p3", "", top)["top"] == shown


def test_odd_page_values_fall_back_to_defaults():
    query = views.page_query("fr", "x" * (MAX_ID_LENGTH + 1), "9999-12-31", "10")
    assert query == {"lang": "id", "position": "", "as_of": "", "top": 10}
    assert views.page_query("en", " p3 ", "2021-01-01", "5") == {"lang": "en", "position": "p3",
                                                                  "as_of": "2021-01-01", "top": 5}


def test_every_move_flag_has_words_in_both_languages():
    for flag in MoveFlag:
        indonesian, english = labels.flag(flag.value, "id"), labels.flag(flag.value, "en")
        assert indonesian != english and "_" not in indonesian + english, flag


def test_contributions_are_shown_in_the_unit_of_the_prediction():
    explanations = [{"target": "risk", "feature": "distance_km", "label": "Jarak 412 km", "contribution": 0.021},
                    {"target": "risk", "feature": "tenure", "label": "5 tahun", "contribution": -0.0105},
                    {"target": "risk", "feature": "grade", "label": "III/b", "contribution": 0.0},
                    {"target": "performance", "feature": "last_score", "label": "SKP baik", "contribution": 0.123}]
    risk = views.shap_chart(explanations, "risk", 0.123, "id")
    assert [r["text"] for r in risk["rows"]] == ["+2,1 poin persen risiko", "\u22121,1 poin persen risiko",
                                                 "0 poin persen risiko"]
    assert [r["tone"] for r in risk["rows"]] == ["bad", "good", "neutral"] and risk["rows"][0]["width"] == 50.0
    assert risk["base"] == "rata-rata model 12,3% risiko"
    performance = views.shap_chart(explanations, "performance", 3.9, "en")
    assert [r["text"] for r in performance["rows"]] == ["+0.12 SKP points"]
    assert performance["base"] == "model average 3.90 SKP points"
    assert views.shap_chart(explanations, "risk", None, "id")["base"] is None


def test_training_effects_are_shown_in_percentage_points():
    candidate = {"training_recommendations": [{"training_code": "t1", "name": "Diklat", "reason": "r",
                                               "expected_risk_change": -0.034, "expected_performance_change": 0.05,
                                               "hours": 24}]}
    [row] = views.recommendation_rows(candidate, "id")
    assert row["risk_change"] == "\u22123,4 poin persen risiko" and row["perf_change"] == "+0,05 poin SKP"


def test_decision_history_newest_first_with_names():
    history = [{"id": 1, "action": "accept", "employee_id": "e1", "order": ["e1", "e3"]},
               {"id": 2, "action": "reorder", "employee_id": None, "order": ["e3", "e1"]}]
    shown = views.decision_views(history, {"e1": "Siti Rahmawati"}, "en")
    assert [d["id"] for d in shown] == [2, 1]
    assert shown[1]["employee_name"] == "Siti Rahmawati" and shown[1]["action_text"] == "accept"
    assert shown[0]["employee_name"] is None and shown[0]["order_names"] == ["e3", "Siti Rahmawati"]
    assert views.person("e3", " ") == "e3" and views.person("e3", None) == "e3"


def test_the_scripts_get_the_token_messages():
    for strings in (labels.js_strings("id"), labels.plan_js_strings("en")):
        assert strings["token_wrong"] and strings["token_forbidden"]


