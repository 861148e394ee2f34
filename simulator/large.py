"""Write a large simulated province (a million employees) as shards run by Dask.

``write_large(out_dir, n_employees, seed)`` plans shards of about 25,000 employees
(:mod:`simulator.shards`), runs one Dask task per shard (each simulates, prefixes its ids,
sorts and writes one Parquet part per table, and returns only its small manifest), then
merges each table's parts in shard order into one ``<table>.parquet`` and writes
``simulation.json``. No process ever holds more than one shard: a worker's peak is that
of simulating ``shard_employees``, the client's that of one part.

Employee-keyed files come out sorted by ``employee_id`` (the prefixes sort in shard
order) with row-group statistics, so a reader can skip row groups by id range.

By default the shards run on a LocalCluster of ``workers`` spawned processes with one
thread each; with ``scheduler`` (or ``$DASK_SCHEDULER_ADDRESS``) on that cluster instead,
whose workers must see ``out_dir``'s parent directory (a shared filesystem). Everything is
written into a temporary sibling directory renamed into place at the end; a failure leaves
nothing behind. There is no oracle and no logged choice: the dataset is for measuring scale.

Dask is imported inside the functions, so importing :mod:`simulator` stays cheap.
"""

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from features.cluster import ClusterSettings, dask_client, peak_rss_mb
from features.names import SIMULATION_MANIFEST_FILE
from features.schema import SPECS
from simulator.shards import PARTS, ShardPlan, make_part_dirs, merge_parts, plan_shards, write_shard
from simulator.writer import replace_directory

SHARD_EMPLOYEES = 25_000          # about 13 s and 0.6 GB per shard on one core
WORKERS = 2
MEMORY_LIMIT = "auto"             # per worker: the machine's memory shared among the workers
SETTLE_SECONDS = 300.0            # after a failure, how long to wait for running shards to stop
MANIFEST_FROM_SHARD = ("generator", "start_year", "end_year", "dataset_end", "as_of", "outcome_model", "program")

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class LargeRun:
    """What :func:`run_large` wrote, how long it took and each worker's peak memory (MB)."""

    path: Path
    seconds: float
    shards: int
    worker_peak_mb: dict[str, float]


def write_large(out_dir: str | Path, n_employees: int, seed: int, *, shard_employees: int = SHARD_EMPLOYEES,
                workers: int = WORKERS, scheduler: str | None = None, progress: Progress = None,
                force: bool = False, memory_limit: str | int = MEMORY_LIMIT) -> Path:
    """Write a province of ``n_employees`` in shards of at most ``shard_employees`` to
    ``out_dir``; return the directory. ``progress(done_shards, total)`` after each shard.
    An existing non-empty ``out_dir`` is an error unless ``force`` (then it is replaced once
    the new one is complete)."""
    return run_large(out_dir, n_employees, seed, shard_employees=shard_employees, workers=workers,
                     scheduler=scheduler, progress=progress, force=force, memory_limit=memory_limit).path


def run_large(out_dir: str | Path, n_employees: int, seed: int, *, shard_employees: int = SHARD_EMPLOYEES,
              workers: int = WORKERS, scheduler: str | None = None, progress: Progress = None,
              force: bool = False, memory_limit: str | int = MEMORY_LIMIT) -> LargeRun:
    """:func:`write_large`, also saying the seconds and the workers' peak memory."""
    start = time.perf_counter()
    plan = plan_shards(n_employees, seed, shard_employees)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    out_dir = Path(out_dir).absolute()         # the workers' working directory may not be ours
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not force)):
        raise FileExistsError(f"{out_dir} exists and is not empty")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        make_part_dirs(work / PARTS)
        with dask_client(ClusterSettings(scheduler=scheduler, workers=workers, memory_limit=memory_limit)) as client:
            manifests = run_shards(client, plan, work / PARTS, progress)
            peaks = client.run(peak_rss_mb)
        counts = {table: merge_parts(work / PARTS, table, work / f"{table}.parquet", len(plan.shards))
                  for table in SPECS}
        shutil.rmtree(work / PARTS)
        manifest = large_manifest(plan, shard_employees, manifests, counts)
        (work / SIMULATION_MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        replace_directory(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return LargeRun(out_dir, time.perf_counter() - start, len(plan.shards), dict(peaks))


def run_shards(client, plan: ShardPlan, parts: Path, progress: Progress) -> list[dict]:
    """One task per shard; the shards' manifests in shard order. The first failure cancels
    the rest and is raised."""
    from distributed import as_completed

    token = parts.parent.name.strip(".")
    futures = [client.submit(write_shard, shard, str(parts), key=f"mutasi-shard-{token}-{shard.index}",
                             pure=False) for shard in plan.shards]
    index = {future.key: k for k, future in enumerate(futures)}
    manifests: list[dict | None] = [None] * len(futures)
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            manifests[index[future.key]] = future.result()
            if progress is not None:
                progress(done, len(futures))
    except Exception:
        client.cancel(futures)
        settle(client, set(index))
        raise
    return manifests


def running_keys(dask_worker) -> list:
    """The keys a worker is running, cancelled ones included (run by ``client.run``)."""
    return [task.key for task in dask_worker.state.executing]


def settle(client, keys: set, timeout: float = SETTLE_SECONDS) -> None:
    """Wait until no worker still runs one of ``keys``: a cancelled task keeps running, and
    it must not write into the staging directory after it has been removed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = {key for keys_of in client.run(running_keys).values() for key in keys_of}
        if not running & keys:
            return
        time.sleep(0.2)


def large_manifest(plan: ShardPlan, shard_employees: int, manifests: list[dict], counts: dict[str, int]) -> dict:
    """``simulation.json`` of the large province: what shard 0 says of the window and the
    hidden model (the same in every shard, checked), each shard's seed and size, and the
    rows of each merged file."""
    first = manifests[0]
    for k, shard in enumerate(manifests[1:], start=1):
        differs = [key for key in MANIFEST_FROM_SHARD if shard.get(key) != first.get(key)]
        if differs:
            raise ValueError(f"shard {k} differs from shard 0 in {', '.join(differs)}")
    shards = [{"index": s.index, "seed": s.seed, "n_employees": s.employees, "prefix": s.prefix,
               "active_at_end": m["active_at_end"], "transfers": m["transfers"]}
              for s, m in zip(plan.shards, manifests, strict=True)]
    return {**{key: first[key] for key in MANIFEST_FROM_SHARD},
            "seed": plan.seed, "n_employees": plan.n_employees, "shard_employees": shard_employees,
            "shards": shards, "active_at_end": sum(s["active_at_end"] for s in shards),
            "transfers": sum(s["transfers"] for s in shards), "counts": counts,
            "format": "parquet", "large": True, "oracle": False}
