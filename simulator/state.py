"""Mutable simulation state: one array per employee attribute, one per post, and the
recorder that collects the rows of the contract tables as they happen."""

from collections import defaultdict

import numpy as np

from simulator.days import FAR_FUTURE, NEVER
from simulator.kinds import RETIREMENT_AGE

# per-employee attributes: dtype and the value of a freshly created employee
EMPLOYEE_FIELDS: dict[str, tuple[type, object]] = {
    "birth": (np.int64, 0), "female": (bool, False), "cpns_day": (np.int64, 0),
    "pppk": (bool, False), "home_region": (np.int64, 0),
    "retire_age": (np.int64, RETIREMENT_AGE), "retire_day": (np.int64, FAR_FUTURE),
    "exit_day": (np.int64, FAR_FUTURE), "exit_reason": (np.int64, -1),
    "ability": (np.float64, 0.0), "adaptability": (np.float64, 0.0),
    "education": (np.int64, 0), "field_domain": (np.int64, -1),
    "grade": (np.int64, 5), "next_promotion": (np.int64, FAR_FUTURE),
    "pos": (np.int64, -1), "post_start": (np.int64, NEVER),
    "protect_start": (np.int64, NEVER), "protect_end": (np.int64, NEVER),
    "leadership": (np.int64, 0), "ever_managerial": (bool, False),
    "states_preferences": (bool, False), "pref_domain": (np.int64, -1), "pref_region": (np.int64, -1),
    "willing": (bool, False), "last_stated": (np.int64, NEVER),
    "sanction_end": (np.int64, NEVER), "serious_start": (np.int64, NEVER),
    "last_score": (np.int64, 0), "prev_score": (np.int64, 0),
    "frozen_mu": (np.float64, 0.0), "frozen_until": (np.int64, -1), "frozen_pos": (np.int64, -1),
    "last_assessed": (np.int64, NEVER),
    # programme evaluation (simulator.program): the post held before the first transfer
    # event, and the day and domain match of the latest one
    "home_pos": (np.int64, -1), "moved_day": (np.int64, NEVER), "moved_own": (bool, False),
    # with a set programme effect: the employee's own constant latent appraisal mean
    "base_mu": (np.float64, np.nan),
}
# per-employee matrices: number of columns from the world ("codes" or "domains") and fill
EMPLOYEE_MATRICES: dict[str, tuple[str, type, object]] = {
    "competency": ("codes", np.float64, 1.0),      # true (latent) level per competency code
    "assessed": ("codes", np.float64, np.nan),     # latest assessed level (what managers see)
    "trained_code": ("codes", np.int64, NEVER),    # last day a training covering the code ended
    "trained_domain": ("domains", np.int64, NEVER),  # last day a training of the domain ended
}


class State:
    """Employees (growing as people are hired) and posts of one simulation run."""

    def __init__(self, n_codes: int, n_domains: int, n_positions: int):
        self.widths = {"codes": n_codes, "domains": n_domains}
        for name, (dtype, _) in EMPLOYEE_FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dtype))
        for name, (width, dtype, _) in EMPLOYEE_MATRICES.items():
            setattr(self, name, np.empty((0, self.widths[width]), dtype=dtype))
        self.holder = np.full(n_positions, -1, dtype=np.int64)
        self.free_day = np.full(n_positions, NEVER, dtype=np.int64)
        self.pending_failures = Pending()
        self.pending_trainings = Pending()

    @property
    def n(self) -> int:
        return len(self.birth)

    def add_employees(self, count: int, **values: np.ndarray) -> np.ndarray:
        """Append ``count`` employees with the given attributes (others at their defaults);
        return their indices."""
        start = self.n
        for name, (dtype, default) in EMPLOYEE_FIELDS.items():
            new = np.asarray(values[name], dtype=dtype) if name in values else np.full(count, default, dtype)
            setattr(self, name, np.concatenate([getattr(self, name), new]))
        for name, (width, dtype, default) in EMPLOYEE_MATRICES.items():
            shape = (count, self.widths[width])
            new = np.asarray(values[name], dtype=dtype) if name in values else np.full(shape, default, dtype)
            setattr(self, name, np.concatenate([getattr(self, name), new]))
        return np.arange(start, start + count)

    def active(self, day: int) -> np.ndarray:
        """Mask of employees in service on ``day`` (hired on or before it, not yet exited)."""
        return (self.cpns_day <= day) & (day < self.exit_day)

    def is_pns(self, day: int) -> np.ndarray:
        """PNS on ``day``: not PPPK and past the one-year CPNS probation."""
        return ~self.pppk & (day - self.cpns_day >= 365)

    def protected(self, idx: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Whether each day falls inside a transfer's 730-day outcome window of the employee."""
        return (self.protect_start[idx] < days) & (days <= self.protect_end[idx])


class Pending:
    """Events scheduled for a later day: (employee, day, code) triples."""

    def __init__(self) -> None:
        self.employee = np.empty(0, dtype=np.int64)
        self.day = np.empty(0, dtype=np.int64)
        self.code = np.empty(0, dtype=np.int64)

    def add(self, employee: np.ndarray, day: np.ndarray, code: np.ndarray) -> None:
        self.employee = np.concatenate([self.employee, np.asarray(employee, dtype=np.int64)])
        self.day = np.concatenate([self.day, np.asarray(day, dtype=np.int64)])
        self.code = np.concatenate([self.code, np.asarray(code, dtype=np.int64)])

    def pop_until(self, last_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove and return the events dated on or before ``last_day``, in date order."""
        due = self.day <= last_day
        order = np.argsort(self.day[due], kind="stable")
        out = (self.employee[due][order], self.day[due][order], self.code[due][order])
        self.employee, self.day, self.code = self.employee[~due], self.day[~due], self.code[~due]
        return out


class Recorder:
    """Rows of each output table, collected as column chunks."""

    def __init__(self) -> None:
        self.chunks: dict[str, list[dict[str, np.ndarray]]] = defaultdict(list)

    def add(self, table: str, **columns) -> None:
        """Append rows; scalars are repeated, arrays give the number of rows."""
        size = max(len(v) for v in columns.values() if np.ndim(v) > 0)
        if size:
            self.chunks[table].append({k: np.broadcast_to(np.asarray(v), (size,)).copy()
                                       for k, v in columns.items()})

    def columns(self, table: str) -> dict[str, np.ndarray]:
        """Every chunk of ``table`` concatenated column by column."""
        chunks = self.chunks.get(table, [])
        if not chunks:
            return {}
        return {name: np.concatenate([ch[name] for ch in chunks]) for name in chunks[0]}
