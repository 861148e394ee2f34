"""Point-in-time primitives.

An :class:`AsOfQuery` is a frame of entity rows ``(employee_id, as_of)``. Every lookup
here returns one row per query row, in query order, built only from records dated
strictly before the row's ``as_of``: a record dated on or after the decision date is the
future.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features.io import DATE_DTYPE
from features.names import AS_OF
from features.vocab import DAYS_PER_YEAR

_ROW = "_query_row"


@dataclass(frozen=True)
class AsOfQuery:
    """Entity rows to compute features for: ``employee_id`` and ``as_of`` (the date t)."""

    entities: pd.DataFrame

    def __post_init__(self) -> None:
        missing = {c.EMPLOYEE_ID, AS_OF} - set(self.entities.columns)
        if missing:
            raise ValueError(f"AsOfQuery needs columns {sorted(missing)}")

    @classmethod
    def at(cls, employee_ids, as_of) -> "AsOfQuery":
        """Every employee in ``employee_ids`` at one date."""
        ids = pd.Series(employee_ids, dtype="str")
        frame = pd.DataFrame({c.EMPLOYEE_ID: ids, AS_OF: pd.Timestamp(as_of)})
        return cls(frame.astype({AS_OF: DATE_DTYPE}))

    @property
    def size(self) -> int:
        return len(self.entities)

    def sorted_keys(self) -> pd.DataFrame:
        """Query keys with their row position, sorted by date as ``merge_asof`` needs."""
        keys = pd.DataFrame({
            _ROW: np.arange(self.size),
            c.EMPLOYEE_ID: self.entities[c.EMPLOYEE_ID].to_numpy(),
            AS_OF: self.entities[AS_OF].astype(DATE_DTYPE).to_numpy(),
        })
        return keys.sort_values(AS_OF, kind="stable")

    @property
    def as_of(self) -> np.ndarray:
        return self.entities[AS_OF].astype(DATE_DTYPE).to_numpy()


def _restore_order(merged: pd.DataFrame, size: int, columns: list[str]) -> pd.DataFrame:
    out = merged.set_index(_ROW)[columns].reindex(np.arange(size))
    return out.reset_index(drop=True)


def latest_before(query: AsOfQuery, table: pd.DataFrame, date_col: str, columns: list[str],
                  by: tuple[str, ...] = (c.EMPLOYEE_ID,), keys: pd.DataFrame | None = None,
                  offset: pd.Timedelta | None = None) -> pd.DataFrame:
    """For each query row, ``columns`` of the latest record of the same ``by`` key dated
    strictly before ``as_of`` (minus ``offset`` when given); missing when there is none.

    ``keys`` may add extra ``by`` columns to the query (one value per query row), e.g. the
    competency code or domain to look up.
    """
    left = query.sorted_keys()
    if keys is not None:
        left = left.join(keys.set_axis(np.arange(query.size)), on=_ROW)
    if offset is not None:
        left[AS_OF] = left[AS_OF] - offset
    right = table[[*by, *columns]].assign(_record_date=table[date_col].astype(DATE_DTYPE))
    right = right.dropna(subset=["_record_date", *by]).sort_values("_record_date", kind="stable")
    merged = pd.merge_asof(left, right, left_on=AS_OF, right_on="_record_date", by=list(by),
                           direction="backward", allow_exact_matches=False)
    return _restore_order(merged, query.size, columns)


def cumulative(table: pd.DataFrame, date_col: str, value_col: str,
               by: tuple[str, ...] = (c.EMPLOYEE_ID,)) -> pd.DataFrame:
    """Running total of ``value_col`` per ``by`` key in date order (records of one date
    are summed first so a lookup never sees half a day)."""
    daily = table.groupby([*by, date_col], as_index=False, observed=True)[value_col].sum()
    daily = daily.sort_values([*by, date_col], kind="stable")
    daily["_running"] = daily.groupby(list(by), observed=True)[value_col].cumsum()
    return daily


def sum_before(query: AsOfQuery, table: pd.DataFrame, date_col: str, value_col: str,
               window_days: float | None = None, by: tuple[str, ...] = (c.EMPLOYEE_ID,),
               keys: pd.DataFrame | None = None) -> np.ndarray:
    """Sum of ``value_col`` over records dated in ``[as_of - window, as_of)`` (all records
    before ``as_of`` when ``window_days`` is None); 0 when there are none."""
    running = cumulative(table, date_col, value_col, by)
    upto = latest_before(query, running, date_col, ["_running"], by, keys)["_running"]
    total = upto.fillna(0.0).to_numpy(dtype="float64")
    if window_days is not None:
        before = latest_before(query, running, date_col, ["_running"], by, keys,
                               offset=pd.Timedelta(days=window_days))["_running"]
        total = total - before.fillna(0.0).to_numpy(dtype="float64")
    return total


def years_between(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Elapsed years between two datetime arrays (NaN where either is missing)."""
    delta = (pd.to_datetime(later) - pd.to_datetime(earlier)) / pd.Timedelta(days=DAYS_PER_YEAR)
    return np.asarray(delta, dtype="float64")
