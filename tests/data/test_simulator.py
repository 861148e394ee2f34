"""The province simulator: a valid dataset with realistic marginals, labels that follow the
hidden truth, an oracle of eligible candidates, determinism and an atomic writer."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from features import columns as c
from features import vocab as v
from features.eligibility import ELIGIBLE, evaluate_eligibility
from features.io import Dataset, inspect_dataset, load_dataset
from features.names import (
    AS_OF,
    ORACLE_TRANSFERS_FILE,
    ORACLE_VACANCIES_FILE,
    SIMULATION_MANIFEST_FILE,
    TRUE_EXPECTED_SCORE,
    TRUE_FAILURE_PROB,
)
from features.schema import SPECS, Kind
from simulator import Simulation, simulate, write_simulation
from simulator import writer as writer_module

pytestmark = pytest.mark.data

N, SEED = 400, 11
END = pd.Timestamp("2025-12-31")
WINDOW = pd.Timedelta(days=730)


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(N, SEED)


@pytest.fixture(scope="module")
def written(sim, tmp_path_factory) -> Path:
    messages: list[str] = []
    out = write_simulation(sim, tmp_path_factory.mktemp("province") / "ntt", progress=messages.append)
    assert messages and "oracle" in " ".join(messages)
    return out


@pytest.fixture(scope="module")
def dataset(written) -> Dataset:
    return load_dataset(written)


@pytest.fixture(scope="module")
def small() -> Simulation:
    return simulate(150, 3, start_year=2019)


def active_ids(ds: Dataset) -> pd.Index:
    emp = ds.employees.set_index(c.EMPLOYEE_ID)
    return emp.index[~emp.index.isin(ds.exits[c.EMPLOYEE_ID])]


def latest_per_employee(frame: pd.DataFrame, order: str, value: str, ids: pd.Index) -> pd.Series:
    return frame.sort_values([c.EMPLOYEE_ID, order]).groupby(c.EMPLOYEE_ID)[value].last().reindex(ids)


# --- a valid dataset ---------------------------------------------------------------------


def test_written_dataset_is_clean(written, sim):
    _, problems, catalog_is_default = inspect_dataset(written)
    assert [str(p) for p in problems] == []
    assert not catalog_is_default
    for name in (SIMULATION_MANIFEST_FILE, ORACLE_VACANCIES_FILE, ORACLE_TRANSFERS_FILE):
        assert (written / name).exists()
    assert sim.manifest["counts"] == {name: len(t) for name, t in sim.tables.items()}
    assert sim.manifest["as_of"] == "2026-01-01" and sim.manifest["seed"] == SEED
    assert abs(sim.manifest["active_at_end"] - N) <= 0.05 * N


PLANNED_ENDS = ((c.DISCIPLINE, c.END_DATE), (c.STATUS_PERIODS, c.END_DATE))   # may lie after the end


def test_nothing_dated_after_the_end(dataset):
    for name, spec in SPECS.items():
        assert len(dataset.table(name)) > 0, f"{name} is not simulated"
        for col in spec.columns:
            if col.kind is Kind.DATE and (name, col.name) not in PLANNED_ENDS:
                assert dataset.table(name)[col.name].max() <= END, f"{name}.{col.name}"


def test_csv_dataset_is_clean_and_equal_to_parquet(small, tmp_path):
    from_csv = load_dataset(write_simulation(small, tmp_path / "csv", fmt="csv"))
    from_parquet = load_dataset(write_simulation(small, tmp_path / "parquet"))
    assert inspect_dataset(tmp_path / "csv")[1] == []
    for name in SPECS:
        pd.testing.assert_frame_equal(from_csv.table(name), from_parquet.table(name), check_dtype=False)


def test_every_post_has_a_full_competency_standard(dataset):
    std = dataset.position_competencies.merge(dataset.positions, on=c.POSITION_ID)
    core = set(v.MANAGERIAL_COMPETENCIES) | {v.SOCIOCULTURAL_COMPETENCY}
    for pid, rows in std.groupby(c.POSITION_ID):
        assert set(rows[c.COMPETENCY_CODE]) == core | {v.technical_code(rows[c.DOMAIN].iloc[0])}, pid
    levels = std.groupby(c.POSITION_TYPE)[c.REQUIRED_LEVEL].agg(["min", "max"])
    assert levels.loc["pelaksana", "max"] <= 2 and levels.loc["pengawas"].tolist() == [3, 3]
    assert levels.loc["jpt_pratama"].tolist() == [4, 4] and levels.loc["fungsional", "min"] >= 2
    assert len(dataset.positions) >= 1.05 * N and len(dataset.regions) >= 11
    assert 0.25 <= dataset.regions[c.REMOTE].mean() <= 0.4


# --- marginals ----------------------------------------------------------------------------


def test_appraisal_marginals(dataset):
    share = dataset.appraisals[c.RATING].value_counts(normalize=True)
    assert 0.60 <= share["baik"] <= 0.78
    assert 0.13 <= share["sangat_baik"] <= 0.27
    assert share.drop(["baik", "sangat_baik"]).sum() <= 0.11


def test_grades_and_education_of_active_staff(dataset):
    active = active_ids(dataset)
    grade = latest_per_employee(dataset.grades, c.EFFECTIVE_DATE, c.GRADE, active)
    band = grade.str.split("/").str[0].value_counts(normalize=True)
    assert band["III"] > 0.5 and band.idxmax() == "III"
    edu = dataset.education.assign(rank=dataset.education[c.LEVEL].map(v.EDUCATION_RANK))
    highest = latest_per_employee(edu, "rank", c.LEVEL, active).value_counts(normalize=True)
    assert 0.55 <= highest["s1"] <= 0.78
    assert {"sma", "d3", "s2"} <= set(highest.index)


def test_gender_and_employment_status(dataset):
    emp = dataset.employees.set_index(c.EMPLOYEE_ID)
    assert 0.48 <= (emp[c.GENDER] == "p").mean() <= 0.60
    status = emp.loc[active_ids(dataset), c.EMPLOYMENT_STATUS].value_counts(normalize=True)
    assert 0.06 <= status["pppk"] <= 0.20 and status["pns"] > 0.75
    cpns = emp[emp[c.EMPLOYMENT_STATUS] == "cpns"]
    exit_date = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE].reindex(cpns.index)
    last_day = exit_date.fillna(END + pd.Timedelta(days=1))
    assert ((last_day - cpns[c.CPNS_DATE]).dt.days <= 366).all(), "cpns only in the first year of service"
    active_cpns = cpns[cpns.index.isin(active_ids(dataset))]
    assert len(active_cpns) > 0 and (active_cpns[c.CPNS_DATE] > END - pd.Timedelta(days=365)).all()


def test_ages_and_retirement(dataset):
    emp = dataset.employees.set_index(c.EMPLOYEE_ID)
    assert set(emp[c.RETIREMENT_AGE]) <= {58, 60}
    active = emp.loc[active_ids(dataset)]
    age = (END - active[c.BIRTH_DATE]).dt.days / 365.25
    assert age.min() >= 20 and (age < active[c.RETIREMENT_AGE]).all()
    cpns_age = (emp[c.CPNS_DATE] - emp[c.BIRTH_DATE]).dt.days / 365.25
    assert cpns_age.min() >= 19.5 and cpns_age.max() <= 44
    pensions = dataset.exits[dataset.exits[c.REASON] == "pensiun"].set_index(c.EMPLOYEE_ID)
    due = [b + pd.DateOffset(years=int(a)) for b, a in
           zip(emp.loc[pensions.index, c.BIRTH_DATE], emp.loc[pensions.index, c.RETIREMENT_AGE])]
    assert len(pensions) > 0 and (pensions[c.EXIT_DATE].to_numpy() == pd.to_datetime(due).to_numpy()).all()


def test_yearly_transfer_rate(dataset):
    emp = dataset.employees.set_index(c.EMPLOYEE_ID)
    exit_date = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE].reindex(emp.index)
    moves = dataset.assignments[dataset.assignments[c.MOVE_TYPE] != v.INITIAL_MOVE]
    rates = []
    for year in range(2013, 2026):
        mid = pd.Timestamp(f"{year}-07-01")
        headcount = ((emp[c.CPNS_DATE] <= mid) & ~(exit_date <= mid)).sum()
        rates.append((moves[c.START_DATE].dt.year == year).sum() / headcount)
    assert 0.10 <= np.mean(rates) <= 0.15
    assert min(rates) >= 0.05 and max(rates) <= 0.22


def test_at_most_one_holder_per_post(dataset):
    a = dataset.assignments
    exit_date = a[c.EMPLOYEE_ID].map(dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE])
    last = a[c.END_DATE].fillna(exit_date - pd.Timedelta(days=1)).fillna(pd.Timestamp("2100-01-01"))
    by_post = a.assign(last=last).sort_values([c.POSITION_ID, c.START_DATE])
    same_post = by_post[c.POSITION_ID].shift(-1) == by_post[c.POSITION_ID]
    assert not (same_post & (by_post[c.START_DATE].shift(-1) <= by_post["last"])).any()


def test_careers_start_with_an_initial_post(dataset):
    first = dataset.assignments.sort_values(c.START_DATE).groupby(c.EMPLOYEE_ID)[c.MOVE_TYPE].first()
    assert (first == v.INITIAL_MOVE).all() and len(first) == len(dataset.employees)
    types = set(dataset.assignments[c.MOVE_TYPE])
    assert types == set(v.MOVE_TYPES)
    regular = dataset.assignments[dataset.assignments[c.MOVE_TYPE].isin(["rotasi", "mutasi", "promosi"])]
    assert not ((regular[c.START_DATE].dt.month == 1) & (regular[c.START_DATE].dt.day == 1)).any()


# --- labels follow the hidden truth -------------------------------------------------------


def transfer_events(ds: Dataset) -> pd.DataFrame:
    """Non-initial assignments with the next move of the same employee."""
    a = ds.assignments.sort_values([c.EMPLOYEE_ID, c.START_DATE]).reset_index(drop=True)
    same = a[c.EMPLOYEE_ID].shift(-1) == a[c.EMPLOYEE_ID]
    a["next_move"] = a[c.MOVE_TYPE].shift(-1).where(same)
    a["next_start"] = a[c.START_DATE].shift(-1).where(same)
    return a[a[c.MOVE_TYPE] != v.INITIAL_MOVE].reset_index(drop=True)


def any_in_window(events: pd.DataFrame, rows: pd.DataFrame, date: str) -> pd.Series:
    dated = rows[[c.EMPLOYEE_ID, date]].rename(columns={date: "when"})
    joined = events[[c.EMPLOYEE_ID, c.START_DATE]].reset_index().merge(dated, on=c.EMPLOYEE_ID)
    hit = (joined["when"] >= joined[c.START_DATE]) & (joined["when"] <= joined[c.START_DATE] + WINDOW)
    return events.index.isin(joined.loc[hit, "index"])


def realised_failure(ds: Dataset) -> pd.DataFrame:
    """Contract section 3 failure of every transfer whose 730 days ended by the dataset's end."""
    ev = transfer_events(ds)
    ev = ev[ev[c.START_DATE] + WINDOW <= END].reset_index(drop=True)
    left = ev["next_move"].isin(v.FAILURE_MOVES) & (ev["next_start"] <= ev[c.START_DATE] + WINDOW)
    exits = ds.exits[ds.exits[c.REASON].isin(v.FAILURE_EXIT_REASONS)]
    serious = ds.discipline[ds.discipline[c.LEVEL].isin(v.SERIOUS_SANCTION_LEVELS)]
    app = ds.appraisals[ds.appraisals[c.RATING].map(v.RATING_SCORE) <= 3]
    joined = ev[[c.EMPLOYEE_ID, c.START_DATE]].reset_index().merge(app, on=c.EMPLOYEE_ID)
    low = (joined[c.PERIOD_START] >= joined[c.START_DATE]) & (
        joined[c.PERIOD_END] <= joined[c.START_DATE] + WINDOW)
    failed = (left | any_in_window(ev, exits, c.EXIT_DATE) | any_in_window(ev, serious, c.START_DATE)
              | ev.index.isin(joined.loc[low, "index"]))
    return ev.assign(failure=failed.astype(float))


def first_scores(ds: Dataset) -> pd.DataFrame:
    """Score of the first appraisal with period_start >= t and period_end >= t + 180 days
    while still in the post."""
    ev = transfer_events(ds)
    joined = ev.merge(ds.appraisals, on=c.EMPLOYEE_ID)
    keep = ((joined[c.PERIOD_START] >= joined[c.START_DATE])
            & (joined[c.PERIOD_END] >= joined[c.START_DATE] + pd.Timedelta(days=180))
            & (joined[c.END_DATE].isna() | (joined[c.PERIOD_END] <= joined[c.END_DATE])))
    first = joined[keep].sort_values(c.PERIOD_END).drop_duplicates([c.EMPLOYEE_ID, c.START_DATE])
    return first.assign(score=first[c.RATING].map(v.RATING_SCORE))


def with_truth(frame: pd.DataFrame, written: Path) -> pd.DataFrame:
    truth = pd.read_parquet(written / ORACLE_TRANSFERS_FILE)
    truth[c.START_DATE] = pd.to_datetime(truth[c.START_DATE])
    out = frame.merge(truth, on=[c.EMPLOYEE_ID, c.START_DATE], how="left", suffixes=("", "_truth"))
    assert out[TRUE_FAILURE_PROB].notna().all(), "every transfer has its truth"
    return out


def test_every_transfer_has_its_truth(dataset, written):
    truth = pd.read_parquet(written / ORACLE_TRANSFERS_FILE)
    assert len(truth) == len(transfer_events(dataset))
    assert truth[TRUE_FAILURE_PROB].between(0, 1, inclusive="neither").all()
    assert 0.12 <= truth[TRUE_FAILURE_PROB].mean() <= 0.28
    assert 3.85 <= truth[TRUE_EXPECTED_SCORE].mean() <= 4.15


def test_realised_failure_follows_the_truth(dataset, written):
    events = with_truth(realised_failure(dataset), written)
    p = events[TRUE_FAILURE_PROB]
    se = np.sqrt((p * (1 - p)).sum()) / len(events)
    assert len(events) > 300 and 3.5 * se < 0.07, "the check can tell a bias of 0.07"
    assert abs(events["failure"].mean() - p.mean()) < 3.5 * se


def test_realised_score_follows_the_truth(dataset, written):
    scores = with_truth(first_scores(dataset), written)
    assert len(scores) > 300
    assert spearmanr(scores["score"], scores[TRUE_EXPECTED_SCORE])[0] > 0.3
    shuffled = np.random.default_rng(0).permutation(scores[TRUE_EXPECTED_SCORE].to_numpy())
    assert abs(spearmanr(scores["score"], shuffled)[0]) < 0.15, "the check can tell unrelated scores"
    assert abs(scores["score"].mean() - scores[TRUE_EXPECTED_SCORE].mean()) < 0.1


# --- the oracle ---------------------------------------------------------------------------


def test_oracle_rows_are_eligible_candidates(dataset, written, sim):
    oracle = pd.read_parquet(written / ORACLE_VACANCIES_FILE)
    columns = [c.POSITION_ID, AS_OF, c.EMPLOYEE_ID, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB]
    assert list(oracle.columns) == columns
    assert (pd.to_datetime(oracle[AS_OF]) == pd.Timestamp("2026-01-01")).all()
    positions = list(oracle[c.POSITION_ID].unique())
    assert len(positions) == sim.manifest["n_vacancies"]
    assert oracle.groupby(c.POSITION_ID).size().min() >= 10
    eligibility = evaluate_eligibility(dataset, positions, pd.Timestamp("2026-01-01"))
    eligible = eligibility[eligibility[ELIGIBLE]]
    assert set(zip(oracle[c.POSITION_ID], oracle[c.EMPLOYEE_ID])) == set(
        zip(eligible[c.POSITION_ID], eligible[c.EMPLOYEE_ID]))
    assert oracle[TRUE_FAILURE_PROB].between(0, 1, inclusive="neither").all()
    assert oracle[TRUE_EXPECTED_SCORE].between(1, 5).all()
    types = dataset.positions.set_index(c.POSITION_ID).loc[positions, c.POSITION_TYPE]
    assert types.nunique() >= 4
    assert oracle.groupby(c.POSITION_ID)[TRUE_EXPECTED_SCORE].std().mean() >= 0.25


# --- determinism and writing ----------------------------------------------------------------


def test_same_seed_same_tables_other_seed_other_tables(small):
    again = simulate(150, 3, start_year=2019)
    other = simulate(150, 4, start_year=2019)
    for name, table in small.tables.items():
        pd.testing.assert_frame_equal(table, again.tables[name])
    pd.testing.assert_frame_equal(small.transfers_truth, again.transfers_truth)
    assert not small.tables[c.EMPLOYEES].equals(other.tables[c.EMPLOYEES])
    assert not small.tables[c.APPRAISALS].equals(other.tables[c.APPRAISALS])


def test_writing_twice_gives_identical_files(small, tmp_path):
    first = write_simulation(small, tmp_path / "a")
    second = write_simulation(small, tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_existing_target_is_refused_or_replaced_whole(small, tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        write_simulation(small, target, overwrite=False)
    assert (target / "keep.txt").read_text() == "mine"
    write_simulation(small, target)
    assert not (target / "keep.txt").exists() and (target / SIMULATION_MANIFEST_FILE).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_failure_midway_leaves_no_partial_directory(small, tmp_path, monkeypatch):
    previous = write_simulation(small, tmp_path / "previous")
    before = {p.name: p.read_bytes() for p in previous.iterdir()}

    def broken(_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer_module, "load_dataset", broken)
    for target in (tmp_path / "fresh", previous):
        with pytest.raises(RuntimeError, match="disk full"):
            write_simulation(small, target)
    assert [p.name for p in tmp_path.iterdir()] == ["previous"]
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before


# --- display names --------------------------------------------------------------------------


def table_hashes(sim: Simulation) -> dict[str, int]:
    """One number per table (employees without display_name), the truth and the oracle inputs."""
    frames = {**sim.tables, c.EMPLOYEES: sim.tables[c.EMPLOYEES].drop(columns=[c.DISPLAY_NAME], errors="ignore"),
              "transfers_truth": sim.transfers_truth}
    return {name: int(pd.util.hash_pandas_object(frame, index=False).sum()) for name, frame in frames.items()}


def test_every_employee_has_a_distinct_name_deterministic_by_seed(small, dataset):
    names = small.tables[c.EMPLOYEES][c.DISPLAY_NAME]
    assert names.str.strip().str.len().gt(0).all() and names.is_unique
    assert names.str.fullmatch(r"[A-Z][a-z]+( [A-Z][a-z]+)*").all()           # plain words, no ids or digits
    again = simulate(150, 3, start_year=2019).tables[c.EMPLOYEES][c.DISPLAY_NAME]
    other = simulate(150, 4, start_year=2019).tables[c.EMPLOYEES][c.DISPLAY_NAME]
    shared = min(len(other), len(names))                        # the other seed has another number of people
    assert again.equals(names) and (other.to_numpy()[:shared] != names.to_numpy()[:shared]).mean() > 0.8
    written = dataset.employees[c.DISPLAY_NAME]                 # written and read back with the dataset
    assert written.str.len().gt(0).all() and written.is_unique


def test_names_change_no_other_table(small, monkeypatch):
    """The names come from their own random stream: without them every other table (and the
    truth) is the same, value for value."""
    from simulator import tables as tables_module

    monkeypatch.setattr(tables_module, "display_names", lambda seed, female: np.full(len(female), "", dtype=object))
    unnamed = simulate(150, 3, start_year=2019)
    assert (unnamed.tables[c.EMPLOYEES][c.DISPLAY_NAME] == "").all()
    assert table_hashes(unnamed) == table_hashes(small)


def test_names_are_never_features(tiny):
    """Snapshot and pair features are the same whatever the names (shuffled or dropped)."""
    import dataclasses

    from features.asof import AsOfQuery
    from features.model_inputs import FEATURES
    from features.pairs import PositionTable, pair_features
    from features.snapshot import build_snapshot, prepare_sources

    assert c.DISPLAY_NAME not in FEATURES
    ids = tiny.employees[c.EMPLOYEE_ID].tolist()
    at = pd.Timestamp("2020-01-01")

    def features(ds: Dataset) -> pd.DataFrame:
        snap = build_snapshot(prepare_sources(ds), AsOfQuery.at(ids, at))
        return pd.concat([snap, pair_features(snap, PositionTable.from_dataset(ds), np.full(len(snap), "p3",
                                                                                            dtype=object))], axis=1)

    employees = tiny.employees
    assert employees[c.DISPLAY_NAME].str.len().gt(0).any()
    shuffled = employees.assign(**{c.DISPLAY_NAME: employees[c.DISPLAY_NAME].iloc[::-1].to_numpy()})
    base = features(tiny)
    for changed in (shuffled, employees.drop(columns=[c.DISPLAY_NAME])):
        pd.testing.assert_frame_equal(features(dataclasses.replace(tiny, employees=changed)), base)
