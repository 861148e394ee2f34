"""Who may call and what every answer carries, against real uvicorn processes: named
tokens, the caller's identity and peer in the audit log, trusted proxies only when given,
loopback-only Host names on a tokenless server, security headers, a minimal health."""

import httpx
import pytest

from serving.audit import AuditLog

from api_helpers import POSITION, own_entry, rank
from servers import start_server

pytestmark = pytest.mark.api

TOKENS = {"bkd-tool": "tok-bkd-0a9f", "rina": "tok-rina-77c1"}
LEGACY = "s3cret"
SPOOF = {"X-Caller": "mallory", "X-Forwarded-For": "203.0.113.9"}


@pytest.fixture(scope="module")
def guarded(store):
    """A server with named tokens and the legacy single token, behind a proxy at 127.0.0.1."""
    env = {"MUTASI_API_TOKENS": ",".join(f"{n}:{t}" for n, t in TOKENS.items()), "MUTASI_API_TOKEN": LEGACY}
    proc, url = start_server(store, env, args=("--trusted-proxy", "127.0.0.1"))
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def audit_entry(store: dict, response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return AuditLog(store["audit"]).ranking(response.json()["audit_id"])


def test_the_audit_log_names_the_token_not_the_headers(guarded, store):
    for tag, (name, token) in enumerate([*TOKENS.items(), ("default", LEGACY)], start=1):
        entry = audit_entry(store, rank(guarded, own_entry({"position_id": POSITION, "top_k": 1}, tag),
                                        headers={**bearer(token), "X-Caller": "mallory"}))
        assert entry["caller"] == name


@pytest.mark.parametrize("headers", [{}, bearer("nope"), bearer(TOKENS["rina"] + "x"), {"X-Caller": "rina"}])
def test_without_a_valid_token_is_401(guarded, headers):
    response = rank(guarded, {"position_id": POSITION}, headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(server, guarded, store):
    untrusted = audit_entry(store, rank(server, own_entry({"position_id": POSITION, "top_k": 1}, 11), headers=SPOOF))
    assert (untrusted["caller"], untrusted["peer"]) == ("anonymous@loopback", "127.0.0.1")
    proxied = audit_entry(store, rank(guarded, own_entry({"position_id": POSITION, "top_k": 1}, 12),
                                      headers={**SPOOF, **bearer(TOKENS["rina"])}))
    assert (proxied["caller"], proxied["peer"]) == ("rina", "203.0.113.9")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.nip.io", "0.0.0.0", ""])
def test_tokenless_server_refuses_foreign_host_names(server, host):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its name."""
    response = httpx.get(f"{server}/v1/model", headers={"Host": host})
    assert response.status_code == 421, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "Host"


def test_tokenless_server_answers_loopback_names(server):
    port = httpx.URL(server).port
    for host in ("localhost", f"localhost:{port}", f"127.0.0.1:{port}", "127.1.2.3", f"[::1]:{port}"):
        assert httpx.get(f"{server}/v1/model", headers={"Host": host}).status_code == 200, host


def test_a_token_server_may_have_any_host_name(guarded):
    response = httpx.get(f"{guarded}/v1/model", headers={"Host": "mutasi.bkd.example", **bearer(LEGACY)})
    assert response.status_code == 200


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/review", 200), ("GET", "/review/static/review.js", 200), ("GET", "/v1/health", 200),
    ("GET", "/no/such/page", 404), ("POST", "/v1/rankings", 422), ("GET", "/review/api/model", 200)])
def test_every_answer_carries_the_security_headers(server, method, path, status):
    response = httpx.request(method, server + path, json={} if method == "POST" else None)
    assert response.status_code == status
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_health_is_minimal_and_pages_show_no_server_paths(server, store):
    health = httpx.get(f"{server}/v1/health")
    assert set(health.json()) == {"status", "model"} and set(health.json()["model"]) == {"name", "version"}
    run_id = httpx.get(f"{server}/v1/model").json()["run_id"]
    assert run_id not in health.text
    panel = httpx.get(f"{server}/review/api/model").text
    assert run_id in panel and store["data"].name in panel         # what may stay
    for text in (health.text, panel, httpx.get(f"{server}/review").text):
        assert str(store["root"]) not in text and str(store["data"]) not in text


def test_odd_query_values_fall_back_to_defaults(server):
    response = httpx.get(f"{server}/review", params={"lang": "fr", "as_of": "2021-13-45", "top": "x",
                                                       "position": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html and "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html or "&#34;&gt;&lt;script&gt;" in html
    assert 'value="2021-13-45"' not in html
