"""The round planner's pairs from a scored round (:mod:`serving.scale.scored`, written by
``mutasi score-round`` or scored on Dask for the plan) instead of scoring them itself.

A national round has too many pairs to score in the planner's process; a scored round holds
the best of them (top N per vacancy, above a score floor), numbered as the planner numbers
its own. :func:`round_arrays` checks that the folder belongs to this plan (date, model,
rules, movers; no chains) and turns its pairs into the arrays
:func:`serving.planning.build.build_round` takes as ``kept``: the same arrays, in the same
order, that it builds itself when every pair is kept. Everything after them (caps, key post
guard, reviewer's moves, solve, explanations) is the planner's ordinary code.

This module imports :mod:`serving.planning.build`, never the other way round: the scale
package scores with ``build``'s pair scorer, so ``build`` must not reach back into it.
"""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from features import columns as c
from features.arrays import Columns
from features.eligibility import PostEligibility, rules_label
from features.pairs import PositionTable
from features.round import Round
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning.build import mover_masks
from serving.planning.settings import Movers, PlanSettings
from serving.scale.pairs import AGAINST_WISH, N_ELIGIBLE, PREFERENCE_MET
from serving.scale.run import prepare_job, scored_pairs
from serving.scale.scored import ScoredPairs
from serving.scale.settings import ROWS_PER_SLICE, ClusterSettings, Engine, Keep

FIELD = "pairs"                 # the field every refusal of a scored round names (but chain_depth)
SOURCE = "pairs_source"         # the plan document's settings key saying where its pairs came from
NAMED = 5                       # ids named in a refusal, at most


class KeptArrays(NamedTuple):
    """Per pair (by vacancy, then employee row, as the planner orders its own pairs) and,
    last, per vacancy of the round: what ``build_round(kept=...)`` unpacks."""

    employee: np.ndarray            # row of the planner's snapshot view
    vacancy: np.ndarray             # index of the vacancy in the round
    performance: np.ndarray
    risk: np.ndarray
    preference_met: np.ndarray
    against_wish: np.ndarray
    n_excluded: np.ndarray          # per vacancy: employees not eligible


def round_arrays(scored: ScoredPairs, context: ServingContext, served: ServedModel, round_: Round,
                 when: pd.Timestamp, settings: PlanSettings, positions: PositionTable) -> KeptArrays:
    """The planner's arrays of ``round_`` from ``scored``, after every check; a
    :class:`RankingError` naming the field when the scored round cannot serve this plan."""
    check_scored(scored, served, when, settings)
    view = context.snapshot_columns(when)
    vacancy_ids = np.array([v.position_id for v in round_.vacancies], dtype=object)
    kept = kept_arrays(scored, view, vacancy_ids)
    if settings.fixed:
        eligibility = PostEligibility(view, mover_masks(context, when, settings), settings.rules)
        check_fixed_kept(kept, view, vacancy_ids, positions, eligibility, settings, scored.manifest["keep"])
    return kept


def check_scored(scored: ScoredPairs, served: ServedModel, when: pd.Timestamp, settings: PlanSettings) -> None:
    """The scored round was made for this plan: same date, model, rules and movers, and the
    plan needs no chain posts (their pairs are not in a scored round)."""
    m = scored.manifest
    check_no_chains(settings)
    if scored.as_of.date() != when.date():
        raise RankingError(FIELD, f"the scored pairs are of {scored.as_of.date()}, the plan is at {when.date()}: "
                                  "score the round at the plan's date")
    model = (str(m["model"]["name"]), scored.model_version)
    if model != (served.name, served.version):
        raise RankingError(FIELD, f"the scored pairs come from model {model[0]} v{model[1]}, the plan's model is "
                                  f"{served.name} v{served.version}")
    if m["rules"] != rules_label(settings.rules):
        raise RankingError(FIELD, f"the scored pairs follow the rules {m['rules']}, the plan "
                                  f"{rules_label(settings.rules)}")
    due_only = settings.movers == Movers.DUE
    if bool(m["due_only"]) != due_only:
        scored_movers = Movers.DUE if m["due_only"] else Movers.ALL
        raise RankingError(FIELD, f"the scored pairs were scored with movers={scored_movers}, the plan has "
                                  f"movers={settings.movers}")


def check_no_chains(settings: PlanSettings) -> None:
    """Chain posts are the candidates' own posts, whose pairs a scored round does not hold."""
    if settings.chain_depth > 0:
        raise RankingError("chain_depth", f"chain_depth must be 0 to plan from scored pairs, not "
                                          f"{settings.chain_depth}: chain posts need the pairs of the candidates' "
                                          "own posts, which a scored round does not hold")


def kept_arrays(scored: ScoredPairs, view: Columns, vacancy_ids: np.ndarray) -> KeptArrays:
    """Employee ids to rows of ``view``, position ids to vacancy indices; pairs of posts that
    are not vacancies of this round are left out (a round may be planned from a larger one)."""
    table = scored.vacancies
    at = pd.Index(table[c.POSITION_ID].astype(object)).get_indexer(vacancy_ids)
    if (at < 0).any():
        raise RankingError(FIELD, f"vacancies of the round are not in the scored pairs: {_named(vacancy_ids[at < 0])}")
    pairs = scored.pairs
    vacancy = pd.Index(vacancy_ids).get_indexer(pairs[c.POSITION_ID].astype(object))
    pairs, vacancy = pairs[vacancy >= 0], vacancy[vacancy >= 0]
    ids = pairs[c.EMPLOYEE_ID].to_numpy(object)
    employee = pd.Index(view[c.EMPLOYEE_ID]).get_indexer(ids)
    if (employee < 0).any():
        raise RankingError(FIELD, f"employees in the scored pairs are not in the dataset: {_named(ids[employee < 0])}")
    order = np.lexsort((employee, vacancy))
    employee, vacancy = employee[order].astype(np.int64), vacancy[order].astype(np.int64)
    twice = np.flatnonzero((employee[1:] == employee[:-1]) & (vacancy[1:] == vacancy[:-1]))
    if len(twice):
        e, v = employee[twice[0]], vacancy[twice[0]]
        raise RankingError(FIELD, f"the scored pairs hold the pair of {view[c.EMPLOYEE_ID][e]} and "
                                  f"{vacancy_ids[v]} more than once")
    column = {name: pairs[name].to_numpy()[order] for name in
              (PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, PREFERENCE_MET, AGAINST_WISH)}
    n_eligible = table[N_ELIGIBLE].to_numpy(np.int64)[at]
    return KeptArrays(employee, vacancy, column[PREDICTED_PERFORMANCE].astype(np.float64),
                      column[ADJUSTMENT_RISK].astype(np.float64), column[PREFERENCE_MET].astype(bool),
                      column[AGAINST_WISH].astype(bool), len(view) - n_eligible)


def check_fixed_kept(kept: KeptArrays, view: Columns, vacancy_ids: np.ndarray, positions: PositionTable,
                     eligibility: PostEligibility, settings: PlanSettings, keep: dict) -> None:
    """A fixed move of an eligible employee whose pair the scored round did not keep is an
    error saying so (the planner's own check would call the employee not eligible)."""
    rows = {e: k for k, e in enumerate(view[c.EMPLOYEE_ID].tolist())}
    index = {v: k for k, v in enumerate(vacancy_ids.tolist())}
    known = [(i, move, rows[move[0]], index[move[1]]) for i, move in enumerate(settings.fixed)
             if move[0] in rows and move[1] in index]        # unknown ids: the planner's own check names them
    keys = np.array([v * len(view) + e for _, _, e, v in known], np.int64)
    missing = ~np.isin(keys, kept.vacancy * len(view) + kept.employee)
    for (i, (employee, position), e, _), gone in zip(known, missing.tolist()):
        if gone and e in next(eligibility.rows(positions, np.array([position], dtype=object))):
            raise RankingError(f"fixed.{i}", f"fixed move of {employee} to {position} is not among the kept pairs "
                                             f"of the scored round (top_n {keep['top_n']}, score_floor "
                                             f"{keep['score_floor']}): score the round again keeping more pairs")


def pairs_source(scored: ScoredPairs | None) -> dict:
    """The plan document's settings entry saying where its pairs came from ({} when the
    planner scored them itself)."""
    if scored is None:
        return {}
    m = scored.manifest
    return {SOURCE: {"engine": m.get("engine"), "workers": m.get("workers"), "top_n": m["keep"]["top_n"],
                     "score_floor": m["keep"]["score_floor"], "pairs_scored": m.get("pairs_scored"),
                     "pairs_kept": m.get("pairs_kept")}}


def source_plan_id(plan_id: str, scored: ScoredPairs | None) -> str:
    """The plan id, told apart by which pairs were kept when they come from a scored round
    (a plan over fewer pairs is another plan, with its own review decisions)."""
    if scored is None:
        return plan_id
    keep = json.dumps({"plan_id": plan_id, "keep": scored.manifest["keep"]}, sort_keys=True)
    return hashlib.sha256(keep.encode()).hexdigest()[:16]


def score_for_plan(directory: str | Path, served: ServedModel, round_: Round, when: pd.Timestamp,
                   settings: PlanSettings, keep: Keep, *, engine: Engine = Engine.DASK,
                   rows_per_slice: int = ROWS_PER_SLICE, cluster: ClusterSettings = ClusterSettings(),
                   progress: Callable[[int, int], None] | None = None) -> ScoredPairs:
    """Score ``round_`` for a plan at ``when`` under ``settings`` (rules, movers) into a
    temporary folder and read it back: what ``mutasi plan --engine dask`` plans from. A plan
    with chains is refused first (:func:`check_no_chains`), before the cluster works."""
    check_no_chains(settings)
    job = prepare_job(directory, served, round_, when, settings.rules, keep, due_only=settings.movers == Movers.DUE)
    return scored_pairs(directory, served, job, engine=engine, rows_per_slice=rows_per_slice, cluster=cluster,
                        progress=progress)


def _named(ids) -> str:
    ids = [str(i) for i in ids]
    more = f" and {len(ids) - NAMED} more" if len(ids) > NAMED else ""
    return ", ".join(ids[:NAMED]) + more
