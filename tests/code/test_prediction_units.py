"""Contributions in the unit of the prediction: baseline + every contribution = the served
prediction (score clipped to 1..5, calibrated risk), for every feature and row, with a
steep, kinked calibration; the document carries both units."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, SCORE_MAX, Calibration
from serving.champion import ChampionCache
from serving.context import ServingContext
from serving.explain import contributions, in_prediction_units, link_factor
from serving.ranking import RankingOptions, rank, score_pool
from serving.texts import baseline_text, effect_text

from synthetic_bundle import random_features, synthetic_bundle

pytestmark = pytest.mark.code
AS_OF = "2020-01-01"
# isotonic-like: flat at the ends, steep and kinked in the middle
KINKED = Calibration((-3.0, -1.0, -0.2, 0.0, 0.4, 3.0), (0.02, 0.05, 0.05, 0.3, 0.6, 0.9))


@pytest.fixture(scope="module")
def bundle(tiny):
    return dataclasses.replace(synthetic_bundle(tiny.training_catalog), calibration=KINKED)


@pytest.fixture(scope="module")
def context(tiny):
    return ServingContext.from_dataset(tiny)


def test_baseline_plus_every_contribution_is_the_served_prediction(bundle):
    x = bundle.matrix(random_features(300, seed=5))
    units = in_prediction_units(bundle, contributions(bundle, x))
    performance, risk = bundle.predict_matrix(x)
    np.testing.assert_allclose(units[PERFORMANCE_MODEL].sum(axis=1), performance, atol=1e-6)
    np.testing.assert_allclose(units[RISK_MODEL].sum(axis=1), risk, atol=1e-6)
    np.testing.assert_allclose(units[RISK_MODEL][:, -1], KINKED(contributions(bundle, x[:1])[RISK_MODEL][0, -1]))


def test_scaling_keeps_signs_and_order_and_leaves_unclipped_points_alone(bundle):
    x = bundle.matrix(random_features(50, seed=6))
    raw = contributions(bundle, x)
    units = in_prediction_units(bundle, raw)
    np.testing.assert_allclose(units[PERFORMANCE_MODEL][:, :-1], raw[PERFORMANCE_MODEL][:, :-1])  # inside 1..5
    shown, logit = units[RISK_MODEL][:, :-1], raw[RISK_MODEL][:, :-1]
    assert (np.sign(shown) * np.sign(logit) >= 0).all()          # 0 only where the calibration is flat
    moved = np.abs(shown).sum(axis=1) > 0
    assert moved.any()
    for i in np.flatnonzero(moved):
        np.testing.assert_array_equal(np.argsort(-np.abs(shown[i]), kind="stable"),
                                      np.argsort(-np.abs(logit[i]), kind="stable"))


def test_a_clipped_score_scales_its_points_to_the_clip(bundle):
    # base 3.0 + 1.5 + 0.2 + 1.0 = 5.7 raw, served 5.0: the 2.7 points above base shrink to 2.0
    raw = {PERFORMANCE_MODEL: np.array([[1.5, 0.2, 1.0, 3.0]]), RISK_MODEL: np.array([[0.3, -0.1, 0.0, -0.5]])}
    units = in_prediction_units(bundle, raw)
    np.testing.assert_allclose(units[PERFORMANCE_MODEL], [[1.5 * 2 / 2.7, 0.2 * 2 / 2.7, 1.0 * 2 / 2.7, 3.0]])
    assert units[PERFORMANCE_MODEL].sum() == pytest.approx(SCORE_MAX)
    assert units[RISK_MODEL].sum() == pytest.approx(float(KINKED(np.array([-0.3]))[0]))


def test_no_change_in_the_raw_output_uses_the_slope(bundle):
    # +0.4 and −0.4 cancel: z = z0 = −0.1 (between the thresholds −0.2 and 0: slope 1.25)
    raw = {PERFORMANCE_MODEL: np.array([[0.4, -0.4, 3.0]]), RISK_MODEL: np.array([[0.4, -0.4, -0.1]])}
    units = in_prediction_units(bundle, raw)
    np.testing.assert_allclose(units[RISK_MODEL], [[0.5, -0.5, float(KINKED(np.array([-0.1]))[0])]])
    np.testing.assert_allclose(units[PERFORMANCE_MODEL], raw[PERFORMANCE_MODEL])
    factor = link_factor(KINKED, np.array([-0.1, 0.2]), np.array([-0.1, -0.1]))
    np.testing.assert_allclose(factor, [1.25, (KINKED(np.array([0.2]))[0] - KINKED(np.array([-0.1]))[0]) / 0.3])


def test_the_document_carries_both_units(context, bundle):
    served = ChampionCache.fixed(bundle, version="1", run_id="r").get()
    options = RankingOptions(explanations_per_target=200)            # every feature with a share
    ranking = rank(context, served, "p2", AS_OF, options)
    pool = score_pool(context, bundle, context.positions, "p2", pd.Timestamp(AS_OF), options)
    x = pool.scored.matrix
    raw, units = contributions(bundle, x), in_prediction_units(bundle, contributions(bundle, x))
    row_of = {e: i for i, e in enumerate(pool.pool.candidates["employee_id"])}
    assert ranking.candidates
    for cand in ranking.candidates:
        i = row_of[cand.employee_id]
        assert cand.base_values == {t: pytest.approx(raw[t][i, -1]) for t in raw}          # raw, for additivity
        assert cand.baseline == {t: pytest.approx(units[t][i, -1]) for t in units}
        for target, served_value in ((PERFORMANCE_MODEL, cand.predicted_performance),
                                     (RISK_MODEL, cand.adjustment_risk)):
            items = [e for e in cand.explanations if e.target == target]
            assert cand.baseline[target] + sum(e.contribution for e in items) == pytest.approx(served_value, abs=1e-4)
            assert cand.base_values[target] + sum(e.raw_contribution for e in items) == pytest.approx(
                raw[target][i].sum(), abs=1e-4)
        assert any(e.contribution != e.raw_contribution for e in cand.explanations if e.target == RISK_MODEL)


@pytest.mark.parametrize("lang, perf, risk, base", [
    ("id", "+0,12 poin SKP", "\u22122,1 poin persen risiko", "rata-rata model 12,3% risiko"),
    ("en", "+0.12 SKP points", "\u22122.1 pp of risk", "model average 12.3% risk"),
])
def test_effects_read_in_points_and_percentage_points(lang, perf, risk, base):
    assert effect_text("performance", 0.1234, lang) == perf
    assert effect_text("risk", -0.021, lang) == risk
    assert baseline_text("risk", 0.123, lang) == base


def test_an_effect_that_rounds_to_zero_has_no_sign():
    assert effect_text("performance", 0.004, "id") == "0,00 poin SKP"
    assert effect_text("risk", -0.00004, "en") == "0.0 pp of risk"
    assert effect_text("performance", 0.006, "id") == "+0,01 poin SKP"
