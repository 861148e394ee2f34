"""``Columns``: named, equal-length numpy arrays — a frame without pandas' per-call cost.

Serving scores one post against thousands of employees many times per second; there the
snapshot is converted once to ``Columns`` and every later step is plain numpy. Functions
that accept "a frame" here take a ``DataFrame`` or ``Columns`` alike: both support
``frame[name]``, ``name in frame.columns`` and ``len(frame)`` (rows).
"""

import numpy as np
import pandas as pd


class Columns:
    def __init__(self, arrays: dict[str, np.ndarray]):
        lengths = {len(a) for a in arrays.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {sorted(lengths)}")
        self._arrays = arrays
        self._rows = lengths.pop() if lengths else 0

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Columns":
        """Numeric and boolean columns as float64 or bool arrays; others as object arrays
        with ``None`` for missing values."""
        arrays = {}
        for name in frame.columns:
            col = frame[name]
            if pd.api.types.is_bool_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
                arrays[name] = col.to_numpy()
            elif pd.api.types.is_numeric_dtype(col):
                arrays[name] = col.to_numpy(dtype="float64", na_value=np.nan)
            else:
                arrays[name] = col.astype("object").where(col.notna(), None).to_numpy()
        return cls(arrays)

    @property
    def columns(self) -> list[str]:
        return list(self._arrays)

    def __len__(self) -> int:
        return self._rows

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def take(self, rows: np.ndarray) -> "Columns":
        """The given rows (positions or a boolean mask), every column."""
        return Columns({name: a[rows] for name, a in self._arrays.items()})

    def assign(self, **arrays: np.ndarray) -> "Columns":
        """A copy with some columns added or replaced."""
        return Columns({**self._arrays, **arrays})

    def merge(self, other: "Columns") -> "Columns":
        return Columns({**self._arrays, **other._arrays})

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame of every column (for code that joins and groups with pandas)."""
        return pd.DataFrame(self._arrays)

    def records(self, names: list[str]) -> list[dict]:
        """One dict per row with the given columns (for a handful of rows)."""
        picked = [(name, self._arrays[name]) for name in names if name in self._arrays]
        return [{name: a[i] for name, a in picked} for i in range(self._rows)]


def floats(frame, name: str) -> np.ndarray:
    """A column of a DataFrame or ``Columns`` as float64 (missing as NaN)."""
    col = frame[name]
    if isinstance(col, pd.Series):
        return col.to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(col, dtype="float64")


def objects(frame, name: str) -> np.ndarray:
    """A column of a DataFrame or ``Columns`` as an object array (missing as None/NaN)."""
    col = frame[name]
    if isinstance(col, pd.Series):
        return col.astype("object").to_numpy()
    return np.asarray(col, dtype="object")
