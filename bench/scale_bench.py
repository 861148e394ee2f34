"""Round scoring at scale: pairs per second per core on one process and on Dask, memory
per worker, and a 1,000,000-employee dataset scored on a LocalCluster.

Throughput: the 20,000-employee province (seed 11) and a round of ``VACANCIES`` posts,
scored with ``mutasi score-round``'s code (:func:`serving.scale.run.score_round`) by
- ``local``: the slices one after the other in one process, LightGBM on 1 thread;
- ``dask``: a LocalCluster of 1 and of 2 worker processes, 1 thread each.
Each worker overlaps building a chunk's features with scoring the previous one, so a
process can use a little more than one core: CPU seconds are reported beside wall seconds,
and ``pairs_per_core_s`` divides by the cores the run could use (1, 1, 2). The cluster is
started before the clock (a cluster serves many rounds); the clock includes sending the
job to the workers, the slices, the reduction and writing the folder. Peak memory per
worker is its VmHWM after its last slice.

Large: the sharded 1,000,000-employee dataset of :mod:`bench.large_province` (written once,
~13 min) against N posts on 2 workers; the model is the one fitted on the 20,000 province
(training stays on one machine: README *National scale on Dask*).

``python -m bench.scale_bench [--large N] [--only-large]`` prints the rows;
``MUTASI_BENCH_LARGE=N python -m bench.run --only scale`` writes them to ``bench/results.*``
(without the variable only the throughput rows, about 6 minutes).
"""

import argparse
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import province
from bench.plan_quality import fitted_bundle

EMPLOYEES, SEED = 20000, 11
VACANCIES = 1000
SLICE = 2500                    # employees per slice on the 20,000 province (30,185 rows): 13 slices
MEMORY_LIMIT = "8GiB"
LARGE_EMPLOYEES = 1_000_000
LARGE_VACANCIES = 1000
LARGE_SLICE = 20_000


def round_frame(directory: Path, n: int, seed: int = SEED):
    """``n`` distinct posts of the dataset, one seeded draw."""
    import pandas as pd
    import pyarrow.parquet as pq

    ids = np.sort(pq.read_table(directory / "positions.parquet", columns=["position_id"]).column(0)
                  .to_numpy(zero_copy_only=False).astype(str))
    return pd.DataFrame({"position_id": np.random.default_rng(seed).permutation(ids)[:n]})


def run_once(directory: Path, bundle, n_vacancies: int, engine: str, workers: int, rows_per_slice: int) -> dict:
    """One scoring of the round; wall and CPU seconds (this process and its children)."""
    from features.eligibility import EligibilityRules
    from serving.champion import ServedModel
    from serving.scale.run import prepare_job, score_round
    from serving.scale.settings import ClusterSettings, Engine, Keep

    served = ServedModel(bundle, "mutasi-ranker", "bench", "")
    job = prepare_job(directory, served, round_frame(directory, n_vacancies), None, EligibilityRules(), Keep())
    cpu = _cpu()
    with tempfile.TemporaryDirectory() as tmp, _cluster(engine, workers) as address:
        summary = score_round(directory, job, served, Path(tmp) / "scored", engine=Engine(engine),
                              rows_per_slice=rows_per_slice, cluster=ClusterSettings(scheduler=address))
        manifest = json.loads((Path(tmp) / "scored" / "scoring.json").read_text())
    cores = workers if engine == "dask" else 1
    peaks = list(summary.peak_mb.values())
    return {"engine": engine, "workers": summary.workers, "employees": summary.employees,
            "vacancies": summary.vacancies, "slices": summary.slices, "pairs": summary.pairs_scored,
            "pairs_kept": summary.pairs_kept, "seconds": round(summary.seconds, 2),
            "cpu_s": round(_cpu() - cpu, 1) if engine == "local" else None,
            "pairs_per_s": round(summary.pairs_per_second), "pairs_per_core_s": round(summary.pairs_per_second / cores),
            "peak_mb_per_worker": round(max(peaks)), "memory_limit_mb": manifest["memory_mb"]["limit"] and
            next(iter(manifest["memory_mb"]["limit"].values()))}


@contextlib.contextmanager
def _cluster(engine: str, workers: int):
    """A LocalCluster started before the clock (a cluster serves many rounds); None for local."""
    if engine != "dask":
        yield None
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=MEMORY_LIMIT,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def throughput() -> list[dict]:
    path = province(EMPLOYEES, SEED)
    bundle = fitted_bundle(path, EMPLOYEES, SEED)
    rows = []
    for engine, workers in (("local", 1), ("dask", 1), ("dask", 2)):
        print(f"  {engine} x{workers}: {EMPLOYEES:,} employees x {VACANCIES} vacancies", flush=True)
        rows.append({"bench": "scale_throughput", **run_once(path, bundle, VACANCIES, engine, workers, SLICE)})
    base = rows[0]["pairs_per_core_s"]
    for row in rows:
        row["per_core_ratio_to_local"] = round(row["pairs_per_core_s"] / base, 2)
        row["speedup_to_local"] = round(rows[0]["seconds"] / row["seconds"], 2)
    return rows


def large(n_vacancies: int = LARGE_VACANCIES) -> list[dict]:
    from bench.large_province import large_province

    path = large_province(LARGE_EMPLOYEES)
    bundle = fitted_bundle(province(EMPLOYEES, SEED), EMPLOYEES, SEED)
    print(f"  dask x2: {LARGE_EMPLOYEES:,} employees x {n_vacancies} vacancies", flush=True)
    row = run_once(path, bundle, n_vacancies, "dask", 2, LARGE_SLICE)
    return [{"bench": "scale_large", **row, "seconds_per_1000_vacancies": round(row["seconds"] * 1000 / n_vacancies)}]


def run() -> list[dict]:
    vacancies = int(os.environ.get("MUTASI_BENCH_LARGE") or 0)      # e.g. 1000: also the 1M dataset
    return throughput() + (large(vacancies) if vacancies else [])


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=0, help="also score the 1M dataset against N vacancies")
    parser.add_argument("--only-large", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [] if args.only_large else throughput()
    if args.large:
        rows += large(args.large)
    for row in rows:
        print(json.dumps(row), flush=True)
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
