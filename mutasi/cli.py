"""The ``mutasi`` command line: a thin edge around the packages' pure functions.

Progress goes to stderr, documents (JSON, tables) to stdout, so ``--json`` output can
be piped. Heavy imports happen inside commands to keep ``mutasi --help`` fast.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mutasi.policies_cli import evaluate_policies

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="mutasi: recommendation and risk model for ASN transfers.")
err = Console(stderr=True)
out = Console()

DataOption = Annotated[Path, typer.Option("--data", help="Dataset directory (contract tables).",
                                          exists=True, file_okay=False)]


def quiet_libraries() -> None:
    """MLflow's INFO chatter would drown the progress lines."""
    import logging

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def say(message: str) -> None:
    """Progress line on stderr."""
    err.print(f"[dim]·[/dim] {message}")


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/bold red] {message}")
    raise typer.Exit(code)


@app.command()
def validate(data: DataOption,
             limit: Annotated[int, typer.Option(help="Show at most this many report lines.")] = 200) -> None:
    """Validate a dataset directory against the contract; exit 1 when it has errors.

    The report has one line per (table, column, problem) with its count and first rows."""
    from features.io import inspect_dataset
    from features.problems import format_report

    _, problems, catalog_is_default = inspect_dataset(data)
    if catalog_is_default:
        say("no training_catalog table: using the shipped default catalog")
    out.print(format_report(problems, limit), highlight=False, markup=False)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


@app.command()
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
             force: Annotated[bool, typer.Option(help="Replace an existing directory.")] = False) -> None:
    """Simulate a province and write a contract dataset with its oracle file."""
    import math

    from features.names import ORACLE_LOG_FILE, ORACLE_VACANCIES_FILE
    from simulator import simulate as run
    from simulator import write_simulation

    if fmt not in ("parquet", "csv"):
        fail(f"--format must be parquet or csv, not {fmt!r}")
    if not (math.isfinite(selection_bias) and selection_bias >= 0):
        fail(f"--selection-bias must be a number >= 0, not {selection_bias}")
    if logged_replicates < 0:
        fail(f"--logged-replicates must be >= 0, not {logged_replicates}")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        fail(f"{out_dir} exists and is not empty (use --force to replace it)")
    say(f"simulating {employees:,} employees, seed {seed}, selection bias {selection_bias:g}")
    sim = run(n_employees=employees, seed=seed, n_vacancies=vacancies, selection_bias=selection_bias)
    path = write_simulation(sim, out_dir, fmt=fmt, progress=say, logged_replicates=logged_replicates)
    if logged_replicates > 0:
        say(f"logged choices with realised outcomes: {path / ORACLE_LOG_FILE}")
    say(f"held-out vacancies with their truth: {path / ORACLE_VACANCIES_FILE} "
        f"(evaluate on them with `mutasi train --data {path} --oracle {path / ORACLE_VACANCIES_FILE}`)")


@app.command("build-table")
def build_table(data: DataOption,
                output: Annotated[Path, typer.Option("--out", help="Parquet file to write.")]) -> None:
    """Build the point-in-time training table (one row per transfer event)."""
    from features.io import DatasetError, load_dataset
    from features.training_table import build_training_table

    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(str(exc))
    table = build_training_table(dataset, progress=say)
    tmp = output.with_name(output.name + ".partial")
    table.to_parquet(tmp)
    tmp.replace(output)
    say(f"wrote {len(table):,} rows x {table.shape[1]} columns to {output}")


TrackingOption = Annotated[str | None, typer.Option("--tracking-uri",
                                                    help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI or a local sqlite store).")]


@app.command()
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
    try:
        result = run(data, experiment=experiment, tracking_uri=tracking_uri, settings=settings,
                     progress=say, fairness=FairnessSettings(min_impact_ratio=min_impact_ratio),
                     force_champion=force_champion, oracle=oracle, tune=tune, tune_timeout=tune_timeout,
                     fair=FairRanking(threshold=fair_threshold))
    except (DatasetError, OracleError) as exc:
        fail(str(exc))
    for line in summary_lines(result.evaluation):
        out.print(line, highlight=False, markup=False)
    out.print(f"run {result.run_id}: version {result.version} -> {result.alias} (decision {result.decision})",
              highlight=False, markup=False)
    out.print(outcome_line(result), highlight=False, markup=False)
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


@app.command("models")
def list_models(tracking_uri: TrackingOption = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List registered versions of the model and their aliases."""
    import json

    from models.store import MODEL_NAME, connect
    from training.registry import list_versions

    rows = list_versions(connect(tracking_uri))
    if as_json:
        print(json.dumps(rows, indent=1, default=str))
        return
    if not rows:
        out.print(f"no registered versions of {MODEL_NAME}")
        return
    from rich.table import Table

    table = Table("version", "aliases", "fairness audit", "decision", title=MODEL_NAME)
    for row in rows:
        table.add_row(str(row["version"]), ", ".join(row["aliases"]), row["audit"], row["decision"])
    out.print(table)
    for row in rows:                                   # reasons are sentences: below the table, not in it
        out.print(f"v{row['version']} (run {row['run_id'] or '-'}): {version_note(row)}", highlight=False,
                  markup=False)


def version_note(row: dict) -> str:
    """The decision's reason, and the recorded reason of a promotion by hand."""
    from models.tags import PROMOTED_BY_HAND_TAG

    by_hand = row["tags"].get(PROMOTED_BY_HAND_TAG)
    return "; ".join(filter(None, [row["decision_reason"], by_hand and f"promoted by hand: {by_hand}"]))


@app.command()
def promote(version: Annotated[str, typer.Argument(help="Model version to make champion.")],
            reason: Annotated[str, typer.Option(help="Why (recorded on the version).")] = "manual promotion",
            force: Annotated[bool, typer.Option(
                help="Override a failed fairness audit (needs a --reason, recorded).")] = False,
            tracking_uri: TrackingOption = None) -> None:
    """Move the champion alias to VERSION by hand."""
    from mlflow.exceptions import MlflowException

    from models.store import connect
    from training.registry import AuditGateError
    from training.registry import promote as move

    if force and reason == "manual promotion":
        fail("--force needs a --reason explaining the override; it is recorded on the version")
    try:
        move(connect(tracking_uri), version, reason, force=force)
    except MlflowException as exc:
        fail(f"cannot promote version {version}: {exc.message}")
    except AuditGateError as exc:
        fail(str(exc))
    say(f"version {version} is now champion")


@app.command()
def audit(data: DataOption,
          model: Annotated[str | None, typer.Option(help="Model version (default: the champion).")] = None,
          as_of: Annotated[str | None, typer.Option("--as-of", help="Decision date YYYY-MM-DD.")] = None,
          positions: Annotated[int, typer.Option(help="Posts to sample when the data has no oracle.")] = 60,
          top_k: Annotated[int, typer.Option(help="Length of the audited top lists.")] = 10,
          min_impact_ratio: Annotated[float, typer.Option(help="Four-fifths threshold.")] = 0.8,
          output: Annotated[Path | None, typer.Option("--out", help="Write audit.md and audit.json here.")] = None,
          oracle: Annotated[Path | None, typer.Option(
              help="The simulator's oracle_vacancies.parquet: audit its held-out vacancies.",
              exists=True, dir_okay=False)] = None,
          tracking_uri: TrackingOption = None) -> None:
    """Fairness audit of a model version: selection and scoring rates by gender, age band and
    home region, impact ratios (four-fifths rule), error metrics by group. Exit 1 if it fails."""

    from features.io import DatasetError, load_dataset
    from features.names import AS_OF
    from features.snapshot import prepare_sources
    from features.timeline import default_as_of
    from models.store import connect, load_bundle, version_uri
    from serving.checks import as_of_date
    from serving.errors import RankingError
    from training.audit_words import audit_markdown
    from training.fairness import FairnessSettings, run_audit

    try:
        day = as_of_date(as_of) if as_of else None      # the date window every door uses
    except RankingError as exc:
        fail(f"{exc.field}: {exc}", 2)
    quiet_libraries()
    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(str(exc))
    connect(tracking_uri)
    uri = version_uri(model)
    say(f"loading {uri}")
    bundle = load_bundle(uri)
    when = day if day is not None else default_as_of(dataset)
    preferred = None
    if oracle is not None:
        from training.evaluate import OracleError, read_oracle

        try:
            truth = read_oracle(oracle)
        except OracleError as exc:
            fail(str(exc))
        if (truth[AS_OF] == when).any():
            preferred = list(truth["position_id"].unique())
    else:
        truth = None
    settings = FairnessSettings(top_k=top_k, min_impact_ratio=min_impact_ratio, max_positions=positions)
    report = run_audit(bundle, dataset, prepare_sources(dataset), when, settings, positions=preferred,
                       truth=truth if preferred else None)
    out.print(audit_markdown(report), highlight=False, markup=False)
    if output:
        output.mkdir(parents=True, exist_ok=True)
        (output / "audit.md").write_text(audit_markdown(report))
        (output / "audit.json").write_text(report.to_json())
        say(f"wrote {output / 'audit.md'} and audit.json")
    if not report.passed:
        raise typer.Exit(1)


@app.command("rank")
def rank_cmd(data: DataOption,
             position: Annotated[str, typer.Option("--position", help="Position id of the vacancy.")],
             as_of: Annotated[str | None, typer.Option("--as-of", help="Decision date YYYY-MM-DD.")] = None,
             top: Annotated[int, typer.Option("--top", help="Candidates to return.")] = 10,
             lang: Annotated[str, typer.Option(help="id or en")] = "id",
             as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
             tracking_uri: TrackingOption = None) -> None:
    """Rank eligible candidates for a vacancy with the champion model."""
    import json

    from features.io import DatasetError
    from serving import RankingError, rank_candidates
    from serving.audit import AuditLog
    from serving.champion import NoChampionError

    try:
        ranking = rank_candidates(position, as_of, top, data=data, lang=lang, tracking_uri=tracking_uri)
    except (DatasetError, NoChampionError) as exc:
        fail(str(exc))
    except RankingError as exc:
        fail(f"{exc.field}: {exc}")
    request = {"position_id": position, "as_of": as_of, "top_k": top, "lang": lang}
    ranking.audit_id = AuditLog().record_ranking("cli", request, ranking.audit_summary())
    document = ranking.to_document()
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        from mutasi.render import render_ranking

        render_ranking(document, out, lang)
        fair = document.get("fair_ranking") or {}
        if fair.get("applied"):
            changed = (f"entered the top {fair['top_k']}: {', '.join(fair['entered'])}; left it: "
                       f"{', '.join(fair['left'])}; score given up {fair['score_given_up']:.3f}"
                       if fair["binding"] else "the plain top list already met the bounds")
            say(f"fair top-{fair['top_k']} list (impact ratio >= {fair['threshold']:g}): {changed}"
                + (f"; relaxed: {', '.join(fair['relaxed'])}" if fair["relaxed"] else ""))


@app.command("plan")
def plan_cmd(data: DataOption,
             round_file: Annotated[Path, typer.Option("--round", help="Round file (CSV or Parquet): position_id, "
                                                                      "headcount?, priority?.")],
             as_of: Annotated[str | None, typer.Option("--as-of", help="Decision date YYYY-MM-DD.")] = None,
             max_outflow: Annotated[str | None, typer.Option(
                 "--max-outflow-per-unit", help="Most people one unit may lose: N people, a share (0.2 or 20%), "
                                                "or none (default 20%).")] = None,
             w_performance: Annotated[float | None, typer.Option(help="Weight of predicted performance (1).")] = None,
             w_risk: Annotated[float | None, typer.Option(help="Weight of adjustment risk (2).")] = None,
             w_preference: Annotated[float | None, typer.Option(help="Bonus for a met preference (0.25).")] = None,
             w_unwilling: Annotated[float | None, typer.Option(
                 help="Penalty for a relocation against a stated unwillingness (0.75).")] = None,
             chain_depth: Annotated[int | None, typer.Option(help="How deep movers' old posts join the round (0).")]
             = None,
             fix: Annotated[list[str] | None, typer.Option("--fix", help="Fix a move EMP:POS (repeatable).")] = None,
             forbid: Annotated[list[str] | None, typer.Option("--forbid", help="Forbid a move EMP:POS (repeatable).")]
             = None,
             min_performance: Annotated[str | None, typer.Option(
                 help="Key posts: lowest predicted performance, or none (3.5).")] = None,
             max_risk: Annotated[str | None, typer.Option(help="Key posts: highest risk, or none (0.35).")] = None,
             time_limit: Annotated[float | None, typer.Option(help="Solver time limit in seconds (60).")] = None,
             lang: Annotated[str, typer.Option(help="id or en")] = "id",
             as_json: Annotated[bool, typer.Option("--json", help="Print the plan document (JSON) only.")] = False,
             out_dir: Annotated[Path | None, typer.Option("--out", help="Write plan.csv, unfilled.csv, plan.xlsx "
                                                                        "and plan.html here.")] = None,
             announce: Annotated[bool, typer.Option(help="Also write announcement.html/.txt (needs --out).")] = False,
             tracking_uri: TrackingOption = None) -> None:
    """Plan a mutasi round: the best assignment of many vacancies together, with its bound,
    the greedy baseline, what each constraint costs and why vacancies stay unfilled.

    Exit 2 on a bad input (round file, setting, unknown or infeasible fixed moves), 1 when
    the dataset cannot be loaded or no model is champion. Stdout holds only the plan."""
    from rich.markup import escape

    from features.io import DatasetError
    from features.problems import format_report
    from mutasi.plan_cli import StageBar, build_settings, render_plan, stdout_to_stderr
    from serving import RankingError, as_round, context_for, plan_round
    from serving.champion import NoChampionError
    from serving.planning.announce import announcement, announcement_files
    from serving.planning.export import plan_files, write_files

    def bad_round(exc: DatasetError) -> None:
        fail(escape(f"{round_file}: the round file does not follow the contract\n{format_report(exc.problems)}"), 2)

    quiet_libraries()
    if announce and out_dir is None:
        fail("--announce needs --out DIR (the announcement is written there)", 2)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        fail(escape(f"--out {out_dir} exists and is not a directory"), 2)
    try:                        # before the long load: a wrong setting fails at once
        settings = build_settings(max_outflow=max_outflow, w_performance=w_performance, w_risk=w_risk,
                                  w_preference=w_preference, w_unwilling=w_unwilling, chain_depth=chain_depth,
                                  fix=fix, forbid=forbid, min_performance=min_performance, max_risk=max_risk,
                                  time_limit=time_limit, lang=lang)
    except RankingError as exc:
        fail(escape(f"{exc.field}: {exc}"), 2)
    say(f"loading {data}")
    try:
        context = context_for(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    try:
        round_ = as_round(round_file, context)
    except DatasetError as exc:
        bad_round(exc)
    if round_.warnings:
        say(escape(format_report(list(round_.warnings))))
    say(f"planning {len(round_)} vacancies ({round_.total_headcount} people needed)")
    try:
        with stdout_to_stderr(), StageBar(err).running() as bar:
            plan = plan_round(round_, as_of, data=context, settings=settings, tracking_uri=tracking_uri,
                              progress=bar)
    except NoChampionError as exc:
        fail(escape(str(exc)))
    except DatasetError as exc:
        bad_round(exc)
    except RankingError as exc:
        fail(escape(f"{exc.field}: {exc}"), 2)
    from serving.audit import AuditLog
    from serving.planning.plan import settings_document

    request = {"round_file": str(round_file), "as_of": as_of, "settings": settings_document(settings)}
    plan.audit_id = AuditLog().record_plan("cli", request, plan.to_document())
    if as_json:
        print(plan.to_json())
    else:
        render_plan(plan, context, out, lang)
    if out_dir is not None:
        writers = plan_files(plan, context, lang)
        if announce:
            writers.update(announcement_files(announcement(plan, context, lang=lang)))
        try:
            paths = write_files(out_dir, writers)
        except OSError as exc:
            fail(escape(f"cannot write {out_dir}: {exc}"))
        say(escape(f"wrote {', '.join(p.name for p in paths)} to {out_dir}"))


@app.command()
def serve(data: DataOption,
          host: Annotated[str, typer.Option(help="Interface to listen on (beyond loopback: a token is required).")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
          tracking_uri: TrackingOption = None,
          audit_db: Annotated[Path | None, typer.Option(help="Audit log database.")] = None,
          trusted_proxy: Annotated[list[str] | None, typer.Option(
              help="Proxy address or network whose X-Forwarded-For is believed (repeatable; "
                   "default $MUTASI_TRUSTED_PROXIES, else none).")] = None) -> None:
    """Serve the HTTP API (and the reviewer pages) with uvicorn, one process, no forking."""
    import os

    from features.io import DatasetError
    from serving.api import create_app, run
    from serving.audit import AuditLog
    from serving.champion import ChampionCache
    from serving.context import ServingContext
    from serving.security import ConfigError, require_token_beyond_loopback, tokens_from_env, trusted_proxies

    try:                        # before the long load: a wrong setting fails at once
        tokens = tokens_from_env(os.environ)
        require_token_beyond_loopback(host, tokens)
        proxies = trusted_proxies(trusted_proxy, os.environ)
    except ConfigError as exc:
        fail(str(exc))
    say(f"loading {data}")
    try:
        context = ServingContext.load(data)
    except DatasetError as exc:
        fail(str(exc))
    application = create_app(context, ChampionCache(tracking_uri), AuditLog(audit_db), host=host, tokens=tokens)
    say(f"serving on http://{host}:{port} (docs at /docs)")
    run(application, host, port, proxies)


@app.command("audit-log")
def audit_log(limit: Annotated[int, typer.Option(help="Latest entries to show.")] = 20,
              position: Annotated[str | None, typer.Option(help="Only this position.")] = None,
              audit_db: Annotated[Path | None, typer.Option(help="Audit log database.")] = None,
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
              verify: Annotated[bool, typer.Option("--verify", help="Check the hash chain; exit 1 when broken.")]
              = False,
              plans: Annotated[bool, typer.Option("--plans", help="Round plans and their move decisions.")]
              = False) -> None:
    """Read the audit log: rankings served and reviewers' decisions (or, with --plans, round
    plans and the decisions on their moves)."""
    import json

    from serving.audit import AuditLog

    log = AuditLog(audit_db)
    if verify:
        result = log.verify()
        out.print(str(result), highlight=False, markup=False)
        if not result.ok:
            raise typer.Exit(1)
        return
    if plans:
        show_plans(log, limit, as_json)
        return
    entries = log.rankings(limit, position)
    for entry in entries:
        entry["decisions"] = log.decisions(entry["id"])
    if as_json:
        print(json.dumps(entries, indent=1, ensure_ascii=False))
        return
    from rich.table import Table

    def who(caller, peer) -> str:
        return f"{caller or '?'} @ {peer}" if peer else (caller or "?")

    table = Table("id", "served_at", "caller @ peer", "position", "as_of", "model", "top ids", "decisions")
    for e in entries:
        ids = ", ".join(r["employee_id"] for r in e["results"][:5])
        decided = "; ".join(f"{d['action']} by {d['reviewer']} ({who(d['caller'], d['peer'])}): {d['note']}"
                            for d in e["decisions"])
        table.add_row(str(e["id"]), e["served_at"], who(e["caller"], e["peer"]), e["position_id"], e["as_of"],
                      f"v{e['model_version']}", ids, decided)
    out.print(table)


def show_plans(log, limit: int, as_json: bool) -> None:
    """``mutasi audit-log --plans``: each recorded plan with its value and move decisions."""
    import json

    from rich.table import Table

    entries = log.plans(limit)
    for entry in entries:
        entry["decisions"] = log.move_decisions(entry["id"])
    if as_json:
        print(json.dumps(entries, indent=1, ensure_ascii=False, default=str))
        return
    table = Table("id", "at", "caller", "plan_id", "as_of", "moves", "value / bound", "re-plans", "decisions")
    for e in entries:
        doc = e["document"]
        decided = "; ".join(f"{d['decision']} {d['employee_id']}→{d['position_id']} by {d['reviewer']}"
                            for d in e["decisions"])
        table.add_row(str(e["id"]), e["at"], e["caller"], e["plan_id"], e["as_of"], str(len(doc["moves"])),
                      f"{doc['objective']['value']:.3f} / {doc['objective']['bound']:.3f}",
                      str(e["previous_id"] or ""), decided)
    out.print(table)


@app.command()
def demo(out_dir: Annotated[Path, typer.Option("--out", help="Where the simulated province lives.")] = Path(
             ".mutasi/demo-province"),
         employees: Annotated[int, typer.Option(help="Active headcount.")] = 5000,
         seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
         lang: Annotated[str, typer.Option(help="id or en")] = "id",
         tracking_uri: TrackingOption = None) -> None:
    """The main job end to end: simulate a province, train and register, rank a vacancy."""
    import json

    from features.names import ORACLE_VACANCIES_FILE, SIMULATION_MANIFEST_FILE

    quiet_libraries()
    manifest = out_dir / SIMULATION_MANIFEST_FILE
    wanted = {"n_employees": employees, "seed": seed}
    current = json.loads(manifest.read_text()) if manifest.exists() else {}
    if {k: current.get(k) for k in wanted} != wanted:
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
    rank_cmd(out_dir, position, None, 10, lang, False, tracking_uri)
    round_file = demo_round(out_dir, counts.index.tolist())
    plan_out = out_dir.parent / "demo-plan"
    say(f"planning a round of {len(counts)} held-out vacancies and an urgent post needing 12 people ({round_file})")
    plan_cmd(out_dir, round_file, None, None, None, None, None, None, None, None, None, None, None, None, lang,
             False, plan_out, True, tracking_uri)


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


app.command("evaluate-policies")(evaluate_policies)     # the command lives in mutasi/policies_cli.py


if __name__ == "__main__":
    app()
