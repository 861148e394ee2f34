"""What every ``mutasi`` command shares: the two consoles (documents on stdout, progress
and warnings on stderr), failing with an exit code, the common options and the date rule.

No import of :mod:`mutasi.cli` (the commands' modules import this one, never the reverse).
"""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from serving.files import write_whole  # noqa: F401  (the commands' one writer of several files)

err = Console(stderr=True)
out = Console()

BAD_INPUT = 2                       # exit code of a bad option value (typer's own usage errors use 2 too)
AS_OF_HELP = ("Decision date as YYYY-MM-DD (ISO 8601, e.g. 2026-01-31); DD/MM/YYYY only with --day-first. "
              "Default: the day after the data ends.")
DAY_FIRST_HELP = "Also accept --as-of as DD/MM/YYYY (day first, as Indonesian dates are written)."

DataOption = Annotated[Path, typer.Option("--data", help="Dataset directory (contract tables).",
                                          exists=True, file_okay=False)]
TrackingOption = Annotated[str | None, typer.Option(
    "--tracking-uri", help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, else the sqlite store in the "
                           "mutasi home: $MUTASI_HOME or the user's data directory).")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]
DayFirstOption = Annotated[bool, typer.Option("--day-first", help=DAY_FIRST_HELP)]
LangOption = Annotated[str, typer.Option(help="id (Bahasa Indonesia) or en")]


def quiet_libraries() -> None:
    """MLflow's INFO chatter would drown the progress lines."""
    import logging

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)     # notes on every shuffle


def say(message: str) -> None:
    """Progress line on stderr."""
    err.print(f"[dim]·[/dim] {message}", soft_wrap=True)


def warn(message: str) -> None:
    """A warning on stderr (data, not markup)."""
    err.print(f"[bold yellow]warning:[/bold yellow] {escape(message)}")


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/bold red] {message}")
    raise typer.Exit(code)


TABLE_SUFFIXES = (".csv", ".xlsx")     # what --out of a list command (due, follow-up) may write


def check_lang(lang: str) -> None:
    """Exit 2 unless ``lang`` is a language of the texts."""
    from serving.texts import LANGS

    if lang not in LANGS:
        fail(escape(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}"), BAD_INPUT)


def check_table_file(out_file: Path | None) -> None:
    """Exit 2 unless ``--out`` (when given) is a .csv or .xlsx file in an existing folder."""
    if out_file is None:
        return
    if out_file.suffix.lower() not in TABLE_SUFFIXES:
        fail(escape(f"--out {out_file}: the file must end in .csv or .xlsx"), BAD_INPUT)
    if not out_file.parent.is_dir():
        fail(escape(f"--out {out_file}: no folder {out_file.parent}"), BAD_INPUT)


def as_of_option(value: str | None, day_first: bool = False) -> date | None:
    """``--as-of`` as a day (None when not given): ISO ``YYYY-MM-DD`` only, or day-first
    ``DD/MM/YYYY`` with ``--day-first``; never the US order. Exit 2 saying so otherwise."""
    from serving.checks import as_of_date
    from serving.errors import RankingError

    if value is None:
        return None
    try:
        return as_of_date(value, day_first).date()
    except RankingError as exc:
        hint = "" if day_first else " (for a day-first date DD/MM/YYYY add --day-first)"
        fail(escape(f"--as-of: {exc}{hint}"), BAD_INPUT)


def warn_notices(document: dict) -> None:
    """A ranking's notices (e.g. a date outside the data's window) as warnings on stderr."""
    for notice in document.get("notices") or []:
        where = f"{notice['field']}: " if notice.get("field") else ""
        warn(f"{where}{notice['message']}")


def store_line(tracking_uri: str | None = None) -> str:
    """Where the model store and the home are (printed by train, serve and models)."""
    from models.store import describe

    return describe(tracking_uri)


RULES_HELP = ("Rule pack in force: a shipped pack's name (see `mutasi rules list`), name@version, a pack in "
              "the home's rules/ folder, or a .toml/.yaml file. Default: contract (contract section 4).")


def rules_for(name: str | None):
    """The :class:`features.eligibility.EligibilityRules` of pack ``name`` (None: the
    contract's defaults); a bad pack ends the command with its message."""
    from features.rule_packs import PackError, load_rules
    from models.store import home

    try:
        return load_rules(name, search=(home() / "rules",))
    except PackError as exc:
        fail(str(exc), BAD_INPUT)


def open_audit_log(rules, path=None):
    """The audit log, keeping the rule pack in force (what its label decides) the first time
    it is used; a pack changed under the same name@version ends the command (exit 2)."""
    from serving.audit import AuditLog, RulesChanged

    log = AuditLog(path)
    try:
        log.record_rules(rules)
    except RulesChanged as exc:
        fail(escape(str(exc)), BAD_INPUT)
    return log


