"""Status periods and the education fields posts require: the simulator writes plausible
ones (at the rates it is set to, without changing any other table), the loader rejects
broken ones by table, column, row and value, and the snapshot reads them as the slow
reference does."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.asof import AsOfQuery
from features.io import Dataset, inspect_dataset
from features.snapshot import build_snapshot, prepare_sources
from simulator import Simulation, StatusSettings, simulate
from simulator.places import FIELDS
from simulator.required_fields import REQUIRED_FIELD_DOMAINS

from reference_snapshot import reference_snapshot, same_value
from tiny_dataset import write_tables

pytestmark = pytest.mark.data

END = pd.Timestamp("2025-12-31")
YEAR = pd.Timedelta(days=365.25)
AWAY = ("tugas_belajar", "cltn", "pemberhentian_sementara")      # not at work while these run
SETTINGS = StatusSettings()


HIGH = StatusSettings(study_leave_rate=0.3, cltn_rate=0.05, suspension_rate=0.05)


@pytest.fixture(scope="module")
def run() -> Simulation:
    return simulate(2000, 7)


@pytest.fixture(scope="module")
def crowded() -> Simulation:
    """A small run with high rates, where periods would collide if they could."""
    return simulate(150, 3, start_year=2019, status=HIGH)


def periods_of(run: Simulation) -> pd.DataFrame:
    return run.tables[c.STATUS_PERIODS]


def exit_dates(run: Simulation) -> pd.Series:
    return run.tables[c.EXITS].set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]


# --- plausible periods ------------------------------------------------------------------------


def test_kinds_dates_and_who(run):
    sp = periods_of(run)
    assert set(sp[c.KIND]) == set(v.STATUS_KINDS)
    assert (sp[c.START_DATE] <= END).all() and (sp[c.END_DATE].dropna() >= sp.loc[sp[c.END_DATE].notna(),
                                                                               c.START_DATE]).all()
    open_ended = sp[sp[c.END_DATE].isna()]
    assert set(open_ended[c.KIND]) <= {"pemberhentian_sementara"}, "only a suspension may lack its end"
    emp = run.tables[c.EMPLOYEES].set_index(c.EMPLOYEE_ID).loc[sp[c.EMPLOYEE_ID]]
    assert (emp[c.EMPLOYMENT_STATUS].to_numpy() == "pns").all(), "PNS only, never PPPK"
    assert ((sp[c.START_DATE] - emp[c.CPNS_DATE].to_numpy()) >= pd.Timedelta(days=365)).all()
    exit_date = sp[c.EMPLOYEE_ID].map(exit_dates(run))
    last = sp[c.END_DATE].fillna(END).clip(upper=END)
    assert (exit_date.isna() | (exit_date > last)).all(), "in service until the period ends"
    after_end = sp[sp[c.END_DATE] > END]
    assert len(after_end) and after_end[c.EMPLOYEE_ID].map(exit_dates(run)).isna().all()


@pytest.mark.parametrize("which", ["run", "crowded"])
def test_nobody_moves_trains_or_is_assessed_while_away(which, request):
    run = request.getfixturevalue(which)
    sp = periods_of(run)
    away = sp[sp[c.KIND].isin(AWAY)].assign(last=lambda f: f[c.END_DATE].fillna(END).clip(upper=END))
    events = pd.concat([run.tables[table][[c.EMPLOYEE_ID, column]].rename(columns={column: "day"})
                        for table, column in ((c.ASSIGNMENTS, c.START_DATE), (c.TRAININGS, c.END_DATE),
                                              (c.COMPETENCY_ASSESSMENTS, c.ASSESSED_DATE),
                                              (c.DISCIPLINE, c.START_DATE))])
    joined = away.merge(events, on=c.EMPLOYEE_ID)
    inside = joined[(joined["day"] >= joined[c.START_DATE]) & (joined["day"] <= joined["last"])]
    assert inside.empty, inside.head().to_string()
    moves = away.merge(run.tables[c.ASSIGNMENTS], on=c.EMPLOYEE_ID, suffixes=("", "_move"))
    assert len(moves) > len(away), "the check sees the moves of these people"


@pytest.mark.parametrize("which", ["run", "crowded"])
def test_a_person_holds_one_status_at_a_time(which, request):
    sp = periods_of(request.getfixturevalue(which)).sort_values([c.EMPLOYEE_ID, c.START_DATE])
    same = sp[c.EMPLOYEE_ID].shift(-1) == sp[c.EMPLOYEE_ID]
    last = sp[c.END_DATE].fillna(pd.Timestamp("2100-01-01"))
    assert same.sum() > 0 and not (same & (sp[c.START_DATE].shift(-1) <= last)).any()


def test_bonds_follow_study_leave(run):
    sp = periods_of(run)
    study = sp[sp[c.KIND] == "tugas_belajar"].set_index(c.EMPLOYEE_ID)
    bonds = sp[sp[c.KIND] == "ikatan_dinas"].set_index(c.EMPLOYEE_ID)
    assert len(bonds) and bonds.index.is_unique and study.index.is_unique
    leave = study.loc[bonds.index]
    assert (bonds[c.START_DATE] == leave[c.END_DATE] + pd.Timedelta(days=1)).all()
    n = ((leave[c.END_DATE] - leave[c.START_DATE]) / YEAR).round()
    assert n.between(1, 4).all()
    planned = (bonds[c.END_DATE] - bonds[c.START_DATE]) / YEAR
    cut = bonds.index.isin(exit_dates(run).index)
    assert np.allclose(planned[~cut], 2 * n[~cut] + 1, atol=0.01), "ikatan dinas of 2n + 1 years"
    assert (planned[cut] <= 2 * n[cut] + 1 + 0.01).all()
    ended = study[study[c.END_DATE] < END]
    assert set(ended.index) == set(bonds.index), "every study leave ended in the data has its bond"


def test_study_leave_is_for_young_s1_holders(run):
    study = periods_of(run)[lambda f: f[c.KIND] == "tugas_belajar"]
    emp = run.tables[c.EMPLOYEES].set_index(c.EMPLOYEE_ID)
    age = (study[c.START_DATE] - emp.loc[study[c.EMPLOYEE_ID], c.BIRTH_DATE].to_numpy()) / YEAR
    assert age.max() < SETTINGS.study_leave_max_age and age.median() < 37
    edu = run.tables[c.EDUCATION].merge(study[[c.EMPLOYEE_ID, c.START_DATE]], on=c.EMPLOYEE_ID)
    before = edu[edu[c.GRADUATION_DATE] < edu[c.START_DATE]]
    highest = before.groupby([c.EMPLOYEE_ID, c.START_DATE])[c.LEVEL].agg(lambda x: max(x, key=v.EDUCATION_RANK.get))
    assert len(highest) == len(study) and (highest == "s1").all()


def eligible_study_years(run: Simulation) -> float:
    """PNS-years eligible for study leave, counted on 1 July of every year."""
    emp = run.tables[c.EMPLOYEES].set_index(c.EMPLOYEE_ID)
    exit_date = exit_dates(run).reindex(emp.index)
    edu = run.tables[c.EDUCATION]
    s1 = edu[edu[c.LEVEL] == "s1"].groupby(c.EMPLOYEE_ID)[c.GRADUATION_DATE].min().reindex(emp.index)
    s2 = edu[edu[c.LEVEL].isin(["s2", "s3"])].groupby(c.EMPLOYEE_ID)[c.GRADUATION_DATE].min().reindex(emp.index)
    total = 0
    for year in range(2013, 2026):
        mid = pd.Timestamp(f"{year}-07-01")
        total += int(((emp[c.EMPLOYMENT_STATUS] != "pppk") & (mid - emp[c.CPNS_DATE] >= 2 * YEAR)
                      & ~(exit_date <= mid) & (s1 < mid) & ~(s2 < mid)
                      & ((mid - emp[c.BIRTH_DATE]) / YEAR < SETTINGS.study_leave_max_age)).sum())
    return float(total)


def test_rates_near_the_settings(run):
    sp = periods_of(run)
    starts = sp[c.KIND].value_counts()
    expected = SETTINGS.study_leave_rate * eligible_study_years(run)
    assert expected > 40 and 0.7 * expected <= starts["tugas_belajar"] <= 1.3 * expected
    emp = run.tables[c.EMPLOYEES]
    pns_years = 13 * (emp[c.EMPLOYMENT_STATUS] == "pns").sum()
    for kind, rate in (("cltn", SETTINGS.cltn_rate), ("pemberhentian_sementara", SETTINGS.suspension_rate)):
        mean = rate * pns_years
        assert 0.25 * mean <= starts[kind] <= 2.0 * mean, (kind, starts[kind], mean)


def test_settings_change_only_their_own_table(crowded):
    """Status periods and required fields come from their own random streams: without them
    every other table (and the truth) is the same, value for value; higher rates give more."""
    def hashes(sim: Simulation) -> dict[str, int]:
        frames = {**sim.tables, c.POSITIONS: sim.tables[c.POSITIONS].drop(columns=[c.REQUIRED_FIELDS]),
                  "transfers_truth": sim.transfers_truth}
        del frames[c.STATUS_PERIODS]
        return {name: int(pd.util.hash_pandas_object(frame, index=False).sum()) for name, frame in frames.items()}

    base = simulate(150, 3, start_year=2019)
    none = simulate(150, 3, start_year=2019, required_fields_share=0.0,
                    status=StatusSettings(study_leave_rate=0.0, cltn_rate=0.0, suspension_rate=0.0))
    many = crowded
    assert none.tables[c.STATUS_PERIODS].empty and none.tables[c.POSITIONS][c.REQUIRED_FIELDS].isna().all()
    assert len(base.tables[c.STATUS_PERIODS]) < len(many.tables[c.STATUS_PERIODS])
    assert base.tables[c.POSITIONS][c.REQUIRED_FIELDS].notna().any()
    assert hashes(none) == hashes(base) == hashes(many)
    assert none.manifest["process"]["status"]["study_leave_rate"] == 0.0
    with pytest.raises(ValueError, match="study_leave_rate"):
        StatusSettings(study_leave_rate=1.5)
    with pytest.raises(ValueError, match="required_fields_share"):
        simulate(150, 3, start_year=2019, required_fields_share=2.0)


def test_required_fields_name_real_education_fields(run):
    pos = run.tables[c.POSITIONS]
    named = pos[pos[c.REQUIRED_FIELDS].notna()]
    assert 0.15 <= len(named) / len(pos) <= 0.5
    fields = named[c.REQUIRED_FIELDS].str.split(";")
    assert fields.map(len).between(1, 2).all() and (fields.map(sorted) == fields).all()
    written = set(run.tables[c.EDUCATION][c.FIELD])
    assert set(fields.explode()) <= set(FIELDS) & written
    assert set(named[c.DOMAIN]) == set(REQUIRED_FIELD_DOMAINS)
    assert (named[c.POSITION_TYPE] == "fungsional").all()
    doctors = pos[pos[c.TITLE].str.startswith("Dokter ")]
    assert len(doctors) and (doctors[c.REQUIRED_FIELDS] == "kedokteran").all()


# --- the loader -------------------------------------------------------------------------------


def errors_of(tables: dict[str, pd.DataFrame], tmp_path: Path) -> list:
    _, problems, _ = inspect_dataset(write_tables(tables, tmp_path / "ds"))
    return [p for p in problems if p.severity == "error"]


def test_tiny_status_periods_and_required_fields_load(tiny):
    assert list(tiny.status_periods[c.KIND]) == ["pemberhentian_sementara", "tugas_belajar", "ikatan_dinas"]
    assert tiny.positions.set_index(c.POSITION_ID)[c.REQUIRED_FIELDS].notna().tolist() == [False, False, True, True]


@pytest.mark.parametrize(("column", "value", "words"), [
    (c.KIND, "cuti_besar", "vocabulary"),
    (c.END_DATE, "2019-01-01", "before start_date"),
    (c.EMPLOYEE_ID, "ghost", "does not exist in employees"),
])
def test_broken_status_periods_are_named(tables, tmp_path, column, value, words):
    tables[c.STATUS_PERIODS].loc[1, column] = value
    found = [p for p in errors_of(tables, tmp_path) if (p.table, p.column) == (c.STATUS_PERIODS, column)]
    assert len(found) == 1 and words in found[0].message, [str(p) for p in found]
    assert found[0].row == 2 and str(found[0].value).startswith(value)


def test_status_periods_may_be_absent(tables, tmp_path):
    del tables[c.STATUS_PERIODS]
    tables[c.POSITIONS] = tables[c.POSITIONS].drop(columns=[c.REQUIRED_FIELDS])
    assert errors_of(tables, tmp_path) == []


# --- the snapshot agrees with the reference at the edges of every period ----------------------


def edge_dates(periods: pd.DataFrame) -> list[tuple[str, pd.Timestamp]]:
    """(employee, date) on, just before and just after each start and end."""
    day = pd.Timedelta(days=1)
    out = []
    for e, start, end in zip(periods[c.EMPLOYEE_ID], periods[c.START_DATE], periods[c.END_DATE]):
        for t in (start - day, start, start + day, *(() if pd.isna(end) else (end, end + day, end + 2 * day))):
            out.append((e, t))
    return out


def assert_status_matches_reference(ds: Dataset, pairs: list[tuple[str, pd.Timestamp]]) -> int:
    query = AsOfQuery(pd.DataFrame(pairs, columns=[c.EMPLOYEE_ID, "as_of"]).astype({"as_of": "datetime64[ns]"}))
    fast = build_snapshot(prepare_sources(ds), query)
    names = [s.status_column(kind) for kind in v.STATUS_KINDS] + [s.EDUCATION_FIELDS]
    running = 0
    for i, (employee_id, t) in enumerate(pairs):
        slow = reference_snapshot(ds, employee_id, t)
        for name in names:
            assert same_value(fast.at[i, name], slow[name]), f"{name} of {employee_id} at {t}: " \
                                                            f"{fast.at[i, name]!r} != {slow[name]!r}"
        running += sum(slow[s.status_column(kind)] for kind in v.STATUS_KINDS)
    return running


def test_snapshot_status_matches_reference_tiny(tiny):
    second = pd.DataFrame({c.EMPLOYEE_ID: ["e2"], c.LEVEL: ["s2"], c.FIELD: ["kesehatan_masyarakat"],
                           c.GRADUATION_DATE: [pd.Timestamp("2021-08-20")]})
    more = dataclasses.replace(tiny, education=pd.concat([tiny.education, second], ignore_index=True))
    pairs = edge_dates(tiny.status_periods) + [(e, pd.Timestamp("2021-08-21")) for e in ("e1", "e2", "e3")]
    assert assert_status_matches_reference(more, pairs) >= 6
    at = build_snapshot(prepare_sources(more), AsOfQuery.at(["e2"], pd.Timestamp("2021-08-21")))
    assert at.at[0, s.EDUCATION_FIELDS] == "kesehatan_masyarakat;keuangan"
    assert at.at[0, s.status_column("tugas_belajar")] == 1.0


def test_snapshot_status_matches_reference_simulated(province):
    periods = province.status_periods
    assert len(periods) >= 5
    assert assert_status_matches_reference(province, edge_dates(periods)) >= len(periods)
