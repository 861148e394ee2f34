"""Words people read in the terminal: reasons with effects in the prediction's unit, the
ranking table at 100 columns in both languages, and labels of unknown values."""

import io

import pytest
from rich.console import Console

from features import snapshot as s
from mutasi.render import _reasons, _trainings, excluded_summary, render_ranking
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.ranking import RankingOptions, rank
from serving.texts import describe, flag_text, number

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
WIDTH = 100


def explanation(feature: str, target: str, contribution: float) -> dict:
    return {"feature": feature, "target": target, "contribution": contribution, "label": feature.upper()}


def test_a_feature_moving_both_models_is_one_reason_in_its_unit():
    doc = {"explanations": [explanation("a", "performance", 0.5), explanation("a", "risk", -0.3),
                            explanation("b", "risk", 0.4), explanation("c", "performance", 0.1)]}
    # sizes in score points (risk × 2): b 0.8 raises risk (−), a 0.6 lowers it (+), c 0.1 helps; a named once
    assert _reasons(doc, lang="id").splitlines() == ["\u2212 B (+40 poin persen risiko)",
                                                     "+ A (\u221230 poin persen risiko)", "+ C (+0,10 poin SKP)"]
    assert _reasons(doc, lang="en").splitlines()[2] == "+ C (+0.10 SKP points)"


def test_training_effects_are_in_percentage_points():
    cand = {"training_recommendations": [{"name": "PKP", "expected_risk_change": -0.0213,
                                          "expected_performance_change": 0.0, "assumption": "If it works."}]}
    assert _trainings(cand, "id").splitlines() == ["PKP (\u22122,1 poin persen risiko)", "  If it works."]
    assert _trainings(cand, "en").splitlines()[0] == "PKP (\u22122.1 pp of risk)"


def test_the_excluded_summary_counts_without_a_list():
    assert excluded_summary({"excluded": None, "n_excluded": 4213}, "en").startswith("4213 employees not eligible")
    listed = {"excluded": [{"employee_id": "x", "reasons": ["exited"]}], "n_excluded": 1}
    assert excluded_summary(listed, "id").endswith("sudah berhenti dari ASN (1)")


@pytest.fixture(scope="module")
def documents(tiny):
    context = ServingContext.from_dataset(tiny)
    served = ChampionCache.fixed(synthetic_bundle(tiny.training_catalog), version="7", run_id="r1").get()
    return {lang: rank(context, served, "p3", "2020-01-01", RankingOptions(lang=lang)).to_document()
            for lang in ("id", "en")}


@pytest.mark.parametrize("lang, excluded_words, raw_codes", [
    ("id", "sudah menduduki jabatan ini", "holds_position"),
    ("en", "already holds this post", "holds_position"),
])
def test_the_table_shows_people_reasons_flags_and_units_in_100_columns(documents, lang, excluded_words, raw_codes):
    doc = documents[lang]
    narrow, flat = rendered(doc, lang, WIDTH), rendered(doc, lang, 2000)     # wide: every cell on one line
    cand = doc["candidates"][0]
    assert max(len(line) for line in narrow.splitlines()) <= WIDTH
    assert "\u2026" not in narrow                    # nothing cut off: every cell wraps instead
    for value in (cand["score"], cand["predicted_performance"]):
        assert number(value, lang, 2) in narrow
    assert f"{number(100 * cand['adjustment_risk'], lang, 0)}%" in narrow
    assert "Siti Rahmawati" in narrow and "e1" in narrow and "III/b" in narrow
    for flag in cand["flags"]:
        assert flag_text(flag, lang) in flat
    assert f"+ {cand['reason_for']}" in flat and f"\u2212 {cand['reason_against']}" in flat
    assert ("poin persen risiko" if lang == "id" else "pp of risk") in flat
    assert ("poin SKP" if lang == "id" else "SKP points") in flat
    assert "log-odds" not in flat and excluded_words in flat and raw_codes not in flat
    largest = max(cand["explanations"], key=lambda e: abs(e["contribution"]) * (2 if e["target"] == "risk" else 1))
    assert largest["label"] in flat


def rendered(doc: dict, lang: str, width: int) -> str:
    out = io.StringIO()
    render_ranking(doc, Console(file=out, width=width, color_system=None), lang)
    return out.getvalue()


@pytest.mark.parametrize("lang, unknown", [("id", "tidak diketahui"), ("en", "unknown")])
def test_an_unknown_flag_says_what_is_unknown(lang, unknown):
    known = describe(s.WILLING_TO_RELOCATE, 1.0, {}, lang)
    assert describe(s.WILLING_TO_RELOCATE, None, {}, lang) == f"{known}: {unknown}"
