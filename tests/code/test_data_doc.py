"""docs/data.md, the data format written for users, says what the code accepts: every table
and column of the schema (required or optional as the code has it, and nothing the code
does not read), every code of every closed vocabulary, and a validation report that is the
one ``mutasi validate`` prints."""

import re
from pathlib import Path

import pytest

from features import columns as c
from features.io import inspect_dataset
from features.problems import format_report
from features.schema import SPECS, Kind

from tiny_dataset import tiny_tables, write_tables

pytestmark = pytest.mark.code

DOC = Path(__file__).resolve().parents[2] / "docs" / "data.md"
ROW = re.compile(r"^\| `([a-z_]+)` \|(.*)\|$")


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    """The text under each '### `table`' heading, up to the next heading; name -> text."""
    found = {}
    for block in re.split(r"^(?=##+ )", doc(), flags=re.M):
        heading = re.match(r"### `([a-z_]+)`(.*)\n", block)
        if heading:
            found[heading.group(1)] = block
    return found


def column_rows(section: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in map(ROW.match, section.splitlines()) if m}


def test_every_table_has_a_section_marked_optional_as_the_code_has_it():
    documented = sections()
    assert set(documented) == set(SPECS)
    for name, spec in SPECS.items():
        heading = documented[name].splitlines()[0]
        assert ("(optional)" in heading) == (not spec.required), heading
        assert "Key: " + ", ".join(f"`{k}`" for k in spec.key) in " ".join(documented[name].split()), name


def test_every_column_is_documented_and_nothing_else():
    for name, spec in SPECS.items():
        rows = column_rows(sections()[name])
        assert list(rows) == list(spec.column_names), name
        for col in spec.columns:
            required = rows[col.name].split("|")[2].strip()
            assert required == ("optional" if col.optional else "yes"), f"{name}.{col.name}"


def test_every_example_row_has_the_tables_columns():
    for name, spec in SPECS.items():
        block = re.search(r"```\n(.*?)\n(.*?)\n```", sections()[name], flags=re.S)
        header, example = block.group(1).split(","), block.group(2)
        assert set(header) == set(spec.column_names) and len(example.split(",")) == len(header), name


def test_every_closed_vocabulary_code_is_listed():
    text = doc()
    for spec in SPECS.values():
        for col in spec.columns:
            if col.kind is Kind.CODE:
                missing = [code for code in col.vocabulary if f"`{code}`" not in text]
                assert not missing, f"{spec.name}.{col.name}: {missing}"


def test_the_validation_example_is_what_validate_prints(tmp_path):
    tables = tiny_tables()
    tables[c.EMPLOYEES].loc[0, c.GENDER] = "m"
    tables[c.EMPLOYEES].loc[1, c.BIRTH_DATE] = "14/01/1980"
    tables[c.GRADES].loc[0, c.GRADE] = "III/x"
    tables[c.ASSIGNMENTS].loc[2, c.POSITION_ID] = "p99"
    _, problems, _ = inspect_dataset(write_tables(tables, tmp_path / "bad"))
    printed = format_report(problems, 200).strip()
    assert f"```\n{printed}\n```" in doc()
