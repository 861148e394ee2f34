"""Trainings: recording them, their effect on true competencies, and which ones people take."""

import numpy as np

from features import columns as c
from simulator import days as d
from simulator.catalog import LATSAR_CODES, LEADERSHIP_CODES, Catalog
from simulator.context import Sim
from simulator.kinds import FUNCTIONAL
from simulator.state import State
from simulator.world import N_CORE, World

GAIN = (0.2, 0.4)                 # level gained at level 2, less nearer 5
GRADE_III_A = 9


def take_trainings(sim: Sim, emp: np.ndarray, day: np.ndarray, training: np.ndarray,
                   develop: bool = True) -> None:
    """Record trainings and update what they change: true levels (unless ``develop`` is
    False, for careers before the window), last training days, leadership level."""
    if len(emp) == 0:
        return
    state, cat = sim.state, sim.catalog
    day = np.broadcast_to(np.asarray(day, dtype=np.int64), emp.shape)
    sim.rec.add(c.TRAININGS, **{c.EMPLOYEE_ID: emp, c.END_DATE: day, c.TRAINING_CODE: training})
    covers = cat.covers[training]
    if develop:
        gain = sim.rng.uniform(*GAIN, size=len(emp))[:, None] * covers
        np.add.at(state.competency, emp, gain * (5.0 - state.competency[emp]) / 3.0)
        np.clip(state.competency, 1.0, 5.0, out=state.competency)
    np.maximum.at(state.trained_code, emp, np.where(covers, day[:, None], d.NEVER))
    has_domain = cat.domain[training] >= 0
    np.maximum.at(state.trained_domain, (emp[has_domain], cat.domain[training][has_domain]), day[has_domain])
    np.maximum.at(state.leadership, emp, cat.leadership_level[training])


class Menu:
    """Lookup tables from needs to catalog entries."""

    def __init__(self, catalog: Catalog, world: World):
        n_domains = len(world.domains)
        self.technical = [catalog.of_category("teknis")[catalog.domain[catalog.of_category("teknis")] == x]
                          for x in range(n_domains)]
        functional = catalog.of_category("fungsional")
        self.functional = [functional[catalog.domain[functional] == x] for x in range(n_domains)]
        self.social = catalog.of_category("sosial_kultural")
        managerial = catalog.of_category("manajerial")
        self.for_code = np.array([
            (managerial if code < N_CORE - 1 else self.social)[
                np.argmax(catalog.covers[managerial if code < N_CORE - 1 else self.social, code])]
            for code in range(N_CORE)])
        self.latsar = np.array([catalog.index(code) for code in LATSAR_CODES])
        self.leadership = np.array([catalog.index(code) for code in LEADERSHIP_CODES])

    def pick(self, rng: np.random.Generator, options: list[np.ndarray], which: np.ndarray) -> np.ndarray:
        """A random entry of ``options[which[i]]`` for each i (falls back to social trainings)."""
        out = np.empty(len(which), dtype=np.int64)
        for key in np.unique(which):
            rows = np.flatnonzero(which == key)
            pool = options[key] if len(options[key]) else self.social
            out[rows] = pool[rng.integers(len(pool), size=len(rows))]
        return out


def needs(state: State, world: World, emp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per employee: short on the post's technical competency, the core code with the
    largest shortfall, and whether there is any core shortfall."""
    pos = state.pos[emp]
    required = world.required[pos]
    true = state.competency[emp]
    rows = np.arange(len(emp))
    tech = world.tech_code(world.domain[pos])
    tech_short = true[rows, tech] < required[rows, tech]
    gap = np.where(required[:, :N_CORE] > 0, required[:, :N_CORE] - true[:, :N_CORE], -9.0)
    return tech_short, gap.argmax(axis=1), gap.max(axis=1) > 0


def development_trainings(sim: Sim, menu: Menu, emp: np.ndarray, day: np.ndarray) -> None:
    """Teknis, fungsional, manajerial or sosial-kultural trainings, aimed at the employee's gaps."""
    state, world, rng = sim.state, sim.world, sim.rng
    tech_short, worst_code, core_short = needs(state, world, emp)
    domain = world.domain[state.pos[emp]]
    u = rng.random(len(emp))
    functional_post = FUNCTIONAL[world.kind[state.pos[emp]]]
    category = np.select(
        [tech_short & (u < 0.6), core_short & (u < 0.5), u < 0.4, functional_post & (u < 0.6), u < 0.8],
        ["teknis", "manajerial", "teknis", "fungsional", "manajerial"], "sosial_kultural")
    random_code = rng.integers(N_CORE - 1, size=len(emp))
    training = np.select(
        [category == "teknis", category == "fungsional", category == "manajerial"],
        [menu.pick(rng, menu.technical, domain), menu.pick(rng, menu.functional, domain),
         menu.for_code[np.where(core_short, worst_code, random_code)]],
        menu.social[rng.integers(len(menu.social), size=len(emp))])
    take_trainings(sim, emp, day, training)


def schedule_latsar(sim: Sim, menu: Menu, emp: np.ndarray, cpns_day: np.ndarray) -> None:
    """Latsar CPNS within the probation year."""
    grade = sim.state.grade[emp]
    code = np.where(grade >= GRADE_III_A, menu.latsar[1], menu.latsar[0])
    sim.state.pending_trainings.add(emp, cpns_day + sim.rng.integers(120, 330, size=len(emp)), code)
