"""bench/results.json and results.md: written whole, or some benches' rows replaced."""

import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def markdown(rows: list[dict]) -> str:
    """One Markdown table per bench."""
    parts = []
    for bench in dict.fromkeys(r["bench"] for r in rows):
        group = [r for r in rows if r["bench"] == bench]
        keys = [k for k in dict.fromkeys(k for r in group for k in r) if k != "bench"]
        parts.append(f"### {bench}\n\n| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
        parts += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in group]
        parts.append("")
    return "\n".join(parts)


def machine_meta(started: float) -> dict:
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": sys.version.split()[0],
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "suite_seconds": round(time.perf_counter() - started)}


def write_results(meta: dict, rows: list[dict]) -> str:
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    text = f"Measured {meta['when']} on {meta['cpus']} CPUs ({meta['machine']}), suite {meta['suite_seconds']} s.\n"
    for name, part in meta.get("updated", {}).items():
        text += f"Rows of {name} measured again {part['when']} on {part['cpus']} CPUs, {part['suite_seconds']} s.\n"
    (HERE / "results.md").write_text(text + "\n" + markdown(rows))
    return text + "\n" + markdown(rows)


def update_results(rows: list[dict], name: str | None = None, started: float | None = None) -> str:
    """Write ``rows`` into the results, replacing earlier rows of the same benches and
    keeping every other bench's rows (a partial run: ``--only``, ``bench.plan_quality``)."""
    path = HERE / "results.json"
    old = json.loads(path.read_text()) if path.exists() else {"meta": {}, "rows": []}
    replaced = {r["bench"] for r in rows}
    meta = old["meta"] or machine_meta(started or time.perf_counter())
    name = name or ", ".join(sorted(replaced))
    meta.setdefault("updated", {})[name] = machine_meta(started or time.perf_counter())
    return write_results(meta, [r for r in old["rows"] if r["bench"] not in replaced] + rows)


def seeds_main(argv: list[str] | None, name: str, description: str, run, seeds, employees: int,
               show: int) -> None:
    """The command line of a bench over seeds: ``--seeds``, ``--employees``, ``--no-write``;
    its rows go into the results under ``name`` and the last ``show`` (the summary) are printed."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(seeds))
    parser.add_argument("--employees", type=int, default=employees)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.* alone")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(tuple(args.seeds), args.employees)
    if not args.no_write:
        update_results(rows, name, started)
    for r in rows[-show:]:
        print(json.dumps(r))
