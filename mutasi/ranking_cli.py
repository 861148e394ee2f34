"""``mutasi rank`` and ``mutasi rank-many``: rankings from the command line, recorded in the
audit log through the same function as the HTTP door (:func:`serving.service.record_ranking`:
one entry per post, date, model, rules and top_k, however often it is asked).

``rank-many`` loads the data and the model once, ranks each vacancy of a file with a
progress bar on stderr and reports a bad vacancy without stopping the others.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mutasi.common import (
    AsOfOption,
    DataOption,
    DayFirstOption,
    LangOption,
    TrackingOption,
    as_of_option,
    err,
    fail,
    open_audit_log,
    out,
    rules_for,
    say,
    warn,
    warn_notices,
)
from mutasi.rules_cli import RulesOption

CLI_CALLER = "cli"
POSITION_COLUMN = "position_id"
TopOption = Annotated[int, typer.Option("--top", help="Candidates to return (1-100).")]


def record(audit, ranking, position_id: str, day: date | None, options, request: dict) -> int:
    """Record (or find) the ranking in ``audit`` (an AuditLog) as the HTTP door does; its audit id."""
    from serving.requests import RankingCall
    from serving.service import record_ranking

    return record_ranking(audit, RankingCall(position_id, day, options), ranking, CLI_CALLER, request)


def rank_cmd(data: DataOption,
             position: Annotated[str, typer.Option("--position", help="Position id of the vacancy.")],
             as_of: AsOfOption = None,
             top: TopOption = 10,
             lang: LangOption = "id",
             as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
             tracking_uri: TrackingOption = None,
             day_first: DayFirstOption = False,
             rules: RulesOption = None) -> None:
    """Rank eligible candidates for a vacancy with the champion model."""
    from features.io import DatasetError
    from serving import RankingError, RankingOptions, rank_candidates
    from serving.champion import NoChampionError

    day = as_of_option(as_of, day_first)
    options = RankingOptions(top_k=top, lang=lang, rules=rules_for(rules))
    audit = open_audit_log(options.rules)
    try:
        ranking = rank_candidates(position, day, top, data=data, lang=lang, options=options,
                                  tracking_uri=tracking_uri)
    except (DatasetError, NoChampionError) as exc:
        fail(escape(str(exc)))
    except RankingError as exc:
        fail(escape(f"{exc.field}: {exc}"))
    request = {"position_id": position, "as_of": day.isoformat() if day else None, "top_k": top, "lang": lang}
    ranking.audit_id = record(audit, ranking, position, day, options, request)
    document = ranking.to_document()
    warn_notices(document)
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
        return
    from mutasi.render import render_ranking

    render_ranking(document, out, lang)
    fair = document.get("fair_ranking") or {}
    if fair.get("applied"):
        changed = (f"entered the top {fair['top_k']}: {', '.join(fair['entered'])}; left it: "
                   f"{', '.join(fair['left'])}; score given up {fair['score_given_up']:.3f}"
                   if fair["binding"] else "the plain top list already met the bounds")
        say(f"fair top-{fair['top_k']} list (impact ratio >= {fair['threshold']:g}): {changed}"
            + (f"; relaxed: {', '.join(fair['relaxed'])}" if fair["relaxed"] else ""))


def read_position_ids(path: Path) -> list[str]:
    """Position ids of a file: a CSV with a ``position_id`` column, or one id per line (a
    text file; blank lines and ``#`` comments skipped). Duplicates kept once, in order.
    ValueError saying what is wrong."""
    import csv

    text = path.read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"{path} holds no position ids")
    header = [h.strip() for h in next(csv.reader([lines[0]]))]
    if POSITION_COLUMN in header:
        column = header.index(POSITION_COLUMN)
        ids = [row[column].strip() for row in csv.reader(lines[1:]) if len(row) > column and row[column].strip()]
    elif len(header) > 1:
        raise ValueError(f"{path}: a CSV needs a {POSITION_COLUMN} column (found {', '.join(header)})")
    else:
        ids = lines
    return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class Outcome:
    """One vacancy of a batch: its document, or the field and message of its error."""

    position_id: str
    document: dict | None = None
    field: str | None = None
    error: str | None = None

    def line(self) -> str:
        """One JSON document (``--json``): the ranking, or ``{position_id, error: {field, detail}}``."""
        if self.document is not None:
            return json.dumps(self.document, ensure_ascii=False)
        return json.dumps({"position_id": self.position_id, "error": {"field": self.field, "detail": self.error}},
                          ensure_ascii=False)


def rank_many(data: DataOption,
              positions: Annotated[Path, typer.Option(
                  "--positions", help="CSV with a position_id column, or a text file with one position id per line.",
                  exists=True, dir_okay=False)],
              as_of: AsOfOption = None,
              top: TopOption = 10,
              lang: LangOption = "id",
              as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line, per vacancy.")]
              = False,
              out_dir: Annotated[Path | None, typer.Option(
                  "--out", help="Write rankings.csv, rankings.xlsx (every vacancy's candidates) and "
                                "rankings.jsonl (the documents) here.")] = None,
              tracking_uri: TrackingOption = None,
              day_first: DayFirstOption = False,
              rules: RulesOption = None) -> None:
    """Rank many vacancies in one go (data and model loaded once), each recorded in the audit
    log. A bad vacancy is reported and skipped; exit 1 only when none could be ranked."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from features.io import DatasetError
    from serving import RankingError, RankingOptions, context_for, rank_candidates
    from serving.champion import ChampionCache, NoChampionError

    day = as_of_option(as_of, day_first)
    try:
        ids = read_position_ids(positions)
    except (ValueError, UnicodeDecodeError) as exc:
        fail(escape(str(exc)), 2)
    options = RankingOptions(top_k=top, lang=lang, rules=rules_for(rules))
    say(f"loading {data}")
    try:
        context = context_for(data)
        champion = ChampionCache(tracking_uri)
        champion.get()
    except (DatasetError, NoChampionError) as exc:
        fail(escape(str(exc)))
    audit = open_audit_log(options.rules)        # opened once: each vacancy is one more entry
    outcomes: list[Outcome] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, redirect_stdout=False) as bar:     # stdout: the documents only
        task = bar.add_task("ranking vacancies", total=len(ids))
        for pid in ids:
            try:
                ranking = rank_candidates(pid, day, top, data=context, lang=lang, options=options, champion=champion)
            except RankingError as exc:
                outcomes.append(Outcome(pid, field=exc.field, error=str(exc)))
                warn(f"{pid}: {exc.field}: {exc}")
            else:
                request = {"position_id": pid, "as_of": day.isoformat() if day else None, "top_k": top,
                           "lang": lang, "batch": positions.name}
                ranking.audit_id = record(audit, ranking, pid, day, options, request)
                document = ranking.to_document()
                warn_notices(document)
                outcomes.append(Outcome(pid, document=document))
            if as_json:
                print(outcomes[-1].line(), flush=True)
            bar.advance(task)
    ranked = [o for o in outcomes if o.document is not None]
    if not as_json:
        from mutasi.batch_render import render_batch

        render_batch(outcomes, context, out, lang)
    if out_dir is not None and ranked:
        from mutasi.batch_render import write_rankings

        try:
            paths = write_rankings(out_dir, [o.document for o in ranked], context, lang)
        except OSError as exc:
            fail(escape(f"cannot write {out_dir}: {exc}"))
        say(escape(f"wrote {', '.join(p.name for p in paths)} to {out_dir}"))
    say(f"{len(ranked)} of {len(outcomes)} vacancies ranked")
    if not ranked:
        raise typer.Exit(1)
