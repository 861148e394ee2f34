"""``mutasi score-round`` (registered by :mod:`mutasi.cli`): every eligible (employee,
vacancy) pair of a round scored, on this process or on Dask, and the best ones written for
the planner (``mutasi plan --pairs DIR``). Stdout holds only ``--json``'s document."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mutasi.common import (
    BAD_INPUT,
    AsOfOption,
    DataOption,
    DayFirstOption,
    TrackingOption,
    as_of_option,
    err,
    fail,
    quiet_libraries,
    rules_for,
    say,
)
from mutasi.rules_cli import RulesOption
from serving.planning.settings import Movers
from serving.scale.settings import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TOP_N,
    DEFAULT_WORKERS,
    ROWS_PER_SLICE,
    SCHEDULER_ENV,
    ClusterSettings,
    Engine,
    Keep,
)

EngineOption = Annotated[Engine, typer.Option(
    "--engine", case_sensitive=False, help="local: the employee slices one after the other in this process; "
                                           "dask: as Dask tasks on a LocalCluster or --scheduler.")]
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", help=f"A running Dask scheduler, tcp://HOST:PORT (default: ${SCHEDULER_ENV}, else a "
                        "LocalCluster on this machine). Its workers must see --data at the same path.")]
WorkersOption = Annotated[int, typer.Option(min=1, help="LocalCluster worker processes.")]
MemoryOption = Annotated[str, typer.Option("--memory-limit", help="LocalCluster memory limit per worker.")]
SliceOption = Annotated[int, typer.Option(
    "--slice-employees", min=1, help="Employees per slice (one Dask task): a slice holds their snapshot and "
                                     "at most this many x 200 vacancies' pairs at once.")]
TopOption = Annotated[int | None, typer.Option(
    "--top-n", min=1, help="Pairs kept per vacancy, best first (default 100; 0 or less is refused).")]
FloorOption = Annotated[float | None, typer.Option(
    "--score-floor", help="Keep only pairs scoring at least this (default: no floor).")]


def cluster_settings(scheduler: str | None, workers: int, memory_limit: str) -> ClusterSettings:
    try:
        return ClusterSettings(scheduler=scheduler, workers=workers, memory_limit=memory_limit)
    except ValueError as exc:
        fail(escape(f"--memory-limit: {exc}"), BAD_INPUT)


def keep_setting(top_n: int | None, score_floor: float | None) -> Keep:
    try:
        return Keep(top_n=top_n, score_floor=score_floor)
    except ValueError as exc:
        fail(escape(str(exc)), BAD_INPUT)


def score_round_cmd(data: DataOption,
                    round_file: Annotated[Path, typer.Option(
                        "--round", exists=True, dir_okay=False, help="Round file (CSV or Parquet): position_id, "
                                                                     "headcount?, priority?, ad-hoc columns.")],
                    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write: pairs/, "
                                                                        "vacancies.parquet, scoring.json.")],
                    as_of: AsOfOption = None,
                    day_first: DayFirstOption = False,
                    rules: RulesOption = None,
                    movers: Annotated[Movers, typer.Option(
                        "--movers", case_sensitive=False, help="all, or due (only those on the due list).")]
                    = Movers.ALL,
                    top_n: TopOption = DEFAULT_TOP_N,
                    score_floor: FloorOption = None,
                    engine: EngineOption = Engine.LOCAL,
                    scheduler: SchedulerOption = None,
                    workers: WorkersOption = DEFAULT_WORKERS,
                    memory_limit: MemoryOption = DEFAULT_MEMORY_LIMIT,
                    slice_employees: SliceOption = ROWS_PER_SLICE,
                    model: Annotated[str | None, typer.Option(help="Model version (default: the champion).")] = None,
                    tracking_uri: TrackingOption = None,
                    force: Annotated[bool, typer.Option(help="Replace an existing --out folder.")] = False,
                    as_json: Annotated[bool, typer.Option("--json", help="Print scoring.json to stdout.")] = False
                    ) -> None:
    """Score every eligible (employee, vacancy) pair of a round and keep the best ones.

    The employees are cut into slices; each slice reads only its employees' rows, takes
    their snapshot and scores their pairs with the one scoring path, keeping the top N per
    vacancy above the floor. Exit 2 on a bad option or round file, 1 when the data or model
    cannot be used or the cluster cannot be reached."""
    from features.problems import DatasetError, format_report
    from mutasi.monitor_cli import load_served
    from mutasi.progress import StageBar
    from serving.champion import ServedModel
    from serving.scale.run import prepare_job, score_round
    from serving.scale.scored import MANIFEST, ScoredPairsError

    quiet_libraries()
    day = as_of_option(as_of, day_first)
    keep = keep_setting(top_n, score_floor)
    cluster = cluster_settings(scheduler, workers, memory_limit)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())) and not force:
        fail(escape(f"--out {out_dir} exists and is not empty (use --force to replace it)"), BAD_INPUT)
    _, bundle, name, version, run_id = load_served(tracking_uri, model)
    served = ServedModel(bundle, name, version, run_id)
    try:
        job = prepare_job(data, served, round_file, day, rules_for(rules), keep, due_only=movers == Movers.DUE)
    except DatasetError as exc:
        fail(escape(f"{data} / {round_file}: does not follow the contract\n{format_report(exc.problems)}"), BAD_INPUT)
    where = (f"Dask scheduler {cluster.address()}" if engine == Engine.DASK and cluster.address()
             else f"a LocalCluster of {workers} workers" if engine == Engine.DASK else "this process")
    say(f"scoring {len(job.vacancy_ids):,} vacancies at {job.when.date()} on {where} "
        f"(model {name} v{version}, top {keep.top_n or 'all'} per vacancy"
        f"{'' if keep.score_floor is None else f', score >= {keep.score_floor:g}'})")
    try:
        with StageBar(err).running() as bar:
            summary = score_round(data, job, served, out_dir, engine=engine, rows_per_slice=slice_employees,
                                  cluster=cluster, progress=lambda done, total: bar("employee slices", done, total),
                                  force=force)
    except DatasetError as exc:
        fail(escape(f"{data}: does not follow the contract\n{format_report(exc.problems)}"))
    except ScoredPairsError as exc:
        fail(escape(f"{exc.field}: {exc.detail}"), BAD_INPUT)
    except OSError as exc:
        fail(escape(f"cannot reach the Dask scheduler or write {out_dir}: {exc}"))
    say(f"{summary.pairs_scored:,} pairs scored, {summary.pairs_kept:,} kept, in {summary.seconds:.1f} s "
        f"({summary.pairs_per_second:,.0f} pairs/s, {summary.slices} slices, {summary.workers} worker(s))")
    for worker, peak in sorted(summary.peak_mb.items()):
        limit = summary.limit_mb.get(worker)
        say(escape(f"memory {worker}: peak {peak:,.0f} MB" + ("" if limit is None else f" of {limit:,.0f} MB")))
    say(escape(f"wrote {out_dir} (plan from it: mutasi plan --data {data} --round {round_file} --pairs {out_dir})"))
    if as_json:
        print(json.dumps(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")), indent=2))
