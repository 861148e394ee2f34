"""Plan a round: the function every door (Python, CLI, HTTP, page) calls.

Flow: round file → pools and scores of every (employee, vacancy) pair (one scoring path)
→ exact solve with proven bound → greedy baseline under the same constraints → what each
constraint costs → explanations and runners-up of the moves shown → the plan document.
"""

import dataclasses
import hashlib
import json
import time

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features.eligibility import rules_label
from features.pairs import pair_features
from features.round import Round, positions_with_round
from models.scoring import score_candidates
from serving.champion import ServedModel
from serving.context import ServingContext
from serving.errors import RankingError
from serving.explain import contributions, explain_rows
from serving.planning.build import Progress, RoundPairs, build_round
from serving.planning.costs import constraint_costs
from serving.planning.document import (
    ConstraintReport,
    Objective,
    Plan,
    PlanMove,
    Unfilled,
    UnfilledReason,
    UnitFlow,
)
from serving.planning.greedy import greedy
from serving.planning.problem import NO_CAP, Solution, objective
from serving.planning.settings import PlanSettings, check_settings
from serving.planning.solver import PlanInfeasible, solve
from serving.planning.sparse import pairs_source, round_arrays, source_plan_id
from serving.ranking import resolve_as_of
from serving.result import ModelInfo
from serving.scale.scored import ScoredPairs

# what PlanInfeasible.indices count, by the constraint it names (see its docstring)
INDEX_KIND = {"fixed_moves": "employee", "max_outflow_per_unit": "unit"}


def plan(context: ServingContext, served: ServedModel, round_: Round, as_of=None,
         settings: PlanSettings = PlanSettings(), progress: Progress | None = None,
         scored: ScoredPairs | None = None) -> Plan:
    """The plan document of a round; with ``scored`` its pairs are those a scored round
    kept (:mod:`serving.planning.sparse`) instead of every eligible pair scored here."""
    check_settings(settings)
    when = resolve_as_of(context, as_of)
    positions = positions_with_round(context.positions, context.dataset, round_)
    kept = None if scored is None else round_arrays(scored, context, served, round_, when, settings, positions)
    pairs = build_round(context, served.bundle, round_, when, settings, positions, progress, kept)
    problem = pairs.problem
    _stage(progress, "solve")
    started = time.perf_counter()
    try:
        solution = solve(problem, time_limit_s=settings.time_limit_s)
    except PlanInfeasible as exc:
        raise RankingError(exc.constraint, _infeasible_message(exc, pairs)) from exc
    seconds = time.perf_counter() - started
    _stage(progress, "greedy and constraint costs")
    greedy_chosen = greedy(problem)
    costs, relaxed = constraint_costs(problem, solution, time_limit_s=settings.time_limit_s)
    _stage(progress, "explanations")
    moves = _moves(pairs, solution, served, settings)
    return Plan(
        plan_id=source_plan_id(plan_id(context, served, round_, when, settings), scored),
        as_of=when.date(), model=ModelInfo(name=served.name, version=served.version, run_id=served.run_id),
        rules=rules_label(settings.rules),
        objective=Objective(value=round(solution.value, 6), bound=round(solution.bound, 6),
                            gap=round(solution.gap, 8), greedy_value=round(objective(problem, greedy_chosen), 6),
                            filled=int(solution.chosen.sum()), greedy_filled=int(greedy_chosen.sum()),
                            relaxed_value=round(relaxed.value, 6), relaxed_filled=int(relaxed.chosen.sum()),
                            solver=solution.solver, seconds=round(seconds, 3)),
        moves=moves, unfilled=_unfilled(pairs, solution),
        constraints=[ConstraintReport(name=str(k.name), binding=k.binding, cost=round(k.cost, 6),
                                      relaxed_value=round(k.relaxed_value, 6), slots_gained=k.slots_gained)
                     for k in costs],
        units=_unit_flows(pairs, solution), settings={**settings_document(settings), **pairs_source(scored)},
        n_vacancies=len(round_.vacancies), headcount=sum(v.headcount for v in round_.vacancies),
        n_pairs=problem.n_pairs, language=settings.lang)


def plan_id(context: ServingContext, served: ServedModel, round_: Round, when: pd.Timestamp,
            settings: PlanSettings) -> str:
    """Same data source, model, round, date and settings → same id (for review decisions)."""
    payload = json.dumps({"data": context.dataset.source, "model": [served.name, served.version],
                          "round": [dataclasses.asdict(v) for v in round_.vacancies], "as_of": str(when.date()),
                          "settings": settings_document(settings)}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def settings_document(settings: PlanSettings) -> dict:
    doc = dataclasses.asdict(settings)
    doc["outflow"] = settings.outflow.describe()
    doc["rules"] = rules_label(settings.rules)
    doc["fixed"] = [list(m) for m in settings.fixed]
    doc["forbidden"] = [list(m) for m in settings.forbidden]
    return doc


def _stage(progress: Progress | None, name: str) -> None:
    if progress:
        progress(name, 0, 1)


def _infeasible_message(exc: PlanInfeasible, pairs: RoundPairs) -> str:
    """The solver's message with employee, vacancy and unit ids in place of indices."""
    kind = INDEX_KIND.get(exc.constraint, "vacancy")
    ids = {"employee": pairs.view[c.EMPLOYEE_ID], "vacancy": pairs.vacancy_ids, "unit": pairs.unit_ids}[kind]
    words = str(exc)
    for i in exc.indices:
        if 0 <= i < len(ids):
            words = words.replace(f"{kind} index {i}", f"{kind} {ids[i]}").replace(f"{kind} {i} ", f"{kind} {ids[i]} ")
    return words


def _moves(pairs: RoundPairs, solution: Solution, served: ServedModel, settings: PlanSettings) -> list[PlanMove]:
    p = pairs.problem
    chosen = np.flatnonzero(solution.chosen)
    chosen = chosen[np.lexsort((p.pair_employee[chosen], p.pair_vacancy[chosen]))]
    if not len(chosen):
        return []
    employees, vacancies = p.pair_employee[chosen], p.pair_vacancy[chosen]
    explanations = _explanations(pairs, served, employees, vacancies, settings)
    runners = _runners_up(pairs, solution, settings.runners_up)
    view, ids = pairs.view, pairs.vacancy_ids
    from_posts = view[s.CURRENT_POSITION_ID][employees]
    unit_of_employee = np.append(pairs.unit_ids, None)[p.employee_unit[employees]]
    key = pairs.key_post
    return [PlanMove(position_id=str(ids[v]), employee_id=str(view[c.EMPLOYEE_ID][e]),
                     from_position_id=None if from_posts[k] is None else str(from_posts[k]),
                     predicted_performance=round(float(pairs.performance[i]), 4),
                     adjustment_risk=round(float(pairs.risk[i]), 4), preference_met=bool(pairs.preference_met[i]),
                     explanations=explanations[k], runners_up=runners.get(int(v), []),
                     value=round(float(p.pair_value[i]), 4), unit_id=pairs.vacancy_units[v],
                     from_unit_id=unit_of_employee[k], chain_depth=int(p.depth[v]), fixed=bool(p.fixed[i]),
                     against_wish=bool(pairs.against_wish[i]), key_post=bool(key[v]))
            for k, (i, e, v) in enumerate(zip(chosen.tolist(), employees.tolist(), vacancies.tolist()))]


def _explanations(pairs: RoundPairs, served: ServedModel, employees: np.ndarray, vacancies: np.ndarray,
                  settings: PlanSettings) -> list:
    """Explanations of the chosen moves only: their pair features rebuilt and re-scored."""
    if settings.explanations_per_target == 0:
        return [[] for _ in employees]
    cand = pairs.view.take(employees)
    frame = cand.merge(pair_features(cand, pairs.positions, pairs.vacancy_ids[vacancies].astype(object)))
    scored = score_candidates(served.bundle, frame)
    contrib = contributions(served.bundle, scored.matrix)
    return explain_rows(served.bundle, frame, contrib, settings.lang, settings.explanations_per_target)


def _runners_up(pairs: RoundPairs, solution: Solution, k: int) -> dict[int, list[str]]:
    """Per vacancy with a move: its best other allowed candidates, by value (ties keep the
    pair order). Vectorised: a round has millions of pairs."""
    if k == 0:
        return {}
    p = pairs.problem
    filled = np.zeros(p.n_vacancies, bool)
    filled[p.pair_vacancy[solution.chosen]] = True
    rows = np.flatnonzero(p.allowed() & ~solution.chosen & filled[p.pair_vacancy])
    rows = rows[np.lexsort((-p.pair_value[rows], p.pair_vacancy[rows]))]
    vacancy = p.pair_vacancy[rows]
    starts = np.flatnonzero(np.r_[True, vacancy[1:] != vacancy[:-1]]) if len(rows) else np.empty(0, np.int64)
    rank_in_group = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    top = rows[rank_in_group < k]
    ids = pairs.view[c.EMPLOYEE_ID]
    out: dict[int, list[str]] = {}
    for v, e in zip(p.pair_vacancy[top].tolist(), p.pair_employee[top].tolist()):
        out.setdefault(v, []).append(str(ids[e]))
    return out


def _capacity(pairs: RoundPairs, solution: Solution) -> np.ndarray:
    """Slots of each vacancy in this plan: its headcount, or for a chain post 1 when its
    opener moves into a shallower vacancy, else 0."""
    p = pairs.problem
    cap = p.headcount.copy()
    chosen = np.flatnonzero(solution.chosen)
    moved_to_depth = dict(zip(p.pair_employee[chosen].tolist(), p.depth[p.pair_vacancy[chosen]].tolist()))
    for v in np.flatnonzero(p.opened_by >= 0).tolist():
        d = moved_to_depth.get(int(p.opened_by[v]))
        cap[v] = 1 if d is not None and d < p.depth[v] else 0
    return cap


def _unfilled(pairs: RoundPairs, solution: Solution) -> list[Unfilled]:
    p, chosen = pairs.problem, solution.chosen
    filled = np.bincount(p.pair_vacancy[chosen], minlength=p.n_vacancies)
    missing = _capacity(pairs, solution) - filled
    moved = np.bincount(p.pair_employee[chosen], minlength=p.n_employees) > 0
    leaving = np.bincount(p.pair_unit()[chosen], minlength=len(p.outflow_cap))
    unit_full = leaving >= p.outflow_cap
    eligible = len(pairs.view) - pairs.n_excluded        # per vacancy; more than its pairs when some were not kept
    out = []
    for v in np.flatnonzero(missing > 0).tolist():
        mine = p.pair_vacancy == v
        allowed = mine & p.allowed()
        reasons: list[UnfilledReason] = []
        if not mine.any() and eligible[v] == 0:
            reasons.append(UnfilledReason.NO_ELIGIBLE_CANDIDATE)
        if (mine & p.guarded).any() and not allowed.any():
            reasons.append(UnfilledReason.KEY_POST_GUARD)
        if (mine & p.forbidden).any() and not allowed.any():
            reasons.append(UnfilledReason.FORBIDDEN_BY_REVIEWER)
        if allowed.any() and allowed.sum() < p.headcount[v]:
            reasons.append(UnfilledReason.FEWER_CANDIDATES)
        free = allowed & ~moved[p.pair_employee]
        if (free & unit_full[p.pair_unit()]).any():
            reasons.append(UnfilledReason.OUTFLOW_CAP)
        if (allowed & moved[p.pair_employee] & ~chosen).any():
            reasons.append(UnfilledReason.TAKEN_BY_OTHER_POSTS)
        if eligible[v] > mine.sum():
            reasons.append(UnfilledReason.PAIRS_NOT_KEPT)
        out.append(Unfilled(position_id=str(pairs.vacancy_ids[v]), missing=int(missing[v]),
                            reasons=reasons, n_candidates=int(allowed.sum())))
    return out


def _unit_flows(pairs: RoundPairs, solution: Solution) -> list[UnitFlow]:
    p, chosen = pairs.problem, solution.chosen
    n = len(pairs.unit_ids)
    leaving = np.bincount(p.pair_unit()[chosen], minlength=n + 1)[:n]
    at = pd.Index(pairs.unit_ids).get_indexer(pairs.vacancy_units[p.pair_vacancy[chosen]])
    arriving = np.bincount(at[at >= 0], minlength=n)
    touched = np.flatnonzero((leaving > 0) | (arriving > 0))
    return [UnitFlow(unit_id=str(pairs.unit_ids[u]), staff=int(pairs.staff[u]),
                     max_outflow=None if p.outflow_cap[u] >= NO_CAP else int(p.outflow_cap[u]),
                     leaving=int(leaving[u]), arriving=int(arriving[u])) for u in touched.tolist()]
