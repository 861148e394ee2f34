"""One test per eligibility rule of the registry, on tiny hand-made snapshot frames: the rule
as a shipped pack sets it excludes exactly the employee who breaks it, with its reason code
only; switched off by a pack, it excludes nobody. Each test names the regulation."""

import pandas as pd
import pytest
from rule_frames import eligible, reasons_for_target, snapshot, write_pack

from features import snapshot as s
from features import vocab as v
from features.eligibility import (
    ACTIVE_SANCTION,
    BLACKOUT_PERIOD,
    EDUCATION_BELOW_MIN,
    EDUCATION_FIELD_MISMATCH,
    GRADE_BELOW_MIN,
    LOW_APPRAISAL,
    NOT_PNS,
    RECENT_SERIOUS_SANCTION,
    RETIRING,
    TENURE_UNDER_MIN,
)
from features.names import AS_OF
from features.rule_packs import load_rules

pytestmark = pytest.mark.code


def switched_off(tmp_path, rule: str, base: str = "contract"):
    return load_rules(str(write_pack(tmp_path, f"no-{rule}", f"[rules.{rule}]\nenabled = false\n", extends=base)))


def with_params(tmp_path, rule: str, params: str, base: str = "contract"):
    return load_rules(str(write_pack(tmp_path, f"set-{rule}", f"[rules.{rule}]\n{params}\n", extends=base)))


def test_required_status_pns__peraturan_bkn_5_2019(tmp_path):
    """Peraturan BKN 5/2019: mutasi is of PNS; a PPPK employee is not a candidate."""
    snap = snapshot({}, {"employment_status": "pppk"})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": "", "e2": NOT_PNS}
    assert eligible(snap, switched_off(tmp_path, "required_status")) == {"e1", "e2"}


def test_min_time_in_post_two_years__pp_11_2017_pasal_190(tmp_path):
    """PP 11/2017 Pasal 190 (Peraturan BKN 5/2019 Pasal 2 ayat 3): a move after at least 2
    years in the post; exactly 2 years is enough, and a pack may set another minimum."""
    snap = snapshot({s.TENURE_IN_POST: 1.5}, {s.TENURE_IN_POST: 2.0})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": TENURE_UNDER_MIN, "e2": ""}
    assert eligible(snap, with_params(tmp_path, "min_time_in_post", "years = 1")) == {"e1", "e2"}
    assert eligible(snap, switched_off(tmp_path, "min_time_in_post")) == {"e1", "e2"}


def test_active_sanction__pp_94_2021_disiplin(tmp_path):
    """PP 94/2021 (disiplin PNS): an employee serving a disciplinary sanction is not moved."""
    snap = snapshot({}, {s.ACTIVE_SANCTION: 1.0})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": "", "e2": ACTIVE_SANCTION}
    assert eligible(snap, switched_off(tmp_path, "active_sanction")) == {"e1", "e2"}


def test_recent_serious_sanction_365_days__pp_94_2021_disiplin(tmp_path):
    """PP 94/2021: a moderate or severe sanction within the pack's period (365 days) bars a move."""
    snap = snapshot({s.SERIOUS_SANCTION_DAYS_AGO: 200.0}, {s.SERIOUS_SANCTION_DAYS_AGO: 400.0})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": RECENT_SERIOUS_SANCTION, "e2": ""}
    assert eligible(snap, with_params(tmp_path, "recent_serious_sanction", "days = 180")) == {"e1", "e2"}


def test_last_two_appraisals_at_least_baik__peraturan_bkn_5_2019(tmp_path):
    """Peraturan BKN 5/2019, PP 11/2017 Pasal 54: both of the last two appraisals at least baik."""
    snap = snapshot({}, {s.PREV_SCORE: 3.0}, {s.LAST_SCORE: 3.5})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": "", "e2": LOW_APPRAISAL, "e3": LOW_APPRAISAL}
    assert eligible(snap, with_params(tmp_path, "last_appraisals", "min_score = 3")) == {"e1", "e2", "e3"}


def test_grade_minimum__pp_11_2017_persyaratan_jabatan(tmp_path):
    """PP 11/2017 (persyaratan jabatan): the grade is at least the target post's minimum."""
    snap = snapshot({s.GRADE_RANK: 8.0}, {s.GRADE_RANK: 7.0})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": "", "e2": GRADE_BELOW_MIN}
    assert eligible(snap, switched_off(tmp_path, "grade_minimum")) == {"e1", "e2"}


def test_education_minimum__pp_11_2017_pasal_54(tmp_path):
    """PP 11/2017 Pasal 54 (kualifikasi pendidikan): education at least the post's minimum."""
    snap = snapshot({s.EDUCATION_RANK: 4.0}, {s.EDUCATION_RANK: 3.0})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": "", "e2": EDUCATION_BELOW_MIN}
    assert eligible(snap, switched_off(tmp_path, "education_minimum")) == {"e1", "e2"}


def test_retirement_within_365_days__uu_5_2014_pasal_90_pp_11_2017_pasal_239(tmp_path):
    """UU 5/2014 Pasal 90, PP 11/2017 Pasal 239 (batas usia pensiun): nobody reaching it
    within the pack's horizon (365 days from 2026-01-31) is moved."""
    snap = snapshot({s.RETIREMENT_DATE: pd.Timestamp("2026-12-01")}, {s.RETIREMENT_DATE: pd.Timestamp("2027-03-01")})
    assert reasons_for_target(snap, load_rules("contract")) == {"e1": RETIRING, "e2": ""}
    assert eligible(snap, with_params(tmp_path, "retirement", "days = 90")) == {"e1", "e2"}


STATUS_REGULATIONS = {"tugas_belajar": "perpres_12_1961", "ikatan_dinas": "ikatan_dinas_bond",
                      "cltn": "pp_11_2017_pasal_334", "pemberhentian_sementara": "pp_11_2017_pasal_276"}


@pytest.mark.parametrize("kind", v.STATUS_KINDS, ids=[f"{k}__{STATUS_REGULATIONS[k]}" for k in v.STATUS_KINDS])
def test_status_period_excludes_while_it_runs(kind, tmp_path):
    """Tugas belajar (Perpres 12/1961), ikatan dinas, CLTN (PP 11/2017 Pasal 334-336: the
    post is vacated) and pemberhentian sementara (PP 11/2017 Pasal 276): off in the
    contract, on in nasional, the status kind is its own reason code."""
    snap = snapshot({}, {s.status_column(kind): 1.0})
    assert eligible(snap, load_rules("contract")) == {"e1", "e2"}
    assert reasons_for_target(snap, load_rules("nasional")) == {"e1": "", "e2": kind}
    assert eligible(snap, switched_off(tmp_path, kind, base="nasional")) == {"e1", "e2"}


def test_blackout_window__uu_10_2016_pasal_71_ayat_2():
    """UU 10/2016 Pasal 71 ayat (2): no replacement of officials from 6 months before the
    candidates' determination to the end of term without the Minister's approval; the
    example pack's Pilkada 2024 window, first and last day inclusive."""
    days = ["2024-03-21", "2024-03-22", "2024-08-01", "2024-11-27", "2024-11-28"]
    snap = snapshot(*({AS_OF: pd.Timestamp(day)} for day in days))
    got = reasons_for_target(snap, load_rules("contoh-kabupaten"))
    assert got == {"e1": "", "e2": BLACKOUT_PERIOD, "e3": BLACKOUT_PERIOD, "e4": BLACKOUT_PERIOD, "e5": ""}
    assert eligible(snap, load_rules("nasional")) == {"e1", "e2", "e3", "e4", "e5"}


def test_required_education_field__pp_11_2017_kualifikasi_pendidikan(tmp_path):
    """PP 11/2017 (kualifikasi pendidikan sesuai persyaratan jabatan): with the rule on, a
    post that names education fields takes only employees with a degree in one of them."""
    snap = snapshot({s.EDUCATION_FIELDS: "hukum"}, {s.EDUCATION_FIELDS: "teknik sipil"}, {s.EDUCATION_FIELDS: ""})
    assert eligible(snap, load_rules("contract")) == {"e1", "e2", "e3"}
    assert reasons_for_target(snap, load_rules("nasional")) == {
        "e1": "", "e2": EDUCATION_FIELD_MISMATCH, "e3": EDUCATION_FIELD_MISMATCH}
    assert eligible(snap, switched_off(tmp_path, "required_fields", base="nasional")) == {"e1", "e2", "e3"}
