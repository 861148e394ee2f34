"""The 9-box talent map of PermenPANRB 3/2020 (serving.talent) on hand-made employees with
answers worked out by hand: each axis' cut points, the box numbering of the regulation's
lampiran, the talent pool (boxes 7, 8, 9), the inputs reported, the standard of the next
job class, and who is on the map."""

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import snapshot as s
from features.eligibility import (
    DEFAULT_RULES,
    EXITED,
    LOW_APPRAISAL,
    NO_CURRENT_POST,
    TUGAS_BELAJAR,
    EligibilityRules,
)
from features.pairs import PositionTable
from serving import talent as t
from serving.talent import Level
from serving.talent_standard import Standards, StandardScope, competency_share, next_class_standard

CODES = ("m.01", "m.08", "t.keuangan")


def posts() -> PositionTable:
    """keuangan: class 6 (k6), two class-9 posts with different standards (k9a, k9b), class 11
    (k11); kesehatan: class 8 only (h8)."""
    attrs = pd.DataFrame({c.DOMAIN: ["keuangan", "keuangan", "keuangan", "keuangan", "kesehatan"],
                          c.JOB_CLASS: [6.0, 9.0, 9.0, 11.0, 8.0],
                          c.POSITION_TYPE: ["pelaksana", "pengawas", "pengawas", "administrator", "pengawas"]},
                         index=pd.Index(["k6", "k9a", "k9b", "k11", "h8"], name=c.POSITION_ID))
    standards = pd.DataFrame({"m.01": [2, 3, 3, 4, 3], "m.08": [2, 2, 4, 4, 3], "t.keuangan": [2, 3, np.nan, 4, np.nan]},
                             index=attrs.index, dtype="float64")
    return PositionTable(attrs, standards, pd.DataFrame())


def person(employee_id: str, last: float, prev: float, *, domain: str = "keuangan", job_class: float = 6.0,
           levels: dict | None = None, hours: float = 60.0, served: float = 10.0, assessed: bool = True) -> dict:
    row = {c.EMPLOYEE_ID: employee_id, s.CURRENT_POSITION_ID: "k6", s.CURRENT_DOMAIN: domain,
           s.CURRENT_JOB_CLASS: job_class, s.LAST_SCORE: last, s.PREV_SCORE: prev,
           s.SCORE_TREND: last - prev, s.TRAINING_HOURS_3Y: hours, s.SERVICE_YEARS: served,
           s.YEARS_SINCE_ASSESSMENT: 1.0 if assessed else np.nan}
    for code in CODES:
        row[s.level_column(code)] = (levels or {}).get(code, np.nan)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


# --- the layout of the regulation -------------------------------------------------------------


def test_box_numbering_follows_the_lampiran():
    # (performance, potential) -> box: kinerja across (di bawah, sesuai, di atas), potensial up
    expected = {(Level.LOW, Level.LOW): 1, (Level.LOW, Level.MIDDLE): 2, (Level.MIDDLE, Level.LOW): 3,
                (Level.LOW, Level.HIGH): 4, (Level.MIDDLE, Level.MIDDLE): 5, (Level.HIGH, Level.LOW): 6,
                (Level.MIDDLE, Level.HIGH): 7, (Level.HIGH, Level.MIDDLE): 8, (Level.HIGH, Level.HIGH): 9}
    assert t.BOX_OF == expected
    perf, pot = zip(*expected)
    assert list(t.boxes(np.array(perf), np.array(pot))) == list(expected.values())
    assert t.POOL_BOXES == (7, 8, 9)
    assert list(t.boxes(np.array([0, 3]), np.array([3, 0]))) == [t.NOT_PLACED, t.NOT_PLACED]


def test_levels_cut_points_are_inclusive_and_nan_is_not_placed():
    got = t.levels(np.array([0.74, 0.75, 0.899, 0.9, np.nan]), middle=0.75, high=0.9)
    assert list(got) == [Level.LOW, Level.MIDDLE, Level.MIDDLE, Level.HIGH, 0]


# --- the performance axis ---------------------------------------------------------------------


def test_performance_is_the_mean_of_the_last_two_appraisals():
    view = frame(person("above", 5, 4), person("expected", 4, 4), person("mixed", 5, 3), person("below", 4, 3),
                 person("one", 5, np.nan), person("none", np.nan, np.nan))
    axis = t.performance_axis(view)
    assert list(axis[t.PERFORMANCE_SCORE][:5]) == [4.5, 4.0, 4.0, 3.5, 5.0]
    assert np.isnan(axis[t.PERFORMANCE_SCORE][5])
    # 4.5 and over: di atas ekspektasi; 4.0 and over: sesuai; else di bawah; none: not placed
    assert list(axis[t.PERFORMANCE]) == [Level.HIGH, Level.MIDDLE, Level.MIDDLE, Level.LOW, Level.HIGH, 0]


# --- the potential axis -----------------------------------------------------------------------


def test_next_class_standard_of_the_domain_averages_its_posts():
    got = next_class_standard(Standards.of(posts()), "keuangan", 6.0)
    # k9a and k9b: m.01 (3+3)/2, m.08 (2+4)/2, t.keuangan only k9a requires it
    assert (got.job_class, got.scope) == (9.0, StandardScope.DOMAIN)
    assert got.levels == {"m.01": 3.0, "m.08": 3.0, "t.keuangan": 3.0}
    assert next_class_standard(Standards.of(posts()), "keuangan", 9.0).levels == {"m.01": 4, "m.08": 4,
                                                                                   "t.keuangan": 4}


def test_next_class_standard_falls_back_to_every_domain_then_the_own_class():
    standards = Standards.of(posts())
    other = next_class_standard(standards, "kesehatan", 8.0)        # no kesehatan post above 8
    assert (other.job_class, other.scope, other.levels["m.08"]) == (9.0, StandardScope.ALL_DOMAINS, 3.0)
    top = next_class_standard(standards, "keuangan", 11.0)          # nothing above 11 anywhere
    assert (top.job_class, top.scope, top.levels["m.01"]) == (11.0, StandardScope.OWN_CLASS, 4.0)
    assert next_class_standard(standards, "hukum", 14.0).scope == StandardScope.NONE


def test_competency_share_counts_a_never_assessed_code_as_level_1():
    share, met = competency_share(np.array([[3.5, 2.0, np.nan], [3.0, 3.0, 3.0]]), np.array([3.0, 3.0, 2.0]))
    # min(3.5,3) + min(2,3) + min(1,2) = 6 of 8; the second meets all three
    assert share.tolist() == [0.75, 1.0] and met.tolist() == [1, 3]


def test_learning_agility_weighs_hours_owed_and_the_appraisal_trend():
    view = frame(person("full", 5, 4, hours=60), person("half", 4, 4, hours=30), person("new", 4, 5, hours=30,
                                                                                      served=1.5),
                 person("untrained", 5, 4, hours=0))
    got = t.learning_agility(view)
    assert got[t.HOURS_OWED].tolist() == [60.0, 60.0, 30.0, 60.0]        # 20 JP a year, over 3 years at most
    assert got[t.HOURS_SHARE].tolist() == [1.0, 0.5, 1.0, 0.0]
    assert got[t.EFFECT_SHARE].tolist() == [1.0, 0.5, 0.0, 0.0]           # trend +1, 0, -1; untrained: 0
    assert got[t.LEARNING_AGILITY].tolist() == [1.0, 0.5, 0.5, 0.0]


# --- the whole map on hand-made employees -----------------------------------------------------


def test_talent_frame_places_each_employee_in_its_box_with_its_inputs():
    full = {"m.01": 3.0, "m.08": 3.0, "t.keuangan": 3.0}
    view = frame(
        person("star", 5, 4, levels=full, hours=60),                          # perf high; potential 1.0
        person("steady", 4, 4, levels=full, hours=0),                         # perf middle; 0.7 -> low
        person("rising", 4, 4, levels=full, hours=30),                        # 0.7 + 0.3 * 0.5 = 0.85: middle
        person("gap", 5, 4, levels={"m.01": 3.0, "m.08": 1.5}, hours=60),     # (3+1.5+1)/9 share: low
        person("unassessed", 5, 5, assessed=False),
    )
    got = t.talent_frame(view, posts()).set_index(t.EMPLOYEE_ID)
    assert got[t.BOX].to_dict() == {"star": 9, "steady": 3, "rising": 5, "gap": 6, "unassessed": t.NOT_PLACED}
    assert got[t.IN_POOL].to_dict() == {"star": True, "steady": False, "rising": False, "gap": False,
                                        "unassessed": False}
    star = got.loc["star"]
    assert (star[t.LAST_SCORE], star[t.PREV_SCORE], star[t.PERFORMANCE_SCORE]) == (5.0, 4.0, 4.5)
    assert (star[t.NEXT_JOB_CLASS], star[t.STANDARD_SCOPE], star[t.CODES_REQUIRED], star[t.CODES_MET]) == (
        9.0, "domain", 3, 3)
    assert star[t.COMPETENCY_SHARE] == 1.0 and star[t.LEARNING_AGILITY] == 1.0
    assert star[t.POTENTIAL_SCORE] == pytest.approx(1.0)
    gap = got.loc["gap"]
    assert gap[t.COMPETENCY_SHARE] == pytest.approx(5.5 / 9) and gap[t.CODES_MET] == 1
    assert gap[t.POTENTIAL_SCORE] == pytest.approx(0.7 * 5.5 / 9 + 0.3 * 1.0)
    assert gap[t.PERFORMANCE] == Level.HIGH and gap[t.POTENTIAL] == Level.LOW
    assert got.loc["rising", t.POTENTIAL_SCORE] == pytest.approx(0.85)
    assert got.loc["unassessed", t.UNPLACED] == t.Unplaced.NEVER_ASSESSED


def test_settings_move_the_cut_points():
    view = frame(person("rising", 4, 4, levels={"m.01": 3.0, "m.08": 3.0, "t.keuangan": 3.0}, hours=30))
    assert t.talent_frame(view, posts())[t.BOX].tolist() == [5]
    stricter = t.TalentSettings(performance_as_expected=4.5, potential_middle=0.9)
    assert t.talent_frame(view, posts(), stricter)[t.BOX].tolist() == [1]


def test_the_map_keeps_pns_holding_a_post_and_drops_the_packs_status_kinds():
    view = pd.DataFrame({c.EMPLOYEE_ID: ["a", "b", "c", "d", "e"],
                         c.EMPLOYMENT_STATUS: ["pns", "pppk", "pns", "pns", "pns"]})
    masks = {EXITED: np.array([0, 0, 1, 0, 0], bool), NO_CURRENT_POST: np.array([0, 0, 0, 1, 0], bool),
             TUGAS_BELAJAR: np.array([0, 0, 0, 0, 1], bool), LOW_APPRAISAL: np.array([1, 0, 0, 0, 0], bool)}
    # a low appraisal keeps someone on the map (box 1-3); tugas belajar only when the pack excludes it
    assert t.on_the_map(view, masks, DEFAULT_RULES).tolist() == [True, False, False, False, True]
    study = EligibilityRules(excluded_status_kinds=(TUGAS_BELAJAR,))
    assert t.on_the_map(view, masks, study).tolist() == [True, False, False, False, False]
