"""``mutasi talent`` (the 9-box talent map of PermenPANRB 3/2020 and the talent pool per job
family) and ``mutasi succession`` (the succession list of key posts): thin edges around
:mod:`serving.talent` and :mod:`serving.succession`.

``talent`` prints the 3x3 grid (potential up, performance across, box numbers and counts)
and the pool sizes; ``--json`` the whole map (every person with both axes' inputs);
``--out`` writes the people as CSV or XLSX. ``succession`` needs the champion model for the
risk estimates and the recommender's choice of trainings; without one it lists the catalog
trainings that develop the short competencies and says so.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mutasi.common import (
    RULES_HELP,
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
    rules_for,
    say,
    warn,
    write_whole,
)

RulesName = Annotated[str | None, typer.Option("--rules", help=RULES_HELP)]
EXPORT_SUFFIXES = (".csv", ".xlsx")
TEXT_COLUMNS = ("box_title", "performance_words", "potential_words", "unplaced_words")


def _load(data: Path):
    from features.io import DatasetError
    from serving import context_for

    try:
        return context_for(data)
    except DatasetError as exc:
        fail(escape(str(exc)))


def grid_table(counts: dict[int, int], lang: str) -> Table:
    """The 3x3 grid: potential rows (high on top), performance columns (low to high)."""
    from serving import talent_words as w
    from serving.talent import BOX_LAYOUT, POOL_BOXES, Level

    table = Table(title=w.word("map_title", lang), caption=w.word("star", lang), show_lines=True)
    table.add_column(f"{w.pick(w.AXES['potential'], lang)} \u2191 / {w.pick(w.AXES['performance'], lang)} \u2192")
    for level in Level:
        table.add_column(w.performance_level(level, lang), justify="center")
    for pot in sorted(BOX_LAYOUT, reverse=True):
        cells = [f"[bold]{w.word('box', lang)} {box}[/bold]\n{counts[box]}" + (" \u2605" if box in POOL_BOXES else "")
                 for box in BOX_LAYOUT[pot]]
        table.add_row(w.potential_level(pot, lang), *cells)
    return table


def talent_rows(tmap, lang: str) -> tuple[tuple[str, ...], list[dict]]:
    """The export's columns and rows: every person with the words of their box and levels."""
    from serving import talent_words as w
    from serving.talent import BOX, PERFORMANCE, POTENTIAL, UNPLACED

    rows = []
    for row in tmap.records():
        rows.append({**row, "box_title": w.box_title(row[BOX], lang) if row[BOX] else "",
                     "performance_words": w.performance_level(row[PERFORMANCE], lang),
                     "potential_words": w.potential_level(row[POTENTIAL], lang),
                     "unplaced_words": w.unplaced(row[UNPLACED], lang) if row[UNPLACED] else ""})
    columns = tuple(tmap.people.columns) + TEXT_COLUMNS
    return columns, rows


def write_talent(path: Path, tmap, lang: str) -> None:
    """The people of the map as CSV or XLSX (by the file's suffix), written whole or not at all."""
    import io

    from openpyxl import Workbook

    from serving.planning.export import csv_bytes, table_sheet

    columns, rows = talent_rows(tmap, lang)
    if path.suffix.lower() == ".csv":
        write_whole({path: csv_bytes(columns, columns, rows)})
        return
    book = Workbook()
    table_sheet(book.active, columns, list(columns), rows, {}, set(TEXT_COLUMNS))
    book.active.title = "talenta"
    out = io.BytesIO()
    book.save(out)
    write_whole({path: out.getvalue()})


def talent_cmd(data: DataOption, as_of: AsOfOption = None, day_first: DayFirstOption = False, rules: RulesName = None,
               unit: Annotated[str | None, typer.Option("--unit", help="Only the employees of this unit id.")] = None,
               domain: Annotated[str | None, typer.Option("--domain", help="Only this job family (the domain of "
                                                                             "the current post).")] = None,
               lang: LangOption = "id",
               as_json: Annotated[bool, typer.Option("--json", help="Print the map as one JSON document.")] = False,
               out_file: Annotated[Path | None, typer.Option("--out", help="Write every person with both axes' "
                                                                           "inputs to FILE.csv or FILE.xlsx.")] = None
               ) -> None:
    """The 9-box talent map (PermenPANRB 3/2020): counts per box and the talent pool per job family."""
    from serving import talent_words as w
    from serving.errors import RankingError
    from serving.talent import talent_map
    from serving.texts import domain_name

    if out_file is not None and out_file.suffix.lower() not in EXPORT_SUFFIXES:
        fail(escape(f"--out: {out_file} must end in .csv or .xlsx"), 2)
    day = as_of_option(as_of, day_first)
    pack = rules_for(rules)
    context = _load(data)
    try:
        tmap = talent_map(context, day, pack, unit, domain)
    except RankingError as exc:
        fail(escape(f"--{exc.field.replace('_', '-')}: {exc}"), 2)
    if out_file is not None:
        try:
            write_talent(out_file, tmap, lang)
        except OSError as exc:
            fail(escape(f"cannot write {out_file}: {exc}"))
        say(escape(f"wrote {len(tmap.people)} people to {out_file}"))
    if as_json:
        print(json.dumps(tmap.to_document(), ensure_ascii=False))
        return
    placed = int((tmap.people["box"] > 0).sum())
    out.print(escape(f"{tmap.as_of.date()} \u00b7 {w.word('rules', lang)} {tmap.rules} \u00b7 {len(tmap.people)} "
                     f"{w.word('on_map', lang)}, {len(tmap.people) - placed} {w.word('unplaced', lang)}"))
    out.print(grid_table(tmap.counts(), lang))
    for reason, n in tmap.unplaced().items():
        if n:
            out.print(escape(f"  {w.unplaced(reason, lang)}: {n}"))
    pools = Table(title=w.word("pool", lang))
    pools.add_column(w.word("domain", lang))
    pools.add_column(w.word("people", lang), justify="right")
    for family, n in tmap.pools().items():
        pools.add_row(escape(domain_name(family, lang)), str(n))
    out.print(pools)


def succession_table(doc, lang: str) -> Table:
    from serving import talent_words as w
    from serving.texts import competency_name, number, signed

    table = Table(title=escape(f"{doc.position_id} \u00b7 {doc.title} ({doc.position_type}) \u00b7 "
                               f"{doc.n_eligible}/{doc.n_pool}"), show_lines=True)
    for name in ("#", w.pick(("pegawai", "employee"), lang), w.word("box", lang),
                 w.pick(("kesiapan", "readiness"), lang), w.pick(("pelatihan", "trainings"), lang), "JP"):
        table.add_column(name)
    for k, s in enumerate(doc.successors, start=1):
        gaps = ", ".join(f"{competency_name(code, lang)} {number(levels, lang)}"
                         + (f" ({w.word('not_assessed', lang)})" if code in s.not_assessed else "")
                         for code, levels in s.shortfalls.items())
        steps = "\n".join(f"{t.name} ({number(t.hours or 0, lang, 0)} JP"
                          + (f", {w.word('risk_change', lang, change=signed(100 * t.expected_risk_change, lang))} pp"
                             if t.expected_risk_change is not None else "") + ")" for t in s.trainings)
        table.add_row(str(k), escape(f"{s.display_name} ({s.employee_id})".strip()), str(s.box),
                      escape(w.word(s.readiness, lang) + (f"\n{w.word('short', lang)}: {gaps}" if gaps else "")),
                      escape(steps),
                      number(s.total_hours, lang, 0) if s.trainings else "")
    return table


def succession_cmd(data: DataOption,
                   position: Annotated[str | None, typer.Option(
                       "--position", help="A key post's position id (default: every key post).")] = None,
                   as_of: AsOfOption = None, day_first: DayFirstOption = False, rules: RulesName = None,
                   top: Annotated[int, typer.Option("--top", help="Successors per post (1-50).", min=1, max=50)] = 5,
                   lang: LangOption = "id",
                   as_json: Annotated[bool, typer.Option("--json", help="One JSON document per key post, per line.")]
                   = False,
                   tracking_uri: TrackingOption = None) -> None:
    """Succession lists of key posts (JPT, administrator, strategic) from the talent pool:
    ready now, or ready in 1-2 years with the trainings (and JP) that would close the gap."""
    from serving import talent_words as w
    from serving.champion import ChampionCache, NoChampionError
    from serving.errors import RankingError
    from serving.succession import SuccessionSettings, key_post_ids, succession_list
    from serving.talent import talent_map

    quiet_libraries()
    day = as_of_option(as_of, day_first)
    pack = rules_for(rules)
    context = _load(data)
    try:
        served = ChampionCache(tracking_uri).get()
    except NoChampionError as exc:
        served = None
        warn(f"{exc}. {w.word('no_model', lang)}")
    posts = [position] if position else key_post_ids(context.dataset.positions)
    try:
        tmap = talent_map(context, day, pack)
        settings = SuccessionSettings(top=top)
        for pid in posts:
            doc = succession_list(context, pid, served, rules=pack, settings=settings, talent=tmap, lang=lang)
            if as_json:
                print(json.dumps(doc.to_document(), ensure_ascii=False), flush=True)
            else:
                out.print(succession_table(doc, lang))
                if not doc.successors:
                    out.print(escape(w.word("no_successor", lang)))
    except RankingError as exc:
        fail(escape(f"--{exc.field.replace('_', '-').replace('position-id', 'position')}: {exc}"), 2)
    err.print(f"[dim]\u00b7 {len(posts)} key posts, as of {tmap.as_of.date()}, rules {escape(tmap.rules)}[/dim]")
