"""End-to-end ``mutasi train`` wall time and peak memory, and model quality against the
simulator's oracle next to the baselines."""

from bench.common import OUT, measure, province


def home(employees: int) -> str:
    return str(OUT / f"home-{employees}")


def train_job(path: str, mutasi_home: str) -> dict:
    """Run the whole training job into a fresh local store; return its evaluation."""
    import logging
    import os
    import shutil

    shutil.rmtree(mutasi_home, ignore_errors=True)
    os.environ["MUTASI_HOME"] = mutasi_home
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    # the bench serves this version afterwards, whatever the fairness audit said
    from features.names import ORACLE_VACANCIES_FILE
    from training.pipeline import train

    result = train(path, force_champion="benchmark run on a simulated province",
                   oracle=os.path.join(path, ORACLE_VACANCIES_FILE))
    return {"evaluation": result.evaluation.to_dict("records"), "version": result.version, "alias": result.alias}


def quality_rows(employees: int, evaluation: list[dict]) -> list[dict]:
    rows = []
    for row in evaluation:
        if row["split"] == "oracle" and row["target"] == "performance":
            rows.append({"bench": "quality_oracle", "employees": employees, "method": row["method"],
                         "ndcg_at_10": round(row["ndcg@10"], 4), "random_ndcg_at_10": round(row["random_ndcg@10"], 4),
                         "gap_share": round(row["gap_share"], 3)})
        if row["split"] == "oracle" and row["target"] == "risk":
            rows.append({"bench": "quality_oracle_risk", "employees": employees, "method": row["method"],
                         "spearman_with_true_risk": round(row["spearman"], 3)})
        if row["split"] == "test" and row["target"] == "risk" and row["method"] in ("model", "linear"):
            rows.append({"bench": "quality_test_risk", "employees": employees, "method": row["method"],
                         "roc_auc": round(row["roc_auc"], 3), "brier": round(row["brier"], 4),
                         "ece": round(row["ece"], 4)})
    return rows


def run(sizes=(5000, 10000, 20000)) -> list[dict]:
    rows = []
    for employees in sizes:
        m = measure(train_job, str(province(employees)), home(employees))
        rows.append({"bench": "train_end_to_end", "employees": employees, "seconds": round(m["seconds"], 1),
                     "peak_rss_mb": round(m["peak_rss_mb"])})
        print(f"  {rows[-1]}", flush=True)
        rows += quality_rows(employees, m["result"]["evaluation"])
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
