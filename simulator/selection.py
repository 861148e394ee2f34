"""Pelantikan: managers fill vacancies from pools of eligible-looking candidates.

The manager sees observable fit (assessed competencies against the standard, domain,
willingness to relocate, the last appraisal), seniority, and a noisy glimpse of the
latent ability and adaptability. The best-scored candidate moves; the post they leave
may be offered in turn (vacancy chains).

``SimConfig.selection_bias`` scales every systematic term of the closeness pre-filter
and of the manager's score against the unchanged noise: 0 is an experiment (a fitting
candidate appointed at random), 1 the default history, 2 preferences twice as strong.
Multiplying by 1.0 is exact, so the default run draws and computes exactly as before.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from simulator.context import Sim
from simulator.kinds import ENTRY, MANAGERIAL, transition_matrix
from simulator.moves import commit_moves, relocate
from simulator.state import State
from simulator.world import N_CORE, World

ALLOWED = transition_matrix()
CLASS_STEP = (-1, 4)   # job class change a regular move may make


@dataclass(frozen=True)
class Manager:
    """What an appointing manager works with: the state seen (partly through noise), the
    posts, a random stream, how many candidates get a closer look and ``bias``, the weight
    of the systematic preferences against the noise (``SimConfig.selection_bias``)."""

    state: State
    world: World
    rng: np.random.Generator
    pool_size: int
    bias: float = 1.0

    @classmethod
    def of(cls, sim: Sim) -> "Manager":
        return cls(sim.state, sim.world, sim.rng, sim.config.pool_size, sim.config.selection_bias)


@dataclass
class CandidatePool:
    """Employees a manager could move on one pelantikan day, with their current posts."""

    emp: np.ndarray
    kind: np.ndarray
    job_class: np.ndarray
    grade: np.ndarray
    education: np.ndarray
    agency: np.ndarray
    domain: np.ndarray
    region: np.ndarray
    alive: np.ndarray

    @classmethod
    def at(cls, sim: Sim, day: int) -> "CandidatePool":
        """Mostly the contract's eligibility (section 4), plus two full years in post."""
        state, cfg = sim.state, sim.config
        low = np.minimum(np.where(state.last_score > 0, state.last_score, 5),
                         np.where(state.prev_score > 0, state.prev_score, 5))
        appraisal_ok = (low >= 4) | ((low == 3) & (sim.rng.random(state.n) < cfg.lenient_appraisal))
        ok = (state.active(day) & (state.pos >= 0) & state.is_pns(day)
              & (day - state.post_start >= cfg.min_tenure_days)
              & (state.sanction_end < day) & (day - state.serious_start > 365)
              & appraisal_ok & (state.retire_day > day + 365))
        return cls.of(state, sim.world, np.flatnonzero(ok))

    @classmethod
    def of(cls, state: State, world: World, emp: np.ndarray) -> "CandidatePool":
        """State rows ``emp`` with their current posts, all still available."""
        pos = state.pos[emp]
        w = world
        return cls(emp, w.kind[pos], w.job_class[pos], state.grade[emp], state.education[emp],
                   w.agency[pos], w.domain[pos], w.region[pos], np.ones(len(emp), dtype=bool))

    def fits(self, world: World, p: int) -> np.ndarray:
        """Who may take post ``p``: an allowed kind transition and job class step, the
        post's minimum grade and education, not yet appointed elsewhere today."""
        w = world
        step = w.job_class[p] - self.job_class
        return (self.alive & ALLOWED[self.kind, w.kind[p]] & (step >= CLASS_STEP[0]) & (step <= CLASS_STEP[1])
                & (self.grade >= w.min_grade[p]) & (self.education >= w.min_education[p]))

    def pick(self, manager: Manager, p: int, options: np.ndarray) -> int:
        """Index (into the pool) of the one of ``options`` the manager appoints to ``p``."""
        return int(self.picks(manager, p, options, 1)[0])

    def picks(self, manager: Manager, p: int, options: np.ndarray, count: int) -> np.ndarray:
        """Indices (into the pool) of ``count`` independent appointments to ``p`` among
        ``options``: each time the closest ``pool_size`` by a noisy closeness key, then the
        best manager score (one row of draws per appointment; one row = :meth:`pick`)."""
        w, bias = manager.world, manager.bias
        closeness = (1.0 + 2.0 * (self.agency[options] == w.agency[p])
                     + 1.0 * (self.domain[options] == w.domain[p])
                     + 0.5 * (self.region[options] == w.region[p]))
        keys = bias * np.log(closeness) + manager.rng.gumbel(size=(count, len(options)))
        size = manager.pool_size
        if len(options) > size:
            shortlist = options[np.argpartition(-keys, size, axis=1)[:, :size]]
        else:
            shortlist = np.broadcast_to(options, keys.shape)
        scores = manager_score(manager, self.emp[shortlist], p, self.domain[shortlist], self.region[shortlist])
        return shortlist[np.arange(count), np.argmax(scores, axis=1)]

    def choose(self, manager: Manager, p: int) -> int:
        """The employee the manager appoints to post ``p``, or -1 when nobody qualifies."""
        options = np.flatnonzero(self.fits(manager.world, p))
        if len(options) == 0:
            return -1
        best = self.pick(manager, p, options)
        self.alive[best] = False
        return int(self.emp[best])


def manager_score(manager: Manager, emp: np.ndarray, p: int, domain: np.ndarray,
                  region: np.ndarray) -> np.ndarray:
    """How much a manager likes each candidate (``emp`` of any shape) for post ``p``: every
    systematic term times ``manager.bias``, the noise terms (drawn in the same order
    whatever the bias) unscaled."""
    state, w, rng, bias = manager.state, manager.world, manager.rng, manager.bias
    n = emp.shape
    required = w.required[p, :N_CORE]
    seen_short = np.nansum(np.maximum(required - state.assessed[emp, :N_CORE], 0.0), axis=-1)
    relocating = region != w.region[p]
    last = np.where(state.last_score[emp] > 0, state.last_score[emp] - 4.0, 0.0)
    return (0.35 * (bias * state.ability[emp] + 0.8 * rng.standard_normal(n))
            + 0.15 * (bias * state.adaptability[emp] + rng.standard_normal(n))
            + bias * (0.4 * (domain == w.domain[p])) + bias * (0.12 * (state.grade[emp] - w.min_grade[p]))
            + bias * (0.3 * last) - bias * (0.1 * seen_short)
            + bias * np.where(relocating, np.where(state.willing[emp], 0.1, -0.2), 0.0)
            + 0.5 * rng.standard_normal(n))


def opening_vacancies(sim: Sim, day: int) -> deque:
    """Vacant posts offered to insiders: managerial ones (senior first), other staff posts
    (longest vacant first) and part of the entry posts (most are kept for new CPNS)."""
    state, w, rng = sim.state, sim.world, sim.rng
    vacant = np.flatnonzero((state.holder < 0) & (state.free_day <= day))
    kind = w.kind[vacant]
    managerial = vacant[MANAGERIAL[kind]]
    managerial = managerial[np.argsort(-w.job_class[managerial], kind="stable")]
    staff = vacant[~MANAGERIAL[kind] & ~ENTRY[kind]]
    staff = staff[np.argsort(state.free_day[staff], kind="stable")]
    entry = vacant[ENTRY[kind]]
    entry = rng.permutation(entry[rng.random(len(entry)) < sim.config.open_entry])
    return deque(np.concatenate([managerial, staff, entry]).tolist())


def move_types(sim: Sim, pos: np.ndarray, from_pos: np.ndarray) -> np.ndarray:
    """promosi (higher job class, or a first step into management), rotasi (same agency)
    or mutasi (another agency)."""
    w = sim.world
    first_managerial = MANAGERIAL[w.kind[pos]] & ~MANAGERIAL[w.kind[from_pos]]
    up = (w.job_class[pos] > w.job_class[from_pos]) | first_managerial
    return np.where(up, "promosi", np.where(w.agency[pos] == w.agency[from_pos], "rotasi", "mutasi"))


def pelantikan(sim: Sim, day: int) -> int:
    """Fill vacancies on one pelantikan day; return the number of moves."""
    state, cfg = sim.state, sim.config
    pool = CandidatePool.at(sim, day)
    manager = Manager.of(sim)
    queue = opening_vacancies(sim, day)
    n_active = int(state.active(day).sum())
    target = sim.rng.poisson(cfg.transfer_rate * n_active / cfg.pelantikan_per_year)
    emp, pos, src = [], [], []
    while queue and len(emp) < target:
        p = queue.popleft()
        e = pool.choose(manager, p)
        if e < 0:
            continue
        old = int(state.pos[e])
        relocate(sim, np.array([e]), np.array([p]), day)
        emp.append(e)
        pos.append(p)
        src.append(old)
        if MANAGERIAL[sim.world.kind[old]]:
            queue.appendleft(old)
        elif not ENTRY[sim.world.kind[old]] or sim.rng.random() < cfg.open_entry:
            queue.append(old)
    emp, pos, src = (np.array(x, dtype=np.int64) for x in (emp, pos, src))
    commit_moves(sim, emp, pos, src, day, move_types(sim, pos, src))
    return len(emp)
