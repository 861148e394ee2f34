"""The hidden ground-truth outcome model of a move of employee e into post p at day t.

Performance: every appraisal score is ordinal(mu + eps), eps ~ N(0, sigma), with
``mu = ability + fit`` built from the employee's *true* (latent) state. Adjustment: with
probability ``q = logistic(...)`` a failure event (own-request move, demotion,
resignation, dismissal, sedang/berat sanction) happens within the 730-day window.
The contract's failure label is then failure event OR a score <= 3 in a window appraisal,
so ``P(failure) = 1 - (1 - q) * P(score >= 4 | mu) ** n_periods``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

from simulator import days as d
from simulator.kinds import (
    LEADERSHIP_NEEDED,
    MANAGERIAL,
    RETIRE_AT_60,
    SENIOR_RETIREMENT_AGE,
)
from simulator.state import State
from simulator.world import N_CORE, World


@dataclass(frozen=True)
class OutcomeParams:
    """Coefficients of the hidden model (written to the simulation manifest)."""

    # performance mean mu (score cut points below are on the same scale)
    perf_ability: float = 0.40
    perf_tech_gap: float = 0.25            # per level of true t.<domain> above/below required
    perf_shortfall: float = -0.12          # per level of core competency below required
    perf_domain_switch: float = -0.25
    perf_first_managerial: float = -0.10
    perf_untrained_leader: float = -0.30   # managerial post without its PKP/PKA/PKN II
    perf_recent_training: float = 0.15
    perf_class_drop: float = -0.08         # per job class below the current post
    perf_relocated_unwilling: float = -0.10
    perf_noise_sd: float = 0.55
    cut_points: tuple[float, float, float, float] = (-2.30, -1.70, -0.95, 0.64)
    # adjustment failure logit
    adj_intercept: float = -3.40
    adj_adaptability: float = -0.80
    adj_relocated_unwilling: float = 0.90
    adj_relocated_willing: float = 0.20
    adj_distance_per_500km: float = 0.30   # relocations only
    adj_remote: float = 0.50               # relocation into a remote (3T) region
    adj_domain_switch: float = 0.40
    adj_shortfall: float = 0.12
    adj_tech_deficit: float = 0.25         # per level of t.<domain> below required
    adj_first_managerial: float = 0.30
    adj_untrained_leader: float = 0.40
    adj_pref_domain_match: float = -0.40
    adj_pref_region_match: float = -0.50
    adj_recent_training: float = -0.40
    adj_class_drop: float = 0.30
    tech_gap_low: float = -2.0
    tech_gap_high: float = 1.0
    window_days: int = 730
    recent_training_days: int = 1095


@dataclass(frozen=True)
class Fit:
    """Fit terms of (employee, post) pairs from the true state; one array element per pair."""

    ability: np.ndarray
    adaptability: np.ndarray
    tech_gap: np.ndarray
    shortfall: np.ndarray
    domain_switch: np.ndarray
    relocated: np.ndarray
    distance_km: np.ndarray
    willing: np.ndarray
    pref_domain_match: np.ndarray
    pref_region_match: np.ndarray
    recent_training: np.ndarray
    first_managerial: np.ndarray
    untrained_leader: np.ndarray
    remote: np.ndarray
    class_drop: np.ndarray


def fit_terms(params: OutcomeParams, state: State, world: World, emp: np.ndarray, pos: np.ndarray,
              from_pos: np.ndarray, t: np.ndarray | int, transition: bool = True) -> Fit:
    """Fit of each employee ``emp`` to post ``pos`` at day ``t``, coming from ``from_pos``.
    ``transition=False`` gives the steady state of someone settled in ``pos`` (background
    appraisals): no switch, relocation, first-post or demotion terms."""
    t = np.broadcast_to(np.asarray(t, dtype=np.int64), emp.shape)
    true = state.competency[emp]
    required = world.required[pos]
    tech = world.tech_code(world.domain[pos])
    rows = np.arange(len(emp))
    tech_gap = np.clip(true[rows, tech] - required[rows, tech], params.tech_gap_low, params.tech_gap_high)
    core_gap = np.where(required[:, :N_CORE] > 0, required[:, :N_CORE] - true[:, :N_CORE], 0.0)
    short = (required > 0) & (true < required)
    recent_code = (t[:, None] - state.trained_code[emp]) <= params.recent_training_days
    recent_domain = (t - state.trained_domain[emp, world.domain[pos]]) <= params.recent_training_days
    zero = np.zeros(len(emp), dtype=bool)
    managerial = MANAGERIAL[world.kind[pos]]
    from_region, to_region = world.region[from_pos], world.region[pos]
    relocated = (from_region != to_region) if transition else zero
    return Fit(
        ability=state.ability[emp], adaptability=state.adaptability[emp],
        tech_gap=tech_gap, shortfall=np.maximum(core_gap, 0.0).sum(axis=1),
        domain_switch=(world.domain[pos] != world.domain[from_pos]) if transition else zero,
        relocated=relocated,
        distance_km=np.where(relocated, world.distance_km[from_region, to_region], 0.0),
        willing=state.willing[emp],
        pref_domain_match=state.pref_domain[emp] == world.domain[pos],
        pref_region_match=state.pref_region[emp] == to_region,
        recent_training=recent_domain | (recent_code & short).any(axis=1),
        first_managerial=(managerial & ~state.ever_managerial[emp]) if transition else zero,
        untrained_leader=(managerial & (state.leadership[emp] < LEADERSHIP_NEEDED[world.kind[pos]]))
        if transition else zero,
        remote=world.remote[to_region] & relocated,
        class_drop=np.clip(world.job_class[from_pos] - world.job_class[pos], 0, 4) if transition
        else np.zeros(len(emp)),
    )


def performance_mean(params: OutcomeParams, fit: Fit) -> np.ndarray:
    """mu: the mean of the latent performance of every appraisal in the post."""
    return (params.perf_ability * fit.ability + params.perf_tech_gap * fit.tech_gap
            + params.perf_shortfall * fit.shortfall + params.perf_domain_switch * fit.domain_switch
            + params.perf_first_managerial * fit.first_managerial
            + params.perf_untrained_leader * fit.untrained_leader
            + params.perf_recent_training * fit.recent_training
            + params.perf_class_drop * fit.class_drop
            + params.perf_relocated_unwilling * (fit.relocated & ~fit.willing))


def failure_event_probability(params: OutcomeParams, fit: Fit) -> np.ndarray:
    """q: probability of a non-appraisal failure event within the window."""
    relocated = fit.relocated.astype(float)
    logit = (params.adj_intercept + params.adj_adaptability * fit.adaptability
             + relocated * np.where(fit.willing, params.adj_relocated_willing, params.adj_relocated_unwilling)
             + params.adj_distance_per_500km * fit.distance_km / 500.0
             + params.adj_remote * fit.remote + params.adj_domain_switch * fit.domain_switch
             + params.adj_shortfall * fit.shortfall
             + params.adj_tech_deficit * np.maximum(-fit.tech_gap, 0.0)
             + params.adj_first_managerial * fit.first_managerial
             + params.adj_untrained_leader * fit.untrained_leader
             + params.adj_pref_domain_match * fit.pref_domain_match
             + params.adj_pref_region_match * fit.pref_region_match
             + params.adj_recent_training * fit.recent_training
             + params.adj_class_drop * fit.class_drop)
    return expit(logit)


def expected_score(params: OutcomeParams, mu: np.ndarray) -> np.ndarray:
    """E[score | mu] = 1 + sum over cut points of P(latent > cut)."""
    cuts = np.asarray(params.cut_points)
    return 1.0 + ndtr((np.asarray(mu)[..., None] - cuts) / params.perf_noise_sd).sum(axis=-1)


def good_score_probability(params: OutcomeParams, mu: np.ndarray) -> np.ndarray:
    """P(score >= 4 | mu) (``baik`` or better)."""
    return ndtr((np.asarray(mu) - params.cut_points[2]) / params.perf_noise_sd)


def sample_scores(params: OutcomeParams, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores 1..5 drawn from the ordinal model."""
    latent = mu + params.perf_noise_sd * rng.standard_normal(len(mu))
    return 1 + (latent[:, None] > np.asarray(params.cut_points)).sum(axis=1)


def window_periods(params: OutcomeParams, t: np.ndarray, retire_day: np.ndarray) -> np.ndarray:
    """Number of yearly appraisal periods (1 Jan..31 Dec) with start >= t and end <= t + 730
    days that the employee is still in service at the end of (retirement is foreseeable)."""
    first = d.year_of(t)
    count = np.zeros(len(t), dtype=np.int64)
    for offset in range(3):
        start = d.year_start(first + offset)
        end = d.year_start(first + offset + 1) - 1
        count += (start >= t) & (end <= t + params.window_days) & (end < retire_day)
    return count


def retirement_age_after(state: State, world: World, emp: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Retirement age of each employee once holding ``pos``: JPT and ahli madya raise it
    to 60, and it never goes back down."""
    senior = np.maximum(state.retire_age[emp], SENIOR_RETIREMENT_AGE)
    return np.where(RETIRE_AT_60[world.kind[pos]], senior, state.retire_age[emp])


def retirement_after(state: State, world: World, emp: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Retirement day of each employee once holding ``pos``."""
    return d.add_years(state.birth[emp], retirement_age_after(state, world, emp, pos))


@dataclass(frozen=True)
class Truth:
    """The hidden outcome distribution of moves."""

    mu: np.ndarray
    q: np.ndarray
    periods: np.ndarray
    expected_score: np.ndarray
    failure_prob: np.ndarray


def transfer_truth(params: OutcomeParams, state: State, world: World, emp: np.ndarray, pos: np.ndarray,
                   from_pos: np.ndarray, t: np.ndarray | int) -> Truth:
    """Expected post-transfer score and failure probability of moving ``emp`` to ``pos`` at t."""
    t = np.broadcast_to(np.asarray(t, dtype=np.int64), emp.shape)
    fit = fit_terms(params, state, world, emp, pos, from_pos, t)
    mu = performance_mean(params, fit)
    q = failure_event_probability(params, fit)
    periods = window_periods(params, t, retirement_after(state, world, emp, pos))
    failure = 1.0 - (1.0 - q) * good_score_probability(params, mu) ** periods
    return Truth(mu, q, periods, expected_score(params, mu), failure)
