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
from training import metrics as m

pytestmark = [pytest.mark.model, pytest.mark.slow]


def test_more_shortfall_never_lowers_risk_on_average(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    rows = table.sample(600, random_state=1)
    _, base = bundle.predict(rows)
    for delta in (0.5, 1.0, 2.0):
        worse = rows.copy()
        for col in p.GAP_COLUMNS:
            worse[col] = worse[col] - delta
        worse[p.MANAGERIAL_SHORTFALL] = worse[p.MANAGERIAL_SHORTFALL] + delta * 3
        worse[p.TECH_GAP] = worse[p.TECH_GAP] - delta
        _, risk = bundle.predict(worse)
        assert risk.mean() >= base.mean()
        assert (risk >= base - 1e-9).mean() > 0.99       # monotone per row, not only on average
        base = risk


def test_more_shortfall_never_raises_expected_performance_on_average(trained):
    bundle, table = trained["fitted"].bundle, trained["table"]
    rows = table.sample(600, random_state=2)
    perf, _ = bundle.predict(rows)
    worse = rows.assign(**{p.MANAGERIAL_SHORTFALL: rows[p.MANAGERIAL_SHORTFALL] + 2})
    assert bundle.predict(worse)[0].mean() <= perf.mean()


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
