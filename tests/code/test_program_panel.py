"""The programme-evaluation panels on the tiny hand-written dataset (tests/tiny_dataset.py):
e1 is promoted p1 → p2 (both keuangan, unit u1) on 2016-07-01; e2 moves by mutasi from p4
(keuangan, u1) to p3 (kesehatan, u2) on 2015-07-01 and gets a ``kurang`` for 2016."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import program_panel as pp
from features import vocab as v
from features.io import load_dataset
from features.program_moves import RANKED_AS_OF, Window, first_moves, recently_moved

from tiny_dataset import RATINGS_E2, write_tables

pytestmark = pytest.mark.code
WINDOW = Window(2011, 2019)


def _by_employee(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(c.EMPLOYEE_ID)


def test_first_moves_cohorts_and_groups(tiny):
    moves = _by_employee(first_moves(tiny, WINDOW))
    assert sorted(moves.index) == ["e1", "e2"]                      # e3 never moved
    assert moves.loc["e1", pp.COHORT] == 2016 and moves.loc["e2", pp.COHORT] == 2015
    assert moves.loc["e1", pp.MATCH] == pp.OWN                       # keuangan → keuangan
    assert moves.loc["e2", pp.MATCH] == pp.OTHER                     # keuangan → kesehatan
    assert moves.loc["e1", pp.MOVE_GROUP] == pp.PROMOTION
    assert moves.loc["e2", pp.MOVE_GROUP] == pp.ROTATION             # mutasi
    assert moves.loc["e2", pp.DEST_UNIT] == "u2" and moves.loc["e2", pp.DEST_DOMAIN] == "kesehatan"


def _reference_gap(tables: dict, employee: str, position: str, day: str) -> float:
    """Slow and obvious: for each required code, the latest assessment dated before the day."""
    req = tables["position_competencies"]
    req = req[req["position_id"] == position]
    ass = tables["competency_assessments"]
    ass = ass[(ass["employee_id"] == employee) & (pd.to_datetime(ass["assessed_date"]) < pd.Timestamp(day))]
    total, seen = 0.0, 0
    for _, row in req.iterrows():
        mine = ass[ass["competency_code"] == row["competency_code"]].sort_values("assessed_date")
        if len(mine):
            seen += 1
            total += max(float(row["required_level"]) - float(mine["level"].iloc[-1]), 0.0)
    return total if seen else np.nan


def test_gap_sizes_match_the_reference_and_ignore_the_move_day(tables, tmp_path):
    extra = pd.DataFrame([{"employee_id": "e1", "assessed_date": "2016-07-01", "competency_code": "m.08",
                           "level": "5.0"}], dtype="str")      # dated on the move day: the future
    tables["competency_assessments"] = pd.concat([tables["competency_assessments"], extra], ignore_index=True)
    dataset = load_dataset(write_tables(tables, tmp_path / "t"))
    moves = _by_employee(first_moves(dataset, WINDOW))
    for employee, post, day in (("e1", "p2", "2016-07-01"), ("e2", "p3", "2015-07-01")):
        assert moves.loc[employee, pp.GAP_SIZE] == pytest.approx(_reference_gap(tables, employee, post, day))
    assert moves.loc["e1", pp.GAP_SIZE] > moves.loc["e2", pp.GAP_SIZE]
    assert moves.loc["e1", pp.GAP] == pp.LARGE and moves.loc["e2", pp.GAP] == pp.SMALL


def test_gap_is_unknown_without_assessments(tiny):
    none = tiny.competency_assessments.iloc[0:0]
    blank = dataclasses.replace(tiny, competency_assessments=none)
    moves = first_moves(blank, WINDOW)
    assert moves[pp.GAP_SIZE].isna().all() and moves[pp.GAP].isna().all()


def test_followed_uses_the_latest_ranking_before_the_move(tiny):
    ranked = pd.DataFrame([
        {c.POSITION_ID: "p2", RANKED_AS_OF: pd.Timestamp("2016-03-01"), c.EMPLOYEE_ID: "e3"},
        {c.POSITION_ID: "p2", RANKED_AS_OF: pd.Timestamp("2016-06-01"), c.EMPLOYEE_ID: "e1"},   # latest: e1 first
        {c.POSITION_ID: "p2", RANKED_AS_OF: pd.Timestamp("2016-08-01"), c.EMPLOYEE_ID: "e3"},   # after the move
        {c.POSITION_ID: "p3", RANKED_AS_OF: pd.Timestamp("2013-01-01"), c.EMPLOYEE_ID: "e2"},   # > 365 days before
    ])
    moves = _by_employee(first_moves(tiny, WINDOW, ranked))
    assert moves.loc["e1", pp.FOLLOWED] == pp.YES
    assert pd.isna(moves.loc["e2", pp.FOLLOWED])
    ranked.loc[3, RANKED_AS_OF] = pd.Timestamp("2015-02-01")                                  # now in time, e2 first
    assert _by_employee(first_moves(tiny, WINDOW, ranked)).loc["e2", pp.FOLLOWED] == pp.YES
    ranked.loc[3, c.EMPLOYEE_ID] = "e3"
    assert _by_employee(first_moves(tiny, WINDOW, ranked)).loc["e2", pp.FOLLOWED] == pp.NO


def test_recently_moved_are_left_out_of_a_later_window(tiny):
    assert set(recently_moved(tiny, Window(2017, 2019))) == {"e1", "e2"}
    assert set(recently_moved(tiny, WINDOW)) == set()
    panel = pp.employee_panel(tiny, Window(2017, 2019).periods, first_moves(tiny, Window(2017, 2019)),
                              recently_moved(tiny, Window(2017, 2019)))
    assert set(panel[c.EMPLOYEE_ID]) == {"e3"}


def test_employee_panel_outcomes_units_and_cohorts(tiny):
    panel = pp.employee_panel(tiny, WINDOW.periods, first_moves(tiny, WINDOW))
    e2 = panel[panel[c.EMPLOYEE_ID] == "e2"].set_index(pp.PERIOD)
    assert list(e2.index) == list(WINDOW.periods)                    # in service throughout
    for year, rating in RATINGS_E2.items():
        assert e2.loc[year, pp.APPRAISAL_SCORE] == v.RATING_SCORE[rating]
    assert e2.loc[2012, pp.SANCTION] == 1 and e2[pp.SANCTION].sum() == 1
    assert e2.loc[2014, c.UNIT_ID] == "u1" and e2.loc[2015, c.UNIT_ID] == "u2"
    assert (e2[pp.COHORT] == 2015).all()
    e3 = panel[panel[c.EMPLOYEE_ID] == "e3"]
    assert list(e3[pp.PERIOD]) == [2018, 2019] and e3[pp.COHORT].isna().all()
    assert panel[pp.EXIT].sum() == 0 and panel[pp.SATISFACTION].isna().all()


def _reference_share(tables: dict, unit: str, year: int) -> float:
    """Slow and obvious: walk every employee's assignments."""
    pos_unit = dict(zip(tables["positions"]["position_id"], tables["positions"]["unit_id"]))
    first, last = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
    heads, moved = set(), set()
    for employee, rows in tables["assignments"].groupby("employee_id"):
        rows = rows.sort_values("start_date").reset_index(drop=True)
        for i, row in rows.iterrows():
            start = pd.Timestamp(row["start_date"])
            end = pd.Timestamp(row["end_date"]) if row["end_date"] else (
                pd.Timestamp(rows.loc[i + 1, "start_date"]) - pd.Timedelta(days=1) if i + 1 < len(rows) else None)
            if pos_unit[row["position_id"]] == unit and start <= first and (end is None or end >= first):
                heads.add(employee)
            if row["move_type"] != "initial" and first <= start <= last:
                before = pos_unit[rows.loc[i - 1, "position_id"]] if i > 0 else None
                if unit in (pos_unit[row["position_id"]], before):
                    moved.add(employee)
    return min(len(moved) / len(heads), 1.0) if heads else float(bool(moved))


def test_share_moved_matches_the_reference(tiny, tables):
    share = pp.share_moved(tiny, list(range(2014, 2019))).set_index([c.UNIT_ID, pp.PERIOD])[pp.SHARE_MOVED]
    for (unit, year), value in share.items():
        assert value == pytest.approx(_reference_share(tables, unit, year)), (unit, year)
    assert share.loc[("u1", 2015)] > 0 and share.loc[("u1", 2017)] == 0


def test_exits_count_leaving_but_not_retiring(tables, tmp_path):
    tables["exits"] = pd.DataFrame([{"employee_id": "e3", "exit_date": "2019-06-30", "reason": "mengundurkan_diri"},
                                    {"employee_id": "e1", "exit_date": "2019-03-31", "reason": "pensiun"}], dtype="str")
    dataset = load_dataset(write_tables(tables, tmp_path / "t"))
    panel = pp.employee_panel(dataset, WINDOW.periods, first_moves(dataset, WINDOW)).set_index([c.EMPLOYEE_ID, pp.PERIOD])
    assert panel.loc[("e3", 2019), pp.EXIT] == 1 and panel.loc[("e1", 2019), pp.EXIT] == 0
    assert panel[pp.EXIT].sum() == 1
    assert panel[[pp.SANCTION, pp.EXIT]].notna().all().all()          # events: 0 when none, never unknown
