"""What happens between two steps of the calendar: exits, sanctions, trainings,
assessments, stated preferences, further study and the growth of true competencies.

Failure-type events (resignation, dismissal, transfer out of the service, sedang/berat
sanctions) are never drawn inside a transfer's 730-day outcome window: there, only the
hidden outcome model may cause them.
"""

import numpy as np
from scipy.special import expit

from features import columns as c
from simulator import days as d
from simulator import people as pp
from simulator.context import Sim
from simulator.courses import (
    Menu,
    development_trainings,
    needs,
    take_trainings,
)
from simulator.kinds import KIND_INDEX, MANAGERIAL
from simulator.moves import apply_failures, exit_employees, sanction
from simulator.places import CAPITAL
from simulator.world import N_CORE

GRADE_III_B, GRADE_III_D, GRADE_IV_A = 10, 12, 13
PENGAWAS, ADMINISTRATOR = KIND_INDEX["pengawas"], KIND_INDEX["administrator"]
ASSESSMENT_NOISE = 0.3
EXTRA_DOMAIN_ASSESSED = 0.3


def chance(rate: np.ndarray | float, days: int) -> np.ndarray | float:
    """Probability of an event with a yearly ``rate`` within ``days``."""
    return 1.0 - (1.0 - np.asarray(rate)) ** (days / d.DAYS_PER_YEAR)


def draw_days(sim: Sim, who: np.ndarray, rate: np.ndarray | float, lo: int,
              hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``who`` have an event of yearly ``rate`` in ``[lo, hi]``, and its day."""
    hit = sim.rng.random(len(who)) < chance(rate, hi - lo + 1)
    return who[hit], d.uniform_days(sim.rng, lo, hi, size=int(hit.sum()))


def run_segment(sim: Sim, menu: Menu, lo: int, hi: int) -> None:
    """Everything dated ``lo``..``hi`` (inclusive), in a fixed order (and retirements
    falling on the next step day ``hi + 1``)."""
    if hi < lo:
        return
    state = sim.state
    staff = np.flatnonzero(state.active(lo) & (state.pos >= 0))
    natural = natural_exit_days(sim, staff, lo, hi)
    apply_failures(sim, natural, hi)
    background_exits(sim, staff, natural, lo, hi)
    staff = staff[state.exit_day[staff] > hi]
    background_sanctions(sim, staff, lo, hi)
    trainings(sim, menu, staff, lo, hi)
    assessments(sim, staff, lo, hi)
    preferences(sim, staff, lo, hi)
    further_study(sim, staff, lo, hi)
    grow_competencies(sim, staff, (hi - lo + 1) / d.DAYS_PER_YEAR)


def natural_exit_days(sim: Sim, staff: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Day of death or retirement per employee (far future when none). Retirements dated
    on the step day that ends the segment (``hi + 1``) count too, so that nobody is still
    in post on their retirement birthday."""
    state = sim.state
    natural = np.full(state.n, d.FAR_FUTURE, dtype=np.int64)
    age = d.years_between(lo, state.birth[staff])
    dying, day = draw_days(sim, staff, 0.0008 + 0.00015 * np.maximum(age - 35, 0), lo, hi)
    natural[dying] = day
    retiring = staff[state.retire_day[staff] <= hi + 1]
    natural[retiring] = np.minimum(natural[retiring], np.maximum(state.retire_day[retiring], lo))
    return natural


def background_exits(sim: Sim, staff: np.ndarray, natural: np.ndarray, lo: int, hi: int) -> None:
    """Resignations, dismissals and transfers to other agencies outside outcome windows,
    then deaths and retirements; the earliest exit of each employee wins."""
    state = sim.state
    staff = staff[state.exit_day[staff] > hi]
    age = d.years_between(lo, state.birth[staff])
    resign = np.where(age < 35, 0.006, 0.002) + 0.008 * state.pppk[staff]
    first = natural[staff].copy()
    reason = np.where(state.retire_day[staff] == first, "pensiun", "meninggal").astype(object)
    rates = {"mengundurkan_diri": resign, "diberhentikan": 0.0008,
             "pindah_instansi": np.where(state.pppk[staff], 0.0, 0.006)}
    for name, rate in rates.items():
        hit = sim.rng.random(len(staff)) < chance(rate, hi - lo + 1)
        day = np.where(hit, d.uniform_days(sim.rng, lo, hi, size=len(staff)), d.FAR_FUTURE)
        day = np.where(state.protected(staff, day), d.FAR_FUTURE, day)
        earlier = day < first
        first, reason = np.where(earlier, day, first), np.where(earlier, name, reason)
    leaving = np.flatnonzero(first <= hi + 1)
    if len(leaving):
        exit_employees(sim, staff[leaving], first[leaving], reason[leaving].astype(str))


def background_sanctions(sim: Sim, staff: np.ndarray, lo: int, hi: int) -> None:
    """Ringan sanctions anytime; sedang/berat outside outcome windows; none while one runs."""
    state = sim.state
    free = staff[state.sanction_end[staff] < lo]
    who, day = draw_days(sim, free, 0.014, lo, hi)
    level = np.where(sim.rng.random(len(who)) < 0.85, "ringan",
                     np.where(sim.rng.random(len(who)) < 0.7, "sedang", "berat"))
    allowed = (level == "ringan") | ~state.protected(who, day)
    sanction(sim, who[allowed], day[allowed], level[allowed])


def trainings(sim: Sim, menu: Menu, staff: np.ndarray, lo: int, hi: int) -> None:
    """Scheduled trainings that fall due, early leadership trainings of likely managers,
    and development trainings (more likely when short of the post's standard)."""
    state, w = sim.state, sim.world
    emp, day, code = state.pending_trainings.pop_until(hi)
    ok = day < state.exit_day[emp]
    take_trainings(sim, emp[ok], day[ok], code[ok])
    kind = w.kind[state.pos[staff]]
    pns = state.is_pns(lo)[staff] & ~np.isin(staff, state.pending_trainings.employee)
    lead = state.leadership[staff]
    target = np.select(
        [pns & ~MANAGERIAL[kind] & (state.grade[staff] >= GRADE_III_B) & (state.education[staff] >= pp.S1)
         & (lead == 0),
         pns & (kind == PENGAWAS) & (state.grade[staff] >= GRADE_III_D) & (lead < 2),
         pns & (kind == ADMINISTRATOR) & (state.grade[staff] >= GRADE_IV_A) & (lead < 3)], [1, 2, 3], 0)
    rate = np.select([target == 1, target > 1], [0.03, 0.08], 0.0)
    who, when = draw_days(sim, staff, rate, lo, hi)
    take_trainings(sim, who, when, menu.leadership[target[np.searchsorted(staff, who)] - 1])
    learners = staff[state.cpns_day[staff] + 365 <= lo]
    tech_short, _, core_short = needs(state, w, learners)
    rate = sim.config.training_rate + sim.config.training_rate_gap * (tech_short | core_short)
    who, when = draw_days(sim, learners, rate, lo, hi)
    development_trainings(sim, menu, who, when)


def assessments(sim: Sim, staff: np.ndarray, lo: int, hi: int) -> None:
    """Competency assessments: every core code, the current post's technical code and
    sometimes another domain's; level = true level + noise, within 1.0..5.0."""
    state, w, rng, cfg = sim.state, sim.world, sim.rng, sim.config
    seasoned = staff[state.cpns_day[staff] + 365 <= lo]
    never = state.last_assessed[seasoned] == d.NEVER
    due = lo - state.last_assessed[seasoned] >= cfg.assessment_interval_years * d.DAYS_PER_YEAR
    rate = np.where(never, cfg.first_assessment_rate, np.where(due, cfg.assessment_rate, 0.0))
    who, day = draw_days(sim, seasoned, rate, lo, hi)
    if len(who) == 0:
        return
    post_domain = w.domain[state.pos[who]]
    pref, field = state.pref_domain[who], state.field_domain[who]
    random_other = (post_domain + rng.integers(1, len(w.domains), len(who))) % len(w.domains)
    other = np.where((pref >= 0) & (pref != post_domain), pref,
                     np.where((field >= 0) & (field != post_domain), field, random_other))
    codes = np.column_stack([np.tile(np.arange(N_CORE), (len(who), 1)), w.tech_code(post_domain),
                             np.where(rng.random(len(who)) < EXTRA_DOMAIN_ASSESSED, w.tech_code(other), -1)])
    rows, cols = np.nonzero(codes >= 0)
    emp, code = who[rows], codes[rows, cols]
    level = np.round(np.clip(state.competency[emp, code] + ASSESSMENT_NOISE * rng.standard_normal(len(emp)),
                             1.0, 5.0), 1)
    sim.rec.add(c.COMPETENCY_ASSESSMENTS, **{c.EMPLOYEE_ID: emp, c.ASSESSED_DATE: day[rows],
                                             c.COMPETENCY_CODE: code, c.LEVEL: level})
    state.assessed[emp, code] = level
    state.last_assessed[who] = day


def preferences(sim: Sim, staff: np.ndarray, lo: int, hi: int) -> None:
    """Stated preferences (aspirasi) of those who state them: domain, region, willingness."""
    state, w, rng = sim.state, sim.world, sim.rng
    staters = staff[state.states_preferences[staff]]
    rate = np.where(state.last_stated[staters] == d.NEVER, 0.4, 0.12)
    who, day = draw_days(sim, staters, rate, lo, hi)
    n = len(who)
    post = state.pos[who]
    u, r = rng.random(n), rng.random(n)
    field = np.where(state.field_domain[who] >= 0, state.field_domain[who], w.domain[post])
    any_domain = rng.integers(len(w.domains), size=n)
    domain = np.select([u < 0.35, u < 0.6, u < 0.75], [w.domain[post], field, any_domain], -1)
    region = np.select([r < 0.4, r < 0.55, r < 0.7], [state.home_region[who], w.region[post], CAPITAL], -1)
    willing = rng.random(n) < expit(0.2 + 0.8 * state.adaptability[who])
    sim.rec.add(c.PREFERENCES, **{c.EMPLOYEE_ID: who, c.STATED_DATE: day, c.PREFERRED_DOMAIN: domain,
                                  c.PREFERRED_REGION_ID: region, c.WILLING_TO_RELOCATE: willing})
    state.pref_domain[who], state.pref_region[who], state.willing[who] = domain, region, willing
    state.last_stated[who] = day


def further_study(sim: Sim, staff: np.ndarray, lo: int, hi: int) -> None:
    """S1 holders under 45 who complete an S2 (same domain as their field or post)."""
    state, w = sim.state, sim.world
    young = staff[(state.education[staff] == pp.S1) & state.is_pns(lo)[staff]
                  & (d.years_between(lo, state.birth[staff]) < 45)]
    who, day = draw_days(sim, young, 0.012, lo, hi)
    domain = np.where(state.field_domain[who] >= 0, state.field_domain[who], w.domain[state.pos[who]])
    sim.rec.add(c.EDUCATION, **{c.EMPLOYEE_ID: who, c.LEVEL: "s2",
                                c.FIELD: np.array(pp.study_field(sim.rng, domain), dtype=object),
                                c.GRADUATION_DATE: day})
    state.education[who] = pp.S2
    tech = w.tech_code(domain)
    state.competency[who, tech] = pp.grow(state.competency[who, tech], 0.6, 1.0)


def grow_competencies(sim: Sim, staff: np.ndarray, years: float) -> None:
    """Experience: core codes grow for everyone, m.* faster in managerial posts, the
    technical code of the post's domain while serving in it."""
    state, w = sim.state, sim.world
    comp = state.competency
    comp[staff, :N_CORE] = pp.grow(comp[staff, :N_CORE], pp.GENERIC_RATE, years)
    managers = staff[MANAGERIAL[w.kind[state.pos[staff]]]]
    comp[managers, :N_CORE - 1] = pp.grow(comp[managers, :N_CORE - 1], pp.MANAGERIAL_RATE, years)
    tech = w.tech_code(w.domain[state.pos[staff]])
    comp[staff, tech] = pp.grow(comp[staff, tech], pp.TECH_RATE, years)
