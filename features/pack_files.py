"""Reading one rule pack file (TOML or YAML, the same structure) into checked values, with
errors that name the file, the rule and the line (:class:`PackError`).

Only this file's own content is checked here (header, rule names, parameter names and
types, reason codes, blackout windows); :mod:`features.rule_packs` resolves ``extends``.
Lines: YAML from the composed nodes' marks, TOML by finding the ``[table]`` header and the
``key =`` line in the text (tomllib gives no positions).
"""

import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

from features.rules import ARTICLE, ENABLED, FIRST, LABEL, LAST, REASON, RULE_BY_KEY, RULE_KEYS, ParamType, RuleSpec

TOML_SUFFIXES = (".toml",)
YAML_SUFFIXES = (".yaml", ".yml")
SUFFIXES = TOML_SUFFIXES + YAML_SUFFIXES
PACK, RULES = "pack", "rules"
NAME, VERSION, EXTENDS, TITLE = "name", "version", "extends", "title"
HEADER_KEYS = (NAME, VERSION, EXTENDS, TITLE)
WINDOW_KEYS = (FIRST, LAST, LABEL)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")   # no '@', '/' or spaces: name@version stays readable

Locate = Callable[[tuple], int]
Window = tuple[str, str, str]                  # (first day, last day, label), ISO days


MAX_PACK_BYTES = 256_000         # a pack is a page of settings: anything larger is not one


class PackError(ValueError):
    """A rule pack that cannot be used; the message names file, rule and line."""


@dataclass(frozen=True)
class PackFile:
    """One pack file as written: its header and, per rule it mentions (in file order), the
    keys it sets with checked values (numbers as float, windows as :data:`Window` tuples)."""

    path: Path
    name: str
    version: str
    extends: str | None
    title: str
    rules: dict[str, dict[str, object]]
    locate: Locate

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def error(self, where: tuple, message: str) -> PackError:
        """A PackError at the line of ``where`` (a key path such as ("rules", "blackout"))."""
        rule = f"rule {where[1]!r}: " if len(where) > 1 and where[0] == RULES else ""
        section = "[pack] " if where and where[0] == PACK else ""
        return PackError(f"{self.path}:{self.locate(where)}: {section}{rule}{message}")


def _kind(value) -> str:
    return {bool: "true/false", str: "text", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _yaml_index(node, path: tuple, index: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            index.setdefault(path + (key.value,), key.start_mark.line + 1)
            _yaml_index(value, path + (key.value,), index)
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            index.setdefault(path + (k,), item.start_mark.line + 1)
            _yaml_index(item, path + (k,), index)


TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
TOML_KEY = re.compile(r"""^\s*(["']?)([A-Za-z0-9_-]+)\1\s*=""")


def _toml_index(text: str) -> dict:
    index: dict[tuple, int] = {}
    table: tuple = ()
    arrays: dict[tuple, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        header = TOML_HEADER.match(line)
        if header:
            parts = tuple(p.strip().strip("\"'") for p in header.group(2).split("."))
            for end in range(1, len(parts)):            # [rules.x] also places "rules"
                index.setdefault(parts[:end], n)
            if header.group(1) == "[[":
                arrays[parts] = arrays.get(parts, -1) + 1
                index.setdefault(parts, n)
                parts = parts + (arrays[parts],)
            table = parts
            index.setdefault(table, n)
            continue
        key = TOML_KEY.match(line)
        if key:
            index.setdefault(table + (key.group(2),), n)
    return index


def _locator(index: dict) -> Locate:
    def locate(path: tuple) -> int:
        for end in range(len(path), 0, -1):
            if path[:end] in index:
                return index[path[:end]]
        return 1
    return locate


def parse_file(path: Path) -> tuple[dict, Locate]:
    """The file's data and where each key path is; PackError when it cannot be read."""
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise PackError(f"{path}: a rule pack is at most {MAX_PACK_BYTES:,} bytes, this file has "
                            f"{path.stat().st_size:,}")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read the rule pack: {exc}") from None
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            data = yaml.safe_load(text)
            index: dict = {}
            _yaml_index(yaml.compose(text, Loader=yaml.SafeLoader), (), index)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"{mark.line + 1}:" if mark is not None else ""
            raise PackError(f"{path}:{line} not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PackError(f"{path}: not valid TOML: {exc}") from None
        index = _toml_index(text)
    if not isinstance(data, dict):
        raise PackError(f"{path}:1: a rule pack is a table with [pack] and [rules.NAME] sections")
    return data, _locator(index)


def _day(file: PackFile, where: tuple, value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise file.error(where, f"{where[-1]} must be a date YYYY-MM-DD, not {value!r}")


def _windows(file: PackFile, where: tuple, value) -> tuple[Window, ...]:
    if not isinstance(value, list):
        raise file.error(where, f"windows must be a list of {{first, last, label}} tables, not {_kind(value)}")
    out = []
    for k, item in enumerate(value):
        at = where + (k,)
        if not isinstance(item, dict):
            raise file.error(at, f"window {k + 1} must be a table {{first, last, label}}, not {_kind(item)}")
        unknown = [key for key in item if key not in WINDOW_KEYS]
        if unknown:
            raise file.error(at + (unknown[0],), f"window {k + 1}: unknown key {unknown[0]!r} "
                                                 f"(a window has {', '.join(WINDOW_KEYS)})")
        for key in (FIRST, LAST):
            if key not in item:
                raise file.error(at, f"window {k + 1}: {key} is missing")
        first, last = _day(file, at + (FIRST,), item[FIRST]), _day(file, at + (LAST,), item[LAST])
        label = item.get(LABEL, "")
        if not isinstance(label, str):
            raise file.error(at + (LABEL,), f"window {k + 1}: label must be text, not {_kind(label)}")
        if last < first:
            raise file.error(at + (LAST,), f"window {k + 1}{f' ({label})' if label else ''}: last {last} is "
                                           f"before first {first}")
        out.append((first.isoformat(), last.isoformat(), label))
    return tuple(out)


def _value(file: PackFile, spec: RuleSpec, key: str, value) -> object:
    where = (RULES, spec.key, key)
    if key == ENABLED:
        if not isinstance(value, bool):
            raise file.error(where, f"enabled must be true or false, not {value!r}")
        return value
    if key == ARTICLE:
        if not isinstance(value, str):
            raise file.error(where, f"article must be text, not {_kind(value)}")
        return value.strip()
    if key == REASON:
        codes = [value] if isinstance(value, str) else value
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes) or set(codes) != set(spec.reasons):
            raise file.error(where, f"reason {value!r} differs from the rule's reason code "
                                    f"{' and '.join(repr(c) for c in spec.reasons)}")
        return tuple(spec.reasons)
    param = spec.param(key)
    if param is None:
        allowed = [p.name for p in spec.params] + list(RULE_KEYS)
        near = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise file.error(where, f"unknown parameter {key!r}{hint}; this rule takes {', '.join(allowed)}")
    if param.type is ParamType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise file.error(where, f"{key} must be a number >= 0, not {value!r} ({_kind(value)})")
        return float(value)
    if param.type is ParamType.TEXT:
        if not isinstance(value, str) or not value.strip():
            raise file.error(where, f"{key} must be non-empty text, not {value!r}")
        return value.strip()
    return _windows(file, where, value)


def _header(path: Path, data: dict, locate: Locate) -> dict:
    def fail(where: tuple, message: str) -> PackError:
        return PackError(f"{path}:{locate(where)}: [pack] {message}")

    unknown = [key for key in data if key not in (PACK, RULES)]
    if unknown:
        raise PackError(f"{path}:{locate((unknown[0],))}: unknown section {unknown[0]!r} "
                        f"(a rule pack has [{PACK}] and [{RULES}.NAME] sections)")
    header = data.get(PACK)
    if not isinstance(header, dict):
        raise PackError(f"{path}:1: the [pack] section with name and version is missing")
    for key, value in header.items():
        if key not in HEADER_KEYS:
            raise fail((PACK, key), f"unknown key {key!r} (the header has {', '.join(HEADER_KEYS)})")
        if not isinstance(value, str):
            raise fail((PACK, key), f"{key} must be text (in quotes), not {value!r}")
    for key in (NAME, VERSION):
        if not header.get(key, "").strip():
            raise fail((PACK,), f"{key} is missing")
        if not NAME_PATTERN.match(header[key].strip()):
            raise fail((PACK, key), f"{key} {header[key]!r} may hold only letters, digits, '.', '_' and '-'")
    return {key: header[key].strip() for key in header}


def read_pack_file(path: Path) -> PackFile:
    """The checked content of one pack file; PackError naming file, rule and line."""
    data, locate = parse_file(path)
    header = _header(path, data, locate)
    rules_table = data.get(RULES, {})
    file = PackFile(path, header[NAME], header[VERSION], header.get(EXTENDS) or None, header.get(TITLE, ""),
                    {}, locate)
    if not isinstance(rules_table, dict):
        raise file.error((RULES,), f"[rules] must be a table of rules, not {_kind(rules_table)}")
    for key, table in rules_table.items():
        spec = RULE_BY_KEY.get(key)
        if spec is None:
            near = difflib.get_close_matches(key, list(RULE_BY_KEY), n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise file.error((RULES, key), f"unknown rule; {hint}known rules: {', '.join(RULE_BY_KEY)}")
        if not isinstance(table, dict):
            raise file.error((RULES, key), f"must be a table of settings, not {_kind(table)}")
        file.rules[key] = {name: _value(file, spec, name, value) for name, value in table.items()}
    return file
