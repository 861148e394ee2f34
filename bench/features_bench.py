"""Training-table build: rows/s and peak memory for simulated provinces."""

from bench.common import measure, province


def build_table(path: str) -> dict:
    """Load, validate and build the training table; return its size and stage times."""
    import time

    from features.io import load_dataset
    from features.training_table import build_training_table

    start = time.perf_counter()
    dataset = load_dataset(path)
    loaded = time.perf_counter()
    table = build_training_table(dataset)
    built = time.perf_counter()
    return {"rows": len(table), "columns": table.shape[1], "load_s": loaded - start, "build_s": built - loaded}


def run(sizes=(5000, 20000)) -> list[dict]:
    rows = []
    for employees in sizes:
        path = province(employees)
        m = measure(build_table, str(path))
        r = m["result"]
        rows.append({"bench": "training_table", "employees": employees, "events": r["rows"],
                     "load_validate_s": round(r["load_s"], 2), "build_s": round(r["build_s"], 2),
                     "rows_per_s": round(r["rows"] / r["build_s"]), "total_s": round(m["seconds"], 2),
                     "peak_rss_mb": round(m["peak_rss_mb"])})
        print(f"  {rows[-1]}", flush=True)
    return rows


if __name__ == "__main__":
    run()
