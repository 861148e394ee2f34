"""The sharded writer of a large province: a valid dataset whose shards are independent
provinces with unique ids, sorted by employee, deterministic, all rows kept; failures
leave nothing behind; the command line writes it. On a real LocalCluster (two spawned
workers) with 3 shards of 150 employees."""

import json
import re
import resource
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from features import columns as c
from features.io import load_dataset
from features.names import SIMULATION_MANIFEST_FILE
from features.schema import SPECS
from mutasi.cli import app
from simulator import shard_seed, simulate, write_large
from simulator.shards import PARTS, merge_parts, plan_shards, sort_rows, write_shard
from simulator.writer import parquet_table

pytestmark = pytest.mark.data

N, SHARD, SEED = 450, 150, 23
SHARDS = N // SHARD
# written by hand, not from the code under test: the columns holding a per-shard id
PREFIXED = {c.EMPLOYEES: ["employee_id"], c.UNITS: ["unit_id", "parent_unit_id"],
            c.POSITIONS: ["position_id", "unit_id"], c.POSITION_COMPETENCIES: ["position_id"],
            c.ASSIGNMENTS: ["employee_id", "position_id"], c.SERVICE_INDICATORS: ["unit_id"]}
SHARED = (c.REGIONS, c.TRAINING_CATALOG)
BY_EMPLOYEE = [t for t in SPECS if t not in PREFIXED and t not in SHARED] + [c.EMPLOYEES, c.ASSIGNMENTS]


def prefixed_columns(table: str) -> list[str]:
    return PREFIXED.get(table, [] if table in SHARED else ["employee_id"])


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def written(cluster, tmp_path_factory) -> tuple[Path, list]:
    seen = []
    path = write_large(tmp_path_factory.mktemp("large") / "province", N, SEED, shard_employees=SHARD,
                       scheduler=cluster.scheduler_address, progress=lambda done, total: seen.append((done, total)))
    return path, seen


def read(path: Path, table: str) -> pd.DataFrame:
    return pq.read_table(path / f"{table}.parquet").to_pandas()


def test_the_province_loads_validates_and_says_what_it_is(written):
    path, seen = written
    dataset = load_dataset(path)                         # raises DatasetError on any problem
    manifest = json.loads((path / SIMULATION_MANIFEST_FILE).read_text())
    assert manifest["large"] is True and manifest["oracle"] is False and manifest["n_employees"] == N
    assert manifest["as_of"] == "2026-01-01" and manifest["seed"] == SEED
    seeds = [int(np.random.SeedSequence([SEED, k]).generate_state(1)[0]) for k in range(SHARDS)]   # documented
    assert [(s["index"], s["seed"], s["n_employees"]) for s in manifest["shards"]] == \
        [(k, seeds[k], SHARD) for k in range(SHARDS)] == [(k, shard_seed(SEED, k), SHARD) for k in range(SHARDS)]
    assert manifest["counts"] == {name: len(frame) for name, frame in dataset.tables().items()}
    assert seen == [(done, SHARDS) for done in range(1, SHARDS + 1)]
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]      # no staging left


def test_ids_are_unique_across_shards_and_carry_their_shard(written):
    path, _ = written
    for table, key in ((c.EMPLOYEES, "employee_id"), (c.UNITS, "unit_id"), (c.POSITIONS, "position_id")):
        ids = read(path, table)[key]
        assert ids.is_unique and set(ids.str[:5]) == {f"p{k:03d}-" for k in range(SHARDS)}
    for table in SPECS:
        frame = read(path, table)
        for col in prefixed_columns(table):
            assert frame[col].dropna().str.fullmatch(r"p\d{3}-.+").all(), (table, col)


def test_employee_tables_are_sorted_with_row_groups_to_skip_by(written):
    path, _ = written
    for table in BY_EMPLOYEE:
        frame = read(path, table)
        key = list(SPECS[table].key)
        assert frame["employee_id"].is_monotonic_increasing, table
        pd.testing.assert_frame_equal(frame, frame.sort_values(key, kind="stable", ignore_index=True))
        meta = pq.ParquetFile(path / f"{table}.parquet").metadata
        assert meta.num_row_groups >= SHARDS, table
        bounds = [(meta.row_group(g).column(0).statistics.min, meta.row_group(g).column(0).statistics.max)
                  for g in range(meta.num_row_groups)]
        assert all(high <= low for (_, high), (low, _) in zip(bounds, bounds[1:])), table


def test_each_shard_is_the_simulated_province_with_its_prefix(written):
    path, _ = written
    files = {table: read(path, table) for table in SPECS}
    for k in range(SHARDS):
        sim = simulate(SHARD, shard_seed(SEED, k))
        prefix = f"p{k:03d}-"
        for table, frame in sim.tables.items():
            expected = parquet_table(table, frame.assign(**{col: prefix + frame[col] for col in prefixed_columns(table)}))
            expected = expected.to_pandas()
            got = files[table]
            if table not in SHARED:
                got = got[got[prefixed_columns(table)[0]].str.startswith(prefix)]
            order = list(got.columns)
            pd.testing.assert_frame_equal(got.sort_values(order, ignore_index=True),
                                          expected.sort_values(order, ignore_index=True), obj=f"{table} {k}")
    shard_rows = {t: sum(len(simulate(SHARD, shard_seed(SEED, k)).tables[t]) for k in range(SHARDS))
                  for t in (c.ASSIGNMENTS, c.UNITS)}
    assert {t: len(files[t]) for t in shard_rows} == shard_rows            # nothing lost, nothing twice


def test_the_same_seed_writes_the_same_files(written, cluster, tmp_path):
    path, _ = written
    again = write_large(tmp_path / "again", N, SEED, shard_employees=SHARD, scheduler=cluster.scheduler_address)
    names = sorted(p.name for p in path.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (path / name).read_bytes() == (again / name).read_bytes(), name


def test_a_too_small_shard_is_refused_before_any_work(cluster, tmp_path):
    out = tmp_path / "new" / "province"
    with pytest.raises(ValueError, match="at least 50"):
        write_large(out, N, SEED, shard_employees=40, scheduler=cluster.scheduler_address)
    assert not out.parent.exists()
    assert len(plan_shards(1001 * 50, SEED, 50).shards[-1].prefix) == len("p1000-")


def no_room(limit: int = 0) -> None:
    """A full disk in a worker: files cannot grow beyond ``limit`` bytes."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def room() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def test_a_shard_failing_in_its_worker_leaves_nothing(cluster, tmp_path):
    from distributed import Client

    out = tmp_path / "parent" / "province"
    with Client(cluster.scheduler_address) as client:
        client.run(no_room)
        try:
            with pytest.raises(OSError, match="too large"):
                write_large(out, N, SEED, shard_employees=SHARD, scheduler=cluster.scheduler_address)
        finally:
            client.run(room)
    assert list(out.parent.iterdir()) == []


def test_a_shard_sorts_its_employee_tables_by_the_contract_key():
    tables = simulate(60, 1).tables
    for table in (c.COMPETENCY_ASSESSMENTS, c.ASSIGNMENTS, c.EDUCATION):
        shuffled = tables[table].sample(frac=1.0, random_state=0)
        expected = tables[table].sort_values(list(SPECS[table].key), ignore_index=True)
        pd.testing.assert_frame_equal(sort_rows(table, shuffled), expected)
    assert sort_rows(c.POSITIONS, tables[c.POSITIONS]) is tables[c.POSITIONS]


def test_shards_that_are_not_one_province_are_refused(tmp_path):
    parts = tmp_path / PARTS
    for table in SPECS:
        (parts / table).mkdir(parents=True)
    shards = plan_shards(100, SEED, 50).shards
    for shard in shards:
        write_shard(shard, str(parts))
    regions = pq.read_table(parts / c.REGIONS / "00001.parquet").to_pandas()
    regions.loc[0, "name"] = "Kabupaten Lain"
    pq.write_table(parquet_table(c.REGIONS, regions), parts / c.REGIONS / "00001.parquet")
    with pytest.raises(ValueError, match="shard 1's regions differs"):
        merge_parts(parts, c.REGIONS, tmp_path / "regions.parquet", len(shards))


def test_the_command_line_writes_a_sharded_province(tmp_path):
    out = tmp_path / "cli"
    done = CliRunner().invoke(app, ["simulate", "--out", str(out), "--employees", "120", "--shard-employees", "60",
                                    "--workers", "1", "--seed", "3"])
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / SIMULATION_MANIFEST_FILE).read_text())
    assert manifest["large"] and [s["seed"] for s in manifest["shards"]] == [shard_seed(3, 0), shard_seed(3, 1)]
    assert re.search(r"peak memory per worker: [\d,]+ MB\s*$", done.output, re.M)       # one worker, one peak
    load_dataset(out)
    refused = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "csv"), "--employees", "120",
                                       "--shard-employees", "60", "--format", "csv", "--logged-replicates", "2"])
    assert refused.exit_code == 1 and "--format csv" in refused.output and "--logged-replicates" in refused.output
    assert not (tmp_path / "csv").exists()
