"""A Dask client for partitioned work: a running scheduler, or a LocalCluster on this
machine. Infrastructure shared by the round scorer (:mod:`serving.scale`) and the sharded
simulator (:mod:`simulator.large`); ``distributed`` is imported only when a client is made.

Workers are processes started by spawning (Dask's default), never forked, so LightGBM's
OpenMP threads are safe in them.
"""

import os
import resource
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_LIMIT = "4GiB"       # per worker of a LocalCluster
CONNECT_TIMEOUT = "10s"             # a scheduler on the network answers in well under a second


@dataclass(frozen=True)
class ClusterSettings:
    """A remote scheduler (``scheduler``, else ``$DASK_SCHEDULER_ADDRESS``), or a
    LocalCluster of ``workers`` processes with ``threads_per_worker`` threads and at most
    ``memory_limit`` each."""

    scheduler: str | None = None
    workers: int = DEFAULT_WORKERS
    threads_per_worker: int = 1
    memory_limit: str | int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self):
        if self.workers < 1 or self.threads_per_worker < 1:
            raise ValueError(f"workers and threads_per_worker must be at least 1, not {self.workers} and "
                             f"{self.threads_per_worker}")
        if isinstance(self.memory_limit, str) and self.memory_limit != "auto":
            from dask.utils import parse_bytes

            try:
                size = parse_bytes(self.memory_limit)
            except ValueError:
                size = 0
            if size <= 0:
                raise ValueError(f"memory_limit must be a size such as 4GiB or 500MB (or auto), not "
                                 f"{self.memory_limit!r}")

    def address(self) -> str | None:
        return self.scheduler or os.environ.get(SCHEDULER_ENV) or None


@contextmanager
def dask_client(settings: ClusterSettings) -> Iterator:
    """A ``distributed.Client`` on the remote scheduler, or on a new LocalCluster closed
    (its workers stopped) at the end."""
    from distributed import Client, LocalCluster

    address = settings.address()
    if address:
        with Client(address, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    with warnings.catch_warnings():
        # no dashboard, but the scheduler's HTTP routes still try port 8787 and warn when it is taken
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=settings.threads_per_worker,
                               processes=True, memory_limit=settings.memory_limit, dashboard_address=None)
    with cluster, Client(cluster) as client:
        yield client


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory in MB: VmHWM on Linux. Not ru_maxrss there: a
    spawned worker starts from its parent's peak (fork, then exec), so every worker would
    seem at least as big as the client. Elsewhere only this process's own (ru_maxrss)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        if pid != "self":
            raise
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
