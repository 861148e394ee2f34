"""``mutasi rules list|show|diff|check``: the rule packs (:mod:`features.rule_packs`) from
the command line. Packs are looked up as ``--rules`` does: a file path, the shipped packs,
then the home's ``rules/`` folder. No import of :mod:`mutasi.cli`.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mutasi.common import BAD_INPUT, RULES_HELP, LangOption, fail, out

rules_app = typer.Typer(no_args_is_help=True, add_completion=False,
                        help="Rule packs: the eligibility and rotation rules in force, as versioned files "
                             "(shipped, or in the home's rules/ folder).")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PackArgument = Annotated[str, typer.Argument(help="A pack name, name@version, or a .toml/.yaml file.")]
RulesOption = Annotated[str | None, typer.Option("--rules", help=RULES_HELP)]      # rank, rank-many, plan, serve
ON, OFF = "on", "off"
ARROW = " \u2192 "


def search_folders() -> tuple[Path, ...]:
    from models.store import home

    return (home() / "rules",)


def pack_or_fail(ref: str):
    """The resolved pack, or exit 2 with the message naming file, rule and line."""
    from features.rule_packs import PackError, load_pack

    try:
        return load_pack(ref, search_folders())
    except PackError as exc:
        fail(escape(str(exc)), BAD_INPUT)


def shown(value) -> str:
    """A setting's value for a table cell."""
    if isinstance(value, bool):
        return ON if value else OFF
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "; ".join(f"{w['first']}..{w['last']}" + (f" ({w['label']})" if w["label"] else "")
                         for w in value) or "-"
    return "-" if value is None else str(value)


def print_json(document) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2))


@rules_app.command("list")
def list_cmd(as_json: JsonOption = False) -> None:
    """The packs shipped and in the home's rules/ folder: name, version, extends, title, file."""
    from features.rule_packs import list_packs

    listed = list_packs(search_folders())
    rows = [{"name": x.pack.name, "version": x.pack.version, "extends": x.pack.extends, "title": x.pack.title,
             "file": str(x.path), "error": None} if x.pack else
            {"name": None, "version": None, "extends": None, "title": None, "file": str(x.path), "error": x.error}
            for x in listed]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Rule packs")
    for column in ("name", "version", "extends", "title", "file"):
        table.add_column(column, overflow="fold")
    for row in rows:
        title = f"[red]{escape(row['error'])}[/red]" if row["error"] else escape(row["title"] or "")
        table.add_row(*(escape(row[k] or "-") for k in ("name", "version", "extends")), title, escape(row["file"]))
    out.print(table)


@rules_app.command("show")
def show_cmd(pack: PackArgument, as_json: JsonOption = False, lang: LangOption = "en") -> None:
    """Each rule of a pack as resolved: on/off, parameters, reason code, article, and the
    pack of the extends chain that set it."""
    resolved = pack_or_fail(pack)
    document = resolved.to_document(lang)
    if as_json:
        print_json(document)
        return
    chain = ARROW.join(document["chain"])
    out.print(f"[bold]{escape(resolved.label)}[/bold]  {escape(resolved.title)}", highlight=False)
    out.print(f"file {escape(document['path'] or '-')} · chain {escape(chain)} · digest {document['digest']}",
              highlight=False)
    table = Table(show_lines=True)
    for column in ("rule", "kind", "on", "parameters", "reason", "article", "set by"):
        table.add_column(column, overflow="fold")
    for rule in document["rules"]:
        params = ", ".join(f"{k} {shown(v)}" for k, v in rule["params"].items()) or "-"
        table.add_row(*map(escape, (rule["rule"], rule["kind"], shown(rule["enabled"]), params,
                                    ", ".join(rule["reasons"]), rule["article"], rule["set_by"] or "registry")))
    out.print(table)


@rules_app.command("diff")
def diff_cmd(a: PackArgument, b: PackArgument, as_json: JsonOption = False) -> None:
    """The rules and parameters that differ between packs A and B (exit 0 either way)."""
    from features.rule_packs import pack_diff

    left, right = pack_or_fail(a), pack_or_fail(b)
    found = pack_diff(left, right)
    if as_json:
        print_json({"a": left.label, "b": right.label,
                    "differences": [{"rule": d.rule, "key": d.key, "a": d.a, "b": d.b} for d in found]})
        return
    if not found:
        out.print(f"{escape(left.label)} and {escape(right.label)} set the same rules", highlight=False)
        return
    table = Table(title=escape(f"{left.label}{ARROW}{right.label}"))
    for column in ("rule", "setting", left.label, right.label):
        table.add_column(column, overflow="fold")
    for d in found:
        table.add_row(*map(escape, (d.rule, d.key, shown(d.a), shown(d.b))))
    out.print(table)


@rules_app.command("check")
def check_cmd(file: Annotated[Path, typer.Argument(help="The pack file to check (.toml, .yaml or .yml).",
                                                   exists=True, dir_okay=False)]) -> None:
    """Check a pack file (and the packs it extends); exit 2 with the message naming file,
    rule and line when it cannot be used."""
    resolved = pack_or_fail(str(file))
    on = sum(s.enabled for s in resolved.settings.values())
    out.print(f"ok: {escape(resolved.label)} ({escape(ARROW.join(resolved.chain))}), {on} of "
              f"{len(resolved.settings)} rules on", highlight=False)
