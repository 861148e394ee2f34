"""The settings of round scoring at scale, light to import (the command line reads them
before anything heavy loads): the engine, the cluster, the slices and which pairs are kept."""

import math
from dataclasses import dataclass
from enum import StrEnum

from features.cluster import DEFAULT_MEMORY_LIMIT, DEFAULT_WORKERS, SCHEDULER_ENV, ClusterSettings

ROWS_PER_SLICE = 20_000             # employees per slice: a slice's pairs are this x the round's vacancies
DEFAULT_TOP_N = 100


class Engine(StrEnum):
    LOCAL = "local"             # the slices one after the other in this process
    DASK = "dask"               # the slices as Dask tasks (LocalCluster or a remote scheduler)


@dataclass(frozen=True)
class Keep:
    """Which pairs are written: at most ``top_n`` per vacancy (None: all), and only those
    scoring at least ``score_floor`` (None: no floor)."""

    top_n: int | None = DEFAULT_TOP_N
    score_floor: float | None = None

    def __post_init__(self):
        if self.top_n is not None and self.top_n < 1:
            raise ValueError(f"top_n must be at least 1, not {self.top_n}")
        if self.score_floor is not None and not math.isfinite(self.score_floor):
            raise ValueError(f"score_floor must be a finite number, not {self.score_floor}")


__all__ = ["DEFAULT_MEMORY_LIMIT", "DEFAULT_TOP_N", "DEFAULT_WORKERS", "ROWS_PER_SLICE", "SCHEDULER_ENV",
           "ClusterSettings", "Engine", "Keep"]
