"""The audit log keeps what each rule pack label decided the first time it was used, so a
decision can be replayed under the rules of its day even after the pack's file changed or
went; the same name@version standing for other rules is refused (at server start too)."""

import json
import sqlite3
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from features.eligibility import DEFAULT_RULES, rules_content
from features.rule_packs import load_rules
from mutasi.cli import app
from serving.api import create_app
from serving.audit import AuditLog, RulesChanged
from serving.champion import ChampionCache
from serving.context import ServingContext

pytestmark = pytest.mark.code
PACK = '[pack]\nname = "kota-x"\nversion = "1"\nextends = "contract"\n\n[rules.min_time_in_post]\nyears = {years}\n'


def test_a_label_keeps_the_rules_it_first_stood_for(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    assert log.rules_of("contract@1") is None
    log.record_rules(DEFAULT_RULES)
    log.record_rules(DEFAULT_RULES)                                  # used again: nothing new
    assert log.rules_of("contract@1") == rules_content(DEFAULT_RULES)
    custom = replace(DEFAULT_RULES, min_tenure_years=3.0)            # changed in code: its own label
    log.record_rules(custom)
    assert log._read("SELECT COUNT(*) AS n FROM rule_packs")[0]["n"] == 2


def test_the_same_name_and_version_with_other_rules_is_refused(tmp_path):
    pack = tmp_path / "kota-x.toml"
    pack.write_text(PACK.format(years=3), encoding="utf-8")
    log = AuditLog(tmp_path / "audit.db")
    log.record_rules(load_rules(str(pack)))
    pack.write_text(PACK.format(years=4), encoding="utf-8")         # edited without a new version
    with pytest.raises(RulesChanged, match="kota-x@1 has changed"):
        log.record_rules(load_rules(str(pack)))
    assert log.rules_of("kota-x@1")["min_tenure_years"] == 3.0       # the first meaning stays


def test_kept_rules_cannot_be_rewritten(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    log.record_rules(DEFAULT_RULES)
    with sqlite3.connect(tmp_path / "audit.db") as db, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE rule_packs SET content = '{}'")


def test_a_server_will_not_start_with_a_pack_changed_under_its_label(tiny, tmp_path):
    pack = tmp_path / "kota-x.toml"
    pack.write_text(PACK.format(years=3), encoding="utf-8")
    context, log = ServingContext.from_dataset(tiny), AuditLog(tmp_path / "audit.db")
    create_app(context, ChampionCache(None), log, tokens={}, rules=load_rules(str(pack)))
    pack.write_text(PACK.format(years=1), encoding="utf-8")
    with pytest.raises(RulesChanged):
        create_app(context, ChampionCache(None), log, tokens={}, rules=load_rules(str(pack)))


def test_audit_log_prints_the_kept_rules_of_a_label(tmp_path):
    db = tmp_path / "audit.db"
    AuditLog(db).record_rules(DEFAULT_RULES)
    shown = CliRunner().invoke(app, ["audit-log", "--audit-db", str(db), "--rules", "contract@1"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == {"rules": "contract@1", **rules_content(DEFAULT_RULES)}
    unknown = CliRunner().invoke(app, ["audit-log", "--audit-db", str(db), "--rules", "nasional@2026.1"])
    assert unknown.exit_code == 2 and "never used rule pack" in unknown.stderr
