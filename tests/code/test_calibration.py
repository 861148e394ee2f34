"""The risk calibration (isotonic, then strictly increasing between step centres): a known
tiny case, monotone, inside [0, 1], and it lowers the ECE of an overconfident score."""

import numpy as np
import pytest
from scipy.special import expit

from models.bundle import Calibration
from training import metrics as m
from training.fit import fit_calibration

pytestmark = pytest.mark.code


def test_known_tiny_case():
    # isotonic regression pools the violation (1 at margin 0, 0 at margin 1) into 0.5: steps
    # 0 on {-2, -1}, 0.5 on {0, 1}, 1 on {2, 3}; the knots are the steps' centres
    calibration = fit_calibration(np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]), np.array([0, 0, 1, 0, 1, 1.0]))
    assert calibration == Calibration((-1.5, 0.5, 2.5), (0.0, 0.5, 1.0))
    # linear between knots (-0.5 is halfway from -1.5 to 0.5), clipped beyond the ends
    np.testing.assert_allclose(calibration(np.array([-10.0, -1.5, -0.5, 0.5, 1.5, 10.0])),
                               [0.0, 0.0, 0.25, 0.5, 0.75, 1.0])


def overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Margins whose true probability is expit(margin / 2): expit(margin) is overconfident."""
    rng = np.random.default_rng(seed)
    margin = rng.normal(0, 2.5, n)
    return margin, (rng.random(n) < expit(margin / 2)).astype(float)


def test_monotone_and_inside_the_unit_interval():
    calibration = fit_calibration(*overconfident(2000, seed=1))
    grid = np.linspace(-20, 20, 4001)
    p = calibration(grid)
    assert ((p >= 0) & (p <= 1)).all()
    assert (np.diff(p) >= 0).all()
    assert (np.diff(calibration.y) > 0).all() and (np.diff(calibration.x) > 0).all()   # strictly increasing knots


def test_lowers_the_ece_of_an_overconfident_score_on_new_rows():
    calibration = fit_calibration(*overconfident(4000, seed=2))
    margin, y = overconfident(4000, seed=3)
    raw, calibrated = m.expected_calibration_error(y, expit(margin)), m.expected_calibration_error(y, calibration(margin))
    assert raw > 0.05                                       # the premise: the raw score is off
    assert calibrated < raw / 2
