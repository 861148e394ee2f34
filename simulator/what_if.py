"""The true effect of a training on a move: what the hidden model says would change if the
employee completed the training just before the move.

A training does in the simulation what :func:`simulator.courses.take_trainings` does:
every competency it covers rises by ``g * (5 - level) / 3`` with ``g ~ U(GAIN)``, the
covered codes and the training's domain count as recently trained (the outcome model's
``recent_training`` term, when a covered code is one the employee is short of for the
post, or the domain is the post's), and a leadership training raises the leadership
level. The true failure probability and expected score of the move
(:func:`simulator.outcomes.transfer_truth`) are compared with and without it, averaged
over the random gain (midpoints of ``DRAWS`` equal slices of ``GAIN``).

Every (employee, post, training) pair is evaluated on its own copy of the employee's
state: one pair's training never leaks into another's.
"""

import copy

import numpy as np
import pandas as pd

from features import columns as c
from features.names import TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from simulator import days as d
from simulator.catalog import Catalog, load_catalog
from simulator.courses import GAIN
from simulator.outcomes import Truth, transfer_truth
from simulator.simulation import Latent
from simulator.state import EMPLOYEE_FIELDS, EMPLOYEE_MATRICES, State

DRAWS = 5
TRUE_FAILURE_PROB_TRAINED = "true_failure_prob_trained"
TRUE_EXPECTED_SCORE_TRAINED = "true_expected_score_trained"
TRUE_RISK_CHANGE = "true_risk_change"
TRUE_SCORE_CHANGE = "true_score_change"
TRUE_LEVEL_GAIN = "true_level_gain"          # mean true gain over the codes the training covers


def pair_state(state: State, emp: np.ndarray) -> State:
    """A state whose row k is a private copy of employee ``emp[k]`` (posts untouched)."""
    rows = copy.copy(state)
    for name in (*EMPLOYEE_FIELDS, *EMPLOYEE_MATRICES):
        setattr(rows, name, getattr(state, name)[emp].copy())
    return rows


def complete_training(rows: State, catalog: Catalog, training: np.ndarray, day: int, gain: np.ndarray) -> None:
    """Row k completes ``training[k]`` on ``day`` with level gain factor ``gain[k]`` (the
    simulator's rule, in place)."""
    covers = catalog.covers[training]
    rows.competency += gain[:, None] * covers * (5.0 - rows.competency) / 3.0
    np.clip(rows.competency, 1.0, 5.0, out=rows.competency)
    rows.trained_code = np.where(covers, np.maximum(rows.trained_code, day), rows.trained_code)
    k = np.flatnonzero(catalog.domain[training] >= 0)
    dom = catalog.domain[training][k]
    rows.trained_domain[k, dom] = np.maximum(rows.trained_domain[k, dom], day)
    rows.leadership = np.maximum(rows.leadership, catalog.leadership_level[training])


def truth_after_training(latent: Latent, catalog: Catalog, emp: np.ndarray, pos: np.ndarray,
                         training: np.ndarray, t: int, gain: np.ndarray) -> tuple[Truth, np.ndarray]:
    """Truth of moving ``emp[k]`` to ``pos[k]`` on day ``t`` after completing ``training[k]``
    on day ``t - 1`` with gain factor ``gain[k]``; also the mean level gain on the covered codes."""
    rows = pair_state(latent.state, emp)
    before = rows.competency.copy()
    complete_training(rows, catalog, training, t - 1, gain)
    covers = catalog.covers[training]
    level_gain = ((rows.competency - before) * covers).sum(axis=1) / np.maximum(covers.sum(axis=1), 1)
    index = np.arange(len(emp))
    return transfer_truth(latent.params, rows, latent.world, index, pos, latent.state.pos[emp], t), level_gain


def _indices(latent: Latent, catalog: Catalog, pairs: pd.DataFrame) -> tuple[np.ndarray, ...]:
    row_of = {eid: i for i, eid in enumerate(latent.employee_ids.tolist())}
    position_of = {pid: i for i, pid in enumerate(latent.world.position_ids)}
    training_of = {code: i for i, code in enumerate(catalog.codes)}
    unknown = sorted(set(pairs[c.TRAINING_CODE]) - set(training_of))
    if unknown:
        raise KeyError(f"trainings not in the simulator's catalog: {unknown[:5]}")
    emp = np.array([row_of[e] for e in pairs[c.EMPLOYEE_ID]], dtype=np.int64)
    pos = np.array([position_of[p] for p in pairs[c.POSITION_ID]], dtype=np.int64)
    training = np.array([training_of[t] for t in pairs[c.TRAINING_CODE]], dtype=np.int64)
    if (latent.state.pos[emp] < 0).any():
        raise ValueError("an employee of the pairs holds no post in the simulation state")
    return emp, pos, training


def training_truth(latent: Latent, pairs: pd.DataFrame, as_of: pd.Timestamp | None = None,
                   draws: int = DRAWS) -> pd.DataFrame:
    """``pairs`` (``employee_id, position_id, training_code``) with the true failure
    probability and expected score of the move on ``as_of`` (default: the oracle's date)
    without and with the training, their changes and the mean true level gain."""
    as_of = latent.as_of if as_of is None else pd.Timestamp(as_of)
    t = int((as_of.to_datetime64().astype("datetime64[D]") - d.EPOCH).astype(np.int64))
    catalog = load_catalog(latent.world)
    emp, pos, training = _indices(latent, catalog, pairs)
    base = transfer_truth(latent.params, latent.state, latent.world, emp, pos, latent.state.pos[emp], t)
    lo, hi = GAIN
    failure, score, level = np.zeros(len(emp)), np.zeros(len(emp)), np.zeros(len(emp))
    for k in range(draws):
        gain = np.full(len(emp), lo + (hi - lo) * (k + 0.5) / draws)
        after, level_gain = truth_after_training(latent, catalog, emp, pos, training, t, gain)
        failure += after.failure_prob / draws
        score += after.expected_score / draws
        level += level_gain / draws
    return pairs.reset_index(drop=True).assign(**{
        TRUE_FAILURE_PROB: base.failure_prob, TRUE_FAILURE_PROB_TRAINED: failure,
        TRUE_RISK_CHANGE: failure - base.failure_prob,
        TRUE_EXPECTED_SCORE: base.expected_score, TRUE_EXPECTED_SCORE_TRAINED: score,
        TRUE_SCORE_CHANGE: score - base.expected_score, TRUE_LEVEL_GAIN: level})
