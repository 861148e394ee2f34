"""A version's fairness audit as bars: impact ratios per group of each series the audit
has, on one scale with the four-fifths line, groups in words (regions by name), the
verdict in words."""

import pytest

from serving.fairness_view import chart_scale, fairness_view

pytestmark = pytest.mark.code

NAN = float("nan")
AUDIT = {
    "passed": False, "as_of": "2021-01-01", "positions": 12,
    "settings": {"top_k": 10, "min_impact_ratio": 0.8},
    "rates": [
        {"attribute": "gender", "group": "p", "candidates": 1200, "enough_data": True, "flagged": True,
         "selection_impact_ratio": 0.7, "plain_selection_impact_ratio": 0.6, "duk_selection_impact_ratio": 0.9},
        {"attribute": "gender", "group": "l", "candidates": 1500, "enough_data": True, "flagged": False,
         "selection_impact_ratio": 1.0, "plain_selection_impact_ratio": 1.0, "duk_selection_impact_ratio": 1.0},
        {"attribute": "age_band", "group": "50+", "candidates": 300, "enough_data": True, "flagged": False,
         "selection_impact_ratio": 1.0, "plain_selection_impact_ratio": 1.0, "duk_selection_impact_ratio": NAN},
        {"attribute": "age_band", "group": "<30", "candidates": 20, "enough_data": False, "flagged": False,
         "selection_impact_ratio": 1.4, "plain_selection_impact_ratio": 1.3, "duk_selection_impact_ratio": 0.0},
        {"attribute": "home_region", "group": "r2", "candidates": 900, "enough_data": True, "flagged": False,
         "selection_impact_ratio": 0.85, "plain_selection_impact_ratio": 0.79, "duk_selection_impact_ratio": None},
        {"attribute": "home_region", "group": "unknown", "candidates": 40, "enough_data": True, "flagged": False,
         "selection_impact_ratio": 1.0, "plain_selection_impact_ratio": 1.0, "duk_selection_impact_ratio": 1.0},
    ],
}
REGIONS = {"r2": "Kabupaten Sumba Timur"}


def bars(view, attribute: str, group: str) -> dict:
    chart = next(ch for ch in view.charts if ch.attribute == attribute)
    row = next(r for r in chart.rows if r.group == group)
    return {b.series: b for b in row.bars}


def test_bars_per_group_against_the_four_fifths_line():
    view = fairness_view(AUDIT, REGIONS, "id")
    assert view.series == ("served", "plain", "duk")                     # no oracle in this audit
    assert view.scale == 1.5 and view.threshold == 0.8                   # 1.4 rounded up to a quarter
    assert view.threshold_pct == pytest.approx(100 * 0.8 / 1.5, abs=0.01)
    women = bars(view, "gender", "p")
    assert women["served"].width == pytest.approx(100 * 0.7 / 1.5, abs=0.01)
    assert women["served"].text == "0,70" and women["served"].below
    assert not women["duk"].below and women["plain"].below
    assert set(bars(view, "age_band", "50+")) == {"served", "plain"}     # a missing ratio draws no bar
    assert set(bars(view, "home_region", "r2")) == {"served", "plain"}
    assert bars(view, "age_band", "<30")["duk"].width == 0.0
    assert bars(view, "home_region", "r2")["plain"].below and not bars(view, "home_region", "r2")["served"].below


def test_groups_in_words_regions_by_name_in_a_readable_order():
    view = fairness_view(AUDIT, REGIONS, "id")
    titles = [chart.title for chart in view.charts]
    assert titles == ["Jenis kelamin", "Kelompok usia", "Daerah asal"]
    labels = {chart.attribute: [row.label for row in chart.rows] for chart in view.charts}
    assert labels["gender"] == ["laki-laki", "perempuan"]
    assert labels["age_band"] == ["di bawah 30 tahun", "50 tahun ke atas"]      # youngest first
    assert labels["home_region"] == ["Kabupaten Sumba Timur", "tidak diketahui"]  # unknown last
    english = fairness_view(AUDIT, {}, "en")
    assert [row.label for row in english.charts[0].rows] == ["men", "women"]
    assert english.charts[2].rows[0].label == "r2"                           # no name: the id
    small = next(r for r in view.charts[1].rows if r.group == "<30")
    assert not small.enough_data and small.candidates == 20


def test_verdict_names_the_flagged_groups():
    failed = fairness_view(AUDIT, REGIONS, "id")
    assert not failed.passed
    assert failed.verdict.startswith("Tidak lulus") and "jenis kelamin perempuan" in failed.verdict
    assert "Failed" in fairness_view(AUDIT, REGIONS, "en").verdict and "gender women" in fairness_view(
        AUDIT, REGIONS, "en").verdict
    passed = fairness_view({**AUDIT, "passed": True}, REGIONS, "en")
    assert passed.passed and passed.verdict.startswith("Passed")
    assert (failed.as_of, failed.positions, failed.top_k, failed.threshold_text) == ("2021-01-01", 12, 10, "0,80")


def test_scale_and_an_audit_without_ratios():
    assert chart_scale([0.5, 0.9], 0.8) == 1.0
    assert chart_scale([1.01], 0.8) == 1.25
    assert chart_scale([7.0], 0.8) == 2.0                                    # capped; the text says 7,00
    wide = fairness_view({"passed": True, "rates": [{"attribute": "gender", "group": "l",
                                                     "selection_impact_ratio": 7.0}]}, {}, "id")
    only = wide.charts[0].rows[0].bars[0]
    assert only.width == 100.0 and only.text == "7,00"
    assert wide.threshold == 0.8                                             # the four-fifths default
    empty = fairness_view({"passed": True, "rates": []}, {}, "id")
    assert empty.charts == () and empty.series == ()
