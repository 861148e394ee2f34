"""The yearly staff survey (survei kepuasan pegawai) with the known programme effect on
satisfaction (:class:`simulator.program.ProgramSettings`).

On ``survey_day`` of every year each employee in service answers with probability
``survey_share``. The latent satisfaction is

    person (N(0, PERSON_SD), one per employee) + year (N(0, SHOCK_SD), shared by everyone)
    + satisfaction[k] + noise (N(0, NOISE_SD))

where ``k`` is the number of periods (calendar years) since the employee's latest transfer
event on or before the survey day, the last value of the profile repeating, and 0 before
any transfer. Satisfaction 1-5 counts the :data:`CUTS` the latent exceeds (chosen so that
the mean is about 3.3 without an effect); ``wants_to_stay`` is drawn from the latent; no
comment. The true effect of an answer after a transfer is exact:
``E[satisfaction | person + year + effect] − E[satisfaction | person + year]``, the
expectation over the noise (normal CDF at the cut points).

Drawn after the history from its own random stream (seeded by the simulation's seed), for
every employee and year whether or not they answer, so no other table changes and one
employee's answers never depend on another's.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

from features import columns as c
from features import vocab as v
from simulator import days as d
from simulator.context import Sim
from simulator.program import EFFECT, MATCH, PERIOD, SATISFACTION_TRUTH, SINCE_MOVE, ProgramSettings, profile_at

STAFF_SURVEY_STREAM = 20_260_317     # mixed with the seed: a stream no other draw uses
PERSON_SD, SHOCK_SD, NOISE_SD = 0.6, 0.15, 0.6
CUTS = (-1.6, -0.8, 0.15, 1.3)       # latent cut points of satisfaction 2, 3, 4, 5
STAY_INTERCEPT, STAY_SLOPE = 1.0, 1.5  # logit of wants_to_stay at latent 0, per latent point


@dataclass(frozen=True)
class StaffMoves:
    """Transfer events (move type other than initial), sorted by employee and day."""

    employee: np.ndarray
    day: np.ndarray
    own: np.ndarray               # into the domain of the post left


@dataclass(frozen=True)
class StaffAnswers:
    """Yearly-survey answers, one array element each."""

    employee: np.ndarray
    day: np.ndarray
    satisfaction: np.ndarray
    wants_to_stay: np.ndarray     # bool
    moved: np.ndarray             # a transfer on or before the survey day
    since: np.ndarray             # periods since the latest transfer (-1 when none)
    own: np.ndarray               # the latest transfer was into the left post's domain
    effect: np.ndarray            # the true effect on the expected satisfaction (0 when not moved)

    def subset(self, rows: np.ndarray) -> "StaffAnswers":
        return StaffAnswers(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))


def expected_satisfaction(mean: np.ndarray) -> np.ndarray:
    """E[satisfaction | latent mean] over the noise."""
    return 1.0 + ndtr((np.asarray(mean)[..., None] - np.asarray(CUTS)) / NOISE_SD).sum(axis=-1)


def staff_moves_of(sim: Sim) -> StaffMoves:
    """Every transfer event of the finished history with its domain match."""
    cols = sim.rec.columns(c.ASSIGNMENTS)
    emp, day, pos = cols[c.EMPLOYEE_ID], cols[c.START_DATE], cols[c.POSITION_ID]
    order = np.lexsort((day, emp))
    emp, day, pos, move = emp[order], day[order], pos[order], cols[c.MOVE_TYPE][order]
    same_prev = np.concatenate([[False], emp[1:] == emp[:-1]])
    prev = np.concatenate([[-1], pos[:-1]])
    rows = np.flatnonzero((move != v.INITIAL_MOVE) & same_prev)
    domain = sim.world.domain
    return StaffMoves(emp[rows].astype(np.int64), day[rows].astype(np.int64), domain[pos[rows]] == domain[prev[rows]])


def latest_moves(moves: StaffMoves, n: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Per employee, the day (NEVER when none) and match of the latest move on or before ``day``."""
    rows = np.flatnonzero(moves.day <= day)
    emp = moves.employee[rows]
    last = rows[np.append(emp[1:] != emp[:-1], True)] if len(rows) else rows
    when = np.full(n, d.NEVER, dtype=np.int64)
    own = np.zeros(n, dtype=bool)
    when[moves.employee[last]] = moves.day[last]
    own[moves.employee[last]] = moves.own[last]
    return when, own


def draw_staff_survey(seed: int, settings: ProgramSettings, cpns_day: np.ndarray, exit_day: np.ndarray,
                      moves: StaffMoves, years: range) -> StaffAnswers:
    """Every answer of the yearly survey in ``years``, deterministic by seed."""
    rng = np.random.default_rng([int(seed), STAFF_SURVEY_STREAM])
    n = len(cpns_day)
    person = PERSON_SD * rng.standard_normal(n)
    parts = []
    for year in years:
        day = d.day(year, *settings.survey_day)
        mean = person + SHOCK_SD * rng.standard_normal()
        noise, answers, stay = NOISE_SD * rng.standard_normal(n), rng.random(n), rng.random(n)
        when, own = latest_moves(moves, n, day)
        moved = when > d.NEVER
        since = np.where(moved, year - d.year_of(when), -1)
        effect = np.where(moved, profile_at(settings.satisfaction, since), 0.0)
        latent = mean + effect + noise
        truth = expected_satisfaction(mean + effect) - expected_satisfaction(mean)
        rows = np.flatnonzero((cpns_day <= day) & (day < exit_day) & (answers < settings.survey_share))
        parts.append(StaffAnswers(
            rows, np.full(len(rows), day, dtype=np.int64), 1 + (latent[rows, None] > np.asarray(CUTS)).sum(axis=1),
            stay[rows] < expit(STAY_INTERCEPT + STAY_SLOPE * latent[rows]), moved[rows], since[rows], own[rows],
            np.where(moved[rows], truth[rows], 0.0)))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return StaffAnswers(empty, empty, empty, np.empty(0, bool), np.empty(0, bool), empty, np.empty(0, bool),
                            np.empty(0))
    return StaffAnswers(*(np.concatenate([getattr(p, name) for p in parts]) for name in StaffAnswers.__dataclass_fields__))


def staff_survey(sim: Sim) -> StaffAnswers:
    """The yearly survey of a finished history (reads it, changes nothing)."""
    cfg = sim.config
    return draw_staff_survey(cfg.seed, cfg.program, sim.state.cpns_day, sim.state.exit_day, staff_moves_of(sim),
                             range(cfg.start_year, cfg.end_year + 1))


def survey_keys(employee: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One integer per (employee, day) pair (the surveys table's key)."""
    return employee.astype(np.int64) * (1 << 32) + (day.astype(np.int64) - d.NEVER)


def record_satisfaction_truth(sim: Sim, staff: StaffAnswers) -> None:
    """The true effect of each yearly answer after a transfer (:mod:`simulator.program`)."""
    moved = staff.subset(np.flatnonzero(staff.moved))
    sim.rec.add(SATISFACTION_TRUTH, **{c.EMPLOYEE_ID: moved.employee, PERIOD: d.year_of(moved.day),
                                       EFFECT: moved.effect, SINCE_MOVE: moved.since, MATCH: moved.own})
