"""Yearly CPNS/PPPK intake into vacant entry posts (formasi), keeping the headcount near N."""

import numpy as np

from features import columns as c
from simulator import days as d
from simulator import people as pp
from simulator.cohort import OLDEST_ENTRANT, appoint_holders, holder_education
from simulator.context import Sim
from simulator.courses import Menu, schedule_latsar
from simulator.kinds import ENTRY, FUNCTIONAL, MANAGERIAL
from simulator.moves import relocate

PPPK_DOMAINS = ("kesehatan", "pendidikan")
PPPK_SHARE_FRONTLINE, PPPK_SHARE_OTHER = 0.6, 0.3
OTHER_EXIT_RATE = 0.016
FIELD_MATCH = 0.8


def hire(sim: Sim, menu: Menu, day: int) -> None:
    """The year's intake on ``day``, enough to end the year near N in service: civil
    servants moving in from other governments into staff posts vacant for a year, then
    new CPNS and PPPK into free entry posts."""
    state, w, rng = sim.state, sim.world, sim.rng
    active = state.active(day)
    year_end = d.day(int(d.year_of(day)), 12, 31)
    retiring = (active & (state.retire_day <= year_end)).sum()
    expected_exits = retiring + OTHER_EXIT_RATE * active.sum() * (year_end - day) / d.DAYS_PER_YEAR
    wanted = max(0, int(round(sim.config.n_employees - active.sum() + expected_exits)))
    free = (state.holder < 0) & (state.free_day <= day)
    stale = np.flatnonzero(free & (state.free_day <= day - 365) & ~ENTRY[w.kind] & ~MANAGERIAL[w.kind])
    lateral = rng.permutation(stale)[:int(round(sim.config.lateral_share * wanted))]
    if len(lateral):
        appoint_holders(sim, lateral, day, OLDEST_ENTRANT, settled=False)
    new_cpns(sim, menu, day, rng.permutation(np.flatnonzero(free & ENTRY[w.kind]))[:wanted - len(lateral)])


def new_cpns(sim: Sim, menu: Menu, day: int, posts: np.ndarray) -> None:
    """Appoint new CPNS and PPPK into ``posts`` (formasi) on ``day``."""
    state, w, rng = sim.state, sim.world, sim.rng
    n = len(posts)
    if n == 0:
        return
    education = holder_education(w, posts, rng)
    frontline_domains = [w.domains.index(x) for x in PPPK_DOMAINS]
    frontline = FUNCTIONAL[w.kind[posts]] & np.isin(w.domain[posts], frontline_domains)
    pppk = (d.year_of(day) >= sim.config.pppk_from_year) & (
        rng.random(n) < np.where(frontline, PPPK_SHARE_FRONTLINE, PPPK_SHARE_OTHER))
    age = pp.cpns_age(rng, education) + pppk * rng.uniform(0, 8, n)
    birth = day - (age * d.DAYS_PER_YEAR).astype(np.int64)
    cpns_day = np.full(n, day, dtype=np.int64)
    own = rng.random(n) < FIELD_MATCH
    field = np.where(education >= pp.D3,
                     np.where(own, w.domain[posts], rng.integers(len(w.domains), size=n)), -1)
    home = np.where(rng.random(n) < 0.5, w.region[posts],
                    rng.choice(len(w.region_ids), size=n, p=w.home_weight))
    idx = state.add_employees(n, **pp.new_people(rng, education, field, birth, cpns_day, home, pppk))
    relocate(sim, idx, posts, day)
    sim.rec.add(c.ASSIGNMENTS, **{c.EMPLOYEE_ID: idx, c.START_DATE: day, c.POSITION_ID: posts,
                                  c.MOVE_TYPE: "initial"})
    sim.rec.add(c.GRADES, **{c.EMPLOYEE_ID: idx, c.EFFECTIVE_DATE: day, c.GRADE: state.grade[idx]})
    pp.record_education(sim.rec, rng, idx, education, field, birth, cpns_day)
    schedule_latsar(sim, menu, idx[~pppk], cpns_day[~pppk])
