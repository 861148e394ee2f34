"""The selection correction end to end on the session's province: ipw and dr fit, the
weights follow the selection model, the uncorrected model is evaluated beside them, and a
bad option value fails naming the option."""

import numpy as np
import pandas as pd
import pytest

from training.evaluate import UNCORRECTED
from training.fit import FitSettings
from training.pipeline import evaluate_ranker, fit_ranker

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module", params=["ipw", "dr"])
def corrected(request, trained):
    settings = FitSettings(selection_correction=request.param, alternatives=10)
    return request.param, fit_ranker(trained["dataset"], trained["table"], settings)


def test_fits_end_to_end_and_reports_the_selection(corrected, trained):
    name, fitted = corrected
    assert fitted.uncorrected is not None and fitted.selection is not None
    meta = fitted.bundle.metadata
    assert meta["selection_correction"] == name
    assert 1 < meta["selection_ess"] <= len(fitted.selection.weights.values)
    assert 0 <= meta["selection_share_clipped"] < 0.05 and meta["selection_max_weight"] > 1
    assert not fitted.selection.report["calibration"].empty
    rows = trained["table"].iloc[fitted.perf_split.train]
    perf, _ = fitted.bundle.predict(rows)
    plain, _ = fitted.uncorrected.predict(rows)
    assert not np.allclose(perf, plain)                    # the correction changed the model
    if name == "dr":                                       # dr continues from the plain booster
        assert fitted.bundle.performance.num_trees() >= fitted.uncorrected.performance.num_trees()


def test_likely_choices_weigh_less_than_unlikely_ones(corrected):
    _, fitted = corrected
    selection = fitted.selection
    relative = selection.propensity * selection.pool_size          # likelihood relative to uniform choice
    weights = selection.weights.values.reindex(relative.index)
    likely, unlikely = relative.idxmax(), relative.idxmin()
    assert relative[likely] > 1 > relative[unlikely]
    assert weights[likely] < weights[unlikely]
    assert relative.corr(weights, method="spearman") < -0.99      # monotone (ties at the clip aside)


def test_evaluation_table_has_uncorrected_rows(corrected, trained):
    _, fitted = corrected
    oracle = pd.read_parquet(trained["path"] / "oracle_vacancies.parquet")
    evaluated = evaluate_ranker(fitted, trained["dataset"], trained["table"], oracle, lambda _m: None)
    table = evaluated.table
    for split in ("test", "oracle"):
        for target in ("performance", "risk"):
            methods = set(table[(table["split"] == split) & (table["target"] == target)]["method"])
            assert {"model", UNCORRECTED} <= methods, (split, target)


def test_a_bad_option_value_fails_naming_the_option(trained):
    with pytest.raises(ValueError, match="selection_correction"):
        fit_ranker(trained["dataset"], trained["table"], FitSettings(selection_correction="ipx"))
