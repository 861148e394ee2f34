"""The scored round on disk: the sparse candidate pairs for the planner.

A folder with ``pairs/`` (Parquet parts, :data:`serving.scale.pairs.RANKED_COLUMNS`),
``vacancies.parquet`` (per vacancy of the round, in round order: ``position_id``,
``n_eligible``, ``n_kept``) and ``scoring.json`` (:data:`MANIFEST`: date, model, rules,
what was kept, engine, timings, memory per worker). Written into a staging folder and moved
in whole, so a failed run leaves nothing half-written.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from features import columns as c
from serving.scale.pairs import N_ELIGIBLE, N_KEPT, RANK, RANKED_COLUMNS

PAIRS_DIR = "pairs"
VACANCIES_FILE = "vacancies.parquet"
MANIFEST = "scoring.json"
SCHEMA_VERSION = 1


class ScoredPairsError(ValueError):
    """A scored-pairs folder that cannot be used; ``field`` names what is wrong."""

    def __init__(self, field: str, detail: str):
        super().__init__(detail)
        self.field, self.detail = field, detail

    def __reduce__(self):
        return (type(self), (self.field, self.detail))


@dataclass(frozen=True)
class ScoredPairs:
    pairs: pd.DataFrame             # kept pairs, by vacancy (round order) then rank
    vacancies: pd.DataFrame         # position_id, n_eligible, n_kept, in round order
    manifest: dict

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["as_of"])

    @property
    def model_version(self) -> str:
        return str(self.manifest["model"]["version"])


@contextmanager
def staged(out: Path, force: bool = False) -> Iterator[Path]:
    """A staging folder beside ``out``, renamed to ``out`` when the block ends without error
    (an existing ``out`` is replaced only with ``force``); removed otherwise."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise ScoredPairsError("out", f"{out} exists and is not empty (use --force to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_summary(staging: Path, vacancies: pd.DataFrame, manifest: dict) -> None:
    """``vacancies.parquet`` and ``scoring.json`` (the pairs are written by the engine)."""
    vacancies.to_parquet(staging / VACANCIES_FILE, index=False)
    (staging / MANIFEST).write_text(json.dumps({"schema_version": SCHEMA_VERSION, **manifest}, indent=2,
                                               default=str), encoding="utf-8")


def read_scored(folder: str | Path) -> ScoredPairs:
    """Read a scored round; a folder that is not one is a :class:`ScoredPairsError`."""
    folder = Path(folder)
    for name in (MANIFEST, VACANCIES_FILE, PAIRS_DIR):
        if not (folder / name).exists():
            raise ScoredPairsError("pairs", f"{folder} is not a scored round: no {name} "
                                            "(write one with `mutasi score-round --out DIR`)")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ScoredPairsError("pairs", f"{folder / MANIFEST}: schema_version {manifest.get('schema_version')!r} "
                                        f"is not {SCHEMA_VERSION}")
    vacancies = pd.read_parquet(folder / VACANCIES_FILE)
    pairs = pd.read_parquet(folder / PAIRS_DIR)
    missing = [col for col in RANKED_COLUMNS if col not in pairs.columns]
    if missing:
        raise ScoredPairsError("pairs", f"{folder / PAIRS_DIR} lacks the columns {', '.join(missing)}")
    return ScoredPairs(in_round_order(pairs[RANKED_COLUMNS], vacancies), vacancies, manifest)


def in_round_order(pairs: pd.DataFrame, vacancies: pd.DataFrame) -> pd.DataFrame:
    """Pairs sorted by their vacancy's place in the round, then rank."""
    order = pd.Index(vacancies[c.POSITION_ID]).get_indexer(pairs[c.POSITION_ID])
    return pairs.assign(_v=order).sort_values(["_v", RANK], kind="stable").drop(columns="_v").reset_index(drop=True)


def vacancy_counts(vacancy_ids, n_eligible, kept: pd.Series) -> pd.DataFrame:
    """The per-vacancy table: eligible and kept counts (``kept``: pairs per position id)."""
    ids = pd.Index(list(vacancy_ids))
    return pd.DataFrame({c.POSITION_ID: ids.astype(str), N_ELIGIBLE: n_eligible,
                         N_KEPT: kept.reindex(ids).fillna(0).astype("int64").to_numpy()})


Progress = Callable[[int, int], None]       # (slices done, slices)
