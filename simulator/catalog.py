"""The training catalog the simulator draws from (the shipped default catalog)."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features.io import default_catalog_path
from simulator.world import World

LEADERSHIP_CODES = ("pkp", "pka", "pkn_ii")      # leadership level 1, 2, 3
LATSAR_CODES = ("latsar_gol_ii", "latsar_gol_iii")


@dataclass(frozen=True)
class Catalog:
    """Trainings as arrays; ``covers[i, j]``: training i develops competency code j."""

    table: pd.DataFrame
    codes: list[str]
    hours: np.ndarray
    domain: np.ndarray          # domain index, -1 when none
    category: np.ndarray
    covers: np.ndarray
    leadership_level: np.ndarray   # 1..3 for PKP/PKA/PKN II, 0 otherwise

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def of_category(self, category: str) -> np.ndarray:
        return np.flatnonzero(self.category == category)


def load_catalog(world: World) -> Catalog:
    """Read the shipped catalog and index it against the world's domains and codes."""
    table = pd.read_csv(default_catalog_path(), dtype=str, keep_default_na=False)
    table[c.HOURS] = table[c.HOURS].astype(float)
    codes = list(table[c.TRAINING_CODE])
    covers = np.zeros((len(table), len(world.codes)), dtype=bool)
    for i, listed in enumerate(table[c.COMPETENCY_CODES]):
        for code in listed.split(";"):
            covers[i, world.codes.index(code.strip())] = True
    domain = np.array([world.domains.index(d) if d else -1 for d in table[c.DOMAIN]], dtype=np.int64)
    level = np.array([LEADERSHIP_CODES.index(t) + 1 if t in LEADERSHIP_CODES else 0 for t in codes])
    return Catalog(table=table.replace({c.DOMAIN: {"": None}}), codes=codes,
                   hours=table[c.HOURS].to_numpy(), domain=domain,
                   category=table[c.CATEGORY].to_numpy(dtype=str), covers=covers, leadership_level=level)
