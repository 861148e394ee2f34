"""The excluded list the reviewer page pages through: recomputed by eligibility alone,
searched by id or name, filtered by reason, paged, leavers and non-ASN counted and never
listed; and its words (counts with thousands grouped, "51–100 dari 2.345")."""

import pandas as pd
import pytest

from serving.context import ServingContext
from serving.errors import RankingError
from serving.excluded import (
    COUNTED_ONLY,
    ExcludedQuery,
    count_text,
    eligibility_excluded,
    excluded_slice,
)
from serving.web.extras import excluded_view

pytestmark = pytest.mark.code

HAND = [  # a hand-made excluded list: two leavers, one non-ASN, four listed
    {"employee_id": "a1", "reasons": ["exited", "no_current_post"]},
    {"employee_id": "a2", "reasons": ["tenure_under_min"]},
    {"employee_id": "a3", "reasons": ["not_pns", "grade_below_min"]},
    {"employee_id": "a4", "reasons": ["low_appraisal", "tenure_under_min"]},
    {"employee_id": "a5", "reasons": ["exited"]},
    {"employee_id": "a6", "reasons": ["retiring"]},
    {"employee_id": "a7", "reasons": ["tenure_under_min"]},
]
NAMES = {"a2": "Siti Aminah", "a4": "Budi Hartono", "a6": "Siti Nurhaliza"}


@pytest.fixture(scope="module")
def context(tiny) -> ServingContext:
    return ServingContext.from_dataset(tiny)


def test_eligibility_excluded_matches_the_rules_worked_by_hand(context):
    when = pd.Timestamp("2020-01-01")
    p2 = {item["employee_id"]: item["reasons"] for item in eligibility_excluded(context, "p2", when)}
    assert set(p2) == {"e1", "e3"}                            # e2 is a candidate for p2
    assert p2["e1"] == ["holds_position"]
    assert {"not_pns", "tenure_under_min", "grade_below_min", "education_below_min"} <= set(p2["e3"])
    p3 = {item["employee_id"]: item["reasons"] for item in eligibility_excluded(context, "p3", when)}
    assert set(p3) == {"e2", "e3"} and p3["e2"] == ["holds_position"]


def test_eligibility_excluded_refuses_an_unknown_post(context):
    with pytest.raises(RankingError) as caught:
        eligibility_excluded(context, "nope", pd.Timestamp("2020-01-01"))
    assert caught.value.field == "position_id"




def test_leavers_and_non_asn_are_counted_not_listed():
    found = excluded_slice(HAND, ExcludedQuery(hide=COUNTED_ONLY))
    assert [r["employee_id"] for r in found.rows] == ["a2", "a4", "a6", "a7"]
    assert found.hidden == {"exited": 2, "not_pns": 1}
    assert found.matching == 4 and found.total == 7
    assert found.by_reason["tenure_under_min"] == 3 and found.by_reason["exited"] == 2
    assert found.by_reason["no_current_post"] == 1                   # a leaver's other code: counted ...
    assert found.listed_by_reason == {"tenure_under_min": 3, "low_appraisal": 1, "retiring": 1}   # ... not offered


def test_search_by_name_or_id_filter_by_reason_and_page():
    by_name = excluded_slice(HAND, ExcludedQuery(text="siti", hide=COUNTED_ONLY), NAMES)
    assert [r["employee_id"] for r in by_name.rows] == ["a2", "a6"]
    both_words = excluded_slice(HAND, ExcludedQuery(text="SITI nur", hide=COUNTED_ONLY), NAMES)
    assert [r["employee_id"] for r in both_words.rows] == ["a6"]
    by_id = excluded_slice(HAND, ExcludedQuery(text="a7", hide=COUNTED_ONLY), NAMES)
    assert [r["employee_id"] for r in by_id.rows] == ["a7"]
    leaver = excluded_slice(HAND, ExcludedQuery(text="a1", hide=COUNTED_ONLY), NAMES)
    assert leaver.rows == [] and leaver.matching == 0               # found by id, still not listed
    reason = excluded_slice(HAND, ExcludedQuery(reason="tenure_under_min", hide=COUNTED_ONLY))
    assert [r["employee_id"] for r in reason.rows] == ["a2", "a4", "a7"]
    page2 = excluded_slice(HAND, ExcludedQuery(offset=2, limit=2, hide=COUNTED_ONLY))
    assert [r["employee_id"] for r in page2.rows] == ["a6", "a7"] and page2.matching == 4


def test_counts_group_thousands_in_each_language():
    assert count_text(2345, "id") == "2.345" and count_text(2345, "en") == "2,345"
    assert count_text(1234567, "id") == "1.234.567" and count_text(7, "en") == "7"


def test_page_words_say_where_the_page_sits():
    many = [{"employee_id": f"x{i:04d}", "reasons": ["tenure_under_min"]} for i in range(2345)]
    query = ExcludedQuery(offset=50, limit=50, hide=COUNTED_ONLY)
    view = excluded_view(excluded_slice(many + HAND[:1], query), query, {}, "id")
    assert view["span"] == "51\u2013100 dari 2.345"
    assert view["previous"] == 0 and view["next"] == 100
    assert view["total"] == "2.346"
    words = {r["code"]: r for r in view["reasons"]}
    assert words["exited"]["hidden"] and not words["tenure_under_min"]["hidden"]
    assert words["exited"]["label"] == "sudah berhenti dari ASN"
    assert "no_current_post" not in words                 # only leavers have it: nobody to list under it
    assert words["tenure_under_min"]["count"] == "2.345"
    last = ExcludedQuery(offset=2300, limit=50, hide=COUNTED_ONLY)
    end = excluded_view(excluded_slice(many, last), last, {}, "en")
    assert end["span"] == "2,301\u20132,345 of 2,345" and end["next"] is None and end["previous"] == 2250
    first = ExcludedQuery(hide=COUNTED_ONLY)
    assert excluded_view(excluded_slice(many, first), first, {}, "en")["previous"] is None
