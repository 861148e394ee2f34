"""The HTTP door's rules as plain functions (no server): loopback and tokens, request
limits and vocabularies, the date window for every door, decisions recorded with the
caller, and no exception text in a 500."""

import asyncio
import gc
import json
import math
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from fastapi import FastAPI

from models.policy import ScorePolicy
from serving.audit import AuditLog
from serving.checks import check_options
from serving.errors import RankingError
from serving.limits import EARLIEST_AS_OF, LATEST_AS_OF, MAX_FILTER_IDS, MAX_STANDARDS, MAX_TOP_K
from serving.middleware import ErrorGuard, SecurityHeaders, host_name
from serving.pool import PoolFilter
from serving.problems import PROBLEM
from serving.ranking import RankingOptions, Vacancy, resolve_as_of
from serving.requests import DecisionIn, RankingRequest, ranking_call
from serving.security import (
    ANONYMOUS,
    Caller,
    ConfigError,
    identify,
    is_loopback,
    parse_tokens,
    require_token_beyond_loopback,
    trusted_proxies,
)
from serving.service import record_decision

pytestmark = pytest.mark.code

VACANCY = {"position_id": "darurat-1", "unit_id": "u2", "position_type": "pengawas", "domain": "kebencanaan",
           "job_class": 9, "standards": {"m.08": 4, "t.kebencanaan": 3}}


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True), ("LocalHost", True),
    ("", False), ("0.0.0.0", False), ("::", False), ("10.1.2.3", False), ("localhost.evil.example", False)])
def test_only_explicit_loopback_runs_without_a_token(host, loopback):
    assert is_loopback(host) is loopback
    if loopback:
        require_token_beyond_loopback(host, {})
    else:
        with pytest.raises(ConfigError, match="MUTASI_API_TOKEN"):
            require_token_beyond_loopback(host, {})
    require_token_beyond_loopback(host, {"default": "t"})


def test_named_tokens_and_the_single_token():
    tokens = parse_tokens("bkd-tool:abc123, rina:def456", "s3cret")
    assert tokens == {"default": "s3cret", "bkd-tool": "abc123", "rina": "def456"}
    assert [identify(tokens, t) for t in ("abc123", "def456", "s3cret", "abc12", None)] == [
        "bkd-tool", "rina", "default", None, None]
    assert parse_tokens(None, None) == {} and parse_tokens("", "  ") == {}


@pytest.mark.parametrize("named", ["rina", "rina:", ":tok", "ri na:tok", "a:x,a:y", "a:same,b:same"])
def test_a_broken_token_list_stops_the_server(named):
    with pytest.raises(ConfigError, match="MUTASI_API_TOKENS"):
        parse_tokens(named)


def test_trusted_proxies_come_from_the_option_or_the_environment():
    assert trusted_proxies(None, {}) == []
    assert trusted_proxies(None, {"MUTASI_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16"}) == ["10.0.0.1", "10.1.0.0/16"]
    assert trusted_proxies(["127.0.0.1"], {"MUTASI_TRUSTED_PROXIES": "10.0.0.1"}) == ["127.0.0.1"]
    with pytest.raises(ConfigError):
        trusted_proxies(["*"], {})


@pytest.mark.parametrize("header, name", [("localhost:8000", "localhost"), ("[::1]:8000", "::1"), ("[::1]", "::1"),
                                          ("127.0.0.1", "127.0.0.1"), ("evil.example:80", "evil.example")])
def test_host_header_name(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("as_of", [date(9999, 12, 31), "0001-01-01", LATEST_AS_OF + timedelta(days=1),
                                   EARLIEST_AS_OF - timedelta(days=1), "yesterday-ish"])
def test_dates_outside_the_window_are_refused_for_every_door(as_of):
    with pytest.raises(RankingError) as err:
        resolve_as_of(None, as_of)
    assert err.value.field == "as_of"


def test_the_window_itself_is_open():
    assert resolve_as_of(None, EARLIEST_AS_OF).date() == EARLIEST_AS_OF
    assert resolve_as_of(None, str(LATEST_AS_OF)).date() == LATEST_AS_OF


@pytest.mark.parametrize("options, field", [
    (RankingOptions(top_k=MAX_TOP_K + 1), "top_k"),
    (RankingOptions(lang="fr"), "lang"),
    (RankingOptions(pool=PoolFilter(units=tuple(f"u{i}" for i in range(MAX_FILTER_IDS + 1)))), "units"),
    (RankingOptions(pool=PoolFilter(domains=("x" * 1000,))), "domains.0"),
    (RankingOptions(pool=PoolFilter(max_distance_km=math.inf)), "max_distance_km"),
    (RankingOptions(pool=PoolFilter(max_distance_km=0)), "max_distance_km"),
    (RankingOptions(policy=ScorePolicy(risk_penalty=math.nan)), "risk_penalty"),
    (RankingOptions(policy=ScorePolicy(risk_penalty=-1)), "risk_penalty"),
])
def test_options_break_a_named_rule(options, field):
    with pytest.raises(RankingError) as err:
        check_options(options)
    assert err.value.field == field


def test_the_top_k_cap_is_the_same_for_python_and_http():
    check_options(RankingOptions(top_k=MAX_TOP_K))
    assert ranking_call(RankingRequest(position_id="p3", top_k=MAX_TOP_K)).options.top_k == MAX_TOP_K
    with pytest.raises(ValueError):
        RankingRequest(position_id="p3", top_k=MAX_TOP_K + 1)


@pytest.mark.parametrize("change, field", [
    ({"position_type": "astronaut"}, "vacancy.position_type"),
    ({"min_grade": "V/z"}, "vacancy.min_grade"),
    ({"min_education": "phd"}, "vacancy.min_education"),
    ({"domain": "Bad Domain"}, "vacancy.domain"),
    ({"functional_level": "grandmaster"}, "vacancy.functional_level"),
    ({"job_class": math.inf}, "vacancy.job_class"),
    ({"standards": {"zz.1": 3}}, "vacancy.standards"),
    ({"standards": {}}, "vacancy.standards"),
    ({"standards": {f"t.d{i}": 3 for i in range(MAX_STANDARDS + 1)}}, "vacancy.standards"),
    ({"standards": {"m.08": 5.5}}, "vacancy.standards.m.08"),
    ({"standards": {"m.08": math.nan}}, "vacancy.standards.m.08"),
])
def test_an_impossible_vacancy_names_its_field(change, field):
    with pytest.raises(RankingError) as err:
        Vacancy(**{**VACANCY, **change})
    assert err.value.field == field


def test_grades_in_either_spelling_become_the_canonical_one():
    assert Vacancy(**VACANCY, min_grade="iii/c").min_grade == "III/c"
    assert Vacancy(**VACANCY, min_grade="IV/a").min_grade == "IV/a"


def test_a_request_needs_a_position_or_a_vacancy():
    with pytest.raises(RankingError) as err:
        ranking_call(RankingRequest(top_k=3))
    assert err.value.field == "position_id"
    call = ranking_call(RankingRequest(vacancy=VACANCY, units=["u1"], risk_penalty=0.5))
    assert call.vacancy.position_id == "darurat-1" and call.options.pool.units == ("u1",)
    assert call.options.policy.risk_penalty == 0.5


def test_a_decision_records_reviewer_identity_and_peer(tmp_path):
    audit = AuditLog(tmp_path / "audit.db")
    shown = {"position_id": "p3", "as_of": "2021-01-01", "model": {"name": "m", "version": "1", "run_id": "r"},
             "candidates": [{"rank": k + 1, "employee_id": e, "score": 1.0, "predicted_performance": 4.0,
                             "adjustment_risk": 0.1} for k, e in enumerate(["e1", "e2"])]}
    ranking_id = audit.record_ranking(ANONYMOUS, {}, shown, peer="127.0.0.1")
    body = DecisionIn(ranking_id=ranking_id, reviewer=" Rina (BKPSDM) ", action="accept", note="ok",
                      order=["e2", "e1"], employee_id="e2")
    saved = record_decision(audit, body, Caller("rina", "10.0.0.7"))
    [decision] = audit.decisions(ranking_id)
    assert saved["id"] == decision["id"]
    assert (decision["reviewer"], decision["caller"], decision["peer"]) == ("Rina (BKPSDM)", "rina", "10.0.0.7")
    for change, field in [({"ranking_id": ranking_id + 1}, "ranking_id"), ({"order": ["e1"]}, "order"),
                          ({"employee_id": "e9"}, "employee_id")]:
        with pytest.raises(RankingError) as err:
            record_decision(audit, body.model_copy(update=change), Caller("rina", None))
        assert err.value.field == field


def get(app, path: str) -> tuple[dict, bytes]:
    """One GET through the ASGI app: the response start message and the body."""
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1")], "http_version": "1.1", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000), "root_path": ""}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as thread:      # its own event loop (Playwright may hold this thread's)
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


def test_an_unexpected_error_answers_without_its_text():
    app = FastAPI()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret /srv/mutasi/.mutasi/mlflow.db")

    app.add_middleware(ErrorGuard)
    app.add_middleware(SecurityHeaders)
    start, body = get(app, "/boom")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert start["status"] == 500 and headers["content-type"].startswith(PROBLEM)
    assert b"secret" not in body and b"RuntimeError" not in body
    problem = json.loads(body)
    assert problem["error_id"] in problem["detail"] and headers["x-frame-options"] == "DENY"


def test_the_server_not_the_library_keeps_the_context_out_of_gc(tiny, tmp_path):
    """gc.freeze is a server start-up decision (p99 latency), not a library side effect."""
    from serving.api import create_app
    from serving.champion import ChampionCache
    from serving.context import ServingContext

    from synthetic_bundle import synthetic_bundle

    gc.unfreeze()
    try:
        context = ServingContext.from_dataset(tiny)
        assert context.catalog_index is not None and gc.get_freeze_count() == 0
        create_app(context, ChampionCache.fixed(synthetic_bundle(tiny.training_catalog, n=300)),
                   AuditLog(tmp_path / "audit.db"), tokens={})
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        context.snapshot(context.default_as_of)                 # a cache fill in the server
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_fairness_audit_refuses_a_date_outside_the_window_before_any_work(tiny_dir):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mutasi.cli", "audit", "--data", str(tiny_dir),
                             "--as-of", "99999-01-01"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "as_of" in result.stderr and "loading" not in result.stderr
