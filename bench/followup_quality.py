"""The post-transfer watchlist against the at-decision risk, over simulated provinces.

For each seed a province is simulated once (cached in ``bench/out``), the ranker is fitted
in-process (no MLflow) with its post-transfer model (:func:`training.followup.fit_followup`,
the ranker's risk split: the same test events), and both scores are judged on the test
period's follow-up rows (transferees 6, 12 and 18 months after their move, no failure
known yet): base rate of adjustment failures, failure rate in the top decile, lift =
top-decile rate / base rate, ROC AUC. The issue's target: the watchlist's top decile holds
at least 2x the base rate, and more than the at-decision risk's top decile.

``python -m bench.followup_quality --seeds 7 11 13 --employees 3000`` (about 3-5 minutes
per seed on 2 cores; not part of ``make bench``) writes its rows into
``bench/results.json`` / ``results.md`` (other benches' rows kept; ``--no-write`` only
prints) and prints the summary: mean, min and max over seeds.
"""

import time

from bench.common import province
from bench.results import seeds_main

SEEDS = (7, 11, 13)
EMPLOYEES = 3000
FIGURES = ("base_rate", "top_decile_rate", "top_decile_lift", "roc_auc")
TARGET_LIFT = 2.0


def one_province(employees: int, seed: int) -> dict:
    """Watchlist and at-decision figures on one province's test period."""
    from features.io import load_dataset
    from features.snapshot import prepare_sources
    from features.training_table import build_training_table
    from training.evaluate import with_age
    from training.followup import AT_DECISION, TEST, WATCHLIST, evaluate_followup, fit_followup
    from training.pipeline import fit_ranker

    dataset = load_dataset(province(employees, seed))
    table = with_age(build_training_table(dataset), dataset)
    fitted = fit_ranker(dataset, table)
    started = time.perf_counter()          # the post-transfer model alone, as fit_ranker fits it
    again = fit_followup(dataset, table, fitted.risk_split, sources=prepare_sources(dataset))
    seconds = time.perf_counter() - started
    row = {"bench": "followup_quality", "seed": seed, "employees": employees,
           "fitted": fitted.followup.model is not None, "followup_fit_s": round(seconds, 1),
           "n_train": int((again.part == "train").sum())}
    if fitted.followup.model is None:
        print(f"    seed {seed}: no post-transfer model ({fitted.followup.detail})", flush=True)
        return row
    evaluation = evaluate_followup(fitted.followup, fitted.bundle)
    for record in evaluation.to_dict("records"):
        prefix = {WATCHLIST: "watchlist", AT_DECISION: "at_decision"}[record["method"]]
        suffix = "" if record["split"] == TEST else record["split"].removeprefix(TEST)
        if record["method"] == WATCHLIST:
            row[f"rows{suffix}"], row[f"failures{suffix}"] = int(record["rows"]), int(record["failures"])
            row[f"base_rate{suffix}"] = round(record["base_rate"], 4)
        for key in FIGURES[1:]:
            row[f"{prefix}_{key}{suffix}"] = round(float(record[key]), 4)
    print(f"    {row}", flush=True)
    return row


def summary(rows: list[dict]) -> dict:
    """Mean, min and max over the seeds of every figure; how often the target was met."""
    fitted = [r for r in rows if r.get("fitted")]
    out: dict = {"bench": "followup_quality_summary", "seeds": len(rows), "fitted": len(fitted)}
    keys = [k for k in (fitted[0] if fitted else {}) if k not in ("bench", "seed", "employees", "fitted")]
    for key in keys:
        values = [float(r[key]) for r in fitted if key in r]
        out[f"{key}_mean"] = round(sum(values) / len(values), 4)
        out[f"{key}_range"] = f"{min(values):.3f}..{max(values):.3f}"
    out["target_met"] = sum(r["watchlist_top_decile_lift"] >= TARGET_LIFT
                            and r["watchlist_top_decile_lift"] > r["at_decision_top_decile_lift"] for r in fitted)
    return out


def run(seeds=SEEDS, employees: int = EMPLOYEES) -> list[dict]:
    rows = [one_province(employees, seed) for seed in seeds]
    return rows + [summary(rows)]


def main(argv: list[str] | None = None) -> None:
    seeds_main(argv, "followup_quality", __doc__.split("\n\n")[0], run, SEEDS, EMPLOYEES, show=1)


if __name__ == "__main__":
    main()
