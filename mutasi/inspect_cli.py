"""Commands that look at what was trained and served: ``models`` (versions with their key
metrics and fairness verdict), ``promote``, ``audit`` (the fairness audit as a table of
named groups; the Markdown report with ``--markdown`` or in ``--out``) and ``audit-log``."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mutasi.common import (
    BAD_INPUT,
    AsOfOption,
    DataOption,
    DayFirstOption,
    LangOption,
    TrackingOption,
    as_of_option,
    err,
    fail,
    out,
    quiet_libraries,
    say,
    store_line,
)
from mutasi.inspect_words import (
    WORDS,
    audit_rows,
    created_day,
    fairness_summary,
    fairness_text,
    key_metrics,
    number,
    pick,
    verdict_line,
)

AuditDbOption = Annotated[Path | None, typer.Option(help="Audit log database (default: audit.db in the home).")]


def run_metrics(client, run_id: str | None) -> dict[str, float]:
    """The metrics logged on a version's training run ({} when the run is gone)."""
    from mlflow.exceptions import MlflowException

    if not run_id:
        return {}
    try:
        return dict(client.get_run(run_id).data.metrics)
    except MlflowException:
        return {}


def list_models(tracking_uri: TrackingOption = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
                lang: LangOption = "id") -> None:
    """List registered versions of the model: aliases, creation time, key metrics (test
    period and oracle), fairness audit verdict with the lowest impact ratio, decision."""
    import json

    from models.store import MODEL_NAME, connect
    from training.registry import list_versions

    quiet_libraries()
    say(store_line(tracking_uri))
    client = connect(tracking_uri)
    rows = list_versions(client)
    for row in rows:                        # --json: the same rows, extended
        metrics = run_metrics(client, row["run_id"])
        row["metrics"] = key_metrics(metrics)
        row["fairness"] = fairness_summary(metrics, row["audit"])
    if as_json:
        print(json.dumps(rows, indent=1, default=str))
        return
    if not rows:
        out.print(f"no registered versions of {MODEL_NAME}")
        return
    out.print(f"{MODEL_NAME}", style="bold", highlight=False)
    for row in rows:
        out.print(version_table(row, lang))


def version_table(row: dict, lang: str) -> Table:
    """One version as a two-column table: when it was made, its key metrics (test period,
    oracle), its fairness audit and the registry's decision with its reason."""
    head = pick(WORDS["models"], lang)
    aliases = f" ({', '.join(row['aliases'])})" if row["aliases"] else ""
    table = Table(show_header=False, title=f"v{row['version']}{aliases}", title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row(head[2], created_day(row["created"]))
    for label, value in row["metrics"].items():
        table.add_row(label, number(value, lang, 3))
    table.add_row(head[3], fairness_text(row["fairness"], lang))
    table.add_row(head[4], escape(" — ".join(filter(None, [row["decision"], version_note(row)])) or "-"))
    table.add_row("run", row["run_id"] or "-")
    return table


def version_note(row: dict) -> str:
    """The decision's reason, and the recorded reason of a promotion by hand."""
    from models.tags import PROMOTED_BY_HAND_TAG

    by_hand = row["tags"].get(PROMOTED_BY_HAND_TAG)
    return "; ".join(filter(None, [row["decision_reason"], by_hand and f"promoted by hand: {by_hand}"]))


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


def audit(data: DataOption,
          model: Annotated[str | None, typer.Option(help="Model version (default: the champion).")] = None,
          as_of: AsOfOption = None,
          positions: Annotated[int, typer.Option(help="Posts to sample when the data has no oracle.")] = 60,
          top_k: Annotated[int, typer.Option(help="Length of the audited top lists.")] = 10,
          min_impact_ratio: Annotated[float, typer.Option(help="Four-fifths threshold.")] = 0.8,
          output: Annotated[Path | None, typer.Option("--out", help="Write audit.md and audit.json here.")] = None,
          oracle: Annotated[Path | None, typer.Option(
              help="The simulator's oracle_vacancies.parquet: audit its held-out vacancies.",
              exists=True, dir_okay=False)] = None,
          markdown: Annotated[bool, typer.Option("--markdown", help="Print the full Markdown report instead "
                                                                    "of the table.")] = False,
          lang: LangOption = "id",
          tracking_uri: TrackingOption = None,
          day_first: DayFirstOption = False) -> None:
    """Fairness audit of a model version: selection and scoring rates by gender, age band and
    home region, impact ratios (four-fifths rule), error metrics by group. Exit 1 if it fails."""
    from features.io import DatasetError, load_dataset
    from features.names import AS_OF
    from features.snapshot import prepare_sources
    from features.timeline import default_as_of
    from models.store import connect, load_bundle, version_uri
    from mutasi.progress import StageBar
    from training.audit_words import audit_markdown
    from training.fairness import FairnessSettings, run_audit

    day = as_of_option(as_of, day_first)            # the date rule every door uses
    quiet_libraries()
    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    connect(tracking_uri)
    uri = version_uri(model)
    say(f"loading {uri}")
    bundle = load_bundle(uri)
    when = day if day is not None else default_as_of(dataset)
    preferred = truth = None
    if oracle is not None:
        from training.evaluate import OracleError, read_oracle

        try:
            truth = read_oracle(oracle)
        except OracleError as exc:
            fail(escape(str(exc)))
        if (truth[AS_OF] == when).any():
            preferred = list(truth["position_id"].unique())
    settings = FairnessSettings(top_k=top_k, min_impact_ratio=min_impact_ratio, max_positions=positions)
    with StageBar(err).running() as bar:
        report = run_audit(bundle, dataset, prepare_sources(dataset), when, settings, positions=preferred,
                           truth=truth if preferred else None, step=bar)
    if markdown:
        out.print(audit_markdown(report), highlight=False, markup=False)
    else:
        regions = dict(zip(dataset.regions["region_id"].astype(str), dataset.regions["name"].astype(str)))
        rows = audit_rows(report.rates, regions, min_impact_ratio, lang)
        keep = [i for i, _ in enumerate(pick(WORDS["columns"], lang)) if any(r[i] != "-" for r in rows) or not rows]
        table = Table(title=verdict_line(report, lang), title_justify="left")
        for i in keep:
            table.add_column(pick(WORDS["columns"], lang)[i], overflow="fold")
        for row in rows:
            table.add_row(*(escape(row[i]) for i in keep))
        out.print(table)
        say("the full report (reference orders, gaps in words, errors by group): --markdown, or --out DIR")
    if output:
        output.mkdir(parents=True, exist_ok=True)
        (output / "audit.md").write_text(audit_markdown(report))
        (output / "audit.json").write_text(report.to_json())
        say(f"wrote {output / 'audit.md'} and audit.json")
    if not report.passed:
        raise typer.Exit(1)


def audit_log(limit: Annotated[int, typer.Option(help="Latest entries to show.")] = 20,
              position: Annotated[str | None, typer.Option(help="Only this position.")] = None,
              audit_db: AuditDbOption = None,
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
              verify: Annotated[bool, typer.Option("--verify", help="Check the hash chain; exit 1 when broken.")]
              = False,
              plans: Annotated[bool, typer.Option("--plans", help="Round plans and their move decisions.")]
              = False,
              rules: Annotated[str | None, typer.Option(
                  "--rules", help="Print what rule pack NAME@VERSION decided when the log first used it (JSON), "
                                  "to replay a decision under the rules of its day.")] = None,
              lang: LangOption = "id") -> None:
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
    if rules is not None:
        kept = log.rules_of(rules)
        if kept is None:
            fail(escape(f"--rules: the audit log has never used rule pack {rules!r}"), BAD_INPUT)
        print(json.dumps({"rules": rules, **kept}, indent=1, ensure_ascii=False))
        return
    if plans:
        show_plans(log, limit, as_json, lang)
        return
    entries = log.rankings(limit, position)
    for entry in entries:
        entry["decisions"] = log.decisions(entry["id"])
    if as_json:
        print(json.dumps(entries, indent=1, ensure_ascii=False))
        return

    def who(caller, peer) -> str:
        return f"{caller or '?'} @ {peer}" if peer else (caller or "?")

    head = {"id": ("id", "waktu", "pemanggil @ alamat", "jabatan", "tanggal", "model", "kandidat teratas",
                   "keputusan"),
            "en": ("id", "served_at", "caller @ peer", "position", "as_of", "model", "top ids", "decisions")}
    table = Table()
    for i, name in enumerate(head["en" if lang == "en" else "id"]):
        short = i in (0, 1, 4, 5)                      # id, time, date, model: kept on one line
        table.add_column(name, no_wrap=short, overflow="fold", ratio=None if short else 1)
    for e in entries:
        ids = ", ".join(r["employee_id"] for r in e["results"][:5])
        decided = "; ".join(f"{action_word(d['action'], lang)} {d.get('employee_id') or ''} "
                            f"({d['reviewer']}, {who(d['caller'], d['peer'])}): {d['note']}"
                            for d in e["decisions"])
        table.add_row(*map(escape, (str(e["id"]), e["served_at"][:16].replace("T", " "), who(e["caller"], e["peer"]), e["position_id"],
                                    e["as_of"], f"v{e['model_version']}\n{e.get('rules') or ''}".strip(), ids,
                                    decided)))
    out.print(table)


def action_word(action: str, lang: str) -> str:
    """A decision's action in the output language (accept → terima)."""
    from serving.web.labels import ACTIONS

    return pick(ACTIONS.get(action, (action, action)), lang)


def show_plans(log, limit: int, as_json: bool, lang: str = "id") -> None:
    """``mutasi audit-log --plans``: each recorded plan with its value and move decisions."""
    import json

    entries = log.plans(limit)
    for entry in entries:
        entry["decisions"] = log.move_decisions(entry["id"])
    if as_json:
        print(json.dumps(entries, indent=1, ensure_ascii=False, default=str))
        return
    table = Table("id", "at", "caller", "plan_id", "as_of", "moves", "value / bound", "re-plans", "decisions")
    for e in entries:
        doc = e["document"]
        decided = "; ".join(f"{action_word(d['decision'], lang)} {d['employee_id']}→{d['position_id']} "
                            f"({d['reviewer']})" for d in e["decisions"])
        table.add_row(*map(escape, (str(e["id"]), e["at"], e["caller"], e["plan_id"], e["as_of"],
                                    str(len(doc["moves"])),
                                    f"{doc['objective']['value']:.3f} / {doc['objective']['bound']:.3f}",
                                    str(e["previous_id"] or ""), decided)))
    out.print(table)
