"""Who is due to move (serving.due) on hand-made employees with answers known by hand:
each reason (PP 11/2017 Pasal 190 on time in post, the periodic competency assessment),
the boundaries (exactly at the maximum or the period is not past due), a rule switched off,
never assessed against out of date, the shortfall tolerance; who is considered; the order;
the per-unit counts and filters on the tiny dataset; a province-sized frame stays fast."""

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import snapshot as s
from features.arrays import Columns
from features.eligibility import DEFAULT_RULES
from features.pairs import PositionTable
from serving.context import ServingContext
from serving.due import (
    MAX_SHORTFALL,
    REASONS,
    SHORTFALL_CODES,
    SHORTFALL_LEVELS,
    YEARS_PAST_ASSESSMENT,
    YEARS_PAST_MAX,
    DueReason,
    due_frame,
    due_list,
    due_mask,
    rotation_frame,
)
from serving.errors import RankingError

pytestmark = pytest.mark.code

RULES = replace(DEFAULT_RULES, max_years_in_post=5.0, assessment_period_years=3.0, competency_gap_tolerance=0.0)
CODES = ("m.01", "m.02", "t.keuangan")
STANDARD = {"p1": {"m.01": 3.0, "m.02": 3.0, "t.keuangan": 4.0}, "p2": {"m.01": 2.0}}


def positions(standards: dict = STANDARD) -> PositionTable:
    wide = pd.DataFrame(standards).T.astype("float64")
    wide.index.name = c.POSITION_ID
    attrs = pd.DataFrame({c.DOMAIN: "keuangan"}, index=wide.index)
    return PositionTable(attrs, wide, pd.DataFrame(columns=[c.LATITUDE, c.LONGITUDE, c.REMOTE]))


def employee(eid: str, post: str | None = "p1", tenure: float = 1.0, since: float = 1.0, status: str = "pns",
             exited: bool = False, **levels: float) -> dict:
    """A snapshot row: in post ``tenure`` years, last assessed ``since`` years ago (NaN =
    never), levels by code (``m_01=2.5``), all at the post's standard unless given."""
    row = {c.EMPLOYEE_ID: eid, s.CURRENT_POSITION_ID: post, s.TENURE_IN_POST: tenure,
           s.YEARS_SINCE_ASSESSMENT: since, c.EMPLOYMENT_STATUS: status, s.EXITED: exited}
    for code in CODES:
        row[s.level_column(code)] = levels.get(code.replace(".", "_"), 5.0)
    return row


def frame_of(*rows: dict, rules=RULES, standards: dict = STANDARD) -> pd.DataFrame:
    return rotation_frame(pd.DataFrame(list(rows)), positions(standards), rules).set_index(c.EMPLOYEE_ID)


def reasons(frame: pd.DataFrame, eid: str) -> list[str]:
    text = frame.loc[eid, REASONS]
    return text.split(";") if text else []


def test_past_max_time_in_post_and_its_boundary():
    """PP 11/2017: a post held longer than the pack's maximum (5 years) is due; exactly 5 is not."""
    f = frame_of(employee("long", tenure=6.5), employee("exact", tenure=5.0), employee("short", tenure=4.9))
    assert reasons(f, "long") == [DueReason.PAST_MAX_TIME_IN_POST]
    assert f.loc["long", YEARS_PAST_MAX] == pytest.approx(1.5)
    assert reasons(f, "exact") == [] and reasons(f, "short") == []
    assert np.isnan(f.loc["exact", YEARS_PAST_MAX])


def test_max_time_in_post_switched_off_lists_nobody_for_it():
    f = frame_of(employee("long", tenure=30.0), rules=replace(RULES, max_years_in_post=None))
    assert reasons(f, "long") == []


def test_never_assessed_is_not_out_of_date():
    f = frame_of(employee("never", since=np.nan), employee("old", since=4.25), employee("exact", since=3.0))
    assert reasons(f, "never") == [DueReason.NEVER_ASSESSED]
    assert np.isnan(f.loc["never", YEARS_PAST_ASSESSMENT])
    assert reasons(f, "old") == [DueReason.ASSESSMENT_OUTDATED]
    assert f.loc["old", YEARS_PAST_ASSESSMENT] == pytest.approx(1.25)
    assert reasons(f, "exact") == []


def test_assessment_period_switched_off_lists_nobody_for_either():
    f = frame_of(employee("never", since=np.nan), employee("old", since=9.0),
                 rules=replace(RULES, assessment_period_years=None))
    assert reasons(f, "never") == [] and reasons(f, "old") == []


def test_shortfall_against_the_current_posts_standard():
    """m.01 assessed 2.5 against 3 is short by 0.5; m.02 at 3 is not; t.keuangan never
    assessed is no shortfall; p2 requires only m.01 at 2, so the same levels are fine there."""
    f = frame_of(employee("short", m_01=2.5, m_02=3.0, t_keuangan=np.nan),
                 employee("elsewhere", post="p2", m_01=2.5, m_02=1.0, t_keuangan=1.0))
    assert reasons(f, "short") == [DueReason.BELOW_POST_STANDARD]
    assert f.loc["short", SHORTFALL_CODES] == "m.01" and f.loc["short", SHORTFALL_LEVELS] == "0.5"
    assert f.loc["short", MAX_SHORTFALL] == pytest.approx(0.5)
    assert reasons(f, "elsewhere") == []


def test_several_shortfalls_are_listed_in_standard_order():
    f = frame_of(employee("two", m_01=1.0, m_02=2.75, t_keuangan=4.0))
    assert f.loc["two", SHORTFALL_CODES] == "m.01;m.02" and f.loc["two", SHORTFALL_LEVELS] == "2;0.25"
    assert f.loc["two", MAX_SHORTFALL] == pytest.approx(2.0)


@pytest.mark.parametrize(("tolerance", "level", "due"), [
    (0.5, 2.5, False),          # short by exactly the tolerance: not more than it
    (0.5, 2.4, True),
    (0.1, 2.9, False),          # 3 - 2.9 is 0.1000...01 in floats: compared to 0.01 level
    (0.0, 2.99, True),
    (None, 1.0, False),         # rule off
])
def test_shortfall_tolerance(tolerance, level, due):
    f = frame_of(employee("e", m_01=level), rules=replace(RULES, competency_gap_tolerance=tolerance))
    assert (reasons(f, "e") == [DueReason.BELOW_POST_STANDARD]) is due


def test_every_reason_at_once_in_code_order():
    f = frame_of(employee("all", tenure=7.0, since=5.0, m_02=2.0))
    assert reasons(f, "all") == [DueReason.PAST_MAX_TIME_IN_POST, DueReason.ASSESSMENT_OUTDATED,
                                 DueReason.BELOW_POST_STANDARD]


def test_who_is_considered():
    """Leavers, those without a post and (with the contract's rules) non-PNS are not on the list."""
    rows = [employee("left", tenure=9, exited=True), employee("nopost", post=None, tenure=9),
            employee("pppk", tenure=9, status="pppk"), employee("pns", tenure=9)]
    assert list(frame_of(*rows).index) == ["pns"]
    anyone = frame_of(*rows, rules=replace(RULES, required_status=None))
    assert sorted(anyone.index) == ["pns", "pppk"]


def test_due_frame_is_furthest_past_due_first_and_masks_match():
    rows = [employee("fine"), employee("short_only", m_01=1.0), employee("a_bit", tenure=5.5),
            employee("far", since=9.0), employee("never", since=np.nan)]
    snap = pd.DataFrame(rows)
    due = due_frame(snap, positions(), RULES)
    assert list(due[c.EMPLOYEE_ID]) == ["far", "a_bit", "short_only", "never"]
    assert list(due_mask(snap, positions(), RULES)) == [False, True, True, True, True]
    columns = due_frame(Columns.from_frame(snap), positions(), RULES)        # the same from numpy columns
    pd.testing.assert_frame_equal(columns, due)


def test_a_province_sized_snapshot_is_vectorised():
    """100k employees, 500 posts, 12 competencies: well under the time a loop per employee would take."""
    rng = np.random.default_rng(0)
    n, codes = 100_000, [f"m.0{i}" for i in range(1, 9)] + ["sk.01", "t.a", "t.b", "t.c"]
    posts = [f"p{k}" for k in range(500)]
    standards = {p: {code: float(rng.integers(1, 5)) for code in codes} for p in posts}
    snap = Columns({c.EMPLOYEE_ID: np.array([f"e{k}" for k in range(n)], dtype=object),
                    s.CURRENT_POSITION_ID: rng.choice(np.array(posts, dtype=object), n),
                    s.TENURE_IN_POST: rng.uniform(0, 12, n), s.YEARS_SINCE_ASSESSMENT: rng.uniform(0, 6, n),
                    c.EMPLOYMENT_STATUS: np.full(n, "pns", dtype=object), s.EXITED: np.zeros(n, bool),
                    **{s.level_column(code): rng.uniform(1, 5, n) for code in codes}})
    table = positions(standards)
    started = time.perf_counter()
    due = due_frame(snap, table, RULES)
    assert time.perf_counter() - started < 5.0
    assert 0 < len(due) < n


# --- the typed list on the tiny dataset (e1 in p2 at u1, e2 in p3 at u2, e3 pppk) ------------------


@pytest.fixture(scope="module")
def context(tiny):
    return ServingContext.from_dataset(tiny)


# the tiny dataset's shortfall is exactly half a level: the default tolerance lets it pass
ZERO_TOLERANCE = replace(DEFAULT_RULES, competency_gap_tolerance=0.0)


def test_tiny_dataset_due_list_known_answers(context):
    """At 2020-01-01: e2 was last assessed 2014-02-01 (5.9 years: 2.9 past the 3-year period);
    e1 holds p2 (standard 3) with kerja sama (m.02) assessed 2.5; e3 is PPPK, not considered."""
    due = due_list(context, "2020-01-01", ZERO_TOLERANCE)
    assert (due.considered, due.due) == (2, 2)
    first, second = due.entries
    assert first.employee_id == "e2" and first.reasons == [DueReason.ASSESSMENT_OUTDATED]
    assert first.years_past_assessment == pytest.approx(2.9138, abs=1e-3)
    assert (first.unit_id, first.position_id, first.display_name) == ("u2", "p3", "Budi Santoso")
    assert second.employee_id == "e1" and second.reasons == [DueReason.BELOW_POST_STANDARD]
    assert [(x.competency_code, x.levels) for x in second.shortfalls] == [("m.02", 0.5)]
    assert second.title == "Kepala Subbidang Anggaran"
    counts = {u.unit_id: u for u in due.units}
    assert (counts["u1"].employees, counts["u1"].due) == (1, 1)
    assert counts["u1"].by_reason[DueReason.BELOW_POST_STANDARD] == 1
    assert counts["u2"].by_reason[DueReason.ASSESSMENT_OUTDATED] == 1
    assert sum(counts["u2"].by_reason.values()) == 1
    assert due.rules.startswith("contract@1+custom@")      # the tolerance was changed


def test_tiny_dataset_filters_and_pages(context):
    at = "2025-01-01"              # both past 5 years in post by then
    everyone = due_list(context, at, ZERO_TOLERANCE)
    assert [e.employee_id for e in everyone.entries] == ["e2", "e1"]          # 4.5 years past against 3.5
    only_u1 = due_list(context, at, ZERO_TOLERANCE, unit="u1")
    assert [e.employee_id for e in only_u1.entries] == ["e1"] and [u.unit_id for u in only_u1.units] == ["u1"]
    below = due_list(context, at, ZERO_TOLERANCE, reason="below_post_standard")
    assert [e.employee_id for e in below.entries] == ["e1"] and below.due == 1
    assert sum(u.due for u in below.units) == 2                   # counts are not narrowed by reason
    page = due_list(context, at, ZERO_TOLERANCE, offset=1, limit=1)
    assert [e.employee_id for e in page.entries] == ["e1"] and page.due == 2
    assert due_list(context, at, replace(ZERO_TOLERANCE, max_years_in_post=None, assessment_period_years=None,
                                         competency_gap_tolerance=None)).due == 0


@pytest.mark.parametrize(("asked", "field"), [({"unit": "u9"}, "unit"), ({"reason": "lazy"}, "reason"),
                                              ({"as_of": "2020-13-01"}, "as_of"), ({"offset": -1}, "offset"),
                                              ({"limit": 0}, "limit")])
def test_bad_values_name_their_field(context, asked, field):
    with pytest.raises(RankingError) as caught:
        due_list(context, rules=DEFAULT_RULES, **asked)
    assert caught.value.field == field
