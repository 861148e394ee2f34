"""``mutasi evaluate-policies``: off-policy evaluation of the ranking policies (the model,
the linear baseline, DUK, last score) from the logged history, or from the simulator's
logged choices with the oracle value beside each estimate (:mod:`training.policy_eval`).

Registered in :mod:`mutasi.cli`; no import of it (no import cycle): this module has its
own consoles. Progress on stderr, the table or ``--json`` on stdout.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True)
out = Console()


def _say(message: str) -> None:
    err.print(f"[dim]·[/dim] {message}", highlight=False)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/bold red] {message}", highlight=False, markup=False)
    raise typer.Exit(code)


def read_log(path: Path):
    """The simulator's ``oracle_log.parquet`` (a directory means the file inside it)."""
    from features import columns as c
    from features.names import FAILURE, ORACLE_LOG_FILE, PERFORMANCE
    from training.evaluate import read_simulator_file

    log = read_simulator_file(path, ORACLE_LOG_FILE, {c.POSITION_ID, c.EMPLOYEE_ID, PERFORMANCE, FAILURE},
                              "--oracle-log file")
    if log.empty:
        raise ValueError(f"--oracle-log: {path} has no logged choices")
    return log


def render(evaluation, console: Console) -> None:
    """The estimates as a table, the notes below it."""
    import pandas as pd
    from rich.table import Table

    frame = evaluation.table
    known = frame["oracle_value"].notna().any()
    table = Table(title=f"off-policy estimates ({evaluation.source})")
    for name in ("policy", "target", "estimator", "estimate", "95% CI", "matched", "ESS"):
        table.add_column(name, justify="right" if name not in ("policy", "target", "estimator") else "left")
    if known:
        table.add_column("oracle value", justify="right")
        table.add_column("covers")
    for row in frame.to_dict("records"):
        cells = [row["policy"], row["target"], row["estimator"], f"{row['estimate']:.3f}",
                 f"{row['low']:.3f} … {row['high']:.3f}",
                 f"{row['n_matched']}/{row['n_events']} (exp. {row['expected_matches']:.0f})",
                 f"{row['ess']:.1f}"]
        if known:
            cells += [f"{row['oracle_value']:.3f}", "" if pd.isna(row["covers"]) else
                      ("yes" if row["covers"] else "no")]
        table.add_row(*cells)
    console.print(table)
    console.print("matched: events whose appointee was the policy's top pick (exp.: as many as the selection "
                  "model expects; far apart, its propensities are off or the pick was never possible); "
                  "with no match IPS is 0, SNIPS undefined and DR the reward model alone.", highlight=False,
                  markup=False)
    console.print(f"DR reward model: {evaluation.reward_model}", highlight=False, markup=False)
    console.print("; ".join(f"{k} {v}" for k, v in evaluation.notes.items()), highlight=False, markup=False)


def document(evaluation) -> dict:
    """The JSON document of ``--json`` (missing values as null)."""
    import pandas as pd

    rows = [{k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in evaluation.table.to_dict("records")]
    return {"source": evaluation.source, "reward_model": evaluation.reward_model,
            "notes": evaluation.notes, "estimates": rows}


def evaluate_policies(
        data: Annotated[Path, typer.Option("--data", help="Dataset directory (contract tables).",
                                           exists=True, file_okay=False)],
        model: Annotated[str | None, typer.Option(help="Model version (default: the champion).")] = None,
        oracle_log: Annotated[Path | None, typer.Option(
            "--oracle-log", help="The simulator's oracle_log.parquet (or its directory): estimate from its "
                                 "logged choices and compare with the oracle value.")] = None,
        oracle: Annotated[Path | None, typer.Option(
            help="The oracle_vacancies.parquet of --oracle-log (default: beside it).")] = None,
        max_events: Annotated[int, typer.Option(help="Logged transfer events evaluated (seeded sample).")] = 400,
        since: Annotated[str | None, typer.Option(
            help="Evaluate the transfers from this date YYYY-MM-DD (default: the test period).")] = None,
        n_boot: Annotated[int, typer.Option(help="Bootstrap resamples of each interval.")] = 1000,
        selection_events: Annotated[int, typer.Option(
            help="Earlier transfer events the selection (propensity) model is fitted on.")] = 1500,
        seed: Annotated[int, typer.Option(help="Seed of the samples and the bootstrap.")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Write estimates.csv and estimates.json here.")]
        = None,
        tracking_uri: Annotated[str | None, typer.Option(
            "--tracking-uri", help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI or a local sqlite store).")]
        = None) -> None:
    """How well would each ranking policy (model, linear, DUK, last score) have done had its
    top pick been appointed? IPS, self-normalised IPS and doubly robust estimates with
    bootstrap intervals, from the logged history alone (no oracle needed)."""
    import logging

    from features.io import DatasetError, load_dataset
    from features.names import ORACLE_VACANCIES_FILE
    from training.evaluate import OracleError, read_oracle, with_age

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if max_events < 1 or n_boot < 10 or selection_events < 1:
        _fail("--max-events and --selection-events must be >= 1, --n-boot >= 10", 2)
    if since is not None:
        try:
            from datetime import date

            date.fromisoformat(since)
        except ValueError:
            _fail(f"--since must be a date YYYY-MM-DD, not {since!r}", 2)
    truth = log = None
    if oracle_log is not None:                       # bad files fail before the long work
        try:
            log = read_log(oracle_log)
            base = oracle_log if oracle_log.is_dir() else oracle_log.parent
            truth = read_oracle(oracle if oracle is not None else base / ORACLE_VACANCIES_FILE)
        except (ValueError, OracleError) as exc:
            _fail(str(exc), 2)
    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        _fail(str(exc))
    from features.training_table import build_training_table
    from models.store import connect, load_bundle, version_uri
    from training import policy_eval as pe

    connect(tracking_uri)
    uri = version_uri(model)
    _say(f"loading {uri}")
    try:
        bundle = load_bundle(uri)
    except Exception as exc:  # MLflow's errors for a missing alias or version are broad
        _fail(f"cannot load {uri} (--model, or promote a champion first): {exc}")
    _say("building the point-in-time training table")
    table = with_age(build_training_table(dataset, progress=_say), dataset)
    settings = pe.with_since(pe.OPESettings(max_events=max_events, selection_events=selection_events,
                                            n_boot=n_boot, seed=seed), since)
    try:
        if log is not None:
            evaluation = pe.evaluate_oracle_log(dataset, bundle, table, truth, log, settings=settings, progress=_say)
        else:
            evaluation = pe.evaluate_history(dataset, bundle, table, settings=settings, progress=_say)
    except ValueError as exc:
        _fail(str(exc))
    doc = document(evaluation)
    if as_json:
        print(json.dumps(doc, default=str))
    else:
        render(evaluation, out)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        evaluation.table.to_csv(out_dir / "estimates.csv", index=False)
        (out_dir / "estimates.json").write_text(json.dumps(doc, indent=1, default=str))
        _say(f"wrote estimates.csv and estimates.json to {out_dir}")
