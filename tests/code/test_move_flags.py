"""Moves a reviewer must notice: each flag on its own, missing values raise none, words in
both languages (a ranking's flags: test_ranking_fields)."""

import numpy as np
import pytest

from serving.flags import LONG_DISTANCE_KM, move_flags
from serving.result import MoveFlag
from serving.texts import flag_text

pytestmark = pytest.mark.code
SAME = dict(current_job_class=9.0, target_job_class=9.0, current_domain="keuangan", target_domain="keuangan",
            distance_km=10.0, current_type="pengawas", target_type="pengawas")


def flags_of(**changes) -> list[MoveFlag]:
    row = {**SAME, **changes}
    return move_flags(*([row[k]] for k in SAME))[0]


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"target_job_class": 8.0}, [MoveFlag.JOB_CLASS_DOWN]),
    ({"target_job_class": 12.0}, []),                                   # a promotion is no demotion
    ({"target_domain": "kesehatan"}, [MoveFlag.FIELD_CHANGE]),
    ({"distance_km": LONG_DISTANCE_KM}, [MoveFlag.LONG_DISTANCE]),
    ({"distance_km": LONG_DISTANCE_KM - 0.1}, []),
    ({"current_type": "jpt_pratama", "target_type": "pelaksana"}, [MoveFlag.HEAD_TO_STAFF]),
    ({"current_type": "jpt_madya", "target_type": "fungsional"}, [MoveFlag.HEAD_TO_STAFF]),
    ({"current_type": "administrator", "target_type": "pelaksana"}, []),   # not a head of agency
    ({"current_type": "jpt_pratama", "target_type": "administrator"}, []),  # not a staff post
    ({"target_job_class": 5.0, "target_domain": "hukum", "distance_km": 900.0, "current_type": "jpt_utama",
      "target_type": "pelaksana"}, list(MoveFlag)),
])
def test_each_flag_on_its_own(changes, expected):
    assert flags_of(**changes) == expected


def test_missing_values_raise_no_flag():
    missing = dict(current_job_class=np.nan, target_job_class=3.0, current_domain=None, target_domain="hukum",
                   distance_km=np.nan, current_type=None, target_type="pelaksana")
    assert flags_of(**missing) == []


def test_arrays_give_one_list_per_candidate():
    out = move_flags([9, 9], [8, 9], ["a", "a"], ["a", "b"], [0.0, 500.0], ["pengawas"] * 2, ["pengawas"] * 2)
    assert out == [[MoveFlag.JOB_CLASS_DOWN], [MoveFlag.FIELD_CHANGE, MoveFlag.LONG_DISTANCE]]


def test_every_flag_has_words_in_both_languages():
    for lang in ("id", "en"):
        words = [flag_text(flag, lang) for flag in MoveFlag]
        assert len(set(words)) == len(MoveFlag) and not {w for w in words if "_" in w}
    assert flag_text(MoveFlag.HEAD_TO_STAFF, "id") != flag_text(MoveFlag.HEAD_TO_STAFF, "en")

