"""Bad rule packs fail with a PackError whose message names the file, the rule (or the
[pack] header) and the line — in TOML (lines found in the text) and YAML (node marks)."""

import re

import pytest
from rule_frames import write_pack

from features.rule_packs import PackError, load_rules

pytestmark = pytest.mark.code

# body after the 4-line header ([pack], name, version, extends): the first body line is line 5
TOML_CASES = {
    "unknown rule": ("[rules.min_time_in_pots]\nyears = 3\n", "min_time_in_pots", 5,
                     r"unknown rule; did you mean 'min_time_in_post'"),
    "unknown parameter": ("[rules.min_time_in_post]\nenabled = true\nyaers = 3\n", "min_time_in_post", 7,
                          r"unknown parameter 'yaers' \(did you mean 'years'\?\)"),
    "wrong type": ('# comment\n\n[rules.min_time_in_post]\nyears = "dua"\n', "min_time_in_post", 8,
                   r"years must be a number >= 0, not 'dua' \(text\)"),
    "negative number": ("[rules.retirement]\ndays = -1\n", "retirement", 6, r"days must be a number >= 0"),
    "enabled not a flag": ('[rules.cltn]\nenabled = "yes"\n', "cltn", 6, r"enabled must be true or false"),
    "other reason code": ('[rules.min_time_in_post]\nreason = "retiring"\n', "min_time_in_post", 6,
                          r"reason 'retiring' differs from the rule's reason code 'tenure_under_min'"),
    "window last before first": ("[rules.blackout]\nenabled = true\n\n[[rules.blackout.windows]]\nfirst = 2024-11-27\n"
                                 'last = 2024-03-22\nlabel = "Pilkada"\n', "blackout", 10,
                                 r"window 1 \(Pilkada\): last 2024-03-22 is before first 2024-11-27"),
    "bad date": ('[rules.blackout]\nwindows = [{first = "2024-13-01", last = 2024-12-01}]\n', "blackout", 6,
                 r"first must be a date YYYY-MM-DD, not '2024-13-01'"),
    "window without last": ("[rules.blackout]\n\n[[rules.blackout.windows]]\nfirst = 2024-01-01\n", "blackout", 7,
                            r"window 1: last is missing"),
}


@pytest.mark.parametrize("case", TOML_CASES)
def test_a_bad_toml_rule_names_file_rule_and_line(case, tmp_path):
    body, rule, line, message = TOML_CASES[case]
    path = write_pack(tmp_path, "bad", body)
    with pytest.raises(PackError) as caught:
        load_rules(str(path))
    assert re.search(rf"^{re.escape(str(path))}:{line}: rule '{rule}': {message}", str(caught.value)), str(caught.value)


YAML_CASES = {
    "unknown rule": ("rules:\n  tugas_belajr:\n    enabled: true\n", "tugas_belajr", 6, r"unknown rule"),
    "wrong type": ("rules:\n  min_time_in_post:\n    enabled: true\n    years: dua\n", "min_time_in_post", 8,
                   r"years must be a number"),
    "window last before first": ("rules:\n  blackout:\n    windows:\n      - first: 2024-11-27\n"
                                 "        last: 2024-03-22\n", "blackout", 9,
                                 r"window 1: last 2024-03-22 is before first 2024-11-27"),
}


@pytest.mark.parametrize("case", YAML_CASES)
def test_a_bad_yaml_rule_names_file_rule_and_line(case, tmp_path):
    body, rule, line, message = YAML_CASES[case]
    path = write_pack(tmp_path, "bad", body, suffix=".yaml")
    with pytest.raises(PackError, match=rf"^{re.escape(str(path))}:{line}: rule '{rule}': {message}"):
        load_rules(str(path))


@pytest.mark.parametrize("text, line, message", [
    ('[pack]\nversion = "1"\n', 1, r"\[pack\] name is missing"),
    ('[pack]\nname = "x"\n', 1, r"\[pack\] version is missing"),
    ('[pack]\nname = "x"\nversion = 2026.1\n', 3, r"\[pack\] version must be text \(in quotes\), not 2026\.1"),
    ('[pack]\nname = "x y"\nversion = "1"\n', 2, r"\[pack\] name 'x y' may hold only"),
    ('[pack]\nname = "x"\nversion = "1"\nowner = "me"\n', 4, r"\[pack\] unknown key 'owner'"),
    ('[pack]\nname = "x"\nversion = "1"\n[rule.cltn]\nenabled = true\n', 4, r"unknown section 'rule'"),
    ('[pack]\nname = "x"\nversion = "1"\nextends = "nope"\n', 4, r"\[pack\] extends 'nope': no such pack"),
    ('[pack]\nname = "x"\nversion = "1"\nextends = "nasional@2025.1"\n', 4,
     r"\[pack\] extends 'nasional@2025\.1': .*has version 2026\.1"),
    ('[pack]\nname = "x"\nversion = "1"\n[rules]\ncltn = 1\n', 5, r"rule 'cltn': must be a table of settings"),
])
def test_a_bad_header_names_file_and_line(text, line, message, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(PackError, match=rf"^{re.escape(str(path))}:{line}: {message}"):
        load_rules(str(path))


def test_a_cycle_in_extends_names_the_chain(tmp_path):
    write_pack(tmp_path, "a", "", extends="b.toml")
    write_pack(tmp_path, "b", "", extends="c.toml")
    write_pack(tmp_path, "c", "", extends="a.toml")
    with pytest.raises(PackError) as caught:
        load_rules(str(tmp_path / "a.toml"))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'c.toml'}:4: [pack] extends 'a.toml' makes a cycle: ")
    assert message.endswith("a@1 (a.toml) -> b@1 (b.toml) -> c@1 (c.toml) -> a@1 (a.toml)")


def test_an_error_in_an_extended_pack_names_that_file(tmp_path):
    write_pack(tmp_path, "base", "[rules.retirement]\ndays = \"setahun\"\n")
    path = write_pack(tmp_path, "local", "", extends="base.toml")
    with pytest.raises(PackError, match=rf"^{re.escape(str(tmp_path / 'base.toml'))}:6: rule 'retirement'"):
        load_rules(str(path))


def test_not_toml_at_all_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[pack]\nname = "x"\nversion = \n')
    with pytest.raises(PackError, match=rf"^{re.escape(str(path))}: not valid TOML: .*line 3"):
        load_rules(str(path))


def test_a_file_too_large_to_be_a_pack_is_refused_before_it_is_read(tmp_path):
    from features.pack_files import MAX_PACK_BYTES

    big = tmp_path / "besar.toml"
    big.write_text('[pack]\nname = "besar"\nversion = "1"\n' + "#" * MAX_PACK_BYTES + "\n", encoding="utf-8")
    with pytest.raises(PackError, match=rf"besar.toml: a rule pack is at most {MAX_PACK_BYTES:,} bytes"):
        load_rules(str(big))
