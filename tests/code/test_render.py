"""Words people read: the terminal's reasons column and labels of unknown values."""

import pytest

from features import snapshot as s
from mutasi.render import _reasons
from serving.texts import describe

pytestmark = pytest.mark.code


def explanation(feature: str, target: str, contribution: float) -> dict:
    return {"feature": feature, "target": target, "contribution": contribution, "label": feature.upper()}


def test_a_feature_moving_both_models_is_one_reason():
    doc = {"explanations": [explanation("a", "performance", 0.5), explanation("a", "risk", -0.3),
                            explanation("b", "risk", 0.4), explanation("c", "performance", 0.1)]}
    # a helps performance (+), b raises risk (-), c helps a little (+); a is named once
    assert _reasons(doc).splitlines() == ["+ A", "- B", "+ C"]


@pytest.mark.parametrize("lang, unknown", [("id", "tidak diketahui"), ("en", "unknown")])
def test_an_unknown_flag_says_what_is_unknown(lang, unknown):
    known = describe(s.WILLING_TO_RELOCATE, 1.0, {}, lang)
    assert describe(s.WILLING_TO_RELOCATE, None, {}, lang) == f"{known}: {unknown}"
