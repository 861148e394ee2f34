"""The command line on a trained store (``tests/api``'s session store, no second training):
``rank-many`` with a bad vacancy among good ones, day-first dates, notices as warnings, the
audit log written once per ranking, ``models`` with its metrics and verdict, and ``train``/
``serve``-style store lines."""

import json
import subprocess
import sys

import openpyxl
import pytest

from api_helpers import POSITION

pytestmark = pytest.mark.api


def mutasi(store: dict, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutasi.cli", *args],
                          env={**store["env"], "COLUMNS": "200", **(env or {})}, capture_output=True, text=True,
                          timeout=300)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def positions_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "vacancies.csv"
    path.write_text(f"position_id,note\np2,\nnope,typo\n{POSITION},\n")
    return path


def audit_ids(store: dict) -> dict[tuple[str, str], int]:
    logged = mutasi(store, "audit-log", "--json", "--limit", "1000")
    assert logged.returncode == 0, logged.stderr[-2000:]
    return {(e["position_id"], e["as_of"]): e["id"] for e in json.loads(logged.stdout)}


def test_rank_many_ranks_the_good_vacancies_and_reports_the_bad_one(store, positions_file, tmp_path):
    done = mutasi(store, "rank-many", "--data", str(store["data"]), "--positions", str(positions_file),
                  "--as-of", "2021-01-01", "--top", "3", "--json", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]          # one JSON document per line
    assert [d["position_id"] for d in lines] == ["p2", "nope", POSITION]
    assert lines[1]["error"]["field"] == "position_id" and "nope" in lines[1]["error"]["detail"]
    for doc in (lines[0], lines[2]):
        assert doc["as_of"] == "2021-01-01" and 1 <= len(doc["candidates"]) <= 3 and doc["audit_id"]
    assert "nope" in done.stderr and "2 of 3 vacancies ranked" in flat(done.stderr)
    ids = audit_ids(store)
    assert ids[("p2", "2021-01-01")] == lines[0]["audit_id"] and ids[(POSITION, "2021-01-01")] == lines[2]["audit_id"]
    again = mutasi(store, "rank-many", "--data", str(store["data"]), "--positions", str(positions_file),
                   "--as-of", "2021-01-01", "--top", "3", "--json")
    assert [json.loads(x).get("audit_id") for x in again.stdout.splitlines()] == [d.get("audit_id") for d in lines]
    assert len(audit_ids(store)) == len(ids)                                  # logged once, not per run
    sheet = openpyxl.load_workbook(tmp_path / "out" / "rankings.xlsx").active
    ranked = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert ranked == {"p2", POSITION}
    assert (tmp_path / "out" / "rankings.csv").read_text(encoding="utf-8-sig").startswith("ID jabatan,")
    assert len((tmp_path / "out" / "rankings.jsonl").read_text().splitlines()) == 2


def test_rank_many_readable_tables_and_failure_when_nothing_ranks(store, positions_file, tmp_path):
    shown = mutasi(store, "rank-many", "--data", str(store["data"]), "--positions", str(positions_file),
                   "--top", "2", "--lang", "en")
    assert shown.returncode == 0, shown.stderr[-2000:]
    text = flat(shown.stdout)
    assert "p2 — Kepala Subbidang Anggaran" in text and "Could not be ranked: nope: position_id" in text
    assert "eligible candidates" in text
    only_bad = tmp_path / "bad.txt"
    only_bad.write_text("nope\nnada\n")
    as_terminal = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}        # a live bar on stderr, as in a terminal
    failed = mutasi(store, "rank-many", "--data", str(store["data"]), "--positions", str(only_bad), "--json",
                    env=as_terminal)
    assert failed.returncode == 1 and [json.loads(x)["position_id"] for x in failed.stdout.splitlines()] == [
        "nope", "nada"]                                                  # the documents stay on stdout


def test_day_first_dates_are_read_day_first_and_far_dates_warn(store):
    done = mutasi(store, "rank", "--data", str(store["data"]), "--position", POSITION, "--as-of", "01/02/2021",
                  "--day-first", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["as_of"] == "2021-02-01"                    # 1 February, not 2 January
    refused = mutasi(store, "rank", "--data", str(store["data"]), "--position", POSITION, "--as-of", "01/02/2021")
    assert refused.returncode == 2 and "--day-first" in flat(refused.stderr)
    far = mutasi(store, "rank", "--data", str(store["data"]), "--position", POSITION, "--as-of", "2090-01-01",
                 "--json")
    assert far.returncode == 0, far.stderr[-2000:]
    notices = json.loads(far.stdout)["notices"]
    assert notices and "warning:" in far.stderr and notices[0]["message"][:30] in flat(far.stderr)


def test_models_shows_metrics_verdict_and_where_the_store_is(store):
    done = mutasi(store, "models", "--lang", "en")
    assert done.returncode == 0, done.stderr[-2000:]
    text = flat(done.stdout)
    assert "v1 (champion)" in text and "ndcg@10 test" in text and "risk AUC" in text
    assert "fairness audit │ passed, lowest ratio 0." in text or "fairness audit │ failed, lowest ratio 0." in text
    assert store["env"]["MUTASI_HOME"] in flat(done.stderr)                     # where the store is
    rows = json.loads(mutasi(store, "models", "--json").stdout)
    assert {"version", "aliases", "audit", "decision"} <= set(rows[0])          # the old shape, extended
    assert 0 < rows[0]["fairness"]["min_impact_ratio"] <= 1.0 and "risk AUC" in rows[0]["metrics"]
    indonesian = flat(mutasi(store, "models").stdout)
    assert "audit keadilan │ lolos, rasio terendah 0," in indonesian or "audit keadilan │ gagal" in indonesian


def test_serve_prints_the_reviewer_page_docs_and_the_store(server, store):
    port = server.rsplit(":", 1)[1]
    log = flat((store["root"] / f"server-{port}.log").read_text())
    assert f"reviewer page: {server}/review" in log and f"API docs: {server}/docs" in log
    assert f"home {store['env']['MUTASI_HOME']}" in log and "audit log" in log


def test_audit_prints_named_groups_and_keeps_the_markdown(store, tmp_path):
    done = mutasi(store, "audit", "--data", str(store["data"]), "--positions", "4", "--lang", "en",
                  "--out", str(tmp_path))
    assert done.returncode in (0, 1), done.stderr[-2000:]           # 1: the audit failed, still a report
    text = flat(done.stdout)
    assert "Fairness audit" in text and "four-fifths rule" in text and "impact ratio" in text
    assert "│ women │" in text and "Kota Kupang (r1)" in text           # names, not l/p or region codes
    assert "| attribute | group |" not in text                       # the Markdown is not the default
    assert (tmp_path / "audit.md").read_text().startswith("**Audit")
