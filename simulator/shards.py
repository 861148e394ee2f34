"""Shards of a large simulated province: the plan, the work of one shard, the merge.

A province of a million employees is too big to simulate in one process (20,000 take about
1 GB), so it is simulated as independent provinces ("shards") of about 25,000 employees.
Shard ``k`` is ``simulate(size_k, shard_seed(seed, k))`` with the default settings; its
employee, unit and position ids get the prefix ``p{k:03d}-`` so they are unique across
shards and sort in shard order. Regions and the training catalog are the same in every
shard and are written once.

Nothing here imports Dask: :func:`write_shard` is a plain function that the orchestration
(:mod:`simulator.large`) runs as a task. It writes one Parquet part per table and returns
only the shard's small manifest; :func:`merge_parts` then streams the parts, shard by
shard and row group by row group, into one file per table.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from features import columns as c
from features.schema import SPECS
from simulator.simulation import simulate
from simulator.writer import parquet_table

MIN_SHARD_EMPLOYEES = 50          # simulate() refuses fewer
PREFIX_DIGITS = 3                 # p000- ... p999-; more digits only when there are more shards
PART_ROW_GROUP_ROWS = 262_144     # rows per row group of a part: small enough to skip by id range
PARTS = "parts"                   # staging sub-directory: parts/<table>/<k:05d>.parquet
ENTITY_TABLES = (c.EMPLOYEES, c.UNITS, c.POSITIONS)   # tables whose ids are per shard


def _id_columns() -> dict[str, tuple[str, ...]]:
    """Per table, the columns holding an employee, unit or position id: the key of those
    three tables and every foreign key that refers to one of them (``parent_unit_id``,
    ``position_id`` of assignments, ``employee_id`` everywhere ...). From the schema, so a
    new reference is prefixed without a change here."""
    out = {}
    for name, spec in SPECS.items():
        cols = list(spec.key) if name in ENTITY_TABLES else []
        cols += [fk.column for fk in spec.references if fk.table in ENTITY_TABLES and fk.column not in cols]
        out[name] = tuple(cols)
    return out


ID_COLUMNS: dict[str, tuple[str, ...]] = _id_columns()
SHARED_TABLES: tuple[str, ...] = tuple(name for name, cols in ID_COLUMNS.items() if not cols)
EMPLOYEE_KEYED: tuple[str, ...] = tuple(name for name, spec in SPECS.items() if spec.key[0] == c.EMPLOYEE_ID)


@dataclass(frozen=True)
class Shard:
    """One independent province of the large one."""

    index: int
    employees: int
    seed: int
    prefix: str


@dataclass(frozen=True)
class ShardPlan:
    seed: int
    n_employees: int
    shards: tuple[Shard, ...]


def shard_seed(seed: int, index: int) -> int:
    """Seed of shard ``index``: ``SeedSequence([seed, index]).generate_state(1)[0]``, so
    shards are independent streams and a shard can be re-simulated on its own."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def shard_sizes(n_employees: int, shard_employees: int) -> tuple[int, ...]:
    """``ceil(n / shard_employees)`` shards of sizes that differ by at most one (none above
    ``shard_employees``), so no ``n`` is refused for an unlucky remainder."""
    count = math.ceil(n_employees / shard_employees)
    base, extra = divmod(n_employees, count)
    return tuple(base + 1 if k < extra else base for k in range(count))


def plan_shards(n_employees: int, seed: int, shard_employees: int) -> ShardPlan:
    """The shards of a province of ``n_employees``; a ValueError before any work when a
    shard would have fewer than :data:`MIN_SHARD_EMPLOYEES` or the seed is negative."""
    if shard_employees < 1 or n_employees < 1:
        raise ValueError(f"n_employees and shard_employees must be >= 1, not {n_employees}, {shard_employees}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    sizes = shard_sizes(n_employees, shard_employees)
    if min(sizes) < MIN_SHARD_EMPLOYEES:
        raise ValueError(f"{n_employees} employees in shards of at most {shard_employees} gives a shard of "
                         f"{min(sizes)}; every shard needs at least {MIN_SHARD_EMPLOYEES}")
    width = max(PREFIX_DIGITS, len(str(len(sizes) - 1)))
    shards = tuple(Shard(k, size, shard_seed(seed, k), f"p{k:0{width}d}-") for k, size in enumerate(sizes))
    return ShardPlan(seed, n_employees, shards)


def prefix_ids(table: str, frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """``frame`` with its id columns (:data:`ID_COLUMNS`) prefixed; missing ids stay missing."""
    cols = [col for col in ID_COLUMNS[table] if col in frame.columns]
    return frame.assign(**{col: prefix + frame[col].astype("str") for col in cols}) if cols else frame


def sort_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An employee-keyed table sorted by its contract key (employee_id first), stably;
    other tables as simulated."""
    if table not in EMPLOYEE_KEYED:
        return frame
    return frame.sort_values(list(SPECS[table].key), kind="stable", ignore_index=True)


def part_path(parts: Path, table: str, index: int) -> Path:
    return parts / table / f"{index:05d}.parquet"


def make_part_dirs(parts: Path) -> None:
    """``parts/<table>/`` for every table. Tasks never create directories: a task still
    running after a failure cannot bring back a staging directory that was removed."""
    for table in SPECS:
        (parts / table).mkdir(parents=True)


def write_shard(shard: Shard, parts: str) -> dict:
    """Simulate ``shard``, prefix its ids, sort it and write one part per table into
    ``parts``; return the shard's manifest (small), never its tables. Runs in a worker."""
    sim = simulate(shard.employees, shard.seed)
    for table, frame in sim.tables.items():
        ready = sort_rows(table, prefix_ids(table, frame, shard.prefix))
        pq.write_table(parquet_table(table, ready), part_path(Path(parts), table, shard.index),
                       row_group_size=PART_ROW_GROUP_ROWS)
    return sim.manifest


def sorting_columns(table: str, schema: pa.Schema) -> list | None:
    """The key an employee-keyed file is sorted by, recorded in its row groups' metadata."""
    if table not in EMPLOYEE_KEYED:
        return None
    return pq.SortingColumn.from_ordering(schema, [(col, "ascending") for col in SPECS[table].key])


def merge_parts(parts: Path, table: str, target: Path, n_shards: int) -> int:
    """Stream the parts of ``table`` in shard order into ``target``, each part's row groups
    as row groups of their own (one part in memory at a time at most); return the rows.
    A shared table (:data:`SHARED_TABLES`) is written once, after checking that every
    shard's copy equals shard 0's."""
    files = [part_path(parts, table, k) for k in range(n_shards)]
    if table in SHARED_TABLES:
        return _merge_shared(table, files, target)
    schema = pq.read_schema(files[0])
    rows = 0
    with pq.ParquetWriter(target, schema, sorting_columns=sorting_columns(table, schema)) as writer:
        for path in files:
            part = pq.ParquetFile(path)
            for group in range(part.num_row_groups):
                chunk = part.read_row_group(group).cast(schema)
                if chunk.num_rows:
                    writer.write_table(chunk, row_group_size=PART_ROW_GROUP_ROWS)
                    rows += chunk.num_rows
    return rows


def _merge_shared(table: str, files: list[Path], target: Path) -> int:
    first = pq.read_table(files[0])
    for k, path in enumerate(files[1:], start=1):
        if not pq.read_table(path).equals(first):
            raise ValueError(f"shard {k}'s {table} differs from shard 0's: the shards are not one province")
    pq.write_table(first, target)
    return first.num_rows
