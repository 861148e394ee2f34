"""Benchmark plumbing: simulated provinces cached on disk, and measurements of a function
in a fresh spawned process (wall time and the process's peak resident memory)."""

import multiprocessing as mp
import socket
import time
from collections.abc import Callable
from pathlib import Path

from features.cluster import peak_rss_mb

OUT = Path(__file__).resolve().parent / "out"


def province(employees: int, seed: int = 11) -> Path:
    """A simulated province of ``employees`` people, written once and reused."""
    from features.names import SIMULATION_MANIFEST_FILE
    from simulator import simulate, write_simulation

    path = OUT / f"province-{employees}-{seed}"
    if not (path / SIMULATION_MANIFEST_FILE).exists():
        print(f"  simulating {employees:,} employees (once, cached in {path})", flush=True)
        write_simulation(simulate(n_employees=employees, seed=seed), path)
    return path


def _child(fn: Callable, args: tuple, queue) -> None:
    start = time.perf_counter()
    try:
        result = fn(*args)
        error = None
    except Exception as exc:  # report, the parent decides
        result, error = None, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    queue.put((result, seconds, peak_rss_mb(), error))


def measure(fn: Callable, *args) -> dict:
    """Run ``fn(*args)`` in a spawned process: its result, seconds and peak RSS (MB).
    Spawned, not forked: LightGBM's OpenMP threads do not survive a fork."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    result, seconds, peak_mb, error = queue.get()
    proc.join()
    if error:
        raise RuntimeError(error)
    return {"result": result, "seconds": seconds, "peak_rss_mb": peak_mb}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cached_bundle(path: Path, directory: Path):
    """The ranker fitted on the province at ``path`` (as tests/model/conftest.py does), saved
    in ``directory`` once and loaded from there afterwards."""
    from models.bundle import RankerBundle

    if not (directory / "metadata.json").exists():
        from features.io import load_dataset
        from features.training_table import build_training_table
        from training.evaluate import with_age
        from training.pipeline import fit_ranker

        print(f"  fitting the ranker on {path.name} (once, cached in {directory})", flush=True)
        dataset = load_dataset(path)
        table = with_age(build_training_table(dataset), dataset)
        fit_ranker(dataset, table).bundle.save(directory)
    return RankerBundle.load(directory)
