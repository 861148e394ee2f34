"""Calendar steps: grade promotions (1 April, 1 October) and yearly appraisals (31 December)."""

import numpy as np

from features import columns as c
from features import vocab as v
from simulator import days as d
from simulator import people as pp
from simulator.context import Sim
from simulator.outcomes import fit_terms, performance_mean, sample_scores

RATING_OF_SCORE = np.array([None, *reversed(v.RATINGS)], dtype=object)   # index = score 1..5
EXPECTATION_NOISE = 0.8
ABOVE, BELOW = 1.1, -1.4


def promote(sim: Sim, day: int) -> None:
    """Regular promotion (kenaikan pangkat reguler) of those due, below their ceiling and
    with a good last appraisal; a poor appraisal delays it by a year."""
    state = sim.state
    due = np.flatnonzero(state.active(day) & ~state.pppk & (state.pos >= 0) & (state.next_promotion <= day))
    room = state.grade[due] < pp.ceiling_for(state.education[due], sim.world.kind[state.pos[due]])
    good = (state.last_score[due] == 0) | (state.last_score[due] >= 4)
    up, delayed = due[room & good], due[room & ~good]
    state.grade[up] += 1
    state.next_promotion[up] = d.add_years(np.full(len(up), day), pp.PROMOTION_YEARS)
    state.next_promotion[delayed] = d.add_years(np.full(len(delayed), day), 1)
    sim.rec.add(c.GRADES, **{c.EMPLOYEE_ID: up, c.EFFECTIVE_DATE: day, c.GRADE: state.grade[up]})


def expectation(rng: np.random.Generator, trait: np.ndarray) -> np.ndarray:
    """di_atas / sesuai / di_bawah ekspektasi from a trait plus noise."""
    z = trait + EXPECTATION_NOISE * rng.standard_normal(len(trait))
    return np.where(z > ABOVE, "di_atas", np.where(z < BELOW, "di_bawah", "sesuai"))


def appraise(sim: Sim, day: int) -> None:
    """The year's appraisal of everyone in post on 31 December. Within a transfer's
    outcome window the mean is the one frozen at the transfer; otherwise it is the
    steady-state fit to the current post."""
    state, rng = sim.state, sim.rng
    year = d.year_of(day)
    emp = np.flatnonzero(state.active(day) & (state.pos >= 0))
    pos = state.pos[emp]
    frozen = (state.frozen_until[emp] >= year) & (state.frozen_pos[emp] == pos)
    fit = fit_terms(sim.params, state, sim.world, emp, pos, pos, day, transition=False)
    mu = np.where(frozen, state.frozen_mu[emp], performance_mean(sim.params, fit))
    score = sample_scores(sim.params, mu, rng)
    sim.rec.add(c.APPRAISALS, **{
        c.EMPLOYEE_ID: emp, c.PERIOD_END: day,
        c.PERIOD_START: np.maximum(d.year_start(year), state.cpns_day[emp]),
        c.RATING: RATING_OF_SCORE[score],
        c.WORK_RESULT: expectation(rng, state.ability[emp]),
        c.WORK_BEHAVIOR: expectation(rng, state.adaptability[emp])})
    state.prev_score[emp] = state.last_score[emp]
    state.last_score[emp] = score
