"""Selection weights on hand examples: inverse propensity relative to uniform choice,
clipped at a quantile, stabilised to mean 1, with the overlap diagnostics."""

import numpy as np
import pandas as pd
import pytest

from training.correction import Correction, selection_weights
from training.fit import FitSettings
from training.metrics import effective_sample_size

pytestmark = pytest.mark.code


def test_uniform_choice_gives_weight_one():
    w = selection_weights(np.array([0.1, 0.25, 0.5]), np.array([10, 4, 2]))
    np.testing.assert_allclose(w.values.to_numpy(), 1.0)
    assert w.effective_sample_size == pytest.approx(3.0)
    assert w.share_clipped == 0.0


def test_weights_are_inverse_propensity_relative_to_uniform_and_stabilised():
    # raw 1/(n p): 1/(10*0.2)=0.5, 1/(10*0.05)=2, 1/(4*0.25)=1 -> mean 7/6
    w = selection_weights(pd.Series([0.2, 0.05, 0.25], index=["a", "b", "c"]), [10, 10, 4], clip_quantile=1.0)
    np.testing.assert_allclose(w.values.to_numpy(), np.array([0.5, 2.0, 1.0]) / (3.5 / 3))
    assert list(w.values.index) == ["a", "b", "c"]
    assert w.values.mean() == pytest.approx(1.0)
    assert w.values["b"] > w.values["c"] > w.values["a"]       # the unlikely choice weighs most
    assert w.max_weight == pytest.approx(2.0 / (3.5 / 3))


def test_clipping_at_a_quantile():
    raw = np.array([1.0] * 9 + [100.0])                  # one extreme event
    w = selection_weights(1.0 / raw, np.ones(10), clip_quantile=0.5)
    assert w.clip_at == pytest.approx(1.0)
    assert w.share_clipped == pytest.approx(0.1)
    np.testing.assert_allclose(w.values.to_numpy(), 1.0)
    unclipped = selection_weights(1.0 / raw, np.ones(10), clip_quantile=1.0)
    assert unclipped.max_weight > 9 and unclipped.effective_sample_size < 2


def test_effective_sample_size_by_hand():
    assert effective_sample_size(np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(4.0)
    assert effective_sample_size(np.array([2.0, 0.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert effective_sample_size(np.array([3.0, 1.0])) == pytest.approx(16 / 10)


def test_bad_inputs_fail_clearly():
    with pytest.raises(ValueError, match="propensities"):
        selection_weights(np.array([0.0, 0.5]), np.array([2, 2]))
    with pytest.raises(ValueError, match="clip_quantile"):
        selection_weights(np.array([0.5]), np.array([2]), clip_quantile=0.0)


def test_settings_validate_the_option_by_name():
    assert FitSettings(selection_correction="dr").correction is Correction.DR
    with pytest.raises(ValueError, match="selection_correction must be one of none, ipw, dr; got 'ips'"):
        FitSettings(selection_correction="ips")
