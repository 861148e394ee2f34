"""Historical pools: for every logged transfer, who else could have been appointed.

A transfer event records only the person chosen. To model the choice (who managers
picked among the eligible) we rebuild, for each event, the eligible pool of its post at
its decision date with the eligibility code serving uses (the snapshot at the date,
:func:`~features.eligibility.employee_reasons` and
:class:`~features.eligibility.PostEligibility`, which a test checks against
:func:`~features.candidates.candidate_pool`), keep the chosen person, sample
``alternatives`` others uniformly (seeded), and give every row the snapshot and pair
features exactly as the training table builds them (:func:`build_snapshot`,
:func:`pair_features`). One all-employee snapshot is taken per distinct date.

A chosen person the contract's rules call ineligible at the date (the history's own
rules differ from the contract's) is kept, flagged (``eligible`` False) and counted.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.arrays import Columns
from features.asof import AsOfQuery
from features.candidates import DEFAULT_RULES
from features.eligibility import ELIGIBLE, EligibilityRules, PostEligibility, employee_reasons
from features.io import DATE_DTYPE, Dataset
from features.names import AS_OF, CHOSEN, EVENT_ID, POOL_SIZE, SAMPLE_WEIGHT
from features.pairs import PositionTable
from features.snapshot import Sources, build_snapshot, prepare_sources
from features.training_table import move_features

# the snapshot steps whose columns the eligibility rules read
ELIGIBILITY_STEPS = (s.current_post, s.status, s.grade, s.education, s.appraisal_history, s.sanctions)
DATE_CHUNK_ROWS = 400_000          # employee x date rows per eligibility snapshot
FEATURE_CHUNK_ROWS = 60_000        # pool rows per feature snapshot (bounds memory)
KEY_COLUMNS = (EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF, CHOSEN, POOL_SIZE, SAMPLE_WEIGHT, ELIGIBLE)


@dataclass(frozen=True)
class HistoryPools:
    """One row per (event, candidate): the keys of :data:`KEY_COLUMNS`, then the snapshot
    and pair feature columns of the training table. ``SAMPLE_WEIGHT`` is how many pool
    members a row stands for: ``(pool_size - 1) / n_sampled`` for sampled alternatives,
    1 for the chosen and 1 everywhere when the whole pool is kept."""

    frame: pd.DataFrame
    alternatives: int | None          # alternatives sampled per event (None: whole pools)
    seconds: float = 0.0              # time taken to build

    @property
    def events(self) -> int:
        return int(self.frame[EVENT_ID].nunique())

    @property
    def ineligible_chosen(self) -> int:
        """Events whose chosen person our eligibility rules exclude at the date."""
        chosen = self.frame[self.frame[CHOSEN]]
        return int((~chosen[ELIGIBLE]).sum())

    @property
    def share_ineligible_chosen(self) -> float:
        return self.ineligible_chosen / max(self.events, 1)

    def describe(self) -> dict[str, float]:
        """Sizes for logs and reports."""
        sizes = self.frame.loc[self.frame[CHOSEN], POOL_SIZE]
        return {"pool_events": float(self.events), "pool_rows": float(len(self.frame)),
                "pool_size_median": float(sizes.median()) if len(sizes) else float("nan"),
                "pool_ineligible_chosen": float(self.ineligible_chosen),
                "pool_share_ineligible_chosen": self.share_ineligible_chosen,
                "pool_seconds": self.seconds}


def _sample(eligible: np.ndarray, chosen_row: int, alternatives: int | None,
            rng: np.random.Generator) -> tuple[np.ndarray, float, int]:
    """The sampled alternative rows, their weight, and the whole pool's size."""
    others = eligible[eligible != chosen_row]
    pool_size = len(others) + 1
    if alternatives is None or len(others) <= alternatives:
        return others, 1.0, pool_size
    picked = np.sort(rng.choice(others, size=alternatives, replace=False))
    return picked, (pool_size - 1) / alternatives, pool_size


def _date_rows(view: Columns, snap_ids: pd.Index, events: pd.DataFrame, positions: PositionTable,
               rules: EligibilityRules, alternatives: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """Keys of every pool row of the events of one date (``_row``: the row in ``view``)."""
    masks = employee_reasons(view, rules)
    post_ids = events[c.POSITION_ID].to_numpy(dtype=object)
    chosen_rows = snap_ids.get_indexer(events[c.EMPLOYEE_ID].to_numpy(dtype=object))
    if (chosen_rows < 0).any():
        raise KeyError("transfer events name employees missing from the employees table")
    rows, event, size, weight, ok = [], [], [], [], []
    for k, eligible in enumerate(PostEligibility(view, masks, rules).rows(positions, post_ids)):
        chosen = int(chosen_rows[k])
        others, alt_weight, pool_size = _sample(eligible, chosen, alternatives, rng)
        n = len(others) + 1
        rows.append(np.concatenate([[chosen], others]))
        event.append(np.full(n, k))
        size.append(np.full(n, pool_size))
        weight.append(np.concatenate([[1.0], np.full(n - 1, alt_weight)]))
        ok.append(np.concatenate([[bool(np.isin(chosen, eligible))], np.ones(n - 1, bool)]))
    at = np.concatenate(event)
    first = np.concatenate([np.arange(len(r)) == 0 for r in rows])
    return pd.DataFrame({"_row": np.concatenate(rows), EVENT_ID: events[EVENT_ID].to_numpy(dtype=object)[at],
                         c.POSITION_ID: post_ids[at], CHOSEN: first, POOL_SIZE: np.concatenate(size),
                         SAMPLE_WEIGHT: np.concatenate(weight), ELIGIBLE: np.concatenate(ok)})


def eligibility_snapshot(src: Sources, employee_ids: pd.Series, dates) -> pd.DataFrame:
    """Every employee at each of ``dates`` (date-major order), with only the snapshot
    steps eligibility reads: the same step functions as :func:`build_snapshot`, so the
    same values, without the wide competency and training columns."""
    ids = np.asarray(employee_ids, dtype=object)
    stamps = pd.DatetimeIndex(dates)
    entities = pd.DataFrame({c.EMPLOYEE_ID: pd.Series(np.tile(ids, len(stamps)), dtype="str"),
                             AS_OF: np.repeat(stamps.to_numpy(), len(ids))}).astype({AS_OF: DATE_DTYPE})
    return build_snapshot(src, AsOfQuery(entities), ELIGIBILITY_STEPS)


def _pool_keys(src: Sources, dataset: Dataset, keys: pd.DataFrame, positions: PositionTable,
               rules: EligibilityRules, alternatives: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """Pool rows (event keys, employee and date) of every event, dates in chunks."""
    employee_ids = dataset.employees[c.EMPLOYEE_ID]
    ids = pd.Index(employee_ids.to_numpy(dtype=object))
    id_array = ids.to_numpy()
    dates = np.sort(keys[AS_OF].unique())
    per_chunk = max(1, DATE_CHUNK_ROWS // max(len(ids), 1))
    by_date = dict(list(keys.groupby(AS_OF, sort=True)))
    frames = []
    for lo in range(0, len(dates), per_chunk):
        chunk = dates[lo: lo + per_chunk]
        snap = Columns.from_frame(eligibility_snapshot(src, employee_ids, chunk))
        for k, as_of in enumerate(chunk):
            view = snap.take(np.arange(k * len(ids), (k + 1) * len(ids)))
            rows = _date_rows(view, ids, by_date[pd.Timestamp(as_of)], positions, rules, alternatives, rng)
            frames.append(rows.assign(**{c.EMPLOYEE_ID: id_array[rows.pop("_row").to_numpy()],
                                         AS_OF: pd.Timestamp(as_of)}))
    return pd.concat(frames, ignore_index=True)


def _features(src: Sources, positions: PositionTable, pool: pd.DataFrame) -> pd.DataFrame:
    """Keys, snapshot and pair features of pool rows, as :func:`build_training_table` builds them."""
    return pd.concat([pool[list(KEY_COLUMNS)], move_features(src, positions, pool)], axis=1)


def historical_pools(dataset: Dataset, events: pd.DataFrame, *, alternatives: int | None = 30, seed: int = 0,
                     sources: Sources | None = None, rules: EligibilityRules = DEFAULT_RULES,
                     progress: Callable[[str], None] | None = None) -> HistoryPools:
    """The chosen person and ``alternatives`` uniformly sampled eligible others (all of
    them when None) for every event (``EVENT_ID, employee_id, position_id, as_of``),
    with their snapshot and pair features at the event's date."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    if alternatives is not None and alternatives < 0:
        raise ValueError(f"alternatives must be None or >= 0, got {alternatives}")
    src = sources or prepare_sources(dataset)
    positions = PositionTable.from_dataset(dataset)
    keys = events[[EVENT_ID, c.EMPLOYEE_ID, c.POSITION_ID, AS_OF]].drop_duplicates(EVENT_ID)
    keys = keys.astype({AS_OF: DATE_DTYPE})
    pool = _pool_keys(src, dataset, keys, positions, rules, alternatives, np.random.default_rng(seed))
    say(f"historical pools: {len(keys):,} events, {len(pool):,} candidate rows; building their features")
    frame = pd.concat([_features(src, positions, pool.iloc[lo: lo + FEATURE_CHUNK_ROWS].reset_index(drop=True))
                       for lo in range(0, len(pool), FEATURE_CHUNK_ROWS)], ignore_index=True)
    frame[POOL_SIZE] = frame[POOL_SIZE].astype("int64")
    return HistoryPools(frame, alternatives, time.perf_counter() - started)
