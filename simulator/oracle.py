"""The oracle of held-out vacancies: the hidden truth for every eligible candidate.

At ``as_of`` (the day after the dataset's end) a mix of posts is chosen, vacant ones
first, then occupied ones treated as about to be vacated, each with at least ten
candidates eligible under contract section 4 (as :func:`evaluate_eligibility` decides on
the written dataset). For every eligible (post, employee) pair the hidden model gives the
expected post-transfer score and the failure probability of a move on ``as_of``.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features.eligibility import ELIGIBLE, evaluate_eligibility
from features.io import Dataset
from features.names import AS_OF, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from simulator import days as d
from simulator.kinds import KIND_INDEX
from simulator.outcomes import transfer_truth
from simulator.simulation import Latent

MIN_CANDIDATES = 10
KIND_ROTATION = ("pelaksana", "ahli_pertama", "pengawas", "ahli_muda", "administrator", "terampil",
                 "mahir", "ahli_madya", "jpt_pratama")
ORACLE_SEED_OFFSET = 7919     # the oracle's own random stream, derived from the run's seed


def interleave_domains(posts: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Reorder so that consecutive posts come from different domains where possible."""
    turn = np.zeros(len(posts), dtype=np.int64)
    seen: dict[int, int] = {}
    for i, dom in enumerate(domain[posts].tolist()):
        turn[i] = seen.get(dom, 0)
        seen[dom] = turn[i] + 1
    return posts[np.argsort(turn, kind="stable")]


def vacancy_order(latent: Latent) -> np.ndarray:
    """Every post in the order it is offered as a held-out vacancy: kinds take turns; within
    a kind, vacant posts come first, then occupied ones, domains rotating."""
    rng = np.random.default_rng(latent.config.seed + ORACLE_SEED_OFFSET)
    w, holder = latent.world, latent.state.holder
    queues = []
    for name in KIND_ROTATION:
        posts = np.flatnonzero(w.kind == KIND_INDEX[name])
        vacant = interleave_domains(rng.permutation(posts[holder[posts] < 0]), w.domain)
        held = interleave_domains(rng.permutation(posts[holder[posts] >= 0]), w.domain)
        queues.append(list(np.concatenate([vacant, held])))
    order = []
    while any(queues):
        for queue in queues:
            if queue:
                order.append(queue.pop(0))
    return np.array(order, dtype=np.int64)


def eligible_pairs(latent: Latent, dataset: Dataset, as_of: pd.Timestamp) -> pd.DataFrame:
    """Eligible (position_id, employee_id) pairs of the chosen vacancies, in choice order."""
    wanted = latent.config.n_vacancies
    order = np.array(latent.world.position_ids, dtype=object)[vacancy_order(latent)]
    chosen: list[pd.DataFrame] = []
    for start in range(0, len(order), max(wanted, MIN_CANDIDATES)):
        batch = order[start:start + max(wanted, MIN_CANDIDATES)]
        result = evaluate_eligibility(dataset, list(batch), as_of)
        eligible = result[result[ELIGIBLE].astype(bool)]
        groups = dict(tuple(eligible.groupby(c.POSITION_ID, sort=False)))
        for pid in batch:
            if len(chosen) < wanted and len(groups.get(pid, ())) >= MIN_CANDIDATES:
                chosen.append(groups[pid][[c.POSITION_ID, c.EMPLOYEE_ID]])
        if len(chosen) == wanted:
            break
    if not chosen:
        return pd.DataFrame({c.POSITION_ID: pd.Series(dtype="str"), c.EMPLOYEE_ID: pd.Series(dtype="str")})
    return pd.concat(chosen, ignore_index=True)


def oracle_vacancies(latent: Latent, dataset: Dataset, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """``position_id, as_of, employee_id, true_expected_score, true_failure_prob`` for every
    eligible candidate of the held-out vacancies, as if moved on ``as_of``."""
    as_of = latent.as_of if as_of is None else pd.Timestamp(as_of)
    pairs = eligible_pairs(latent, dataset, as_of)
    row_of = {eid: i for i, eid in enumerate(latent.employee_ids.tolist())}
    position_of = {pid: i for i, pid in enumerate(latent.world.position_ids)}
    emp = np.array([row_of[e] for e in pairs[c.EMPLOYEE_ID]], dtype=np.int64)
    pos = np.array([position_of[p] for p in pairs[c.POSITION_ID]], dtype=np.int64)
    from_pos = latent.state.pos[emp]
    if (from_pos < 0).any():
        raise RuntimeError("an eligible candidate holds no post in the simulation state")
    day = int((as_of.to_datetime64().astype("datetime64[D]") - d.EPOCH).astype(np.int64))
    truth = transfer_truth(latent.params, latent.state, latent.world, emp, pos, from_pos, day)
    return pd.DataFrame({
        c.POSITION_ID: pairs[c.POSITION_ID].astype("str").to_numpy(),
        AS_OF: np.full(len(pairs), as_of.to_datetime64()).astype("datetime64[ns]"),
        c.EMPLOYEE_ID: pairs[c.EMPLOYEE_ID].astype("str").to_numpy(),
        TRUE_EXPECTED_SCORE: truth.expected_score, TRUE_FAILURE_PROB: truth.failure_prob,
    })
