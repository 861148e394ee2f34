"""Does tuning move the oracle figures? Default parameters against an Optuna search.

On a simulated province with its oracle file (default: the demo province), fit the ranker
with the default :class:`FitSettings`, then search ``trials`` trials on the temporal
validation split (``training.tune``, which never sees the test period or the oracle) and
fit again with the best parameters. Both are evaluated the same way: test period (MAE,
ROC AUC) and the oracle's held-out vacancies (Spearman with the true expected score and
true failure probability, NDCG@10, gap share). Writes ``bench/out/tuning_check.json``.

    nice -n 10 .venv/bin/python -m bench.tuning_check [DATA_DIR] [TRIALS] [TIMEOUT_SECONDS]
"""

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import OUT
from models.store import home

DEMO = home() / "demo-province"            # where `make demo` writes its province
ROWS = (("performance", "test", "mae"), ("performance", "test", "spearman"), ("risk", "test", "roc_auc"),
        ("performance", "oracle", "spearman"), ("performance", "oracle", "ndcg@10"),
        ("performance", "oracle", "gap_share"), ("risk", "oracle", "spearman"), ("risk", "oracle", "mae"))


def model_figures(evaluation) -> dict[str, float]:
    """The model's figures of :data:`ROWS` from an evaluation table."""
    model = evaluation[evaluation["method"] == "model"]
    out = {}
    for target, split, metric in ROWS:
        row = model[(model["target"] == target) & (model["split"] == split)]
        out[f"{target} {split} {metric}"] = float(row[metric].iloc[0]) if len(row) else float("nan")
    return out


def run(data: str | Path = DEMO, trials: int = 20, timeout: float = 3600.0) -> dict:
    from features.io import load_dataset
    from features.training_table import build_training_table
    from training import evaluate as ev
    from training.fit import FitSettings
    from training.pipeline import evaluate_ranker, fit_ranker
    from training.tune import tune

    data = Path(data)
    dataset = load_dataset(data)
    table = ev.with_age(build_training_table(dataset), dataset)
    oracle = ev.read_oracle(data)

    def figures(settings: FitSettings) -> tuple[dict[str, float], float]:
        started = time.perf_counter()
        fitted = fit_ranker(dataset, table, settings)
        seconds = time.perf_counter() - started
        return model_figures(evaluate_ranker(fitted, dataset, table, oracle, lambda _m: None).table), seconds

    base = FitSettings()
    default, default_fit = figures(base)
    print(f"default parameters: fit {default_fit:.1f}s", flush=True)
    result = tune(table, base, trials, progress=lambda m: print("  " + m, flush=True), timeout=timeout)
    tuned, tuned_fit = figures(result.apply(base))
    report = {"data": str(data), "events": len(table), "trials": len(result.trials), "pruned": result.n_pruned,
              "tuning_seconds": round(result.seconds, 1), "objective": result.objective,
              "default_objective": next(t.value for t in result.trials if t.number == 0),
              "best_objective": result.best_value, "best_params": result.best_params,
              "default_params": {k: v for k, v in asdict(base).items() if k in result.best_params},
              "fit_seconds": {"default": round(default_fit, 1), "tuned": round(tuned_fit, 1)},
              "default": default, "tuned": tuned}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tuning_check.json").write_text(json.dumps(report, indent=1))
    print(f"{'figure':<28} {'default':>8} {'tuned':>8} {'change':>8}")
    for key in default:
        print(f"{key:<28} {default[key]:8.3f} {tuned[key]:8.3f} {tuned[key] - default[key]:+8.3f}")
    print(f"validation objective {report['default_objective']:.4f} -> {result.best_value:.4f}; "
          f"{len(result.trials)} trials ({result.n_pruned} pruned) in {result.seconds:.0f}s")
    return report


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else DEMO, int(sys.argv[2]) if len(sys.argv) > 2 else 20,
        float(sys.argv[3]) if len(sys.argv) > 3 else 3600.0)
