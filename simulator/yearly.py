"""Calendar steps: grade promotions (1 April, 1 October) and yearly appraisals (31 December),
with the programme effect of :mod:`simulator.program` on the appraisals after a transfer."""

import numpy as np

from features import columns as c
from features import vocab as v
from simulator import days as d
from simulator import people as pp
from simulator.context import Sim
from simulator.outcomes import fit_terms, performance_mean, sample_scores
from simulator.program import APPRAISAL_TRUTH, EFFECT, MATCH, PERIOD, SINCE_MOVE, score_change

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
    steady-state fit to the current post. With a set programme effect
    (``program.appraisal``), it is instead each employee's own constant mean
    (:func:`base_means`) plus the set effect after a move."""
    state, rng = sim.state, sim.rng
    year = d.year_of(day)
    emp = np.flatnonzero(state.active(day) & (state.pos >= 0))
    pos = state.pos[emp]
    frozen = (state.frozen_until[emp] >= year) & (state.frozen_pos[emp] == pos)
    fit = fit_terms(sim.params, state, sim.world, emp, pos, pos, day, transition=False)
    mu = np.where(frozen, state.frozen_mu[emp], performance_mean(sim.params, fit))
    if sim.config.program.appraisal is not None:
        mu = base_means(sim, emp, day)
    drift = sim.config.program.rating_drift * (year - sim.config.start_year)
    if drift:
        mu = mu + drift
    programme_effect(sim, emp, day, mu, drift)
    score = sample_scores(sim.params, mu, rng)
    sim.rec.add(c.APPRAISALS, **{
        c.EMPLOYEE_ID: emp, c.PERIOD_END: day,
        c.PERIOD_START: np.maximum(d.year_start(year), state.cpns_day[emp]),
        c.RATING: RATING_OF_SCORE[score],
        c.WORK_RESULT: expectation(rng, state.ability[emp]),
        c.WORK_BEHAVIOR: expectation(rng, state.adaptability[emp])})
    state.prev_score[emp] = state.last_score[emp]
    state.last_score[emp] = score


def base_means(sim: Sim, emp: np.ndarray, day: int) -> np.ndarray:
    """Each employee's constant latent appraisal mean under a set programme effect: the steady
    fit, at their first appraisal, to the post they then held (the home post if already moved).
    Nothing else moves it (training, experience, promotions), so a move changes the appraisals
    by the set effect and by nothing else."""
    state = sim.state
    new = emp[np.isnan(state.base_mu[emp])]
    if len(new):
        post = np.where(state.home_pos[new] >= 0, state.home_pos[new], state.pos[new])
        fit = fit_terms(sim.params, state, sim.world, new, post, post, day, transition=False)
        state.base_mu[new] = performance_mean(sim.params, fit)
    return state.base_mu[emp].copy()


def programme_effect(sim: Sim, emp: np.ndarray, day: int, mu: np.ndarray, drift: float = 0.0) -> None:
    """The programme effect on the appraisal of ``day`` of employees past their first
    transfer: with ``program.appraisal`` set, ``mu`` becomes the employee's constant mean
    plus the set effect (in place), the truth recorded against that constant mean; with
    none, the truth is recorded against the home post's steady mean (:mod:`simulator.program`),
    both with the year's rating ``drift``. Draws nothing."""
    state, params, setting = sim.state, sim.params, sim.config.program.appraisal
    moved = np.flatnonzero(state.home_pos[emp] >= 0)
    if len(moved) == 0:
        return
    who = emp[moved]
    home = state.home_pos[who]
    if setting is not None:
        home_mu = state.base_mu[who] + drift
    else:
        home_mu = performance_mean(params, fit_terms(params, state, sim.world, who, home, home, day,
                                                     transition=False)) + drift
    year = int(d.year_of(day))
    since = year - d.year_of(state.moved_day[who])
    own = state.moved_own[who]
    if setting is not None:
        mu[moved] = home_mu + setting.at(since, own)
    sim.rec.add(APPRAISAL_TRUTH, **{c.EMPLOYEE_ID: who, PERIOD: year, EFFECT: score_change(params, home_mu, mu[moved]),
                                    SINCE_MOVE: since, MATCH: own})
