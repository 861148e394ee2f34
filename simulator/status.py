"""Status periods of simulated PNS: study leave with its service bond, leave outside state
pay (CLTN) and temporary suspension.

They are drawn after the history has run, from their own random stream (seeded by the
simulation's seed), and read the history without changing it: every other table is the
same value for value with or without them. So that the data never contradicts itself, a
period is placed only where the person's record is quiet: no move starts, no training or
assessment is completed and no sanction starts inside a study leave, a CLTN or a
suspension; the person is in service from its start to the day after its end (or at the
dataset's end, for a period still running then), is PNS (never PPPK) and holds no other
status. The person keeps their post on paper and the yearly appraisal rows stay as the
history drew them (a simplification: in practice a long leave releases the post).

- ``tugas_belajar``: each year a share ``study_leave_rate`` of the eligible PNS (highest
  degree S1, under ``study_leave_max_age``, at least ``study_leave_min_service_years`` in
  service, no study leave before) start a full-time study leave of 1-4 years (mostly 2, a
  master's degree). The degree it leads to is not added to ``education`` (that table stays
  as the history drew it).
- ``ikatan_dinas``: the service bond that follows a study leave of n years: 2n + 1 years
  (the usual rule), from the day after the leave; it is cut short by an exit and is not
  written while it lies wholly after the dataset's end. Moves during a bond are allowed.
- ``cltn`` (cuti di luar tanggungan negara): rare, 1-3 years, after at least 5 years of
  service.
- ``pemberhentian_sementara``: rare, a few months (e.g. while detained in a criminal
  case); one still running at the dataset's end has no end_date (it ends with the verdict).

Planned end dates may lie after the dataset's end. The number of periods of a kind started
in a year is Binomial(eligible PNS, rate); who goes is drawn among the eligible with a
quiet window, so the realised rate stays near the setting.
"""

from dataclasses import dataclass

import numpy as np

from features import vocab as v
from simulator import days as d

STATUS_STREAM = 20_250_615        # mixed with the seed: a stream no other draw uses
TUGAS_BELAJAR, IKATAN_DINAS, CLTN, PEMBERHENTIAN_SEMENTARA = v.STATUS_KINDS
BOND_PER_STUDY_YEAR, BOND_EXTRA_YEARS = 2, 1        # ikatan dinas: 2n + 1 years
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class StatusSettings:
    """Yearly rates and lengths of the status periods (see the module text)."""

    study_leave_rate: float = 0.015            # per eligible PNS and year
    study_leave_max_age: float = 40.0
    study_leave_min_service_years: float = 2.0
    study_years_weights: tuple[float, float, float, float] = (0.15, 0.55, 0.2, 0.1)   # 1, 2, 3, 4 years
    cltn_rate: float = 0.001                   # per PNS with the service below, and year
    cltn_min_service_years: float = 5.0
    cltn_years: tuple[int, int] = (1, 3)
    suspension_rate: float = 0.0005            # per PNS and year
    suspension_months: tuple[int, int] = (2, 12)

    def __post_init__(self) -> None:
        for name in ("study_leave_rate", "cltn_rate", "suspension_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate!r}")
        if len(self.study_years_weights) != 4 or min(self.study_years_weights) < 0 \
                or sum(self.study_years_weights) <= 0:
            raise ValueError(f"study_years_weights must be 4 weights >= 0 (1-4 years), not "
                             f"{self.study_years_weights!r}")
        for name in ("cltn_years", "suspension_months"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ValueError(f"{name} must be (low, high) with 1 <= low <= high, not {(low, high)!r}")


@dataclass(frozen=True)
class People:
    """What the draw needs of the finished history, one array element per employee
    (days as day numbers), and the days each employee was visibly at work."""

    cpns_day: np.ndarray
    birth: np.ndarray
    pppk: np.ndarray
    exit_day: np.ndarray          # FAR_FUTURE when still in service at the end
    retire_day: np.ndarray
    s1_day: np.ndarray            # first S1/D4 graduation, FAR_FUTURE when none
    s2_day: np.ndarray            # first S2/S3 graduation, FAR_FUTURE when none
    busy_employee: np.ndarray     # (employee, day) of every move start, training, assessment, sanction
    busy_day: np.ndarray


@dataclass(frozen=True)
class Periods:
    """Drawn periods: employee row, start day, kind code, end day (FAR_FUTURE = no end_date)."""

    employee: np.ndarray
    start: np.ndarray
    kind: np.ndarray
    end: np.ndarray


class Calendar:
    """Busy days and periods already drawn, per employee, for the placement checks."""

    def __init__(self, people: People):
        self.people = people
        self.base = int(people.busy_day.min(initial=0))
        self.keys = np.unique(self._key(people.busy_employee, people.busy_day))
        self.taken: dict[int, list[tuple[int, int]]] = {}
        self.studied = np.zeros(len(people.cpns_day), dtype=bool)     # one study leave per career
        self.rows: list[tuple[int, int, str, int]] = []

    def _key(self, employee: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.asarray(employee, dtype=np.int64) * (1 << 32) + (np.asarray(day, dtype=np.int64) - self.base)

    def quiet(self, employee: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """No busy day of the employee within ``[first, last]``."""
        at = np.searchsorted(self.keys, self._key(employee, first), side="left")
        found = np.append(self.keys, np.iinfo(np.int64).max)[at]
        return found > self._key(employee, last)

    def free(self, e: int, first: int, last: int) -> bool:
        """No period of the employee overlaps ``[first, last]``."""
        return all(last < s or first > t for s, t in self.taken.get(e, []))

    def add(self, e: int, start: int, kind: str, end: int) -> None:
        self.taken.setdefault(e, []).append((start, end))
        self.rows.append((e, start, kind, end))

    def periods(self) -> Periods:
        rows = sorted(self.rows)
        cols = list(zip(*rows)) if rows else [(), (), (), ()]
        return Periods(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64),
                       np.array(cols[2], dtype=object), np.array(cols[3], dtype=np.int64))


def in_service_after(people: People, emp: np.ndarray, last: np.ndarray, end: int) -> np.ndarray:
    """Still in service the day after ``last`` (when that is within the dataset), else at
    the dataset's end; and not retiring before ``last``."""
    back = np.minimum(last + 1, end)
    return (people.exit_day[emp] > back) & (people.retire_day[emp] > last + 1)


def candidates(people: People, start: np.ndarray, min_service_years: float) -> np.ndarray:
    """PNS in service on each start day with at least ``min_service_years`` of service."""
    p = people
    service = d.years_between(start, p.cpns_day)
    return (p.cpns_day <= start) & (start < p.exit_day) & ~p.pppk & (service >= max(min_service_years, 1.0))


def choose(rng: np.random.Generator, calendar: Calendar, eligible: np.ndarray, rate: float,
           start: np.ndarray, last: np.ndarray, reserve: np.ndarray, end: int) -> list[int]:
    """Who of ``eligible`` start a period this year: Binomial(len, rate) of them, drawn in a
    random order among those whose window (start .. min(last, end)) is quiet and free up
    to ``reserve`` and who are in service after it."""
    target = rng.binomial(len(eligible), rate) if len(eligible) else 0
    order = rng.permutation(eligible)
    if target == 0:
        return []
    ok = calendar.quiet(order, start[order], np.minimum(last[order], end))
    ok &= in_service_after(calendar.people, order, last[order], end)
    chosen: list[int] = []
    for e in order[ok].tolist():
        if len(chosen) == target:
            break
        if calendar.free(e, int(start[e]), int(reserve[e])):
            chosen.append(e)
    return chosen


def study_leaves(rng: np.random.Generator, calendar: Calendar, settings: StatusSettings, year: int,
                 end: int) -> None:
    """The year's study leaves and the bonds that follow them."""
    p, n = calendar.people, len(calendar.people.cpns_day)
    start = d.uniform_days(rng, d.year_start(year), min(d.year_start(year + 1) - 1, end), size=n)
    weights = np.asarray(settings.study_years_weights, dtype=float)
    years = 1 + rng.choice(len(weights), size=n, p=weights / weights.sum())
    last = d.add_years(start, years) - 1
    bond_last = d.add_years(last + 1, BOND_PER_STUDY_YEAR * years + BOND_EXTRA_YEARS) - 1
    eligible = (candidates(p, start, settings.study_leave_min_service_years)
                & (p.s1_day < start) & (start <= p.s2_day) & ~calendar.studied
                & (d.years_between(start, p.birth) < settings.study_leave_max_age))
    for e in choose(rng, calendar, np.flatnonzero(eligible), settings.study_leave_rate, start, last,
                    bond_last, end):
        calendar.add(e, int(start[e]), TUGAS_BELAJAR, int(last[e]))
        calendar.studied[e] = True
        if last[e] + 1 <= end:
            cut = min(int(bond_last[e]), int(p.exit_day[e]) - 1)
            calendar.add(e, int(last[e]) + 1, IKATAN_DINAS, cut)


def leaves(rng: np.random.Generator, calendar: Calendar, settings: StatusSettings, year: int, end: int) -> None:
    """The year's CLTN."""
    n = len(calendar.people.cpns_day)
    start = d.uniform_days(rng, d.year_start(year), min(d.year_start(year + 1) - 1, end), size=n)
    low, high = settings.cltn_years
    last = d.add_years(start, rng.integers(low, high + 1, size=n)) - 1
    eligible = candidates(calendar.people, start, settings.cltn_min_service_years)
    for e in choose(rng, calendar, np.flatnonzero(eligible), settings.cltn_rate, start, last, last, end):
        calendar.add(e, int(start[e]), CLTN, int(last[e]))


def suspensions(rng: np.random.Generator, calendar: Calendar, settings: StatusSettings, year: int,
                end: int) -> None:
    """The year's temporary suspensions; one still running at the end has no end_date."""
    n = len(calendar.people.cpns_day)
    start = d.uniform_days(rng, d.year_start(year), min(d.year_start(year + 1) - 1, end), size=n)
    low, high = settings.suspension_months
    last = start + np.round(rng.integers(low, high + 1, size=n) * DAYS_PER_MONTH).astype(np.int64)
    eligible = candidates(calendar.people, start, 1.0)
    for e in choose(rng, calendar, np.flatnonzero(eligible), settings.suspension_rate, start, last, last, end):
        calendar.add(e, int(start[e]), PEMBERHENTIAN_SEMENTARA, int(last[e]) if last[e] <= end else d.FAR_FUTURE)


def draw_status_periods(seed: int, people: People, settings: StatusSettings, first_year: int,
                        end: int) -> Periods:
    """Every status period from 1 January ``first_year`` to day ``end``, deterministic by seed."""
    rng = np.random.default_rng([int(seed), STATUS_STREAM])
    calendar = Calendar(people)
    for year in range(first_year, int(d.year_of(end)) + 1):
        study_leaves(rng, calendar, settings, year, end)
        leaves(rng, calendar, settings, year, end)
        suspensions(rng, calendar, settings, year, end)
    return calendar.periods()
