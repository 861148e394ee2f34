"""Moves and exits, and the hidden outcomes every transfer draws at the moment it happens."""

import numpy as np

from features import columns as c
from features import vocab as v
from simulator import days as d
from simulator.catalog import LEADERSHIP_CODES
from simulator.context import Sim
from simulator.kinds import LEADERSHIP_NEEDED, MANAGERIAL
from simulator.outcomes import retirement_age_after, transfer_truth

TRUTH = "transfers_truth"
# failure events of a transfer's window, and their shares
APS, DEMOSI, RESIGN, DISMISS, SANCTION = range(5)
FAILURE_SHARES = (0.35, 0.15, 0.20, 0.05, 0.25)
EXIT_REASON_CODE = {reason: i for i, reason in enumerate(v.EXIT_REASONS)}
SERIOUS_BERAT_SHARE = 0.3


def relocate(sim: Sim, emp: np.ndarray, pos: np.ndarray, day: int | np.ndarray) -> None:
    """Move employees into posts on ``day``: their old posts are free from that day."""
    state = sim.state
    old = state.pos[emp]
    held = old >= 0
    state.holder[old[held]] = -1
    state.free_day[old[held]] = day if np.ndim(day) == 0 else np.asarray(day)[held]
    state.holder[pos] = emp
    state.pos[emp] = pos
    state.post_start[emp] = day


def exit_employees(sim: Sim, emp: np.ndarray, day: np.ndarray, reason: str | np.ndarray) -> None:
    """Employees leave the service on ``day`` (their last day in post is the day before)."""
    state = sim.state
    state.exit_day[emp] = day
    state.exit_reason[emp] = np.vectorize(EXIT_REASON_CODE.get)(reason) if np.ndim(reason) else \
        EXIT_REASON_CODE[reason]
    pos = state.pos[emp]
    state.holder[pos] = -1
    state.free_day[pos] = day


def commit_moves(sim: Sim, emp: np.ndarray, pos: np.ndarray, from_pos: np.ndarray, day: int | np.ndarray,
                 move_type: np.ndarray) -> None:
    """Record transfers already applied by :func:`relocate`: their truth, their drawn
    outcome (frozen performance mean, failure event) and what the appointment changes."""
    if len(emp) == 0:
        return
    state, rng, params = sim.state, sim.rng, sim.params
    day = np.broadcast_to(np.asarray(day, dtype=np.int64), emp.shape).copy()
    truth = transfer_truth(params, state, sim.world, emp, pos, from_pos, day)
    sim.rec.add(c.ASSIGNMENTS, **{c.EMPLOYEE_ID: emp, c.START_DATE: day, c.POSITION_ID: pos,
                                  c.MOVE_TYPE: move_type})
    sim.rec.add(TRUTH, **{c.EMPLOYEE_ID: emp, c.POSITION_ID: pos, c.START_DATE: day,
                          "expected_score": truth.expected_score, "failure_prob": truth.failure_prob,
                          "mu": truth.mu, "q": truth.q, "periods": truth.periods})
    state.frozen_mu[emp], state.frozen_pos[emp], state.frozen_until[emp] = truth.mu, pos, d.year_of(day) + 1
    track_moves(sim, emp, pos, from_pos, day)
    chained = day <= state.protect_end[emp]
    state.protect_start[emp] = np.where(chained, state.protect_start[emp], day)
    state.protect_end[emp] = day + params.window_days
    retire_age = retirement_age_after(state, sim.world, emp, pos)
    retire = d.add_years(state.birth[emp], retire_age)
    fails = rng.random(len(emp)) < truth.q
    last = np.minimum(day + params.window_days, retire - 1)
    when = d.uniform_days(rng, day + 1, np.maximum(last, day + 1))
    what = rng.choice(len(FAILURE_SHARES), size=len(emp), p=FAILURE_SHARES)
    state.pending_failures.add(emp[fails], when[fails], what[fails])
    schedule_leadership(sim, emp, pos, day)
    state.ever_managerial[emp] |= MANAGERIAL[sim.world.kind[pos]]
    state.retire_age[emp], state.retire_day[emp] = retire_age, retire


def track_moves(sim: Sim, emp: np.ndarray, pos: np.ndarray, from_pos: np.ndarray, day: np.ndarray) -> None:
    """What the programme effect needs (:mod:`simulator.program`): the post held before an
    employee's first transfer event, and the day and domain match of the latest one."""
    state, domain = sim.state, sim.world.domain
    _, first = np.unique(emp, return_index=True)
    first = first[state.home_pos[emp[first]] < 0]
    state.home_pos[emp[first]] = from_pos[first]
    state.moved_day[emp] = day
    state.moved_own[emp] = domain[pos] == domain[from_pos]


def schedule_leadership(sim: Sim, emp: np.ndarray, pos: np.ndarray, day: np.ndarray) -> None:
    """The leadership training a new manager still lacks, a few months after taking office
    (unless one is already scheduled)."""
    needed = LEADERSHIP_NEEDED[sim.world.kind[pos]]
    rows = np.flatnonzero((needed > sim.state.leadership[emp])
                          & ~np.isin(emp, sim.state.pending_trainings.employee))
    codes = np.array([sim.catalog.index(code) for code in LEADERSHIP_CODES])
    when = day[rows] + sim.rng.integers(60, 420, size=len(rows))
    sim.state.pending_trainings.add(emp[rows], when, codes[needed[rows] - 1])


def sanction(sim: Sim, emp: np.ndarray, day: np.ndarray, level: np.ndarray) -> None:
    """Disciplinary sanctions starting on ``day``: ringan 1-6 months, sedang 12, berat 12-36."""
    months = np.select([level == "ringan", level == "sedang"],
                       [sim.rng.integers(1, 7, size=len(emp)), np.full(len(emp), 12)],
                       sim.rng.integers(12, 37, size=len(emp)))
    end = day + np.round(months * 30.44).astype(np.int64)
    sim.rec.add(c.DISCIPLINE, **{c.EMPLOYEE_ID: emp, c.START_DATE: day, c.LEVEL: level, c.END_DATE: end})
    state = sim.state
    state.sanction_end[emp] = np.maximum(state.sanction_end[emp], end)
    serious = np.isin(level, v.SERIOUS_SANCTION_LEVELS)
    state.serious_start[emp[serious]] = day[serious]


def failure_target(sim: Sim, e: int, day: int, demotion: bool) -> int:
    """A free post for an own-request move (same or lower job class, home region preferred)
    or a demotion (lower job class); -1 when there is none."""
    state, world = sim.state, sim.world
    here = state.pos[e]
    free = (state.holder < 0) & (state.free_day <= day)
    fits = free & (world.min_grade <= state.grade[e]) & (world.min_education <= state.education[e])
    fits &= ~MANAGERIAL[world.kind] | (world.kind == world.kind[here])
    step_down = world.job_class[here] - world.job_class
    fits &= (step_down > 0) if demotion else (step_down >= 0)
    options = np.flatnonzero(fits)
    if len(options) == 0:
        return -1
    home = options[world.region[options] == state.home_region[e]]
    pool = home if len(home) and not demotion else options
    return int(pool[sim.rng.integers(len(pool))])


def apply_failures(sim: Sim, natural_exit: np.ndarray, last_day: int) -> None:
    """Failure events due by ``last_day``, in date order; skipped when the employee has
    already left (death or retirement first)."""
    state = sim.state
    emp, when, what = state.pending_failures.pop_until(last_day)
    for e, day, event in zip(emp.tolist(), when.tolist(), what.tolist()):
        if day >= min(state.exit_day[e], natural_exit[e]):
            continue
        if event in (APS, DEMOSI):
            target = failure_target(sim, e, day, event == DEMOSI)
            if target < 0 and event == DEMOSI:
                target, event = failure_target(sim, e, day, False), APS
            if target >= 0:
                here = np.array([state.pos[e]])
                relocate(sim, np.array([e]), np.array([target]), day)
                commit_moves(sim, np.array([e]), np.array([target]), here, day,
                             np.array(["demosi" if event == DEMOSI else "atas_permintaan_sendiri"]))
                continue
            event = SANCTION
        if event == SANCTION:
            level = "berat" if sim.rng.random() < SERIOUS_BERAT_SHARE else "sedang"
            sanction(sim, np.array([e]), np.array([day]), np.array([level]))
        else:
            exit_employees(sim, np.array([e]), np.array([day]),
                           "mengundurkan_diri" if event == RESIGN else "diberhentikan")
