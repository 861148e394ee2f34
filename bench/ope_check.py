"""Off-policy estimates against the simulator's oracle: for each seed a province is
simulated with ``replicates`` logged choices on each of ``vacancies`` held-out vacancies,
a ranker fitted in-process (no MLflow, as the model tests do), and every policy's IPS,
SNIPS and DR estimate (:func:`training.policy_eval.evaluate_oracle_log`) set beside its
oracle value: the mean true expected score (and 1 − true failure probability) of its top
pick. The issue's bar: some estimator covers the oracle value for at least three policies.

``python -m bench.ope_check --seeds 7 11 --employees 3000 --vacancies 300 --replicates 20``
prints the table and writes ``.mutasi/bench/ope_check.json``. Provinces are cached under
``.mutasi/bench/``.
"""

import argparse
import json
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".mutasi" / "bench"
BAR_POLICIES = 3


def province(employees: int, seed: int, vacancies: int, replicates: int) -> Path:
    """A simulated province with its oracle log, written once under ``.mutasi/bench``."""
    from features.names import ORACLE_LOG_FILE
    from simulator import simulate, write_simulation

    path = CACHE / f"ope-province-{employees}-{seed}-{vacancies}-{replicates}"
    if not (path / ORACLE_LOG_FILE).exists():
        print(f"  simulating {employees:,} employees, seed {seed}, {vacancies} vacancies x {replicates} "
              f"logged choices (once, cached in {path})", flush=True)
        write_simulation(simulate(n_employees=employees, seed=seed, n_vacancies=vacancies), path,
                         logged_replicates=replicates)
    return path


def seed_rows(path: Path, seed: int, n_boot: int) -> pd.DataFrame:
    """Every policy's estimates on one province, with its oracle value."""
    from features.io import load_dataset
    from features.names import ORACLE_LOG_FILE
    from features.training_table import build_training_table
    from training import policy_eval as pe
    from training.evaluate import read_oracle, with_age
    from training.pipeline import fit_ranker

    dataset = load_dataset(path)
    table = with_age(build_training_table(dataset), dataset)
    fitted = fit_ranker(dataset, table)
    result = pe.evaluate_oracle_log(dataset, fitted.bundle, table, read_oracle(path),
                                    pd.read_parquet(path / ORACLE_LOG_FILE), linear=fitted.linear,
                                    settings=pe.OPESettings(n_boot=n_boot, seed=seed),
                                    progress=lambda m: print(f"  {m}", flush=True))
    return result.table.assign(seed=seed)


def covered_policies(rows: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Per (seed, target): the policies whose oracle value some estimator's interval covers."""
    out: dict[str, dict[str, list[str]]] = {}
    policies = rows[rows["policy"] != "logged"]
    for (seed, target), part in policies.groupby(["seed", "target"]):
        hit = part[part["covers"].fillna(False).astype(bool)]
        out.setdefault(str(seed), {})[target] = sorted(hit["policy"].unique())
    return out


def run(seeds=(7, 11), employees: int = 3000, vacancies: int = 300, replicates: int = 20,
        n_boot: int = 1000) -> dict:
    """The estimates of every seed, which cover their oracle value, and the bar's verdict."""
    started = time.perf_counter()
    frames = []
    for seed in seeds:
        print(f"seed {seed}", flush=True)
        frames.append(seed_rows(province(employees, seed, vacancies, replicates), seed, n_boot))
    rows = pd.concat(frames, ignore_index=True)
    covered = covered_policies(rows)
    by_estimator = (rows[rows["policy"] != "logged"].assign(covers=lambda f: f["covers"].fillna(False).astype(bool))
                    .groupby(["target", "estimator"])["covers"].mean().round(3).to_dict())
    return {"seeds": list(seeds), "employees": employees, "vacancies": vacancies, "replicates": replicates,
            "rows": rows.astype({"covers": "object"}).where(rows.notna(), None).to_dict("records"),
            "covered": covered, "cover_rate": {f"{t}/{e}": v for (t, e), v in by_estimator.items()},
            "bar_met": all(len(v) >= BAR_POLICIES for per_seed in covered.values() for v in per_seed.values()),
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--vacancies", type=int, default=300)
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    result = run(tuple(args.seeds), args.employees, args.vacancies, args.replicates, args.n_boot)
    rows = pd.DataFrame(result["rows"])
    with pd.option_context("display.width", 250, "display.max_rows", 500):
        print(rows[["seed", "policy", "target", "estimator", "estimate", "low", "high", "n_matched",
                    "expected_matches", "oracle_value", "covers"]].round(3).to_string(index=False))
    print(json.dumps({k: result[k] for k in ("covered", "cover_rate", "bar_met", "seconds")}, indent=1))
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "ope_check.json").write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
