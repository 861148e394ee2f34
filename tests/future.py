"""Add or change records dated on or after a decision date: the future, for leakage tests."""

import dataclasses

import numpy as np
import pandas as pd

from features import columns as c
from features.io import Dataset
from features.schema import SPECS

# the date that places a record in time, per table (contract section 3)
RECORD_DATE = {
    c.ASSIGNMENTS: c.START_DATE, c.GRADES: c.EFFECTIVE_DATE, c.EDUCATION: c.GRADUATION_DATE,
    c.APPRAISALS: c.PERIOD_END, c.COMPETENCY_ASSESSMENTS: c.ASSESSED_DATE, c.TRAININGS: c.END_DATE,
    c.DISCIPLINE: c.START_DATE, c.PREFERENCES: c.STATED_DATE, c.EXITS: c.EXIT_DATE,
}


def _shift_to_future(rows: pd.DataFrame, date_col: str, t: pd.Timestamp, rng) -> pd.DataFrame:
    days = pd.to_timedelta(rng.integers(0, 900, len(rows)), unit="D")
    shifted = rows.copy()
    delta = (t + days) - rows[date_col]
    for col in rows.columns:
        if pd.api.types.is_datetime64_any_dtype(rows[col]):
            shifted[col] = rows[col] + delta        # keep intervals (start/end) consistent
    return shifted


def _scramble(rows: pd.DataFrame, rng) -> pd.DataFrame:
    """Shuffle every non-key, non-date column so the added future also differs in content."""
    out = rows.copy()
    for col in rows.columns:
        if col == c.EMPLOYEE_ID or pd.api.types.is_datetime64_any_dtype(rows[col]):
            continue
        out[col] = rows[col].to_numpy()[rng.permutation(len(rows))]
    return out


def with_future(ds: Dataset, t, seed: int = 0, share: float = 0.5) -> Dataset:
    """A copy of ``ds`` with extra and altered records, all dated on or after ``t``."""
    t = pd.Timestamp(t)
    rng = np.random.default_rng(seed)
    changed = {}
    for table, date_col in RECORD_DATE.items():
        frame = ds.table(table)
        if frame.empty:
            continue
        future = frame[frame[date_col] >= t]
        altered = _scramble(future, rng) if len(future) else future
        past = frame[~(frame[date_col] >= t)]
        sample = past.sample(frac=share, random_state=int(rng.integers(1 << 31))) if len(past) else past
        added = _scramble(_shift_to_future(sample, date_col, t, rng), rng)
        merged = pd.concat([past, altered, added], ignore_index=True)
        changed[table] = merged.drop_duplicates(list(SPECS[table].key), keep="first").reset_index(drop=True)
    return dataclasses.replace(ds, **changed)
