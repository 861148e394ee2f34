"""Commands about a dataset: ``validate``, ``build-table`` and ``positions`` (find posts by
words of their id, title or unit)."""

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape

from features import columns as c
from mutasi.common import DataOption, LangOption, err, fail, out, say

MATCHES = "matches"


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


def build_table(data: DataOption,
                output: Annotated[Path, typer.Option("--out", help="Parquet file to write.")]) -> None:
    """Build the point-in-time training table (one row per transfer event)."""
    from features.io import DatasetError, load_dataset
    from features.training_table import build_training_table
    from mutasi.progress import StageBar

    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    with StageBar(err).running() as bar:
        table = build_training_table(dataset, progress=say, step=bar)
    tmp = output.with_name(output.name + ".partial")
    table.to_parquet(tmp)
    tmp.replace(output)
    say(f"wrote {len(table):,} rows x {table.shape[1]} columns to {output}")


def position_rows(positions: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Each post with its title, unit name, type and job class, and the lowercase text a
    search looks in (id, title, unit name)."""
    unit_names = units.set_index(c.UNIT_ID)[c.NAME]
    frame = pd.DataFrame({c.POSITION_ID: positions[c.POSITION_ID].astype(str),
                          c.TITLE: positions[c.TITLE].fillna("").astype(str),
                          "unit": positions[c.UNIT_ID].map(unit_names).fillna(positions[c.UNIT_ID]).astype(str),
                          c.POSITION_TYPE: positions[c.POSITION_TYPE].astype(str),
                          c.JOB_CLASS: positions[c.JOB_CLASS]})
    frame[MATCHES] = (frame[c.POSITION_ID] + " " + frame[c.TITLE] + " " + frame["unit"]).str.casefold()
    return frame


def find_positions(rows: pd.DataFrame, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """The posts whose id, title or unit name contain every word of ``search`` (any case,
    any order), in the file's order; at most ``limit``."""
    mask = pd.Series(True, index=rows.index)
    for part in search.casefold().split():
        mask &= rows[MATCHES].str.contains(part, regex=False)
    found = rows[mask].drop(columns=[MATCHES])
    return found if limit is None else found.head(limit)


def job_class(value) -> str:
    """A job class as a whole number when it is one (9, not 9.0)."""
    if pd.isna(value):
        return "-"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def positions(data: DataOption,
              search: Annotated[str, typer.Option(help="Words that must all appear in the id, title or unit "
                                                       "(any case), e.g. --search \"kepala keuangan\".")] = "",
              limit: Annotated[int, typer.Option(min=1, help="Show at most this many posts.")] = 50,
              lang: LangOption = "id",
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False) -> None:
    """Find posts (position ids for --position, round files and rank-many) by words of their
    id, title or unit name."""
    from rich.table import Table

    from features.io import DatasetError, load_dataset
    from serving import texts

    try:
        dataset = load_dataset(data)
    except DatasetError as exc:
        fail(escape(str(exc)))
    rows = position_rows(dataset.positions, dataset.units)
    found = find_positions(rows, search, None)
    shown = found.head(limit)
    if as_json:
        print(shown.to_json(orient="records", force_ascii=False))
        return
    head = {"id": ("id", "jabatan", "unit", "jenis", "kelas jabatan"),
            "en": ("id", "title", "unit", "type", "job class")}[lang if lang in texts.LANGS else "id"]
    table = Table(*head)
    for row in shown.itertuples(index=False):
        kind = getattr(row, c.POSITION_TYPE)
        table.add_row(*map(escape, (getattr(row, c.POSITION_ID), getattr(row, c.TITLE), row.unit,
                                    texts.pick(texts.POSITION_TYPE_NAMES.get(kind, (kind, kind)), lang),
                                    job_class(getattr(row, c.JOB_CLASS)))))
    out.print(table)
    more = f"{len(shown)} / {len(found)}" if len(found) > len(shown) else f"{len(found)}"
    say(("posts found: " if lang == "en" else "jabatan ditemukan: ") + more)
