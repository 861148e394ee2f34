"""``mutasi rules list|show|diff|check`` (typer's CliRunner, no model needed), and ``--rules``
reaching the documents and the audit log: ``rank`` and ``plan`` on the session's trained
store, and a server started with ``--rules nasional`` (one per module)."""

import json
import re
import subprocess
import sys

import httpx
import pytest
from typer.testing import CliRunner

from mutasi.cli import app
from serving.audit import AuditLog

from api_helpers import POSITION, own_entry, rank
from servers import start_server

pytestmark = pytest.mark.api

NATIONAL = "nasional@2026.1"
AS_OF = "2021-01-01"


def cli(*args: str, home=None):
    env = {"COLUMNS": "250", **({"MUTASI_HOME": str(home)} if home else {})}
    return CliRunner().invoke(app, list(args), env=env)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_rules_list_shows_the_shipped_packs_and_the_homes(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "kota.yaml").write_text("pack: {name: kota, version: '1', extends: nasional}\n")
    done = cli("rules", "list", "--json", home=tmp_path)
    assert done.exit_code == 0, done.output
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert rows["nasional"]["version"] == "2026.1" and rows["nasional"]["extends"] == "contract"
    assert rows["kota"]["extends"] == "nasional" and rows["kota"]["file"].endswith("kota.yaml")
    assert "example" in rows["contoh-kabupaten"]["title"].lower()
    table = cli("rules", "list", home=tmp_path)
    assert table.exit_code == 0 and "contoh-kabupaten" in table.stdout and "2026.1" in table.stdout


def test_rules_show_says_which_pack_set_each_rule():
    done = cli("rules", "show", "contoh-kabupaten", "--json")
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["chain"] == ["contoh-kabupaten@2024.1", NATIONAL, "contract@1"]
    rules = {r["rule"]: r for r in document["rules"]}
    assert rules["blackout"]["params"]["windows"] == [{"first": "2024-03-22", "last": "2024-11-27",
                                                       "label": "Pilkada serentak 2024"}]
    assert rules["tugas_belajar"]["enabled"] and rules["tugas_belajar"]["set_by"] == NATIONAL
    assert rules["min_time_in_post"]["params"] == {"years": 2.0} and rules["min_time_in_post"]["set_by"] == "contract@1"
    assert rules["min_time_in_post"]["reasons"] == ["tenure_under_min"]
    assert rules["min_time_in_post"]["article"].startswith("PP 11/2017 Pasal 190")
    text = flat(cli("rules", "show", "nasional").stdout)
    assert re.search(r"tugas_belajar \S* eligibility \S* on \S* - \S* tugas_belajar", text), text
    assert "nasional@2026.1 → contract@1" in text


def test_rules_diff_lists_what_differs_and_exits_0():
    done = cli("rules", "diff", "contract", "contoh-kabupaten", "--json")
    assert done.exit_code == 0, done.output
    found = {(d["rule"], d["key"]): (d["a"], d["b"]) for d in json.loads(done.stdout)["differences"]}
    assert found[("max_time_in_post", "years")] == (5.0, 4.0)
    assert found[("cltn", "enabled")] == (False, True) and ("min_time_in_post", "years") not in found
    same = cli("rules", "diff", "nasional", NATIONAL)
    assert same.exit_code == 0 and "set the same rules" in same.stdout
    table = cli("rules", "diff", "contract", "nasional")
    assert table.exit_code == 0 and "required_fields" in table.stdout and "retirement" not in table.stdout


def test_rules_check_and_a_bad_pack_exit_2_naming_file_rule_and_line(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[pack]\nname = "good"\nversion = "1"\nextends = "nasional"\n')
    done = cli("rules", "check", str(good))
    assert done.exit_code == 0 and "ok: good@1 (good@1 → nasional@2026.1 → contract@1)" in flat(done.stdout)
    bad = tmp_path / "bad.toml"
    bad.write_text('[pack]\nname = "bad"\nversion = "1"\n\n[rules.min_time_in_post]\nyears = "dua"\n')
    done = cli("rules", "check", str(bad))
    assert done.exit_code == 2
    assert f"{bad}:6: rule 'min_time_in_post': years must be a number" in flat(done.stderr)
    assert cli("rules", "show", "nope").exit_code == 2


def mutasi(store: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", *args], env={**store["env"], "COLUMNS": "200"},
                          capture_output=True, text=True, timeout=300)


def test_rank_and_plan_with_rules_record_the_pack(store, tmp_path):
    ranked = mutasi(store, "rank", "--data", str(store["data"]), "--position", POSITION, "--as-of", AS_OF,
                    "--top", "3", "--json", "--rules", "nasional")
    assert ranked.returncode == 0, ranked.stderr[-3000:]
    document = json.loads(ranked.stdout)
    assert document["rules"] == NATIONAL
    assert AuditLog(store["audit"]).ranking(document["audit_id"])["rules"] == NATIONAL
    round_file = tmp_path / "round.csv"
    round_file.write_text(f"position_id\n{POSITION}\n")
    planned = mutasi(store, "plan", "--data", str(store["data"]), "--round", str(round_file), "--as-of", AS_OF,
                     "--json", "--rules", "contoh-kabupaten")
    assert planned.returncode == 0, planned.stderr[-3000:]
    plan = json.loads(planned.stdout)
    assert plan["rules"] == "contoh-kabupaten@2024.1"
    assert AuditLog(store["audit"]).plan_entry(plan["audit_id"])["document"]["rules"] == "contoh-kabupaten@2024.1"
    unknown = mutasi(store, "rank", "--data", str(store["data"]), "--position", POSITION, "--rules", "nope")
    assert unknown.returncode == 2 and "unknown rule pack 'nope'" in flat(unknown.stderr)


@pytest.fixture(scope="module")
def national_server(store):
    proc, url = start_server(store, args=("--rules", "nasional"))
    yield url, store["root"] / f"server-{url.rsplit(':', 1)[1]}.log"
    proc.terminate()
    proc.wait(timeout=30)


def test_a_server_with_rules_ranks_and_plans_under_them(national_server, store):
    url, log = national_server
    assert f"rule pack in force: {NATIONAL}" in flat(log.read_text())
    response = rank(url, own_entry({"position_id": POSITION, "as_of": AS_OF, "top_k": 3}, 8801))
    assert response.status_code == 200, response.text[:500]
    assert response.json()["rules"] == NATIONAL
    assert AuditLog(store["audit"]).ranking(response.json()["audit_id"])["rules"] == NATIONAL
    planned = httpx.post(f"{url}/v1/plans", json={"round": [{"position_id": POSITION}], "as_of": AS_OF}, timeout=120)
    assert planned.status_code == 200, planned.text[:500]
    assert planned.json()["rules"] == NATIONAL
