"""Who is calling: bearer tokens, one per named caller, and the TCP peer.

Tokens come from ``$MUTASI_API_TOKENS`` (``name:token`` pairs separated by commas, e.g.
``bkd-tool:8f3a…,rina:c71e…``) and from ``$MUTASI_API_TOKEN`` (one token, named
``default``). The identity of a request is its token's name; with no token configured
(allowed on loopback only) it is ``anonymous@loopback``. Client headers (``X-Caller``)
never name the caller. The peer is the TCP peer address, or ``X-Forwarded-For`` when the
connection comes from a proxy listed in ``--trusted-proxy`` / ``$MUTASI_TRUSTED_PROXIES``.
"""

import ipaddress
import re
import secrets
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

TOKEN_ENV = "MUTASI_API_TOKEN"
TOKENS_ENV = "MUTASI_API_TOKENS"
PROXIES_ENV = "MUTASI_TRUSTED_PROXIES"
DEFAULT_NAME = "default"
ANONYMOUS = "anonymous@loopback"
NAME_PATTERN = r"[A-Za-z0-9_.@-]{1,64}"
LOOPBACK_NAMES = ("localhost",)


class ConfigError(ValueError):
    """A server that must not start (bad token list, open interface without a token)."""


@dataclass(frozen=True)
class Caller:
    """The authenticated identity of a request and its peer address."""

    identity: str
    peer: str | None


def is_loopback(host: str) -> bool:
    """An explicit loopback name or address (127.0.0.0/8, ::1, localhost); not "" nor 0.0.0.0."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_tokens(named: str | None, single: str | None = None) -> dict[str, str]:
    """``{name: token}`` from a ``name:token,name:token`` list and a single default token."""
    tokens = {DEFAULT_NAME: single.strip()} if single and single.strip() else {}
    for item in filter(None, (part.strip() for part in (named or "").split(","))):
        name, sep, token = item.partition(":")
        name, token = name.strip(), token.strip()
        if not sep or not token or not re.fullmatch(NAME_PATTERN, name):
            raise ConfigError(f"${TOKENS_ENV}: each entry must be name:token with a name of letters, digits, "
                              f"'.', '_', '-' or '@'; got an entry starting {item[:12]!r}")
        if name in tokens:
            raise ConfigError(f"${TOKENS_ENV}: the name {name!r} is given twice")
        tokens[name] = token
    if len(set(tokens.values())) < len(tokens):
        raise ConfigError(f"${TOKENS_ENV}: two names share a token; each caller needs its own")
    return tokens


def tokens_from_env(env) -> dict[str, str]:
    return parse_tokens(env.get(TOKENS_ENV), env.get(TOKEN_ENV))


def require_token_beyond_loopback(host: str, tokens: dict[str, str]) -> None:
    if not tokens and not is_loopback(host):
        where = repr(host) if host else '"" (all interfaces)'
        raise ConfigError(f"listening on {where} needs a bearer token: set ${TOKEN_ENV} or ${TOKENS_ENV}")


def trusted_proxies(given: list[str] | None, env) -> list[str]:
    """Proxy addresses or networks whose ``X-Forwarded-For`` is believed (none by default)."""
    values = list(given or []) or [p.strip() for p in env.get(PROXIES_ENV, "").split(",") if p.strip()]
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ConfigError(f"trusted proxy {value!r} is not an IP address or network") from exc
    return values


def identify(tokens: dict[str, str], presented: str | None) -> str | None:
    """The name of the token presented (every token compared, in constant time), else None."""
    found = None
    for name, token in tokens.items():
        if presented is not None and secrets.compare_digest(presented.encode(), token.encode()):
            found = name
    return found


_bearer = HTTPBearer(auto_error=False, description="A caller's token ($MUTASI_API_TOKENS or $MUTASI_API_TOKEN); a "
                     "server without tokens listens on loopback only and needs none")


def caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Caller:
    """FastAPI dependency: the request's identity and peer; 401 without a valid token when
    tokens are configured (``app.state.tokens``)."""
    tokens: dict[str, str] = request.app.state.tokens
    peer = request.client.host if request.client else None
    if not tokens:
        return Caller(ANONYMOUS, peer)
    name = identify(tokens, credentials.credentials if credentials else None)
    if name is None:
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    return Caller(name, peer)
