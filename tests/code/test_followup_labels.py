"""When an adjustment failure became known (:func:`features.labels.failure_known_date`), on
hand-made frames: each kind of failure at its own date, the earliest one winning, records
outside the event's 730-day window (before the move, after the window) and harmless ones
(a ringan sanction, a retirement, an own-post rotation) ignored."""

from types import SimpleNamespace

import pandas as pd
import pytest

from features import columns as c
from features.labels import failure_known_date, failure_label
from features.names import AS_OF, EVENT_ID
from features.timeline import NEXT_MOVE_TYPE, NEXT_START

pytestmark = pytest.mark.code

MOVE = pd.Timestamp("2020-03-01")           # every event's move; its window closes 2022-03-01
D = pd.Timestamp


def events() -> pd.DataFrame:
    rows = [("sanction", None, None), ("appraisal", None, None), ("demoted", "demosi", "2021-05-01"),
            ("resigned", None, None), ("late", "atas_permintaan_sendiri", "2022-03-02"), ("fine", "rotasi", "2021-01-01"),
            ("retired", None, None)]
    return pd.DataFrame({EVENT_ID: [f"{e}@2020-03-01" for e, _, _ in rows], c.EMPLOYEE_ID: [e for e, _, _ in rows],
                         AS_OF: MOVE, NEXT_MOVE_TYPE: [m for _, m, _ in rows],
                         NEXT_START: pd.to_datetime([s for _, _, s in rows])})


def appraisal(employee: str, year: int, rating: str) -> dict:
    return {c.EMPLOYEE_ID: employee, c.PERIOD_START: D(f"{year}-01-01"), c.PERIOD_END: D(f"{year}-12-31"),
            c.RATING: rating}


def dataset() -> SimpleNamespace:
    """Only the tables the labels read; the data ends 2023-12-31 (every window closed)."""
    appraisals = pd.DataFrame([
        appraisal("sanction", 2021, "kurang"),          # low too, but known after the sanction
        appraisal("appraisal", 2020, "kurang"),         # period began before the move: not the window's
        appraisal("appraisal", 2021, "butuh_perbaikan"),
        appraisal("appraisal", 2022, "kurang"),         # ends after the window
        appraisal("late", 2022, "sangat_kurang"),       # ends after the window
        appraisal("fine", 2021, "baik"),
        appraisal("retired", 2023, "baik"),
    ])
    discipline = pd.DataFrame({c.EMPLOYEE_ID: ["sanction", "sanction", "fine", "late"],
                               c.START_DATE: pd.to_datetime(["2020-09-10", "2019-05-01", "2020-06-01", "2022-03-05"]),
                               c.LEVEL: ["sedang", "berat", "ringan", "berat"]})
    exits = pd.DataFrame({c.EMPLOYEE_ID: ["resigned", "retired"], c.EXIT_DATE: pd.to_datetime(["2021-02-01", "2021-08-01"]),
                          c.REASON: ["mengundurkan_diri", "pensiun"]})
    return SimpleNamespace(appraisals=appraisals, discipline=discipline, exits=exits)


def known() -> dict[str, pd.Timestamp]:
    frame = events()
    return dict(zip(frame[c.EMPLOYEE_ID], failure_known_date(frame, dataset())))


def test_each_failure_is_known_on_its_own_date():
    dates = known()
    assert dates["sanction"] == D("2020-09-10")          # the sanction's start, before the low appraisal
    assert dates["appraisal"] == D("2022-01-01")         # the day after the low appraisal's period_end
    assert dates["demoted"] == D("2021-05-01")           # the demotion's start
    assert dates["resigned"] == D("2021-02-01")          # the exit date


def test_records_outside_the_window_and_harmless_ones_are_ignored():
    dates = known()
    assert pd.isna(dates["late"])        # own-request move, berat sanction and low appraisal all after the window
    assert pd.isna(dates["fine"])        # a rotation, a ringan sanction and a good appraisal
    assert pd.isna(dates["retired"])     # retirement is no failure


def test_known_exactly_when_the_label_says_failure():
    frame, data = events(), dataset()
    dates = failure_known_date(frame, data)
    assert str(dates.dtype) == "datetime64[ns]" and dates.index.equals(frame.index)
    assert (dates.notna() == (failure_label(frame, data) == 1)).all()
    assert (dates.dropna() >= MOVE).all()
