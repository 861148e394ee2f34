"""Day arithmetic. The simulator counts time in whole days since 1970-01-01 (int64)."""

import numpy as np

from features.vocab import DAYS_PER_YEAR

EPOCH = np.datetime64("1970-01-01", "D")
FAR_FUTURE = 10_000_000    # a day after anything simulated (year ~29000)
NEVER = -FAR_FUTURE        # "no such event yet": every comparison with a real day is False


def day(year: int, month: int, dom: int) -> int:
    """The day number of a calendar date."""
    return int((np.datetime64(f"{year:04d}-{month:02d}-{dom:02d}", "D") - EPOCH).astype(np.int64))


def as_datetime64(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``datetime64[D]``."""
    return (EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")).astype("datetime64[D]")


def year_of(days: np.ndarray | int) -> np.ndarray:
    """Calendar year of each day."""
    return as_datetime64(np.asarray(days)).astype("datetime64[Y]").astype(np.int64) + 1970


def add_years(days: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """Same month and day ``years`` later; 29 February becomes 28 February when needed
    (as ``pandas.DateOffset(years=...)`` does)."""
    dates = as_datetime64(days)
    year = dates.astype("datetime64[Y]")
    month = dates.astype("datetime64[M]")
    month_index = (month - year.astype("datetime64[M]")).astype(np.int64)
    day_index = (dates - month.astype("datetime64[D]")).astype(np.int64)
    new_month = (year + np.asarray(years, dtype=np.int64).astype("timedelta64[Y]")).astype(
        "datetime64[M]") + month_index.astype("timedelta64[M]")
    last = (new_month + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    moved = np.minimum(new_month.astype("datetime64[D]") + day_index.astype("timedelta64[D]"), last)
    return (moved - EPOCH).astype(np.int64)


def years_between(later: np.ndarray | int, earlier: np.ndarray | int) -> np.ndarray:
    """Elapsed years (365.25 days each)."""
    return (np.asarray(later) - np.asarray(earlier)) / DAYS_PER_YEAR


def uniform_days(rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int,
                 size: int | None = None) -> np.ndarray:
    """Random whole days in ``[low, high]`` (both inclusive; ``high >= low``)."""
    low = np.asarray(low, dtype=np.int64)
    span = np.asarray(high, dtype=np.int64) - low + 1
    return low + np.floor(rng.random(size if size is not None else span.shape) * span).astype(np.int64)


def year_start(year: np.ndarray | int) -> np.ndarray:
    """Day number of 1 January of each year."""
    years = (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]")
    return (years.astype("datetime64[D]") - EPOCH).astype(np.int64)


def month_start(year: np.ndarray | int, month: int) -> np.ndarray:
    """Day number of the first day of ``month`` (1..12) in each year."""
    months = (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    return ((months + np.timedelta64(month - 1, "M")).astype("datetime64[D]") - EPOCH).astype(np.int64)
