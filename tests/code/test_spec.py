"""The feature spec: fixed category codes, unseen codes and missing values."""

import numpy as np
import pandas as pd
import pytest

from features.arrays import Columns
from models.spec import FeatureSpec

pytestmark = pytest.mark.code


def test_matrix_codes_categories_and_keeps_numbers():
    spec = FeatureSpec.fit(pd.DataFrame({"n": [1.0, 2.0], "k": ["y", "x"]}), features=("n", "k"), categorical=("k",))
    assert spec.categories == {"k": ("x", "y")}
    frame = pd.DataFrame({"n": [1.5, np.nan, 3.0], "k": ["y", None, "never-seen"]})
    np.testing.assert_array_equal(spec.matrix(frame), [[1.5, 1.0], [np.nan, np.nan], [3.0, np.nan]])
    np.testing.assert_array_equal(spec.matrix(Columns.from_frame(frame)), spec.matrix(frame))


def test_missing_feature_is_named():
    spec = FeatureSpec(features=("n", "k"), categorical=("k",), categories={"k": ("x",)})
    with pytest.raises(KeyError, match="'k'"):
        spec.matrix(pd.DataFrame({"n": [1.0]}))


def test_spec_round_trips_through_json():
    spec = FeatureSpec(features=("n", "k"), categorical=("k",), categories={"k": ("x", "y")})
    assert FeatureSpec.from_json(spec.to_json()) == spec
