"""Rule packs: the eligibility and rotation rules as versioned data files (TOML or YAML).

A pack names itself (``[pack] name, version``), may extend another (``extends``: a pack
name, ``name@version`` or a path relative to its file) and sets rules of the registry
(:mod:`features.rules`): rules it does not mention are inherited, a rule it mentions
overrides only the keys it sets. Resolved, a pack is a :class:`RulePack` whose ``rules``
(:class:`features.eligibility.EligibilityRules`) carry its label ``name@version`` and the
digest of what it decides, so a ranking or plan records the rules of its day.

Lookup of a name: an existing file path; the packs shipped in ``features/data/rules``;
then the ``search`` folders (the command line passes ``$MUTASI_HOME/rules``). A file is
found by its stem (``NAME.toml`` or ``NAME@VERSION.toml``); ``name@version`` must match
the pack's version exactly.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from features.eligibility import DEFAULT_DIGEST, DEFAULT_RULES, EligibilityRules, rules_digest
from features.pack_files import EXTENDS, PACK, SUFFIXES, PackError, PackFile, read_pack_file
from features.rules import ARTICLE, ENABLED, RULES, ParamType, RuleSpec, describe, off_value

REGISTRY = ""                   # origin of a setting no pack in the chain sets


def shipped_folder() -> Path:
    return Path(str(resources.files("features") / "data" / "rules"))


@dataclass(frozen=True)
class RuleSetting:
    """One rule as a pack resolves it; ``origin`` names the pack (``name@version``) that set
    each key (``enabled``, ``article``, each parameter), :data:`REGISTRY` for a default."""

    key: str
    enabled: bool
    params: dict[str, object]
    article: str
    origin: dict[str, str]
    set_by: str = REGISTRY                  # the nearest pack of the chain that mentions the rule


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    extends: str | None
    title: str
    path: Path | None
    settings: dict[str, RuleSetting]        # in registry order
    chain: tuple[str, ...]                  # this pack's label, then its ancestors'
    rules: EligibilityRules

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def to_document(self, lang: str = "en") -> dict:
        """``mutasi rules show --json``: the header and every rule as resolved."""
        return {"name": self.name, "version": self.version, "label": self.label, "extends": self.extends,
                "title": self.title, "path": str(self.path) if self.path else None, "chain": list(self.chain),
                "digest": rules_digest(self.rules),
                "rules": [setting_document(spec, self.settings[spec.key], lang) for spec in RULES]}


def plain(value):
    """A parameter value fit for JSON (windows as {first, last, label} tables)."""
    if isinstance(value, tuple):
        return [{"first": f, "last": la, "label": lb} for f, la, lb in value]
    return value


def setting_document(spec: RuleSpec, setting: RuleSetting, lang: str) -> dict:
    return {"rule": spec.key, "kind": spec.kind.value, "enabled": setting.enabled,
            "params": {k: plain(v) for k, v in setting.params.items()}, "reasons": list(spec.reasons),
            "article": setting.article, "set_by": setting.set_by or None,
            "origin": {k: o or None for k, o in setting.origin.items()}, "description": describe(spec, lang)}


def registry_settings() -> dict[str, RuleSetting]:
    """Every rule at the registry's defaults (= contract section 4)."""
    return {spec.key: RuleSetting(spec.key, spec.enabled, {p.name: p.default for p in spec.params}, spec.article,
                                  {ENABLED: REGISTRY, ARTICLE: REGISTRY, **{p.name: REGISTRY for p in spec.params}})
            for spec in RULES}


def merged(base: dict[str, RuleSetting], file: PackFile) -> dict[str, RuleSetting]:
    """``base`` with the keys ``file`` sets overridden (the rest inherited)."""
    out = dict(base)
    for key, given in file.rules.items():
        old = base[key]
        params = {**old.params, **{k: v for k, v in given.items() if k in old.params}}
        origin = {**old.origin, **{k: file.label for k in given if k in old.origin}}
        out[key] = RuleSetting(key, bool(given.get(ENABLED, old.enabled)), params,
                               str(given.get(ARTICLE, old.article)), origin, file.label)
    return out


def rules_of(settings: dict[str, RuleSetting], label: str) -> EligibilityRules:
    """The EligibilityRules the settings decide, labelled ``label`` with their digest
    ('' when they are the class defaults, as :data:`DEFAULT_RULES`)."""
    fields: dict[str, object] = {}
    for spec in RULES:
        setting = settings[spec.key]
        if spec.switch:
            fields[spec.switch] = setting.enabled
        if spec.member:
            members = fields.setdefault(spec.member, ())
            fields[spec.member] = (*members, spec.key) if setting.enabled else members
        for param in spec.params:
            value = setting.params[param.name] if setting.enabled else off_value(param)
            if param.type is ParamType.WINDOWS:
                value = tuple((first, last) for first, last, _ in value)
            fields[param.field] = value
    rules = EligibilityRules(**fields, pack=label)
    digest = rules_digest(rules)
    return EligibilityRules(**fields, pack=label, pack_digest="" if digest == DEFAULT_DIGEST else digest)


def _candidates(folder: Path, name: str, version: str) -> list[Path]:
    stems = ([f"{name}@{version}"] if version else []) + [name]
    return [folder / f"{stem}{suffix}" for stem in stems for suffix in SUFFIXES if (folder / f"{stem}{suffix}").is_file()]


def find_pack(ref: str, search: Sequence[Path] = ()) -> Path | None:
    """The file of pack ``name`` or ``name@version`` (shipped first, then ``search``);
    None when no file has that name; PackError when files do but not that version."""
    name, _, version = ref.partition("@")
    other_versions = []
    for folder in (shipped_folder(), *map(Path, search)):
        for path in _candidates(folder, name, version):
            found = read_pack_file(path)
            if not version or found.version == version:
                return path
            other_versions.append(f"{path} has version {found.version}")
    if other_versions:
        raise PackError(f"rule pack {ref!r} not found: {'; '.join(other_versions)}")
    return None


def _resolve(file: PackFile, search: Sequence[Path], seen: tuple[PackFile, ...]) -> RulePack:
    chain = (*seen, file)
    if file.extends is None:
        base, ancestors = registry_settings(), ()
    else:
        parent_file = _extended(file, search)
        if any(parent_file.path.resolve() == f.path.resolve() for f in chain):
            cycle = " -> ".join(f"{f.label} ({f.path.name})" for f in (*chain, parent_file))
            raise file.error((PACK, EXTENDS), f"extends {file.extends!r} makes a cycle: {cycle}")
        parent = _resolve(parent_file, search, chain)
        base, ancestors = parent.settings, parent.chain
    settings = merged(base, file)
    return RulePack(file.name, file.version, file.extends, file.title, file.path, settings,
                    (file.label, *ancestors), rules_of(settings, file.label))


def _extended(file: PackFile, search: Sequence[Path]) -> PackFile:
    target = file.extends or ""
    relative = file.path.parent / target
    try:
        path = relative if relative.is_file() else find_pack(target, search)
    except PackError as exc:
        raise file.error((PACK, EXTENDS), f"extends {target!r}: {exc}") from None
    if path is None:
        raise file.error((PACK, EXTENDS), f"extends {target!r}: no such pack (see `mutasi rules list`) "
                                          f"and no file {relative}")
    return read_pack_file(path)


def load_pack(ref: str, search: Sequence[Path] = ()) -> RulePack:
    """Pack ``ref`` (a file path, a pack name or ``name@version``), resolved; PackError."""
    path = Path(ref)
    if not (path.suffix.lower() in SUFFIXES and path.is_file()):
        found = find_pack(ref, search)
        if found is None:
            known = ", ".join(sorted({p.label for p in (listed.pack for listed in list_packs(search)) if p}))
            folders = ", ".join(str(f) for f in (shipped_folder(), *search))
            raise PackError(f"unknown rule pack {ref!r}: not a .toml/.yaml file and not in {folders} "
                            f"(known: {known or 'none'})")
        path = found
    file = read_pack_file(path)
    name = ref.partition("@")[0]
    if path != Path(ref) and file.name != name:
        raise file.error((PACK, "name"), f"name is {file.name!r}, but the file was found as pack {name!r}")
    return _resolve(file, search, ())


def load_rules(name: str | None, search: Sequence[Path] = ()) -> EligibilityRules:
    """The rules of pack ``name`` (a pack name, ``name@version`` or a file path), looked up
    in the shipped packs, then in ``search``; None = the contract's defaults."""
    if name is None:
        return DEFAULT_RULES
    return load_pack(name, search).rules


@dataclass(frozen=True)
class Listed:
    """A pack file found by :func:`list_packs`: resolved, or the error that stops it."""

    path: Path
    pack: RulePack | None
    error: str | None = None


def list_packs(search: Sequence[Path] = ()) -> list[Listed]:
    """Every pack file shipped and in the ``search`` folders, in lookup order."""
    out = []
    for folder in (shipped_folder(), *map(Path, search)):
        files = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES) if folder.is_dir() else []
        for path in files:
            try:
                out.append(Listed(path, _resolve(read_pack_file(path), search, ())))
            except PackError as exc:
                out.append(Listed(path, None, str(exc)))
    return out


@dataclass(frozen=True)
class Difference:
    rule: str
    key: str                # enabled, article or a parameter
    a: object
    b: object


def pack_diff(a: RulePack, b: RulePack) -> list[Difference]:
    """The rules whose on/off, parameters or article differ between two packs (registry
    order). A switched-off rule's parameters are compared too: switching it on shows them."""
    out = []
    for spec in RULES:
        left, right = a.settings[spec.key], b.settings[spec.key]
        pairs = [(ENABLED, left.enabled, right.enabled),
                 *((p.name, left.params[p.name], right.params[p.name]) for p in spec.params),
                 (ARTICLE, left.article, right.article)]
        out.extend(Difference(spec.key, key, plain(x), plain(y)) for key, x, y in pairs if x != y)
    return out
