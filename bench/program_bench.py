"""How long ``mutasi evaluate-program``'s estimation takes, by province size.

Loading the tables is timed apart from the evaluation itself (panels, the four outcomes'
staggered DiDs, the placebo, the HR groups, satisfaction and the service indicators): the
issue's target is under a minute for a 20,000-employee province. Each size runs in a fresh
spawned process (wall time and peak memory)."""

from bench.common import measure, province

SIZES = (5000, 20000)
SEED = 11


def evaluate(path: str) -> dict:
    """Load, then evaluate; the seconds of each."""
    import time

    from features.io import load_dataset
    from serving.program.evaluate import evaluate_program

    started = time.perf_counter()
    dataset = load_dataset(path)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    found = evaluate_program(dataset)
    return {"load_s": round(loaded, 1), "evaluate_s": round(time.perf_counter() - started, 1),
            "moved": found.data["moved"], "rows": found.data["rows"]}


def run(sizes=SIZES) -> list[dict]:
    rows = []
    base = None
    for employees in sizes:
        got = measure(evaluate, str(province(employees, SEED)))
        row = {"bench": "program_evaluation", "employees": employees, **got["result"],
               "peak_rss_mb": round(got["peak_rss_mb"])}
        base = base or row
        row["evaluate_ratio"] = round(row["evaluate_s"] / max(base["evaluate_s"], 0.1), 2)
        print(f"    {row}", flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
