"""Behavioural tests of a model trained on a simulated province: direction, invariance,
calibration sanity and the additivity of its explanations."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import pairs as p
from features.model_inputs import FEATURES
from features.names import FAILURE, PERFORMANCE
from features.training_table import build_training_table
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL
from serving.explain import contributions, in_prediction_units
from training import metrics as m

pytestmark = [pytest.mark.model, pytest.mark.slow]


# The domain knowledge the boosters are constrained by (training.fit), written out here: a
# larger shortfall against the post's standard, or a lower competency gap (assessed minus
# required), never lowers risk and never raises expected performance.
RISK_RISES_WITH = (p.MANAGERIAL_SHORTFALL, p.N_SHORTFALLS)
RISK_FALLS_WITH = (p.TECH_GAP, *p.GAP_COLUMNS)
RISK_SIGN = {**{name: 1 for name in RISK_RISES_WITH}, **{name: -1 for name in RISK_FALLS_WITH}}
STEPS = (0.25, 1.0, 3.0)
EPSILON = 1e-12          # float noise; anything larger is a move against the constraint


def moves(predict, x: np.ndarray, column: int, step: float) -> np.ndarray:
    """Per row with a known value: the change of the output when one feature grows by
    ``step`` and every other input stays the same."""
    known = x[~np.isnan(x[:, column])]
    more = known.copy()
    more[:, column] += step
    return predict(more) - predict(known)


def against_and_along(predict, x: np.ndarray, features: tuple[str, ...], sign: dict[str, int]) -> tuple[dict, int]:
    """Rows moving against the constraint, per feature and step, and rows moving at all."""
    against, moved = {}, 0
    for name, direction in sign.items():
        for step in STEPS:
            change = direction * moves(predict, x, features.index(name), step)
            if (bad := int((change < -EPSILON).sum())) > 0:
                against[f"{name} +{step}"] = bad
            moved += int((np.abs(change) > EPSILON).sum())
    return against, moved


def test_risk_never_falls_when_one_shortfall_grows(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    against, moved = against_and_along(lambda x: bundle.risk.predict(x, raw_score=True), bundle.matrix(table),
                                       bundle.spec.features, RISK_SIGN)
    assert against == {}                                # every row, every constrained feature, every step
    assert moved > 0                                    # the features are used: the check is not vacuous


def test_expected_performance_never_rises_when_one_shortfall_grows(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    performance_sign = {name: -direction for name, direction in RISK_SIGN.items()}
    against, moved = against_and_along(bundle.performance.predict, bundle.matrix(table), bundle.spec.features,
                                       performance_sign)
    assert against == {}
    assert moved > 0


def test_protected_attributes_leave_predictions_unchanged(trained):
    dataset = trained["dataset"]
    emp = dataset.employees
    rng = np.random.default_rng(0)
    changed = emp.assign(**{
        c.GENDER: emp[c.GENDER].map({"l": "p", "p": "l"}),
        c.BIRTH_DATE: emp[c.BIRTH_DATE] - pd.to_timedelta(rng.integers(-3000, 3000, len(emp)), unit="D"),
        c.HOME_REGION_ID: rng.permutation(emp[c.HOME_REGION_ID].to_numpy()),
    })
    other = build_training_table(dataclasses.replace(dataset, employees=changed))
    bundle = trained["fitted"].bundle
    np.testing.assert_array_equal(np.column_stack(bundle.predict(trained["table"])),
                                  np.column_stack(bundle.predict(other)))


def test_model_inputs_exclude_protected_attributes(trained):
    spec = trained["fitted"].bundle.spec
    assert tuple(spec.features) == FEATURES
    assert not {c.GENDER, c.BIRTH_DATE, c.HOME_REGION_ID, "age_years", "retirement_date"} & set(spec.features)


def test_calibrated_risk_matches_the_test_rate(trained):
    fitted, table = trained["fitted"], trained["table"]
    test = table.iloc[fitted.risk_split.test]
    _, risk = fitted.bundle.predict(test)
    assert abs(risk.mean() - test[FAILURE].mean()) < 0.05
    assert m.roc_auc(test[FAILURE].to_numpy(), risk) > 0.65


def test_model_beats_seniority_on_the_test_period(trained):
    fitted, table = trained["fitted"], trained["table"]
    test = table.iloc[fitted.perf_split.test]
    perf, _ = fitted.bundle.predict(test)
    from training.baselines import duk_score
    assert m.spearman(perf, test[PERFORMANCE]) > m.spearman(duk_score(test), test[PERFORMANCE]) + 0.1


def test_explanations_add_up(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    x = bundle.matrix(table.head(50))
    np.testing.assert_allclose(bundle.contributions(x, PERFORMANCE_MODEL).sum(axis=1),
                               bundle.performance.predict(x), atol=1e-6)
    np.testing.assert_allclose(bundle.contributions(x, RISK_MODEL).sum(axis=1),
                               bundle.risk.predict(x, raw_score=True), atol=1e-6)


def test_explanations_in_prediction_units_add_up_to_the_served_predictions(trained):
    """With the fitted isotonic calibration: baseline + every feature's share = the served
    (clipped, calibrated) prediction, row by row; risk shares keep the sign of their log-odds."""
    bundle, table = trained["fitted"].bundle, trained["table"]
    x = bundle.matrix(table.sample(300, random_state=0))
    raw = contributions(bundle, x)
    units = in_prediction_units(bundle, raw)
    performance, risk = bundle.predict_matrix(x)
    np.testing.assert_allclose(units[PERFORMANCE_MODEL].sum(axis=1), performance, atol=1e-6)
    np.testing.assert_allclose(units[RISK_MODEL].sum(axis=1), risk, atol=1e-6)
    assert (np.sign(units[RISK_MODEL][:, :-1]) * np.sign(raw[RISK_MODEL][:, :-1]) >= 0).all()
    assert np.abs(units[RISK_MODEL][:, :-1]).max() <= 1


def test_unseen_codes_score_instead_of_crashing(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    rows = table.head(20).assign(**{p.TARGET_DOMAIN: "urusan_baru", p.TARGET_POSITION_TYPE: "jpt_utama"})
    perf, risk = bundle.predict(rows)
    assert np.isfinite(perf).all() and ((risk >= 0) & (risk <= 1)).all()


def test_saved_bundle_predicts_identically(trained, tmp_path):
    from models.bundle import RankerBundle

    bundle, table = trained["fitted"].bundle, trained["table"]
    again = RankerBundle.load(bundle.save(tmp_path / "bundle"))
    np.testing.assert_array_equal(np.column_stack(bundle.predict(table)), np.column_stack(again.predict(table)))
    assert again.spec == bundle.spec and again.uplift == bundle.uplift
