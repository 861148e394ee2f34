"""The ``mutasi`` command line: a thin edge around the packages' pure functions.

Progress goes to stderr, documents (JSON, tables) to stdout, so ``--json`` output can
be piped. Heavy imports happen inside commands to keep ``mutasi --help`` fast.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mutasi.common import (
    DataOption,
    TrackingOption,
    err,
    fail,
    open_audit_log,
    out,
    quiet_libraries,
    rules_for,
    say,
    store_line,
)
from mutasi.data_cli import build_table, positions, validate
from mutasi.due_cli import due_cmd
from mutasi.followup_cli import follow_up_cmd
from mutasi.inspect_cli import audit, audit_log, list_models, promote
from mutasi.monitor_cli import monitor_cmd
from mutasi.plan_cli import plan_cmd
from mutasi.policies_cli import evaluate_policies
from mutasi.program_cli import evaluate_program_cmd
from mutasi.ranking_cli import rank_cmd, rank_many
from mutasi.rules_cli import RulesOption, rules_app
from mutasi.scale_cli import score_round_cmd
from mutasi.talent_cli import succession_cmd, talent_cmd

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="mutasi: recommendation and risk model for ASN transfers. The model store, the audit log "
                       "and the demo live in the home: $MUTASI_HOME, else the user's data directory "
                       "(~/.local/share/mutasi on Linux).")


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"mutasi {version('mutasi')}")
        except PackageNotFoundError:
            print("mutasi (not installed as a package)")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                               callback=show_version, is_eager=True)] = False) -> None:
    """mutasi: recommendation and risk model for ASN transfers."""


def simulate(out_dir: Annotated[Path, typer.Option("--out", help="Directory to write.")],
             employees: Annotated[int, typer.Option(help="Active headcount.")] = 5000,
             seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
             fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
             vacancies: Annotated[int, typer.Option(help="Held-out vacancies in the oracle.")] = 40,
             selection_bias: Annotated[float, typer.Option(
                 help="How strongly past appointments followed managers' preferences (0 = at random, "
                      "1 = default, 2 = twice as strong).")] = 1.0,
             logged_replicates: Annotated[int, typer.Option(
                 help="Also write this many simulated logged choices per held-out vacancy "
                      "(oracle_log.parquet, for checking off-policy evaluation).")] = 0,
             program_effect: Annotated[str, typer.Option(
                 help="The known effect of a move on later outcomes: natural (the simulator's own appraisals, "
                      "default satisfaction and service effects), set (a set dip and recovery of appraisals by "
                      "domain match) or zero (no effect of a move; in set and zero ratings also drift up "
                                   "province-wide).")] = "natural",
             force: Annotated[bool, typer.Option(help="Replace an existing directory.")] = False,
             shard_employees: Annotated[int | None, typer.Option(
                 help="Write a large province (e.g. --employees 1000000) as independent shards of at most this "
                      "many employees, run by Dask; Parquet only, no oracle, default settings.", min=1)] = None,
             workers: Annotated[int, typer.Option(help="Local Dask worker processes for --shard-employees.",
                                                  min=1)] = 2,
             scheduler: Annotated[str | None, typer.Option(
                 help="Dask scheduler address for --shard-employees (default: $DASK_SCHEDULER_ADDRESS, else a "
                      "local cluster); its workers must see --out's parent directory.")] = None) -> None:
    """Simulate a province and write a contract dataset with its oracle file (with --shard-employees: a large
    province in shards, without oracle)."""
    import math
    import os

    from features.names import ORACLE_LOG_FILE, ORACLE_VACANCIES_FILE
    from simulator import simulate as run
    from simulator import write_simulation
    from simulator.program import PROGRAM_EFFECTS, TRUTH_FILES, program_settings

    if fmt not in ("parquet", "csv"):
        fail(f"--format must be parquet or csv, not {fmt!r}")
    if not (math.isfinite(selection_bias) and selection_bias >= 0):
        fail(f"--selection-bias must be a number >= 0, not {selection_bias}")
    if logged_replicates < 0:
        fail(f"--logged-replicates must be >= 0, not {logged_replicates}")
    if program_effect not in PROGRAM_EFFECTS:
        fail(f"--program-effect must be one of {', '.join(PROGRAM_EFFECTS)}, not {program_effect!r}")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        fail(f"{out_dir} exists and is not empty (use --force to replace it)")
    if shard_employees is not None:
        from features.cluster import SCHEDULER_ENV
        from mutasi.progress import StageBar
        from simulator.large import run_large
        from simulator.shards import plan_shards

        refused = [flag for flag, changed in (("--format csv", fmt != "parquet"), ("--logged-replicates",
                   logged_replicates != 0), ("--program-effect", program_effect != "natural"), ("--vacancies",
                   vacancies != 40), ("--selection-bias", selection_bias != 1.0)) if changed]
        if refused:
            fail(f"--shard-employees writes Parquet shards at the default settings, without oracle: drop "
                 f"{', '.join(refused)}")
        try:
            total = len(plan_shards(employees, seed, shard_employees).shards)
            where = scheduler or os.environ.get(SCHEDULER_ENV) or f"{workers} local worker processes"
            say(f"simulating {employees:,} employees in {total} shards of at most {shard_employees:,}, seed {seed}, "
                f"on {where}")
            with StageBar(err).running() as bar:
                bar("shards", 0, total)
                run = run_large(out_dir, employees, seed, shard_employees=shard_employees, workers=workers,
                                scheduler=scheduler, force=force, progress=lambda done, n: bar("shards", done, n))
        except ValueError as exc:
            fail(escape(str(exc)))
        say(f"wrote {run.path} in {run.seconds:,.0f} s; peak memory per worker: "
            + ", ".join(f"{mb:,.0f} MB" for mb in run.worker_peak_mb.values()))
        return
    say(f"simulating {employees:,} employees, seed {seed}, selection bias {selection_bias:g}, "
        f"programme effect {program_effect}")
    sim = run(n_employees=employees, seed=seed, n_vacancies=vacancies, selection_bias=selection_bias,
              program=program_settings(program_effect))
    path = write_simulation(sim, out_dir, fmt=fmt, progress=say, logged_replicates=logged_replicates)
    if logged_replicates > 0:
        say(f"logged choices with realised outcomes: {path / ORACLE_LOG_FILE}")
    say(f"held-out vacancies with their truth: {path / ORACLE_VACANCIES_FILE} "
        f"(evaluate on them with `mutasi train --data {path} --oracle {path / ORACLE_VACANCIES_FILE}`)")
    say(f"true programme effect: {', '.join(str(path / name) for name in TRUTH_FILES.values())}")


def train(data: DataOption,
          experiment: Annotated[str, typer.Option(help="MLflow experiment name.")] = "mutasi",
          tracking_uri: TrackingOption = None,
          seed: Annotated[int, typer.Option(help="Random seed of the boosters.")] = 7,
          min_impact_ratio: Annotated[float, typer.Option(
              help="Fairness gate: lowest acceptable impact ratio (four-fifths rule).")] = 0.8,
          force_champion: Annotated[str | None, typer.Option(
              help="Give champion even if the fairness audit fails; the reason is recorded.")] = None,
          oracle: Annotated[Path | None, typer.Option(
              help="The simulator's oracle_vacancies.parquet: also evaluate on its held-out vacancies.",
              exists=True, dir_okay=False)] = None,
          tune: Annotated[int, typer.Option(
              "--tune", min=0, help="First search N Optuna trials on the temporal validation split, "
                                    "then fit with the best parameters (logged as nested runs).")] = 0,
          tune_timeout: Annotated[float, typer.Option(
              help="Start no tuning trial after this many seconds.")] = 1800.0,
          params: Annotated[Path | None, typer.Option(
              "--params", help="A tuning/best_params.json of an earlier run: fit with it, no search.",
              exists=True, dir_okay=False)] = None,
          fair_threshold: Annotated[float, typer.Option(
              help="Serve fair top-10 lists: every gender, age band and home region group near its share of "
                   "the pool (impact ratio >= T, at the smallest loss of score); saved with the version, served "
                   "and audited with it. 0 serves the plain order.", min=0.0, max=1.0)] = 0.8,
          selection_correction: Annotated[str, typer.Option(
              help="Correct for the history's selection: none, ipw (inverse-propensity weights from a "
                   "selection model over the historical pools) or dr (the plain model plus an IPW-weighted "
                   "residual correction); the uncorrected model is evaluated beside it.")] = "none"):
    """Validate, build the training table, train, evaluate, audit, log to MLflow and register."""
    from features.io import DatasetError
    from models.fair import FairRanking
    from mutasi.progress import StageBar
    from training.evaluate import OracleError
    from training.fairness import FairnessSettings
    from training.fit import FitSettings
    from training.pipeline import summary_lines
    from training.pipeline import train as run
    from training.results import outcome_line

    quiet_libraries()
    try:
        settings = FitSettings(seed=seed, selection_correction=selection_correction)
    except ValueError as exc:
        fail(f"--selection-correction: {exc}")
    if params is not None:
        settings = tuned_settings(settings, params, tune)
    say(store_line(tracking_uri))
    try:
        with StageBar(err).running() as bar:
            result = run(data, experiment=experiment, tracking_uri=tracking_uri, settings=settings,
                         progress=say, fairness=FairnessSettings(min_impact_ratio=min_impact_ratio),
                         force_champion=force_champion, oracle=oracle, tune=tune, tune_timeout=tune_timeout,
                         fair=FairRanking(threshold=fair_threshold), step=bar)
    except (DatasetError, OracleError) as exc:
        fail(escape(str(exc)))
    for line in summary_lines(result.evaluation):
        out.print(line, highlight=False, markup=False)
    out.print(f"run {result.run_id}: version {result.version} -> {result.alias} (decision {result.decision})",
              highlight=False, markup=False)
    out.print(outcome_line(result), highlight=False, markup=False)
    say(store_line(tracking_uri))
    return result


def tuned_settings(settings, params: Path, tune: int):
    """``settings`` with the parameters of a ``best_params.json`` (``--params``)."""
    from dataclasses import replace

    from training.tune import load_params

    if tune:
        fail("--params reuses earlier tuned parameters and --tune searches new ones: give one of them")
    try:
        values = load_params(params)
    except ValueError as exc:
        fail(str(exc))
    say("parameters from " + str(params) + ": " + ", ".join(f"{k} {v:.4g}" for k, v in values.items()))
    return replace(settings, **values)


def serve(data: DataOption,
          host: Annotated[str, typer.Option(help="Interface to listen on (beyond loopback: a token is required).")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
          tracking_uri: TrackingOption = None,
          audit_db: Annotated[Path | None, typer.Option(help="Audit log database (default: audit.db in the home).")]
          = None,
          trusted_proxy: Annotated[list[str] | None, typer.Option(
              help="Proxy address or network whose X-Forwarded-For is believed (repeatable; "
                   "default $MUTASI_TRUSTED_PROXIES, else none).")] = None,
          rules: RulesOption = None) -> None:
    """Serve the HTTP API (and the reviewer pages) with uvicorn, one process, no forking."""
    import os

    from features.eligibility import rules_label
    from features.io import DatasetError
    from serving.api import create_app, run
    from serving.champion import ChampionCache
    from serving.context import ServingContext
    from serving.security import ConfigError, require_token_beyond_loopback, tokens_from_env, trusted_proxies

    try:                        # before the long load: a wrong setting fails at once
        tokens = tokens_from_env(os.environ)
        require_token_beyond_loopback(host, tokens)
        proxies = trusted_proxies(trusted_proxy, os.environ)
    except ConfigError as exc:
        fail(escape(str(exc)))
    in_force = rules_for(rules)
    say(store_line(tracking_uri))
    say(f"loading {data}")
    try:
        context = ServingContext.load(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    log = open_audit_log(in_force, audit_db)
    application = create_app(context, ChampionCache(tracking_uri), log, host=host, tokens=tokens, rules=in_force)
    base = base_url(host, port)
    say(f"audit log {log.path}")
    say(f"rule pack in force: {escape(rules_label(in_force))}")
    err.print(f"[bold]reviewer page:[/bold] {base}/review   [bold]API docs:[/bold] {base}/docs", highlight=False,
              soft_wrap=True)
    run(application, host, port, proxies)


def base_url(host: str, port: int) -> str:
    """The address to open in a browser: a wildcard host is reached on loopback, an IPv6
    address goes in brackets."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


DEMO_PROVINCE = "demo-province"


def demo(out_dir: Annotated[Path | None, typer.Option(
             "--out", help="Where the simulated province lives (default: demo-province in the home; the round "
                           "and the plan go beside it).")] = None,
         employees: Annotated[int, typer.Option(help="Active headcount.")] = 5000,
         seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
         lang: Annotated[str, typer.Option(help="id or en")] = "id",
         tracking_uri: TrackingOption = None) -> None:
    """The main job end to end: simulate a province, train and register, rank a vacancy,
    plan a round; then says how to open the reviewer page."""
    import json

    from features.columns import SERVICE_INDICATORS
    from features.names import ORACLE_VACANCIES_FILE, SIMULATION_MANIFEST_FILE
    from models.store import home

    quiet_libraries()
    out_dir = out_dir or home() / DEMO_PROVINCE
    manifest = out_dir / SIMULATION_MANIFEST_FILE
    wanted = {"n_employees": employees, "seed": seed}
    current = json.loads(manifest.read_text()) if manifest.exists() else {}
    stale = SERVICE_INDICATORS not in current.get("counts", {})      # made before programme evaluation
    if {k: current.get(k) for k in wanted} != wanted or stale:
        simulate(out_dir, employees=employees, seed=seed, fmt="parquet", vacancies=40, force=True)
    else:
        say(f"reusing the simulated province in {out_dir}")
    result = train(out_dir, experiment="mutasi", tracking_uri=tracking_uri, seed=seed,
                   oracle=out_dir / ORACLE_VACANCIES_FILE)
    if not result.decision.takes_champion:
        # no forced promotion: the version serves fair top lists and is judged as it serves them
        say(f"version {result.version} did not become champion ({result.decision}): see fairness/audit.md "
            f"in run {result.run_id}")
    import pandas as pd

    vacancies = pd.read_parquet(out_dir / ORACLE_VACANCIES_FILE)
    counts = vacancies.groupby("position_id").size().sort_values(ascending=False)
    position = str(counts.index[0])
    say(f"ranking held-out vacancy {position} ({counts.iloc[0]} eligible in the oracle)")
    rank_cmd(out_dir, position, None, 10, lang, False, tracking_uri, False)
    round_file = demo_round(out_dir, counts.index.tolist())
    plan_out = out_dir.parent / "demo-plan"
    say(f"planning a round of {len(counts)} held-out vacancies and an urgent post needing 12 people ({round_file})")
    plan_cmd(out_dir, round_file, None, None, None, None, None, None, None, None, None, None, None, None, lang,
             False, plan_out, True, tracking_uri, False)
    evaluation_out = out_dir.parent / "demo-evaluation"
    say(f"evaluating the province's past transfers (difference-in-differences) into {evaluation_out}")
    evaluate_program_cmd(out_dir, None, None, None, evaluation_out, lang, None, False, tracking_uri)
    say(f"the province is in {out_dir}, the plan in {plan_out}, the programme evaluation in {evaluation_out}")
    err.print(f"[bold]next:[/bold] {escape(program())} serve --data {escape(str(out_dir))}   then open "
              f"{base_url('127.0.0.1', 8000)}/review and rank {escape(position)}", highlight=False, soft_wrap=True)
    err.print(f"[bold]also:[/bold] {escape(program())} due --data {escape(str(out_dir))} (who is due to move), "
              f"{escape(program())} talent --data {escape(str(out_dir))} (the 9-box talent map), "
              f"{escape(program())} follow-up --data {escape(str(out_dir))} (after a transfer), "
              f"{escape(program())} monitor --data {escape(str(out_dir))} (drift and calibration), "
              f"{escape(program())} evaluate-program --data {escape(str(out_dir))} (did the rounds work?), "
              f"{escape(program())} rules list (rule packs); pages /review/due, /review/talent and /review/follow-up",
              highlight=False, soft_wrap=True)


def program() -> str:
    """How this command was called (``.venv/bin/mutasi`` under ``make demo``), to print
    runnable next steps; ``mutasi`` when run as a module."""
    import sys

    called = sys.argv[0] if sys.argv else ""
    return called if Path(called).name == "mutasi" else "mutasi"


def demo_round(out_dir: Path, positions: list[str]) -> Path:
    """The demo's round file: the held-out vacancies at priority 2, and an ad-hoc
    disaster-response post in a health unit needing 12 people at priority 1."""
    import pandas as pd

    from features.io import load_dataset

    units = load_dataset(out_dir).units
    health = units[units["domain"] == "kesehatan"]
    unit = (health if len(health) else units)["unit_id"].iloc[0]
    urgent = {"position_id": "posko-bencana-01", "headcount": 12, "priority": 1, "unit_id": unit,
              "title": "Tenaga Posko Tanggap Bencana", "position_type": "pelaksana", "job_class": 7,
              "domain": "kebencanaan", "min_grade": "II/c", "min_education": "sma"}
    rows = [urgent] + [{"position_id": p, "headcount": 1, "priority": 2} for p in positions]
    path = out_dir.parent / "demo-round.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# the commands, in the order of a day's work (--help lists them so)
app.command()(validate)
app.command()(simulate)
app.command("build-table")(build_table)
app.command()(train)
app.command("models")(list_models)
app.command()(promote)
app.command()(audit)
app.command()(positions)
app.command("rank")(rank_cmd)
app.command("rank-many")(rank_many)
app.command("plan")(plan_cmd)
app.command("score-round")(score_round_cmd)
app.command("due")(due_cmd)
app.command("follow-up")(follow_up_cmd)
app.command("talent")(talent_cmd)
app.command("succession")(succession_cmd)
app.command()(serve)
app.command("audit-log")(audit_log)
app.command("evaluate-policies")(evaluate_policies)
app.command("monitor")(monitor_cmd)
app.command("evaluate-program")(evaluate_program_cmd)
app.add_typer(rules_app, name="rules")
app.command()(demo)


if __name__ == "__main__":
    app()
