"""What serving keeps in memory for one dataset: the loaded tables, the prepared snapshot
sources, the positions, and snapshots of every employee per as-of date (cached)."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.arrays import Columns
from features.eligibility import EligibilityRules, employee_reasons
from features.io import Dataset, load_dataset
from features.pairs import PositionTable
from features.snapshot import Sources, prepare_sources, snapshot_at
from features.timeline import ONE_DAY, default_as_of
from serving.recommend import CatalogIndex

ENTRIES_KEPT = 32          # about eight dates: snapshot, its columns, masks per rule set


@dataclass(frozen=True)
class DataWindow:
    """What a dataset covers: its first assignment, its end (the latest appraisal's
    ``period_end``) and the default decision date (the day after)."""

    first: pd.Timestamp
    end: pd.Timestamp
    default_as_of: pd.Timestamp


def display_names(employees: pd.DataFrame) -> dict[str, str]:
    """Employee id -> name from the optional ``display_name`` column, blanks left out."""
    if c.DISPLAY_NAME not in employees:
        return {}
    named = employees[[c.EMPLOYEE_ID, c.DISPLAY_NAME]].dropna()
    names = named[c.DISPLAY_NAME].astype(str).str.strip()
    keep = (names != "").to_numpy()
    return dict(zip(named[c.EMPLOYEE_ID].astype(str).to_numpy()[keep], names.to_numpy()[keep]))


@dataclass
class ServingContext:
    dataset: Dataset
    sources: Sources
    positions: PositionTable
    default_as_of: pd.Timestamp
    _derived: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lookups: dict = field(default_factory=dict, repr=False)        # date-independent, never evicted
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # called after each cache fill; a server sets it (serving.memory.keep_out_of_gc)
    after_fill: Callable[[], None] | None = field(default=None, repr=False)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> "ServingContext":
        return cls(dataset, prepare_sources(dataset), PositionTable.from_dataset(dataset), default_as_of(dataset))

    @classmethod
    def load(cls, directory: str | Path) -> "ServingContext":
        """Load and validate a dataset directory (raises ``DatasetError`` when invalid)."""
        return cls.from_dataset(load_dataset(directory))

    def snapshot(self, as_of: pd.Timestamp) -> pd.DataFrame:
        """Every employee's snapshot at ``as_of`` (cached)."""
        key = pd.Timestamp(as_of).normalize()
        return self._cached(("snapshot", key),
                            lambda: snapshot_at(self.sources, self.dataset.employees[c.EMPLOYEE_ID], key))

    def snapshot_columns(self, as_of: pd.Timestamp) -> Columns:
        """The snapshot at ``as_of`` as numpy columns (cached)."""
        key = pd.Timestamp(as_of).normalize()
        return self._cached(("columns", key), lambda: Columns.from_frame(self.snapshot(key)))

    def employee_masks(self, as_of: pd.Timestamp, rules: EligibilityRules) -> dict[str, np.ndarray]:
        """Eligibility masks that do not depend on the post (cached per date and rules)."""
        key = pd.Timestamp(as_of).normalize()
        return self._cached(("masks", key, rules), lambda: employee_reasons(self.snapshot_columns(key), rules))

    @property
    def catalog_index(self) -> CatalogIndex:
        return self._cached(("catalog",), lambda: CatalogIndex.from_frame(self.dataset.training_catalog))

    @property
    def display_names(self) -> dict[str, str]:
        """Employee id -> ``display_name`` (optional column; empty names left out). Shown
        to reviewers only, never a feature."""
        return self._lookup("display_names", lambda: display_names(self.dataset.employees))

    @property
    def unit_of_position(self) -> dict[str, str]:
        """Position id -> unit id of every post in the data."""
        pos = self.dataset.positions
        return self._lookup("unit_of_position", lambda: dict(zip(pos[c.POSITION_ID], pos[c.UNIT_ID])))

    def units_of(self, position_ids) -> np.ndarray:
        """The unit id of each position id (None for a missing or unknown post)."""
        unit_of = self.unit_of_position
        return np.array([unit_of.get(p) for p in position_ids], dtype=object)

    @property
    def unit_names(self) -> dict[str, str]:
        """Unit id -> its name, for people's pages and lists."""
        units = self.dataset.units
        return self._lookup("unit_names", lambda: dict(zip(units[c.UNIT_ID].astype(str), units[c.NAME].astype(str))))

    @property
    def unit_ids(self) -> frozenset[str]:
        return self._lookup("unit_ids", lambda: frozenset(self.dataset.units[c.UNIT_ID]))

    @property
    def region_ids(self) -> frozenset[str]:
        return self._lookup("region_ids", lambda: frozenset(self.dataset.regions[c.REGION_ID]))

    @property
    def data_window(self) -> DataWindow:
        """The dates the data covers (first assignment .. the dataset's end)."""
        return self._lookup("data_window", lambda: DataWindow(
            pd.Timestamp(self.dataset.assignments[c.START_DATE].min()).normalize(),
            self.default_as_of - ONE_DAY, self.default_as_of))

    def _lookup(self, key: str, build):
        """A lookup that does not depend on the date, built once (never evicted)."""
        with self._lock:
            if key in self._lookups:
                return self._lookups[key]
        value = build()
        with self._lock:
            value = self._lookups.setdefault(key, value)
        if self.after_fill is not None:
            self.after_fill()
        return value

    def _cached(self, key: tuple, build):
        """Least-recently-used cache of derived values (a few dates' worth)."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = build()
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > ENTRIES_KEPT:
                self._derived.popitem(last=False)
        if self.after_fill is not None:
            self.after_fill()
        return value

    def position_titles(self) -> pd.DataFrame:
        """Positions with title and unit name, for search boxes."""
        units = self.dataset.units.set_index(c.UNIT_ID)[c.NAME]
        pos = self.dataset.positions
        return pd.DataFrame({c.POSITION_ID: pos[c.POSITION_ID], c.TITLE: pos[c.TITLE],
                             "unit_name": pos[c.UNIT_ID].map(units).to_numpy(),
                             c.POSITION_TYPE: pos[c.POSITION_TYPE], c.DOMAIN: pos[c.DOMAIN]})
