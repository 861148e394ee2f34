"""Round plans against the simulator's oracle: how much of the true expected score a plan
of every held-out vacancy reaches, next to the baselines under the same constraints.

For each seed a province is simulated and a ranker fitted in-process (no MLflow, as the
model tests do); the round is every oracle vacancy (headcount 1, priority 1) at the
oracle's date. Every method fills the same :class:`PlanProblem` (same eligible pairs, key
post guard, outflow cap):

- ``plan``: :func:`serving.planning.plan.plan`, default settings but no outflow cap (the
  oracle optimum below faces exactly the plan's constraints); ``plan_default_cap`` also
  reports the default 20% cap; ``plan_no_wishes`` has the preference and unwillingness
  weights at 0 (the simulator's truth does not score stated wishes) and
  ``plan_performance_only`` the risk weight at 0 too (what the model alone is worth);
- ``greedy`` (and ``greedy_no_wishes``, ``greedy_performance_only``): HR's
  vacancy-by-vacancy top pick by the same values as the plan beside it;
- ``duk`` and ``last_score``: vacancy by vacancy, the most senior (DUK) or best last
  appraised free eligible candidate;
- ``random``: the same solve with random pair values (mean over 20 draws);
- ``oracle``: the same solve with the true expected scores as values (``oracle_greedy``:
  the greedy by the true values: what the assignment alone adds once values are right).

Each method's TRUE total expected score and true failure probability total are read from
the oracle file; ``gap_share`` is (method - random) / (oracle - random).

``python -m bench.plan_quality --seeds 7 11 13 --employees 5000`` writes its rows into
``bench/results.json`` and ``bench/results.md`` (other benches' rows are kept).
"""

import time
from pathlib import Path

import numpy as np

from bench.common import cached_bundle
from bench.results import seeds_main

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".mutasi" / "bench"          # simulated provinces and fitted bundles, made once
RANDOM_DRAWS = 20
TARGET_GAP_SHARE = 0.95
SEEDS = (7, 11, 13)
EMPLOYEES = 5000


def _variants() -> dict:
    from serving.planning.settings import PlanWeights

    return {"no_wishes": PlanWeights(preference=0.0, unwilling=0.0),
            "performance_only": PlanWeights(performance=1.0, risk=0.0, preference=0.0, unwilling=0.0)}


# --- cached provinces and models (also used by bench.planning_bench) -----------------------

def province(employees: int, seed: int) -> Path:
    """A simulated province, written once under ``.mutasi/bench``."""
    from features.names import SIMULATION_MANIFEST_FILE
    from simulator import simulate, write_simulation

    path = CACHE / f"province-{employees}-{seed}"
    if not (path / SIMULATION_MANIFEST_FILE).exists():
        print(f"  simulating {employees:,} employees, seed {seed} (once, cached in {path})", flush=True)
        write_simulation(simulate(n_employees=employees, seed=seed), path)
    return path


def fitted_bundle(path: Path, employees: int, seed: int):
    """The ranker fitted on a province, saved once under ``.mutasi/bench``."""
    return cached_bundle(path, CACHE / f"bundle-{employees}-{seed}")


# --- one province ----------------------------------------------------------------------------

def _truth(pairs, oracle) -> tuple[np.ndarray, np.ndarray]:
    """True expected score and failure probability of every pair, from the oracle file."""
    import pandas as pd

    from features import columns as c
    from features.names import TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB

    p = pairs.problem
    keys = pd.DataFrame({c.EMPLOYEE_ID: pairs.view[c.EMPLOYEE_ID][p.pair_employee].astype(str),
                         c.POSITION_ID: pairs.vacancy_ids[p.pair_vacancy].astype(str)})
    joined = keys.merge(oracle[[c.EMPLOYEE_ID, c.POSITION_ID, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB]],
                        on=[c.EMPLOYEE_ID, c.POSITION_ID], how="left", validate="one_to_one")
    missing = int(joined[TRUE_EXPECTED_SCORE].isna().sum())
    if missing:
        raise RuntimeError(f"{missing} of the plan's {len(keys)} eligible pairs are not in the oracle file")
    if len(oracle) != len(keys):
        raise RuntimeError(f"the oracle has {len(oracle)} eligible pairs, the plan {len(keys)}")
    return joined[TRUE_EXPECTED_SCORE].to_numpy(float), joined[TRUE_FAILURE_PROB].to_numpy(float)


def _seniority(context, when) -> tuple[np.ndarray, np.ndarray]:
    """Per employee (view row): DUK order (higher = more senior) and last appraisal score."""
    from training.baselines import duk_score, last_score
    from training.evaluate import with_age

    frame = with_age(context.snapshot(when).reset_index(drop=True), context.dataset)
    return duk_score(frame), last_score(frame)


def province_quality(path: Path, bundle, seed: int, employees: int) -> list[dict]:
    """Every method's true totals on the round of all oracle vacancies of one province."""
    from dataclasses import replace

    import pandas as pd

    from features import columns as c
    from features.names import AS_OF
    from features.round import positions_with_round, round_from_frame
    from serving.champion import ServedModel
    from serving.context import ServingContext
    from serving.planning.build import build_round, pair_values
    from serving.planning.greedy import greedy
    from serving.planning.plan import plan
    from serving.planning.problem import check_assignment
    from serving.planning.settings import OutflowCap, PlanSettings
    from serving.planning.solver import solve
    from training.evaluate import read_oracle

    context = ServingContext.load(path)
    oracle = read_oracle(path)
    dates = oracle[AS_OF].dt.normalize().unique()
    if len(dates) != 1:
        raise RuntimeError(f"the oracle of {path} has {len(dates)} dates; one round is planned at one date")
    when = pd.Timestamp(dates[0])
    round_ = round_from_frame(pd.DataFrame({c.POSITION_ID: pd.unique(oracle[c.POSITION_ID])}), context.dataset)
    served = ServedModel(bundle, "bench", "0", "")
    positions = positions_with_round(context.positions, context.dataset, round_)
    uncapped = PlanSettings(outflow=OutflowCap(None))
    pairs = build_round(context, bundle, round_, when, uncapped, positions)
    problem = pairs.problem
    true_score, true_failure = _truth(pairs, oracle)
    duk, last = _seniority(context, when)

    started = time.perf_counter()
    document = plan(context, served, round_, when, uncapped)
    plan_seconds = time.perf_counter() - started
    chosen = {"plan": pairs.chosen_by(document.moves), "greedy": greedy(problem)}
    capped = PlanSettings()
    capped_pairs = build_round(context, bundle, round_, when, capped, positions)
    capped_chosen = capped_pairs.chosen_by(plan(context, served, round_, when, capped).moves)
    for name, weights in _variants().items():       # the same pairs, other values: plan and greedy of each
        settings = PlanSettings(outflow=OutflowCap(None), weights=weights)
        chosen[f"plan_{name}"] = pairs.chosen_by(plan(context, served, round_, when, settings).moves)
        values = pair_values(settings, pairs.performance, pairs.risk, pairs.preference_met, pairs.against_wish)
        chosen[f"greedy_{name}"] = greedy(replace(problem, pair_value=values))
    chosen["duk"] = greedy(replace(problem, pair_value=duk[problem.pair_employee]))
    chosen["last_score"] = greedy(replace(problem, pair_value=last[problem.pair_employee]))
    chosen["oracle"] = solve(replace(problem, pair_value=true_score)).chosen
    chosen["oracle_greedy"] = greedy(replace(problem, pair_value=true_score))
    rng = np.random.default_rng(seed)
    draws = [solve(replace(problem, pair_value=rng.random(problem.n_pairs))).chosen for _ in range(RANDOM_DRAWS)]

    random_score = float(np.mean([true_score[d].sum() for d in draws]))
    random_failure = float(np.mean([true_failure[d].sum() for d in draws]))
    oracle_score = float(true_score[chosen["oracle"]].sum())
    base = {"bench": "plan_quality", "employees": employees, "seed": seed, "vacancies": problem.n_vacancies,
            "pairs": problem.n_pairs}

    def row(method: str, score: float, failure: float, filled: float, broken: list[str]) -> dict:
        return {**base, "method": method, "filled": filled, "true_expected_score": round(score, 4),
                "true_failure_total": round(failure, 4),
                "gap_share": round((score - random_score) / (oracle_score - random_score), 4),
                "constraints_hold": not broken}

    rows = [row(m, float(true_score[x].sum()), float(true_failure[x].sum()), int(x.sum()),
                check_assignment(problem, x)) for m, x in chosen.items()]
    rows.insert(1, row("plan_default_cap", float(true_score[capped_chosen].sum()),
                       float(true_failure[capped_chosen].sum()), int(capped_chosen.sum()),
                       check_assignment(capped_pairs.problem, capped_chosen)))
    rows.append(row("random", random_score, random_failure, float(np.mean([d.sum() for d in draws])),
                    [b for d in draws for b in check_assignment(problem, d)]))
    rows[0]["plan_seconds"] = round(plan_seconds, 2)
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Mean per method over the seeds, and the checks: the plan captures >= 95% of the
    random-to-oracle gap and beats the greedy and DUK on every seed."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    out = []
    for method, group in frame.groupby("method", sort=False):
        out.append({"bench": "plan_quality_mean", "employees": int(group["employees"].iloc[0]),
                    "seeds": len(group), "method": method, "gap_share": round(group["gap_share"].mean(), 4),
                    "true_expected_score": round(group["true_expected_score"].mean(), 3),
                    "true_failure_total": round(group["true_failure_total"].mean(), 3),
                    "constraints_hold": bool(group["constraints_hold"].all())})
    by = frame.pivot(index="seed", columns="method", values="true_expected_score")
    plan_share = frame[frame["method"] == "plan"]["gap_share"]
    out.append({"bench": "plan_quality_checks", "seeds": len(by),
                "plan_gap_share_mean": round(plan_share.mean(), 4), "plan_gap_share_min": round(plan_share.min(), 4),
                f"meets_{TARGET_GAP_SHARE:.0%}": bool(plan_share.mean() >= TARGET_GAP_SHARE),
                "beats_greedy_every_seed": bool((by["plan"] >= by["greedy"]).all()),
                "no_wishes_beats_greedy_every_seed": bool((by["plan_no_wishes"] >= by["greedy_no_wishes"]).all()),
                "beats_duk_every_seed": bool((by["plan"] >= by["duk"]).all()),
                "plan_minus_greedy_mean": round(float((by["plan"] - by["greedy"]).mean()), 4),
                "no_wishes_minus_greedy_mean": round(float((by["plan_no_wishes"] - by["greedy_no_wishes"]).mean()), 4),
                "plan_minus_duk_mean": round(float((by["plan"] - by["duk"]).mean()), 4)})
    return out


def run(seeds=SEEDS, employees: int = EMPLOYEES) -> list[dict]:
    rows: list[dict] = []
    for seed in seeds:
        path = province(employees, seed)
        mine = province_quality(path, fitted_bundle(path, employees, seed), seed, employees)
        print(*(f"  {r}" for r in mine), sep="\n", flush=True)
        rows += mine
    return rows + summary(rows)


def main(argv: list[str] | None = None) -> None:
    seeds_main(argv, "plan_quality", "Round plans against the simulator's oracle.", run, SEEDS, EMPLOYEES, show=12)


if __name__ == "__main__":
    main()
