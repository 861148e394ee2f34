"""``make bench``: every benchmark side by side in one run.

Writes ``bench/results.json`` and ``bench/results.md``. Absolute times depend on the
machine; the figures that matter are also ratios against a baseline measured in the same
run (inference floor, naive explainer, DUK, random order, 1x province size).
"""

import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import features_bench, serving_bench, training_bench

HERE = Path(__file__).resolve().parent
SIZES = (5000, 10000, 20000)        # 1x, 2x, 4x


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


def main() -> None:
    started = time.perf_counter()
    rows: list[dict] = []
    for name, module in (("features", features_bench), ("training", training_bench), ("serving", serving_bench)):
        print(f"[{time.perf_counter() - started:6.0f}s] {name}", flush=True)
        rows += module.run(SIZES)
    rows += scaling(rows)
    meta = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": sys.version.split()[0],
            "machine": platform.machine(), "cpus": __import__("os").cpu_count(),
            "suite_seconds": round(time.perf_counter() - started)}
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    text = f"Measured {meta['when']} on {meta['cpus']} CPUs ({meta['machine']}), suite {meta['suite_seconds']} s.\n\n"
    (HERE / "results.md").write_text(text + markdown(rows))
    print(text + markdown(rows))


if __name__ == "__main__":
    main()
