"""A large simulated province (1,000,000 employees) written in shards by Dask, cached.

``large_province()`` writes ``bench/out/province-<n>-<seed>/`` once with
:func:`simulator.large.write_large` (shards of 25,000 on two local worker processes) and
reuses it afterwards; the national-scale benches read it.

``python -m bench.large_province [--employees 1000000] [--seed 11] [--shard-employees 25000]
[--workers 2]`` writes it (or finds it cached) and prints the seconds, each worker's peak
memory, the client's, and the rows and size of each file.
"""

import argparse
import json
from pathlib import Path

from bench.common import OUT, peak_rss_mb

EMPLOYEES, SEED, SHARD_EMPLOYEES, WORKERS = 1_000_000, 11, 25_000, 2


def cached_path(n: int, seed: int) -> Path:
    return OUT / f"province-{n}-{seed}"


def is_cached(path: Path, n: int, seed: int, shard_employees: int) -> bool:
    """Whether ``path`` holds the large province of these settings. A province written
    otherwise under the same name (``bench.common.province``) is an error, never replaced."""
    from features.names import SIMULATION_MANIFEST_FILE

    manifest_file = path / SIMULATION_MANIFEST_FILE
    if not manifest_file.exists():
        return False
    manifest = json.loads(manifest_file.read_text())
    wanted = {"large": True, "n_employees": n, "seed": seed, "shard_employees": shard_employees}
    if {key: manifest.get(key) for key in wanted} != wanted:
        raise FileExistsError(f"{path} holds another province ({ {k: manifest.get(k) for k in wanted} }); "
                              "move it away to write the large one")
    return True


def large_province(n: int = EMPLOYEES, seed: int = SEED, shard_employees: int = SHARD_EMPLOYEES,
                   workers: int = WORKERS) -> Path:
    """The large province of ``n`` employees, written once (sharded) and reused."""
    return _write(n, seed, shard_employees, workers)["path"]


def _write(n: int, seed: int, shard_employees: int, workers: int) -> dict:
    """The province's path, and when it was written now, the run's seconds and peaks."""
    from simulator.large import run_large

    path = cached_path(n, seed)
    if is_cached(path, n, seed, shard_employees):
        return {"path": path, "cached": True}
    print(f"  simulating {n:,} employees in shards of {shard_employees:,} on {workers} workers "
          f"(once, cached in {path})", flush=True)
    run = run_large(path, n, seed, shard_employees=shard_employees, workers=workers,
                    progress=lambda done, total: print(f"  shard {done}/{total}", flush=True))
    return {"path": path, "cached": False, "seconds": run.seconds, "shards": run.shards,
            "worker_peak_mb": run.worker_peak_mb}


def file_report(path: Path) -> list[tuple[str, int, float]]:
    """(file, rows, MB) of every Parquet file of the province."""
    import pyarrow.parquet as pq

    return [(f.name, pq.ParquetFile(f).metadata.num_rows, f.stat().st_size / 2**20)
            for f in sorted(path.glob("*.parquet"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=EMPLOYEES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--shard-employees", type=int, default=SHARD_EMPLOYEES)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    done = _write(args.employees, args.seed, args.shard_employees, args.workers)
    if done["cached"]:
        print(f"cached: {done['path']} (delete it to measure again)")
    else:
        peaks = ", ".join(f"{mb:,.0f}" for mb in done["worker_peak_mb"].values())
        print(f"wrote {done['path']}: {done['shards']} shards in {done['seconds']:,.1f} s; "
              f"peak RSS per worker (MB): {peaks}; client: {peak_rss_mb():,.0f} MB")
    files = file_report(done["path"])
    for name, rows, mb in files:
        print(f"  {name:32s} {rows:>13,} rows {mb:>10,.1f} MB")
    print(f"  {'total':32s} {sum(r for _, r, _ in files):>13,} rows {sum(m for _, _, m in files):>10,.1f} MB")


if __name__ == "__main__":
    main()
