"""A training recommendation says what its expected change assumes: the level each
assessed competency was raised by in the re-scoring, read back from the bundle, in the
document (a field and a sentence, both languages), the terminal table and the reviewer page."""

import dataclasses
import io

import pandas as pd
import pytest
from rich.console import Console

from features import columns as c
from features.snapshot import catalog_codes
from models.bundle import POOLED_UPLIFT
from mutasi.render import render_ranking
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.ranking import RankingOptions, rank
from serving.texts import UPLIFT_DIGITS, competency_name, number
from serving.web.views import recommendation_rows

from synthetic_bundle import synthetic_bundle

pytestmark = pytest.mark.code
AS_OF, POST = "2020-01-01", "p3"            # e1 is short of p3's m.02 standard; pkp develops m.02
SIMILAR = {"id": "seperti rata-rata pegawai serupa", "en": "as it did on average for similar employees"}


@pytest.fixture(scope="module")
def context(tiny):
    return ServingContext.from_dataset(tiny)


@pytest.fixture(scope="module")
def bundle(tiny):
    # an uplift per code unlike any default: the tests read it back from the bundle
    return dataclasses.replace(synthetic_bundle(tiny.training_catalog),
                               uplift={POOLED_UPLIFT: 0.137, "m.02": 0.4321, "m.08": 0.2468})


def recommendation(context, bundle, lang: str):
    served = ChampionCache.fixed(bundle, version="1", run_id="r").get()
    cand = rank(context, served, POST, AS_OF, RankingOptions(lang=lang)).to_document()["candidates"][0]
    assert cand["training_recommendations"], "the tiny post must yield a recommendation"
    return cand, cand["training_recommendations"][0]


def raised_codes(tiny, employee_id: str, training_code: str) -> set[str]:
    """The competencies the training develops that the employee was assessed on before AS_OF."""
    develops = catalog_codes(tiny.training_catalog)
    develops = set(develops[develops[c.TRAINING_CODE] == training_code][c.COMPETENCY_CODE])
    a = tiny.competency_assessments
    assessed = set(a[(a[c.EMPLOYEE_ID] == employee_id) & (a[c.ASSESSED_DATE] < pd.Timestamp(AS_OF))][c.COMPETENCY_CODE])
    return develops & assessed


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_assumption_names_the_levels_the_rescoring_used(context, bundle, tiny, lang):
    cand, rec = recommendation(context, bundle, lang)
    assert set(rec["assumed_uplift"]) == raised_codes(tiny, cand["employee_id"], rec["training_code"])
    assert set(rec["competencies"]) <= set(rec["assumed_uplift"])
    for code, level in rec["assumed_uplift"].items():
        assert level == pytest.approx(bundle.uplift_for(code))
        assert f"{competency_name(code, lang)}" in rec["assumption"]
        assert number(bundle.uplift_for(code), lang, UPLIFT_DIGITS) in rec["assumption"]
    assert SIMILAR[lang] in rec["assumption"] and rec["reason"].endswith(rec["assumption"])


def test_the_assumed_levels_alone_reproduce_the_claim(context, bundle):
    """Re-scoring with nothing but the levels the document names (pooled 0) gives the same
    claim; a smaller uplift gives another claim (here: none at all)."""
    _, rec = recommendation(context, bundle, "en")
    only = dataclasses.replace(bundle, uplift={POOLED_UPLIFT: 0.0, **rec["assumed_uplift"]})
    _, again = recommendation(context, only, "en")
    assert again["expected_risk_change"] == rec["expected_risk_change"]
    smaller = dataclasses.replace(bundle, uplift={POOLED_UPLIFT: 0.1})     # too little to close the gap
    served = ChampionCache.fixed(smaller, version="1", run_id="r").get()
    cand = rank(context, served, POST, AS_OF, RankingOptions(lang="en")).to_document()["candidates"][0]
    claims = {r["training_code"]: r for r in cand["training_recommendations"]}
    assert rec["training_code"] not in claims or (
        claims[rec["training_code"]]["expected_risk_change"] != rec["expected_risk_change"]
        and claims[rec["training_code"]]["assumption"] != rec["assumption"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_terminal_and_reviewer_page_show_the_assumption(context, bundle, lang):
    cand, rec = recommendation(context, bundle, lang)
    doc = rank(context, ChampionCache.fixed(bundle, version="1", run_id="r").get(), POST, AS_OF,
               RankingOptions(lang=lang)).to_document()
    out = io.StringIO()
    render_ranking(doc, Console(file=out, width=2000), lang)
    assert rec["assumption"] in out.getvalue()
    assert rec["assumption"] in recommendation_rows(cand, lang)[0]["reason"]
