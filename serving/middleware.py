"""ASGI middleware of the HTTP door: security headers on every answer, a loopback-only
``Host`` on a tokenless server (against DNS rebinding), a bounded request body, and no
exception text in any answer."""

from http import HTTPStatus

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.limits import MAX_BODY_BYTES
from serving.problems import internal_error, problem
from serving.security import is_loopback

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# FastAPI's /docs page loads Swagger UI from its CDN with an inline start-up script
DOCS_POLICY = ("default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
               "style-src https://cdn.jsdelivr.net; img-src https://fastapi.tiangolo.com data:; "
               "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
SECURITY_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin"}


class SecurityHeaders:
    """CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = DOCS_POLICY if scope["path"] in DOCS_PATHS else PAGE_POLICY
        extra = [(k.lower().encode(), v.encode()) for k, v in {**SECURITY_HEADERS,
                                                                "Content-Security-Policy": policy}.items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class ErrorGuard:
    """Any exception becomes a generic 500 problem with an error id (logged with its trace)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001 - the answer must not carry the text
            if started:
                raise
            answer = (problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail))
                      if isinstance(exc, HTTPException) else internal_error(exc))
            await answer(scope, receive, send)


def host_name(host: str) -> str:
    """The name part of a ``Host`` header: ``[::1]:8000`` -> ``::1``, ``a.b:80`` -> ``a.b``."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class LoopbackHostOnly:
    """On a server without a token, only loopback names in ``Host``: a web page that
    rebinds its own DNS name to 127.0.0.1 still sends its own name, and gets 421."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host", "")
            if not is_loopback(host_name(host)):
                answer = problem(421, "misdirected request", "this server answers only to loopback host names "
                                 "(localhost, 127.0.0.1, [::1]) unless a token is configured", "Host")
                return await answer(scope, receive, send)
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    field = "body"

    def __init__(self, limit: int):
        super().__init__(413, f"the request body exceeds the limit of {limit} bytes (MAX_BODY_BYTES)")


class BodyLimit:
    """413 when ``Content-Length`` or the bytes actually streamed exceed ``limit``."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            too_large = BodyTooLarge(self.limit)
            status = 413 if declared.isdigit() else 400
            detail = too_large.detail if status == 413 else "Content-Length must be a number of bytes"
            return await problem(status, "request too large" if status == 413 else "bad request",
                                 detail, "body")(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)
