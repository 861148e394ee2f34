"""Logged choices on the oracle's vacancies: whom a simulated manager appoints, and how it went.

For checking off-policy evaluation against the truth. Each held-out vacancy of the oracle
is filled ``replicates`` times, every fill a separate logged decision: nobody is removed
from another vacancy's pool or from a later replicate's (unlike a pelantikan day, where an
appointee is gone for the rest of the day). The manager is the one of the history
(:mod:`simulator.selection`: the closeness pre-filter, then the best manager score, both
weighted by the run's ``selection_bias``) on its own random stream. The pool is the
oracle's eligible list (contract section 4); the manager appoints only pool members that
also fit the post by the simulator's rules (kind transition, job class step, minimum grade
and education), or anyone in the pool when none fits, so pool members that do not fit
are never logged while others fit (no overlap for a policy that picks them).

Each appointment gets a realised outcome drawn from the hidden model, jointly: a score per
window appraisal period from the ordinal model and a failure event with probability q.
``performance`` is the score of the first window appraisal, as the contract's label
(:func:`features.labels.performance_label`), NaN when no window period ends in service;
``failure`` is 1 on a failure event or a score <= 3 in any window appraisal, so its mean
is ``true_failure_prob`` and the mean performance ``true_expected_score``.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features.labels import LOW_SCORE
from features.names import (
    AS_OF,
    FAILURE,
    PERFORMANCE,
    REPLICATE,
    TRUE_EXPECTED_SCORE,
    TRUE_FAILURE_PROB,
)
from simulator import days as d
from simulator.outcomes import OutcomeParams, Truth, sample_scores, transfer_truth
from simulator.selection import CandidatePool, Manager
from simulator.simulation import Latent

LOG_SEED_OFFSET = 104729     # the written log's random stream, derived from the run's seed
COLUMNS = (c.POSITION_ID, AS_OF, c.EMPLOYEE_ID, REPLICATE, PERFORMANCE, FAILURE,
           TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB)


def state_rows(latent: Latent, oracle: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(employee row, post row) in the simulation state of every oracle pair."""
    emp = pd.Index(latent.employee_ids).get_indexer(oracle[c.EMPLOYEE_ID])
    pos = pd.Index(latent.world.position_ids).get_indexer(oracle[c.POSITION_ID])
    if (emp < 0).any() or (pos < 0).any():
        raise ValueError("the oracle names employees or posts that this simulation does not have")
    return emp.astype(np.int64), pos.astype(np.int64)


def choice_rows(latent: Latent, oracle: pd.DataFrame, replicates: int, manager: Manager) -> np.ndarray:
    """Oracle row numbers of the appointees: vacancy by vacancy (oracle order), then replicate."""
    emp, pos = state_rows(latent, oracle)
    chosen = []
    for rows in oracle.groupby(c.POSITION_ID, sort=False).indices.values():
        p = int(pos[rows[0]])
        pool = CandidatePool.of(latent.state, latent.world, emp[rows])
        options = np.flatnonzero(pool.fits(latent.world, p))
        if len(options) == 0:
            options = np.arange(len(rows))
        chosen.append(rows[pool.picks(manager, p, options, replicates)])
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def realised_outcomes(params: OutcomeParams, truth: Truth, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(performance, failure) of each move, drawn from its hidden outcome distribution."""
    n = len(truth.mu)
    periods = max(int(truth.periods.max(initial=0)), 1)
    scores = np.column_stack([sample_scores(params, truth.mu, rng) for _ in range(periods)])
    in_window = np.arange(periods) < truth.periods[:, None]
    failure = (rng.random(n) < truth.q) | ((scores <= LOW_SCORE) & in_window).any(axis=1)
    performance = np.where(truth.periods > 0, scores[:, 0], np.nan)
    return performance.astype("float64"), failure.astype(np.int64)


def logged_choices(latent: Latent, oracle: pd.DataFrame, replicates: int, seed: int) -> pd.DataFrame:
    """``position_id, as_of, employee_id, replicate, performance, failure, true_expected_score,
    true_failure_prob``: ``replicates`` logged appointments to every vacancy of ``oracle`` (a
    frame as :func:`simulator.oracle.oracle_vacancies` returns) with realised outcomes;
    deterministic for ``seed``."""
    if replicates < 0:
        raise ValueError(f"replicates must be >= 0, not {replicates}")
    cfg = latent.config
    rng = np.random.default_rng(seed)
    manager = Manager(latent.state, latent.world, rng, cfg.pool_size, cfg.selection_bias)
    picked = oracle.iloc[choice_rows(latent, oracle, replicates, manager)]
    emp, pos = state_rows(latent, picked)
    day = (picked[AS_OF].to_numpy().astype("datetime64[D]") - d.EPOCH).astype(np.int64)
    truth = transfer_truth(latent.params, latent.state, latent.world, emp, pos, latent.state.pos[emp], day)
    performance, failure = realised_outcomes(latent.params, truth, rng)
    n_vacancies = oracle[c.POSITION_ID].nunique()
    return pd.DataFrame({
        c.POSITION_ID: picked[c.POSITION_ID].astype("str").to_numpy(),
        AS_OF: picked[AS_OF].astype("datetime64[ns]").to_numpy(),
        c.EMPLOYEE_ID: picked[c.EMPLOYEE_ID].astype("str").to_numpy(),
        REPLICATE: np.tile(np.arange(replicates, dtype=np.int64), n_vacancies),
        PERFORMANCE: performance, FAILURE: failure,
        TRUE_EXPECTED_SCORE: picked[TRUE_EXPECTED_SCORE].to_numpy(dtype="float64"),
        TRUE_FAILURE_PROB: picked[TRUE_FAILURE_PROB].to_numpy(dtype="float64"),
    }, columns=list(COLUMNS))
