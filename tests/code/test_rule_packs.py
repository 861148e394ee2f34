"""Rule packs as data: the shipped packs, the registry against EligibilityRules, extends and
override semantics, lookup (file, shipped, search folders, name@version), labels, and that
a pack change changes exactly the eligible set it should."""

import dataclasses
import tomllib

import pytest
from rule_frames import eligible, snapshot, write_pack

from features import eligibility as e
from features import snapshot as s
from features.eligibility import DEFAULT_RULES, EligibilityRules, rules_label
from features.rule_packs import (
    REGISTRY,
    PackError,
    list_packs,
    load_pack,
    load_rules,
    pack_diff,
    registry_settings,
    rules_of,
    shipped_folder,
)
from features.rules import RULES, RuleKind

pytestmark = pytest.mark.code

STATUS = "tugas_belajar"


def test_contract_pack_is_the_contract_defaults():
    assert load_rules("contract") == DEFAULT_RULES == load_rules(None) == load_rules("contract@1")
    assert rules_label(load_rules("contract")) == rules_label(DEFAULT_RULES) == "contract@1"
    assert rules_of(registry_settings(), "contract@1") == DEFAULT_RULES


def test_the_registry_sets_every_rules_field_once_and_names_every_rule_reason():
    fields = [p.field for r in RULES for p in r.params] + [r.switch for r in RULES if r.switch]
    fields += sorted({r.member for r in RULES if r.member})
    assert sorted(fields) == sorted(f.name for f in dataclasses.fields(EligibilityRules) if f.name not in e.PACK_FIELDS)
    produced = [code for r in RULES for code in r.reasons]
    always = {e.EXITED, e.NO_CURRENT_POST, e.HOLDS_POSITION}          # facts, not settable rules
    assert sorted(produced) == sorted(set(e.REASON_CODES) - always | set(e.DUE_REASON_CODES))
    assert {r.key for r in RULES if r.kind is RuleKind.ROTATION} == {
        "max_time_in_post", "assessment_period", "competency_standard"}


def test_contract_file_states_every_rule_with_the_registry_article():
    text = tomllib.loads((shipped_folder() / "contract.toml").read_text())
    assert list(text["rules"]) == [r.key for r in RULES]
    assert {k: v["article"] for k, v in text["rules"].items()} == {r.key: r.article for r in RULES}


def test_shipped_packs_and_their_chain():
    national, example = load_pack("nasional"), load_pack("contoh-kabupaten")
    assert rules_label(national.rules) == "nasional@2026.1" and national.chain == ("nasional@2026.1", "contract@1")
    assert national.rules.excluded_status_kinds == ("tugas_belajar", "ikatan_dinas", "cltn", "pemberhentian_sementara")
    assert national.rules.check_required_fields and not national.rules.blackout_windows
    assert example.chain == ("contoh-kabupaten@2024.1", "nasional@2026.1", "contract@1")
    assert "example" in example.title.lower()
    assert example.rules.blackout_windows == (("2024-03-22", "2024-11-27"),)
    assert example.rules.max_years_in_post == 4.0
    assert example.rules.excluded_status_kinds == national.rules.excluded_status_kinds     # inherited
    assert example.settings["tugas_belajar"].set_by == "nasional@2026.1"
    assert example.settings["min_time_in_post"].set_by == "contract@1"


def test_nasional_drops_exactly_the_employees_on_tugas_belajar_from_the_contract_pool():
    on_leave = s.status_column(STATUS)
    snap = snapshot({}, {on_leave: 1.0}, {s.TENURE_IN_POST: 1.0}, {on_leave: 1.0, s.GRADE_RANK: 9.0}, {})
    contract, national = eligible(snap, load_rules("contract")), eligible(snap, load_rules("nasional"))
    assert contract - national == {"e2", "e4"} and national <= contract
    assert contract == {"e1", "e2", "e4", "e5"}


def test_a_rule_mentioned_overrides_only_the_keys_it_sets(tmp_path):
    parent = write_pack(tmp_path, "parent", '[rules.min_time_in_post]\nyears = 3\narticle = "Perbup 1/2025"\n')
    child = write_pack(tmp_path, "child", "[rules.min_time_in_post]\nenabled = false\n", extends="parent.toml")
    grandchild = write_pack(tmp_path, "grandchild", "[rules.min_time_in_post]\nenabled = true\n",
                            extends="child.toml")
    parent_rules, child_rules = load_rules(str(parent)), load_rules(str(child))
    assert parent_rules.min_tenure_years == 3.0 and child_rules.min_tenure_years is None
    setting = load_pack(str(grandchild)).settings["min_time_in_post"]
    assert load_rules(str(grandchild)).min_tenure_years == 3.0                 # the parent's years come back
    assert setting.article == "Perbup 1/2025" and setting.set_by == "grandchild@1"
    assert setting.origin == {"enabled": "grandchild@1", "article": "parent@1", "years": "parent@1"}
    assert load_pack(str(parent)).settings["retirement"].origin["days"] == "contract@1"     # not mentioned
    untouched = {k: v for k, v in dataclasses.asdict(parent_rules).items() if k not in ("min_tenure_years", "pack",
                                                                                       "pack_digest")}
    assert untouched == {k: v for k, v in dataclasses.asdict(DEFAULT_RULES).items() if k in untouched}


def test_a_pack_without_extends_starts_from_the_registry(tmp_path):
    alone = load_pack(str(write_pack(tmp_path, "alone", "[rules.cltn]\nenabled = true\n", extends=None)))
    assert alone.rules.excluded_status_kinds == ("cltn",) and alone.chain == ("alone@1",)
    assert alone.settings["retirement"].set_by == REGISTRY


def test_yaml_and_toml_packs_resolve_alike(tmp_path):
    toml = write_pack(tmp_path / "t", "local", '[rules.blackout]\nenabled = true\nwindows = [{first = 2024-03-22, '
                                               'last = 2024-11-27, label = "Pilkada"}]\n', extends="nasional")
    yaml = write_pack(tmp_path / "y", "local", "rules:\n  blackout:\n    enabled: true\n    windows:\n"
                                               "      - {first: 2024-03-22, last: '2024-11-27', label: Pilkada}\n",
                      extends="nasional", suffix=".yaml")
    assert load_rules(str(toml)) == load_rules(str(yaml))
    assert load_pack(str(yaml)).settings["blackout"].params["windows"] == (("2024-03-22", "2024-11-27", "Pilkada"),)


def test_lookup_by_name_in_the_search_folders_and_exact_versions(tmp_path):
    home = tmp_path / "rules"
    write_pack(home, "kota", "[rules.max_time_in_post]\nyears = 3\n", version="2025.2", extends="nasional@2026.1")
    assert rules_label(load_rules("kota", search=(home,))) == "kota@2025.2"
    assert load_rules("kota@2025.2", search=(home,)).max_years_in_post == 3.0
    with pytest.raises(PackError, match=r"kota@2024\.1.*has version 2025\.2"):
        load_rules("kota@2024.1", search=(home,))
    with pytest.raises(PackError, match=r"unknown rule pack 'kota'.*known: contoh-kabupaten@2024\.1, contract@1"):
        load_rules("kota")
    with pytest.raises(PackError, match=r"nasional@2025\.1.*nasional\.toml has version 2026\.1"):
        load_rules("nasional@2025.1")


def test_a_changed_rule_gets_a_custom_label():
    national = load_rules("nasional")
    changed = dataclasses.replace(national, min_tenure_years=3.0)
    assert rules_label(changed).startswith("nasional@2026.1+custom@")
    assert rules_label(dataclasses.replace(DEFAULT_RULES, check_grade=False)).startswith("contract@1+custom@")
    assert rules_label(dataclasses.replace(changed, min_tenure_years=2.0)) == "nasional@2026.1"


def test_list_and_diff(tmp_path):
    home = tmp_path / "rules"
    write_pack(home, "kota", "[rules.cltn]\nenabled = true\n")
    write_pack(home, "rusak", "[rules.nope]\nenabled = true\n")
    listed = {x.path.name: x for x in list_packs((home,))}
    assert {"contract.toml", "nasional.toml", "contoh-kabupaten.toml", "kota.toml", "rusak.toml"} == set(listed)
    assert listed["kota.toml"].pack.extends == "contract" and listed["rusak.toml"].pack is None
    assert "rule 'nope'" in listed["rusak.toml"].error
    found = pack_diff(load_pack("contract"), load_pack("nasional"))
    assert [(d.rule, d.key, d.a, d.b) for d in found] == [
        (k, "enabled", False, True) for k in ("tugas_belajar", "ikatan_dinas", "cltn", "pemberhentian_sementara",
                                              "required_fields")]
    assert pack_diff(load_pack("nasional"), load_pack("nasional")) == []
