"""The Dask side of round scoring: the job sent once to every worker, one task per
employee slice, and the kept pairs of all slices reduced per vacancy on the cluster (the
client comes from :func:`features.cluster.dask_client`).

``dask`` and ``distributed`` are imported inside the functions: nothing else of serving
pays for them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.slices import EmployeeSlice
from serving.scale.pairs import RoundJob, SlicePairs, empty_pairs, score_slice, top_pairs

SLICES_PER_OUTPUT = 4               # slices' kept pairs per output part after the reduction


@dataclass(frozen=True)
class DaskRun:
    """What the cluster did: eligible counts per vacancy, kept pairs per position id, and
    memory per worker (peak resident MB over its slices; its limit in MB, None if none)."""

    n_eligible: np.ndarray
    kept: pd.Series
    workers: int
    peak_mb: dict[str, float]
    limit_mb: dict[str, float | None]


def run_on_dask(client, directory: str, slices: list[EmployeeSlice], job: RoundJob, pairs_dir: Path,
                progress: Callable[[int, int], None] | None = None) -> DaskRun:
    """Score every slice on the cluster and write the round's kept pairs to ``pairs_dir``."""
    import dask.dataframe as dd
    from distributed import as_completed

    job_on_workers = client.scatter(job, broadcast=True, hash=False)
    parts = client.scatter(slices, hash=False)          # the slices' ids stay out of the task graph
    futures = client.map(_slice_task, parts, directory=directory, job=job_on_workers, pure=False)
    for done, _ in enumerate(as_completed(futures), start=1):
        if progress:
            progress(done, len(slices))
    results = client.map(_pairs_of, futures, pure=False)
    kept = dd.from_delayed(results, meta=empty_pairs(), verify_meta=False)
    parts = max(1, len(slices) // SLICES_PER_OUTPUT)
    reduced = kept.shuffle(on=c.POSITION_ID, npartitions=parts).map_partitions(top_pairs, job.keep,
                                                                                meta=empty_pairs())
    reduced.to_parquet(str(pairs_dir), write_index=False)
    counts, workers = zip(*client.gather(client.map(_counts_of, futures, pure=False)))
    info = client.scheduler_info(n_workers=-1)["workers"]
    peak: dict[str, float] = {}
    for address, mb in workers:
        peak[address] = max(peak.get(address, 0.0), mb)
    kept_per_vacancy = pd.read_parquet(pairs_dir, columns=[c.POSITION_ID])[c.POSITION_ID].value_counts()
    return DaskRun(np.sum(counts, axis=0), kept_per_vacancy, len(info), peak,
                   {a: (w.get("memory_limit") or 0) / 2**20 or None for a, w in info.items()})


def _slice_task(part: EmployeeSlice, directory: str, job: RoundJob) -> tuple[SlicePairs, str]:
    from distributed import get_worker

    return score_slice(directory, part, job), get_worker().address


def _pairs_of(result: tuple[SlicePairs, str]) -> pd.DataFrame:
    return result[0].pairs


def _counts_of(result: tuple[SlicePairs, str]) -> tuple[np.ndarray, tuple[str, float]]:
    return result[0].n_eligible, (result[1], result[0].peak_rss_mb)
