"""``make bench``: every benchmark side by side in one run.

Writes ``bench/results.json`` and ``bench/results.md``. Absolute times depend on the
machine; the figures that matter are also ratios against a baseline measured in the same
run (inference floor, naive explainer, DUK, random order, 1x province size).

``python -m bench.run --only planning plan_quality`` runs some benches and replaces only
their rows in the results.
"""

import argparse
import time

from bench import (
    features_bench,
    plan_quality,
    planning_bench,
    program_bench,
    scale_bench,
    selection_bias,
    serving_bench,
    training_bench,
    training_effects,
)
from bench.results import machine_meta, update_results, write_results

SIZES = (5000, 10000, 20000)        # 1x, 2x, 4x
# ``--only NAME ...`` runs some of them and keeps the other benches' rows in the results
BENCHES = {"features": lambda: features_bench.run(SIZES), "training": lambda: training_bench.run(SIZES),
           "serving": lambda: serving_bench.run(SIZES), "planning": planning_bench.run,
           "plan_quality": plan_quality.run, "program": program_bench.run,
           "scale": scale_bench.run}
# quality against the simulator's truth over seeds, too long for every run (20-60 minutes each):
# ``--only NAME`` runs them; ope_check and tuning_check write their own JSON (see their modules)
LONG = {"selection_bias": selection_bias.run, "training_effects": training_effects.run}


def scaling(rows: list[dict]) -> list[dict]:
    """Cost growth against the smallest province, per measured figure."""
    picks = {"training_table": ("build_s", "peak_rss_mb"), "train_end_to_end": ("seconds", "peak_rss_mb"),
             "serving_in_process": ("warm_p50_ms", "floor_p50_ms")}
    out = []
    for bench, keys in picks.items():
        by_size = {r["employees"]: r for r in rows if r["bench"] == bench}
        base = by_size.get(min(by_size)) if by_size else None
        for employees, row in sorted(by_size.items()):
            out.append({"bench": f"scaling_{bench}", "employees": employees,
                        "size_ratio": round(employees / base["employees"], 1),
                        **{f"{k}_ratio": round(row[k] / base[k], 2) for k in keys}})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Every benchmark side by side (make bench).")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHES | LONG), help="run only these benches")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows: list[dict] = []
    for name in args.only or BENCHES:
        print(f"[{time.perf_counter() - started:6.0f}s] {name}", flush=True)
        rows += (BENCHES | LONG)[name]()
    if args.only:
        print(update_results(rows, ", ".join(args.only), started))
        return
    rows += scaling(rows)
    print(write_results(machine_meta(started), rows))


if __name__ == "__main__":
    main()
