"""One test per rotation rule of the registry on tiny hand-made frames: the pack's parameter
decides who is due to move (:func:`serving.due.rotation_frame`). Each names the regulation."""

import numpy as np
import pytest
from rule_frames import COMPETENCY, posts, snapshot, write_pack

from features import snapshot as s
from features.eligibility import ASSESSMENT_OUTDATED, BELOW_POST_STANDARD, NEVER_ASSESSED, PAST_MAX_TIME_IN_POST
from features.rule_packs import load_rules
from serving.due import REASONS, rotation_frame

pytestmark = pytest.mark.code


def due(snap, rules) -> dict[str, str]:
    frame = rotation_frame(snap, posts(), rules)
    return dict(zip(frame["employee_id"], frame[REASONS]))


def test_max_time_in_post_five_years__pp_11_2017_pasal_190(tmp_path):
    """PP 11/2017 Pasal 190, Peraturan BKN 5/2019 Pasal 2 ayat (3): a mutasi at most every 5
    years; the example agency pack's 4 years makes 4.5 years due; switched off, nobody."""
    snap = snapshot({s.TENURE_IN_POST: 4.5}, {s.TENURE_IN_POST: 5.5})
    assert due(snap, load_rules("nasional")) == {"e1": "", "e2": PAST_MAX_TIME_IN_POST}
    assert due(snap, load_rules("contoh-kabupaten")) == {"e1": PAST_MAX_TIME_IN_POST, "e2": PAST_MAX_TIME_IN_POST}
    off = write_pack(tmp_path, "no-max", "[rules.max_time_in_post]\nenabled = false\n")
    assert due(snap, load_rules(str(off))) == {"e1": "", "e2": ""}


def test_assessment_period_three_years__periodic_competency_assessment(tmp_path):
    """PP 11/2017 (periodic competency assessment; the 3-year validity is marked periksa):
    an assessment older than the pack's period, or none at all, makes the employee due."""
    snap = snapshot({s.YEARS_SINCE_ASSESSMENT: 2.0}, {s.YEARS_SINCE_ASSESSMENT: 3.5},
                    {s.YEARS_SINCE_ASSESSMENT: np.nan})
    assert due(snap, load_rules("contract")) == {"e1": "", "e2": ASSESSMENT_OUTDATED, "e3": NEVER_ASSESSED}
    four = write_pack(tmp_path, "four", "[rules.assessment_period]\nyears = 4\n")
    assert due(snap, load_rules(str(four))) == {"e1": "", "e2": "", "e3": NEVER_ASSESSED}


def test_competency_standard__peraturan_bkn_5_2019_pasal_2(tmp_path):
    """Peraturan BKN 5/2019 Pasal 2 (kesesuaian kompetensi dengan persyaratan jabatan): an
    assessed level below the current post's standard by more than the tolerance is due."""
    snap = snapshot({s.level_column(COMPETENCY): 3.0}, {s.level_column(COMPETENCY): 2.0})
    assert due(snap, load_rules("contract")) == {"e1": "", "e2": BELOW_POST_STANDARD}
    tolerant = write_pack(tmp_path, "tolerant", "[rules.competency_standard]\ngap_tolerance = 1\n")
    assert due(snap, load_rules(str(tolerant))) == {"e1": "", "e2": ""}
