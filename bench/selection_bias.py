"""Learning from biased history: the selection correction against the simulator's oracle.

For each seed and each strength of the historical selection (``simulate(...,
selection_bias=b)``: 0 = appointments at random among the fitting candidates, 1 = the
default managers, 2 = twice as strong), a province is simulated once and the ranker is
fitted in-process (no MLflow) with every ``--selection-correction`` option. Each fit is
judged on the oracle's held-out vacancies: Spearman of predicted performance with the true
expected score and of predicted risk with the true failure probability, NDCG@10 and the
share of the random-to-oracle NDCG@10 gap, next to the baselines of the same run (DUK,
last score, linear).

``python -m bench.selection_bias --seeds 7 11 13 17 19 --biases 0.5 1 2 --employees 3000``
writes its rows into ``bench/results.json`` / ``results.md`` (other benches' rows kept)
and prints the mean and spread per (bias, correction).
"""

import argparse
import time
from pathlib import Path

import numpy as np

from bench.results import update_results

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".mutasi" / "bench"
SEEDS = (7, 11, 13, 17, 19)
BIASES = (0.5, 1.0, 2.0)
CORRECTIONS = ("none", "ipw", "dr")
SELECTION_KEYS = ("selection_ess_share", "selection_share_clipped", "selection_max_weight")
EMPLOYEES = 3000
BASELINES = ("duk", "last_score", "linear")


def province(employees: int, seed: int, bias: float) -> Path:
    """A simulated province with the given selection bias, written once under ``.mutasi/bench``."""
    from features.names import SIMULATION_MANIFEST_FILE
    from simulator import simulate, write_simulation

    path = CACHE / f"province-{employees}-{seed}-bias{bias:g}"
    if not (path / SIMULATION_MANIFEST_FILE).exists():
        print(f"  simulating {employees:,} employees, seed {seed}, selection bias {bias:g}", flush=True)
        write_simulation(simulate(n_employees=employees, seed=seed, selection_bias=bias), path)
    return path


def _oracle_rows(evaluation, method: str) -> dict:
    """The oracle figures of one method from an evaluation table."""
    rows = evaluation[(evaluation["split"] == "oracle") & (evaluation["method"] == method)]
    perf = rows[rows["target"] == "performance"].iloc[0]
    risk = rows[rows["target"] == "risk"]
    return {"perf_spearman": round(float(perf["spearman"]), 4), "ndcg_at_10": round(float(perf["ndcg@10"]), 4),
            "gap_share": round(float(perf["gap_share"]), 4),
            "risk_spearman": round(float(risk.iloc[0]["spearman"]), 4) if len(risk) else np.nan}


def one_province(employees: int, seed: int, bias: float) -> list[dict]:
    """The uncorrected, ipw and dr models (one selection model, fitted once) and the baselines
    on one province's oracle vacancies."""
    from dataclasses import replace

    from features.io import load_dataset
    from features.snapshot import prepare_sources
    from features.training_table import build_training_table
    from training import evaluate as ev
    from training.fit import FitSettings
    from training.pipeline import fit_models, fit_ranker

    path = province(employees, seed, bias)
    dataset = load_dataset(path)
    table = ev.with_age(build_training_table(dataset), dataset)
    oracle = ev.read_oracle(path)
    started = time.perf_counter()
    fitted = fit_ranker(dataset, table, FitSettings(selection_correction="ipw"))      # also the uncorrected
    ipw_s = time.perf_counter() - started
    spec, settings = fitted.bundle.spec, FitSettings(selection_correction="dr")
    plain = fitted.uncorrected
    performance, risk, calibration = fit_models(spec.matrix(table), table, fitted.perf_split, fitted.risk_split,
                                                spec, settings, fitted.selection.row_weight,
                                                (plain.performance, plain.risk))
    dr = replace(plain, performance=performance, risk=risk, calibration=calibration)
    cands = ev.oracle_candidates(dataset, prepare_sources(dataset), oracle)
    evaluation = ev.oracle_metrics(fitted.bundle, fitted.linear, cands, {"model_none": plain, "model_dr": dr})
    evaluation["method"] = evaluation["method"].replace({"model": "model_ipw"})
    summary = fitted.selection.summary
    base = {"bench": "selection_bias", "seed": seed, "bias": bias, "employees": employees}
    rows = [{**base, "method": name, **_oracle_rows(evaluation, name)}
            for name in ("model_none", "model_ipw", "model_dr", *BASELINES)]
    rows[1].update({"fit_s": round(ipw_s, 1), **{k: summary.get(k) for k in SELECTION_KEYS if k in summary}})
    for row in rows:
        print(f"    {row}", flush=True)
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Mean and standard deviation over seeds per (bias, method)."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    out = []
    for (bias, method), grp in frame.groupby(["bias", "method"], sort=True):
        row = {"bench": "selection_bias_summary", "bias": bias, "method": method, "seeds": len(grp)}
        for key in ("perf_spearman", "risk_spearman", "ndcg_at_10", "gap_share"):
            values = grp[key].astype(float)
            row[f"{key}_mean"] = round(float(values.mean()), 4)
            row[f"{key}_sd"] = round(float(values.std(ddof=1)), 4) if len(values) > 1 else 0.0
        out.append(row)
    return out


def run(seeds=SEEDS, biases=BIASES, employees: int = EMPLOYEES) -> list[dict]:
    rows = []
    for bias in biases:
        for seed in seeds:
            rows += one_province(employees, seed, bias)
    return rows + summary(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--biases", type=float, nargs="+", default=list(BIASES))
    parser.add_argument("--employees", type=int, default=EMPLOYEES)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(args.seeds, args.biases, args.employees)
    print(update_results(rows, "selection_bias", started))


if __name__ == "__main__":
    main()
