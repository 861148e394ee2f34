"""The staff in post when the simulated window opens.

Position first: the posts to fill are chosen, then each gets a holder generated to meet
its requirements (education, grade, seniority), with a career before the window that
shaped their grade history and true competencies.
"""

import numpy as np

from features import columns as c
from simulator import days as d
from simulator import kinds as k
from simulator import people as pp
from simulator.catalog import LEADERSHIP_CODES
from simulator.context import Sim
from simulator.courses import take_trainings
from simulator.state import Recorder, State
from simulator.world import N_CORE, World

SMA, D3, S1, S2 = pp.SMA, pp.D3, pp.S1, pp.S2
# education mix of holders by kind (levels and probabilities)
HOLDER_EDUCATION: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "jpt_madya": ((S2,), (1.0,)), "jpt_pratama": ((S1, S2), (0.4, 0.6)),
    "administrator": ((S1, S2), (0.7, 0.3)), "pengawas": ((S1, S2), (0.88, 0.12)),
    "ahli_madya": ((S1, S2), (0.7, 0.3)), "ahli_muda": ((S1, S2), (0.9, 0.1)),
    "ahli_pertama": ((S1, S2), (0.93, 0.07)), "mahir": ((D3, S1), (0.6, 0.4)),
    "terampil": ((D3, S1), (0.6, 0.4)), "pelaksana": ((SMA, D3, S1), (0.22, 0.16, 0.62)),
}
MIN_SERVICE_YEARS = {"jpt_madya": 22, "jpt_pratama": 18, "administrator": 12, "pengawas": 8}
OLDEST = 57.8
VACANCY_WEIGHT_MANAGERIAL = 0.3
FIELD_MATCH = 0.75
TRAINED_LEADERS = 0.85
OLDEST_ENTRANT = 50.0      # transfers in from another government are at most this old


def posts_to_fill(world: World, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` posts held at the start; managerial posts are less often vacant."""
    weight = np.where(k.MANAGERIAL[world.kind], VACANCY_WEIGHT_MANAGERIAL, 1.0)
    keys = np.log(weight) + rng.gumbel(size=world.n_positions)
    vacant = np.argsort(-keys, kind="stable")[: max(world.n_positions - n, 0)]
    return np.setdiff1d(np.arange(world.n_positions), vacant)[:n]


def holder_education(world: World, pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Education rank of each post's holder, at least the post's minimum."""
    out = np.empty(len(pos), dtype=np.int64)
    for kind_name, (levels, probs) in HOLDER_EDUCATION.items():
        rows = np.flatnonzero(k.KIND_NAMES[world.kind[pos]] == kind_name)
        out[rows] = np.array(levels)[rng.choice(len(levels), size=len(rows), p=probs)]
    return np.maximum(out, np.where(world.min_education[pos] > D3, S1, world.min_education[pos]))


def create_cohort(sim: Sim, n: int, start: int) -> None:
    """Create the ``n`` employees in post on day ``start``, each in post for a while."""
    appoint_holders(sim, posts_to_fill(sim.world, n, sim.rng), start, OLDEST, settled=True)


def appoint_holders(sim: Sim, pos: np.ndarray, day: int, oldest: float, settled: bool) -> np.ndarray:
    """Generate a holder for each post who meets its requirements, with their grades,
    education and career before ``day``. ``settled`` holders have held the post for a
    while (the cohort at the start); otherwise they take it up on ``day`` (transfers in
    from another government). Return their indices."""
    world, state, rec, rng = sim.world, sim.state, sim.rec, sim.rng
    kind = world.kind[pos]
    education = holder_education(world, pos, rng)
    entry = pp.entry_grade(education)
    ceiling = pp.ceiling_for(education, kind)
    service_min = np.array([MIN_SERVICE_YEARS.get(name, 0) for name in k.KIND_NAMES])[kind]
    needed = np.maximum(pp.PROMOTION_YEARS * np.maximum(world.min_grade[pos] - entry, 0), service_min) + 0.3
    age_at_cpns = pp.cpns_age(rng, education, oldest=oldest - needed)
    room = np.maximum(oldest - age_at_cpns - needed, 0.0)
    tenure = needed + room * rng.beta(1.1, 1.5, size=len(pos))
    grade = np.clip(entry + np.floor(tenure / pp.PROMOTION_YEARS).astype(np.int64), None, ceiling)
    grade = np.maximum(grade, world.min_grade[pos])
    cpns_day = day - 1 - (tenure * d.DAYS_PER_YEAR).astype(np.int64)
    birth = cpns_day - (age_at_cpns * d.DAYS_PER_YEAR).astype(np.int64)
    own = rng.random(len(pos)) < FIELD_MATCH
    field_domain = np.where(education >= D3, np.where(own, world.domain[pos],
                                                      rng.integers(len(world.domains), size=len(pos))), -1)
    home = rng.choice(len(world.region_ids), size=len(pos), p=world.home_weight)
    people = pp.new_people(rng, education, field_domain, birth, cpns_day, home, np.zeros(len(pos), bool))
    people["grade"] = grade
    idx = state.add_employees(len(pos), **people)
    state.next_promotion[idx] = record_grade_history(rec, idx, entry, cpns_day, grade, day)
    pp.record_education(rec, rng, idx, education, field_domain, birth, cpns_day)
    post_start = np.full(len(pos), day, dtype=np.int64)
    if settled:
        years = rng.random(len(pos)) * np.minimum(tenure, 8.0)
        post_start = np.maximum(day - 1 - (years * d.DAYS_PER_YEAR).astype(np.int64), cpns_day)
    state.pos[idx], state.post_start[idx], state.holder[pos] = pos, post_start, idx
    state.ever_managerial[idx] = k.MANAGERIAL[kind]
    state.retire_age[idx] = np.where(k.RETIRE_AT_60[kind], k.SENIOR_RETIREMENT_AGE, k.RETIREMENT_AGE)
    state.retire_day[idx] = d.add_years(birth, state.retire_age[idx])
    rec.add(c.ASSIGNMENTS, **{c.EMPLOYEE_ID: idx, c.START_DATE: post_start, c.POSITION_ID: pos,
                              c.MOVE_TYPE: "initial"})
    career_growth(world, state, rng, idx, tenure, day - post_start)
    leadership_history(sim, idx, cpns_day, post_start)
    return idx


def record_grade_history(rec: Recorder, emp: np.ndarray, entry: np.ndarray, cpns_day: np.ndarray,
                         grade: np.ndarray, start: int) -> np.ndarray:
    """Grade rows from appointment to the current grade, evenly spaced (at most 4 years
    apart) before ``start``; return the day the next regular promotion is due."""
    steps = grade - entry
    interval = np.minimum(pp.PROMOTION_YEARS * d.DAYS_PER_YEAR, (start - 1 - cpns_day) / (steps + 0.5))
    last = cpns_day.copy()
    for step in range(int(steps.max(initial=0)) + 1):
        rows = np.flatnonzero(steps >= step)
        last[rows] = cpns_day[rows] + np.round(step * interval[rows]).astype(np.int64)
        rec.add(c.GRADES, **{c.EMPLOYEE_ID: emp[rows], c.EFFECTIVE_DATE: last[rows],
                             c.GRADE: entry[rows] + step})
    return pp.next_promotion_window(np.maximum(d.add_years(last, pp.PROMOTION_YEARS), start))


def career_growth(world: World, state: State, rng: np.random.Generator, idx: np.ndarray,
                  tenure: np.ndarray, days_in_post: np.ndarray) -> None:
    """True competencies after the years served before the window."""
    comp = state.competency[idx]
    comp[:, :N_CORE] = pp.grow(comp[:, :N_CORE], pp.GENERIC_RATE, tenure[:, None])
    domain_years = np.maximum(tenure * rng.uniform(0.4, 1.0, len(idx)), days_in_post / d.DAYS_PER_YEAR)
    rows = np.arange(len(idx))
    tech = world.tech_code(world.domain[state.pos[idx]])
    comp[rows, tech] = pp.grow(comp[rows, tech], pp.TECH_RATE, domain_years)
    managerial = np.flatnonzero(k.MANAGERIAL[world.kind[state.pos[idx]]])
    years = np.minimum(tenure[managerial], rng.uniform(2.0, 10.0, len(managerial)))
    comp[managerial, :N_CORE - 1] = pp.grow(comp[managerial, :N_CORE - 1], pp.MANAGERIAL_RATE, years[:, None])
    state.competency[idx] = np.clip(comp, 1.0, 5.0)


def leadership_history(sim: Sim, idx: np.ndarray, cpns_day: np.ndarray, post_start: np.ndarray) -> None:
    """Leadership trainings (PKP, PKA, PKN II) of managers in post, taken before their post."""
    needed = k.LEADERSHIP_NEEDED[sim.world.kind[sim.state.pos[idx]]]
    level = np.where(sim.rng.random(len(idx)) < TRAINED_LEADERS, needed, np.maximum(needed - 1, 0))
    for step in range(1, 4):
        rows = np.flatnonzero(level >= step)
        years_before = (level[rows] - step) * 3.0 + sim.rng.uniform(0.1, 1.5, len(rows))
        end = np.maximum(post_start[rows] - (years_before * d.DAYS_PER_YEAR).astype(np.int64),
                         cpns_day[rows] + 365 + step)
        training = np.full(len(rows), sim.catalog.index(LEADERSHIP_CODES[step - 1]))
        take_trainings(sim, idx[rows], end, training, develop=False)
