"""``mutasi evaluate-program`` (registered by :mod:`mutasi.cli`): did the transfers work?
Staggered difference-in-differences of every outcome against the not-yet-transferred
(:func:`serving.program.evaluate.evaluate_program`), written as ``report.html`` and
``evaluation.json`` (whole or not at all) and logged as an MLflow evaluation run; prints
the headline (the appraisal score's effect and CI) and where the files are."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mutasi.common import (
    BAD_INPUT,
    DataOption,
    LangOption,
    TrackingOption,
    check_lang,
    err,
    fail,
    out,
    quiet_libraries,
    say,
)

BY_CHOICES = ("unit", "domain", "move_type", "match")      # Split values --by accepts
DEFAULT_OUT = Path("program-evaluation")
RANKINGS_READ = 50_000                                     # audit-log rankings read for the *followed* split


def date_option(value: str | None, option: str):
    """``--since`` / ``--until`` as a day (None when not given); exit 2 naming the option."""
    from serving.checks import parse_date
    from serving.errors import RankingError

    if value is None:
        return None
    try:
        return parse_date(value, option.removeprefix("--"))
    except RankingError as exc:
        fail(escape(f"{option}: {exc}"), BAD_INPUT)


def check_window(since, until) -> None:
    if since is not None and until is not None and since > until:
        fail(escape(f"--since {since.date()} is after --until {until.date()}"), BAD_INPUT)


def by_option(value: str | None):
    """``--by`` as a :class:`Split` (None when not given); exit 2 naming the choices."""
    from serving.program.results import Split

    if value is None:
        return None
    if value not in BY_CHOICES:
        fail(escape(f"--by must be one of {', '.join(BY_CHOICES)}, not {value!r}"), BAD_INPUT)
    return Split(value)


def read_rankings(path: Path | None) -> list[dict]:
    """The audit log's latest rankings (``path``, default the home's); none when it does not
    exist (nothing is created by reading)."""
    from serving.audit import AuditLog, default_path

    where = path or default_path()
    if not where.is_file():
        if path is not None:
            fail(escape(f"--audit-log {path}: no such file"), BAD_INPUT)
        say(f"no audit log at {where}: no 'followed the recommendation' split")
        return []
    rankings = AuditLog(where).rankings(limit=RANKINGS_READ)
    say(f"audit log {where}: {len(rankings):,} rankings")
    return rankings


def simulated_truth(data: Path) -> dict:
    """The true programme effect a simulated province wrote beside its tables (none for real data)."""
    import pandas as pd

    from simulator.program import TRUTH_FILES

    found = {part: pd.read_parquet(data / name) for part, name in TRUTH_FILES.items() if (data / name).is_file()}
    if found:
        say(f"simulated data: the true effect ({', '.join(sorted(found))}) is shown beside the estimates")
    return found


def headline(evaluation, lang: str) -> str:
    """The appraisal score's DiD effect with its CI beside the naive before/after."""
    from serving.program import words as w
    from serving.program.results import Outcome

    found = next((r for r in evaluation.main if r.outcome == Outcome.APPRAISAL), None)
    if found is None:
        return w.t("no_estimate", lang)
    return (f"{w.outcome_name(found.outcome, lang)}: {w.t('did', lang)} "
            f"{w.num(found.att.estimate, lang, signed=True)} {w.ci(found.att, lang)} · "
            f"{w.t('naive', lang)} {w.num(found.naive.estimate, lang, signed=True)}")


def evaluate_program_cmd(data: DataOption,
                         since: Annotated[str | None, typer.Option(
                             "--since", help="First day of the window, YYYY-MM-DD (default: the first appraisal).")]
                         = None,
                         until: Annotated[str | None, typer.Option(
                             "--until", help="Last day of the window, YYYY-MM-DD (default: the data's end).")] = None,
                         by: Annotated[str | None, typer.Option(
                             "--by", help=f"Also compare groups of moves by {', '.join(BY_CHOICES)}.")] = None,
                         out_dir: Annotated[Path, typer.Option(
                             "--out", file_okay=False, help="Folder for report.html and evaluation.json.")]
                         = DEFAULT_OUT,
                         lang: LangOption = "id",
                         audit_log: Annotated[Path | None, typer.Option(
                             "--audit-log", dir_okay=False, help="Audit log whose rankings tell which moves followed "
                                                                 "the recommendation (default: audit.db in the "
                                                                 "home).")] = None,
                         no_mlflow: Annotated[bool, typer.Option("--no-mlflow", help="Do not log to MLflow.")] = False,
                         tracking_uri: TrackingOption = None) -> None:
    """Evaluate the transfer programme: the effect of being moved on appraisal score, work
    behaviour, sanctions and exits (staggered difference-in-differences against employees
    not yet moved, with pre-trend test and placebo), by group, on satisfaction and on
    units' service. Writes report.html and evaluation.json, logs an MLflow evaluation run.

    Exit 2 on a bad option (date, window, --by, --lang), 1 when the data cannot load."""
    from features.io import DatasetError, load_dataset
    from mutasi.progress import StageBar
    from serving.program.evaluate import evaluate_program
    from serving.program.export import write_files

    check_lang(lang)
    start, end = date_option(since, "--since"), date_option(until, "--until")
    check_window(start, end)
    split = by_option(by)
    quiet_libraries()
    rankings = read_rankings(audit_log)
    say(f"loading {data}")
    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    try:
        with StageBar(err).running() as bar:
            evaluation = evaluate_program(dataset, since=start, until=end, by=split, rankings=rankings,
                                          truth=simulated_truth(Path(data)), progress=bar)
    except ValueError as exc:
        fail(escape(str(exc)))
    try:
        files = write_files(evaluation, out_dir, lang)
    except OSError as exc:
        fail(escape(f"cannot write {out_dir}: {exc}"))
    say(escape(f"wrote {', '.join(sorted(files))} to {out_dir}"))
    if not no_mlflow:
        from serving.program.tracking import EXPERIMENT, log_evaluation

        run_id = log_evaluation(evaluation, list(files.values()), by=by, tracking_override=tracking_uri)
        say(f"logged MLflow run {run_id} (experiment {EXPERIMENT})")
    out.print(headline(evaluation, lang), highlight=False, markup=False, soft_wrap=True)
    for path in files.values():
        out.print(str(path), highlight=False, markup=False, soft_wrap=True)
