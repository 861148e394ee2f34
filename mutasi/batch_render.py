"""What ``mutasi rank-many`` prints and writes: a short table per vacancy (the full,
explained table is ``mutasi rank``'s), the vacancies that failed with their reason, and the
files of ``--out``."""

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mutasi.common import write_whole
from serving import texts

WORDS = {
    "title": ("{pid} — {name}, per {as_of}", "{pid} — {name}, as of {as_of}"),
    "employee": ("pegawai", "employee"), "score": ("skor", "score"), "perf": ("kinerja", "performance"),
    "risk": ("risiko", "risk"), "for": ("alasan utama", "main reason"),
    "eligible": ("{n} kandidat memenuhi syarat, {x} tidak", "{n} eligible candidates, {x} not eligible"),
    "failed": ("Tidak dapat diperingkat", "Could not be ranked"),
    "none": ("tidak ada kandidat yang memenuhi syarat", "no eligible candidate"),
}


def word(key: str, lang: str) -> str:
    return texts.pick(WORDS[key], lang)


def person(candidate: dict) -> str:
    """The name when the data has one, with the id below it."""
    name = candidate.get("display_name")
    return f"{name}\n{candidate['employee_id']}" if name else candidate["employee_id"]


def vacancy_table(document: dict, title: str, lang: str) -> Table:
    """One vacancy: rank, person, score, predicted performance, risk and the main reason."""
    table = Table(title=escape(word("title", lang).format(pid=document["position_id"], name=title,
                                                          as_of=document["as_of"])), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(word("employee", lang), overflow="fold")
    for key in ("score", "perf", "risk"):
        table.add_column(word(key, lang), justify="right", no_wrap=True)
    table.add_column(word("for", lang), overflow="fold", ratio=1)
    for cand in document["candidates"]:
        table.add_row(str(cand["rank"]), escape(person(cand)), texts.number(cand["score"], lang, 2),
                      texts.number(cand["predicted_performance"], lang, 2),
                      f"{texts.number(100 * cand['adjustment_risk'], lang, 0)}%",
                      escape(cand.get("reason_for") or "-"))
    return table


def render_batch(outcomes, context, console: Console, lang: str) -> None:
    """Each ranked vacancy's short table with its counts, then the vacancies that failed."""
    titles = context.dataset.positions.set_index("position_id")["title"]
    for outcome in outcomes:
        doc = outcome.document
        if doc is None:
            continue
        console.print(vacancy_table(doc, str(titles.get(doc["position_id"], "")), lang))
        if not doc["candidates"]:
            console.print(word("none", lang), highlight=False, markup=False)
        console.print(word("eligible", lang).format(n=doc.get("n_eligible", 0), x=doc.get("n_excluded", 0)),
                      highlight=False, markup=False)
    failed = [o for o in outcomes if o.document is None]
    if failed:
        console.print(f"{word('failed', lang)}:", highlight=False, markup=False)
        for o in failed:
            console.print(f"  {o.position_id}: {o.field}: {o.error}", highlight=False, markup=False)


def write_rankings(out_dir: Path, documents: list[dict], context, lang: str) -> list[Path]:
    """The rankings as files: ``rankings.csv`` and ``rankings.xlsx`` (one row per candidate
    of every vacancy, the vacancy first, then the reviewer page's export columns) and
    ``rankings.jsonl`` (one document per line). Each written whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    header, rows = export_table(documents, context, lang)
    files = {"rankings.csv": table_csv(header, rows), "rankings.xlsx": table_xlsx(header, rows, lang),
             "rankings.jsonl": "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents).encode()}
    paths = {out_dir / name: content for name, content in files.items()}
    write_whole(paths)                 # every file whole, or none
    return list(paths)


def export_table(documents: list[dict], context, lang: str) -> tuple[list[str], list[list]]:
    """Header and rows of every vacancy's candidates: position id, date, post title, then
    the columns of :mod:`serving.ranking_export` (the page's CSV/XLSX export)."""
    from serving import ranking_export as rx

    positions = context.dataset.positions
    names = rx.PostNames(titles=dict(zip(positions["position_id"], positions["title"])),
                         units=dict(zip(context.dataset.units["unit_id"], context.dataset.units["name"])))
    header = [texts.pick(words, lang) for words in VACANCY_COLUMNS] + rx.headers(lang)
    rows = []
    for doc in documents:
        for row in rx.ranking_rows(doc["candidates"], names, lang):
            rows.append([doc["position_id"], doc["as_of"], names.title(doc["position_id"]),
                         *(row[col] for col in rx.COLUMNS)])
    return header, rows


VACANCY_COLUMNS = (("ID jabatan", "Position id"), ("Tanggal keputusan", "Decision date"), ("Jabatan", "Post"))


def table_csv(header: list[str], rows: list[list]) -> bytes:
    """CSV with a byte-order mark (Excel reads UTF-8 names right); text never read as a formula."""
    import csv
    import io

    from serving.planning.export import CSV_ENCODING, as_text

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else as_text(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def table_xlsx(header: list[str], rows: list[list], lang: str) -> bytes:
    """One worksheet: bold frozen header, numbers as numbers, text cells always text."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = texts.pick(("Peringkat", "Rankings"), lang)
    for j, label in enumerate(header, start=1):
        sheet.cell(row=1, column=j, value=label).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            text = isinstance(value, str)
            cell = sheet.cell(row=i, column=j, value=ILLEGAL_CHARACTERS_RE.sub("", value) if text else value)
            if text:
                cell.data_type = "s"                   # "=..." stays text, never a formula
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
