"""Programme evaluation against the simulator's known effect, over seeds.

For each seed a province is simulated once per setting (:data:`MODES`): the appraisal
setting of :mod:`simulator.program` — ``set`` (a dip then recovery, deeper into another
domain), ``zero`` (moves change nothing), ``natural`` (the simulator's own fit mechanism) —
and the managers' selection bias (1: they prefer a good last appraisal; 0: random among the
eligible). On each,
the appraisal score's staggered DiD (Callaway–Sant'Anna, not-yet-moved comparison,
anticipation 2) is compared with the truth aggregated with the estimator's own weights
(:func:`serving.program.did.truth_of`); the placebo (fake move dates for never-moved staff)
is compared with 0; the naive before/after with the same truth.

The issue's targets, over at least 10 seeds: the 95% CI covers the truth in >= 90% of runs;
the placebo's CI covers 0 in >= 90%; with zero true effect the estimate is not significant
in >= 90%; the naive before/after is biased.

``python -m bench.program_coverage --seeds 1 2 3 4 5 6 7 8 9 10 --employees 3000`` (about
3 s per seed and setting on 2 cores, 5 minutes for 20 seeds; not part of ``make bench``) writes its rows into
``bench/results.json`` / ``results.md`` (``--no-write`` only prints) and prints the summary.
"""

import time

from bench.results import seeds_main

SEEDS = tuple(range(1, 11))
EMPLOYEES = 3000
# (appraisal setting, managers' selection bias): ``set`` and ``zero`` (with the evaluation's rating
# drift) when managers prefer candidates with a good last appraisal (the simulator's default, 1) and
# when they pick at random among the eligible (0); ``natural``: the simulator's own appraisals
MODES = (("set", 1.0), ("zero", 1.0), ("set", 0.0), ("zero", 0.0), ("natural", 1.0))


def mode_name(mode: tuple[str, float]) -> str:
    return f"{mode[0]}, selection {mode[1]:g}"


def one_run(employees: int, seed: int, mode: tuple[str, float]) -> dict:
    """One province, one appraisal setting: estimate, truth, placebo, naive."""
    from features import program_panel as pp
    from features.io import dataset_from_tables
    from features.program_moves import first_moves, recently_moved
    from serving.program.did import placebo_did, staggered_did, truth_of
    from serving.program.evaluate import window_of
    from serving.program.results import DidSettings, Outcome
    from simulator.program import program_settings
    from simulator.simulation import simulate

    started = time.perf_counter()
    effect, selection = mode
    sim = simulate(n_employees=employees, seed=seed, program=program_settings(effect), selection_bias=selection)
    simulated = time.perf_counter() - started
    dataset = dataset_from_tables(sim.tables)
    window = window_of(dataset, None, None)
    panel = pp.employee_panel(dataset, window.periods, first_moves(dataset, window), recently_moved(dataset, window))
    settings = DidSettings()
    started = time.perf_counter()
    outcome = Outcome.APPRAISAL.value
    result = staggered_did(panel, outcome, settings)
    placebo = placebo_did(panel, outcome, settings)
    estimated = time.perf_counter() - started
    truth = truth_of(panel, sim.program_truth.appraisal, settings, outcome=outcome)
    att, naive = result.att, result.naive
    row = {"bench": "program_coverage", "mode": mode_name(mode), "seed": seed, "employees": employees,
           "n_treated": result.n_treated, "att": round(att.estimate, 4), "se": round(att.std_error, 4),
           "ci_low": round(att.ci_low, 4), "ci_high": round(att.ci_high, 4), "truth": round(truth, 4),
           "covers_truth": bool(att.ci_low <= truth <= att.ci_high), "significant": att.significant,
           "naive": round(naive.estimate, 4), "naive_bias": round(naive.estimate - truth, 4),
           "naive_covers_truth": bool(naive.ci_low <= truth <= naive.ci_high),
           "pretrend_p": None if result.pretrend is None else round(result.pretrend.p_value, 4),
           "placebo_att": None if placebo is None else round(placebo.att.estimate, 4),
           "placebo_covers_zero": None if placebo is None else not placebo.att.significant,
           "simulate_s": round(simulated, 1), "estimate_s": round(estimated, 1)}
    print(f"    {row}", flush=True)
    return row


def rate(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(sum(bool(v) for v in values) / len(values), 3) if values else None


def summary(rows: list[dict], mode: str) -> dict:
    mine = [r for r in rows if r["mode"] == mode]
    if not mine:
        return {"bench": "program_coverage_summary", "mode": mode, "runs": 0}
    bias = [r["naive_bias"] for r in mine]
    return {"bench": "program_coverage_summary", "mode": mode, "runs": len(mine),
            "ci_covers_truth": rate(mine, "covers_truth"), "significant": rate(mine, "significant"),
            "placebo_covers_zero": rate(mine, "placebo_covers_zero"),
            "pretrend_passed": rate([{**r, "p": None if r["pretrend_p"] is None else r["pretrend_p"] >= 0.05}
                                     for r in mine], "p"),
            "mean_truth": round(sum(r["truth"] for r in mine) / len(mine), 4),
            "mean_att": round(sum(r["att"] for r in mine) / len(mine), 4),
            "mean_naive_bias": round(sum(bias) / len(bias), 4),
            "naive_covers_truth": rate(mine, "naive_covers_truth")}


def run(seeds=SEEDS, employees: int = EMPLOYEES, modes=MODES) -> list[dict]:
    rows = [one_run(employees, seed, mode) for seed in seeds for mode in modes]
    return rows + [summary(rows, mode_name(mode)) for mode in modes]


def main(argv: list[str] | None = None) -> None:
    seeds_main(argv, "program_coverage", "Programme evaluation vs the simulator's known effect, over seeds.",
               run, SEEDS, EMPLOYEES, show=len(MODES))


if __name__ == "__main__":
    main()
