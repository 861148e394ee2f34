"""Serving: warm in-process ranking against the inference floor and the naive explainer,
HTTP latency and throughput under concurrent load, batch scoring, serving memory."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import free_port, measure, peak_rss_mb, province
from bench.training_bench import home

TARGET_POOL = 1000
BUNDLE_DIR = "bench-bundle"


def _percentiles(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p99_ms": round(float(np.percentile(ms, 99)), 2)}


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def choose_vacancy(context, served, options) -> tuple[str, int]:
    """The oracle vacancy whose eligible pool is closest to ``TARGET_POOL`` candidates."""
    import pandas as pd

    from features.names import ORACLE_VACANCIES_FILE
    from serving.ranking import score_pool

    # the benchmark's province is simulated: its oracle file is beside the dataset
    oracle = pd.read_parquet(Path(context.dataset.source) / ORACLE_VACANCIES_FILE)
    best = None
    for pid in oracle["position_id"].unique():
        n = len(score_pool(context, served.bundle, context.positions, pid, context.default_as_of, options).pool)
        if best is None or abs(n - TARGET_POOL) < abs(best[1] - TARGET_POOL):
            best = (pid, n)
    return best


def in_process(path: str, mutasi_home: str, repeat: int = 200, naive_repeat: int = 3) -> dict:
    """Warm ranking latency, the floor (raw predict + pred_contrib on 10 rows), the naive
    way (shap.TreeExplainer over every candidate), batch throughput, and whether anything
    on that path imported mlflow."""
    from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, RankerBundle
    from serving.batch import score_vacancies
    from serving.champion import ChampionCache
    from serving.context import ServingContext
    from serving.memory import freeze_serving
    from serving.ranking import RankingOptions, rank, score_pool

    bundle = RankerBundle.load(Path(mutasi_home) / BUNDLE_DIR)      # exported by another process
    context = ServingContext.load(path)
    freeze_serving(context)                 # as the server does at start-up
    served = ChampionCache.fixed(bundle).get()
    options = RankingOptions()
    pid, pool_size = choose_vacancy(context, served, options)
    for _ in range(5):
        rank(context, served, pid, options=options)
    warm = _timed(lambda: rank(context, served, pid, options=options), repeat)

    x = score_pool(context, bundle, context.positions, pid, context.default_as_of, options).scored.matrix

    def floor():
        bundle.performance.predict(x, num_threads=1)
        bundle.risk.predict(x, raw_score=True, num_threads=1)
        for target in (PERFORMANCE_MODEL, RISK_MODEL):
            bundle.contributions(x[:10], target)

    floor_times = _timed(floor, repeat)

    import shap

    explainers = [shap.TreeExplainer(bundle.performance), shap.TreeExplainer(bundle.risk)]

    def naive():
        bundle.predict_matrix(x)
        for explainer in explainers:
            explainer.shap_values(x)

    naive_times = _timed(naive, naive_repeat)
    vacancies = list(context.positions.attributes.index[:100])
    start = time.perf_counter()
    pairs = len(score_vacancies(context, served, vacancies))
    batch_seconds = time.perf_counter() - start
    mlflow_on_hot_path = any(m == "mlflow" or m.startswith("mlflow.") for m in sys.modules)
    return {"vacancy": pid, "candidates": pool_size, "warm": _percentiles(warm), "floor": _percentiles(floor_times),
            "naive": _percentiles(naive_times), "batch_pairs": pairs, "batch_seconds": batch_seconds,
            "mlflow_imported_by_hot_path": mlflow_on_hot_path}


def export_champion(mutasi_home: str) -> None:
    """Save the registry's champion bundle as plain files (this process imports mlflow;
    the measuring process then never needs to)."""
    os.environ["MUTASI_HOME"] = mutasi_home
    from models.store import connect, load_bundle

    connect()
    load_bundle("models:/mutasi-ranker@champion").save(Path(mutasi_home) / BUNDLE_DIR)


def mlflow_import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import mlflow; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


LOAD = """
import sys, time, threading, httpx
url, body, seconds, clients = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
done, errors, lock = [0], [0], threading.Lock()
def worker():
    with httpx.Client(timeout=60) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                ok = client.post(url, content=body, headers={"content-type": "application/json"}).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                done[0] += ok
                errors[0] += not ok
threads = [threading.Thread(target=worker) for _ in range(clients)]
start = time.monotonic()
[t.start() for t in threads]
[t.join() for t in threads]
print(done[0], errors[0], time.monotonic() - start)
"""


def http(path: str, mutasi_home: str, vacancy: str, repeat: int = 100, load_seconds: float = 20,
         clients: int = 4) -> dict:
    """Latency over HTTP against a real ``mutasi serve``, then a bounded concurrent load
    from a second process; the server's peak RSS."""
    import httpx

    port = free_port()
    env = {**os.environ, "MUTASI_HOME": mutasi_home}
    env.pop("MLFLOW_TRACKING_URI", None)
    server = subprocess.Popen([sys.executable, "-m", "mutasi.cli", "serve", "--data", path, "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        body = json.dumps({"position_id": vacancy, "top_k": 10})
        with httpx.Client(timeout=60) as client:
            def call():
                response = client.post(f"{url}/v1/rankings", content=body, headers={"content-type": "application/json"})
                assert response.status_code == 200, response.text
            for _ in range(5):
                call()
            latency = _timed(call, repeat)
        load = subprocess.run([sys.executable, "-c", LOAD, f"{url}/v1/rankings", body, str(load_seconds),
                               str(clients)], capture_output=True, text=True, check=True)
        ok, errors, seconds = load.stdout.split()
        peak_mb = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"latency": _percentiles(latency), "requests": int(ok), "errors": int(errors),
            "throughput_rps": round(int(ok) / float(seconds), 1), "clients": clients,
            "server_peak_rss_mb": round(peak_mb)}


def run(sizes=(5000, 10000, 20000)) -> list[dict]:
    rows = []
    first = None
    for employees in sizes:
        path = str(province(employees))
        measure(export_champion, home(employees))
        r = measure(in_process, path, home(employees))["result"]
        first = first or (employees, path, r["vacancy"])
        rows.append({"bench": "serving_in_process", "employees": employees, "candidates": r["candidates"],
                     "warm_p50_ms": r["warm"]["p50_ms"], "warm_p99_ms": r["warm"]["p99_ms"],
                     "floor_p50_ms": r["floor"]["p50_ms"], "floor_p99_ms": r["floor"]["p99_ms"],
                     "ratio_to_floor_p50": round(r["warm"]["p50_ms"] / r["floor"]["p50_ms"], 2),
                     "naive_p50_ms": r["naive"]["p50_ms"],
                     "speedup_vs_naive": round(r["naive"]["p50_ms"] / r["warm"]["p50_ms"], 1),
                     "mlflow_imported_by_hot_path": r["mlflow_imported_by_hot_path"]})
        print(f"  {rows[-1]}", flush=True)
        rows.append({"bench": "batch", "employees": employees, "vacancies": 100, "pairs": r["batch_pairs"],
                     "seconds": round(r["batch_seconds"], 2),
                     "pairs_per_s": round(r["batch_pairs"] / r["batch_seconds"])})
        print(f"  {rows[-1]}", flush=True)
    employees, path, vacancy = first
    h = http(path, home(employees), vacancy)
    in_proc = rows[0]
    rows.append({"bench": "serving_http", "employees": employees, "p50_ms": h["latency"]["p50_ms"],
                 "p99_ms": h["latency"]["p99_ms"], "ratio_to_floor_p50": round(h["latency"]["p50_ms"]
                                                                                / in_proc["floor_p50_ms"], 2),
                 "speedup_vs_naive": round(in_proc["naive_p50_ms"] / h["latency"]["p50_ms"], 1),
                 "load_clients": h["clients"], "throughput_rps": h["throughput_rps"], "requests": h["requests"],
                 "errors": h["errors"], "server_peak_rss_mb": h["server_peak_rss_mb"]})
    print(f"  {rows[-1]}", flush=True)
    rows.append({"bench": "mlflow_import", "seconds": round(mlflow_import_seconds(), 2),
                 "warm_rank_p50_ms": in_proc["warm_p50_ms"]})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
