"""Pure ASGI middleware: request ids, access log and metrics, limits, security headers.

Pure ASGI (not ``BaseHTTPMiddleware``) so that streamed bodies pass through
chunk by chunk. From the outside in (see :func:`install`)::

    Observe        X-Request-ID, one JSON access-log line, request metrics
    SecurityHeaders  nosniff, Referrer-Policy; CSP on HTML
    RateLimit      token bucket per client address -> 429 + Retry-After
    RequestLimits  URL length -> 414, declared body length -> 413
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kgraph.formats import HTML
from kgraph.settings import Settings
from kgraph.web.errors import error_response

access_log = logging.getLogger("kgraph.access")
_HTML = HTML.media_type.encode()

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# The interactive API docs load Swagger UI from a CDN and start it with an inline script.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    "style-src 'self' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PATHS = ("/api/docs",)
REFERRER_POLICY = "strict-origin-when-cross-origin"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "<unmatched>"

Observer = Callable[[str, str, int, float], None]  # route, method, status, seconds


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return str(v.decode("latin-1"))
    return None


def route_template(scope: Scope) -> str:
    """The path template of the matched route (``/id/{kind}/{slug}``), for metrics."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


def raw_path(scope: Scope) -> bytes:
    """The request path as the client sent it."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    return raw


def url_length(scope: Scope) -> int:
    """The length of the request's path and query string, as the URL limit counts it."""
    return len(raw_path(scope)) + len(scope.get("query_string", b"")) + 1


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


class Observe:
    """Request id in and out, one JSON log line per request, and ``observer`` calls."""

    def __init__(self, app: ASGIApp, observer: Observer | None = None, log: bool = True) -> None:
        self.app, self.observer, self.log = app, observer, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status, sent = 500, 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - start
            route = route_template(scope)
            record(self.observer, self.log, scope, route, rid, status, seconds, sent)


_ID_PREFIX = uuid.uuid4().hex[:16]  # this process's; a counter makes each id unique
_ID_COUNTER = itertools.count(1)


def request_id(scope: Scope) -> str:
    """The client's X-Request-ID if it is sane, else a new one (unique per process start)."""
    given = _header(scope, b"x-request-id")
    if given and _SANE_ID.fullmatch(given):
        return given
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


class _Clock:
    """The access log's timestamp, formatted once per second."""

    second = -1
    text = ""

    @classmethod
    def now(cls) -> str:
        t = int(time.time())
        if t != cls.second:
            cls.second, cls.text = t, time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))
        return cls.text


def record(
    observer: Observer | None,
    log: bool,
    scope: Scope,
    route: str,
    rid: str,
    status: int,
    seconds: float,
    sent: int,
) -> None:
    """The metrics and the access-log line of one answered request."""
    if observer is not None:
        observer(route, scope["method"], status, seconds)
    if log and access_log.isEnabledFor(logging.INFO):
        access_log.info(
            json.dumps(
                {
                    "time": _Clock.now(),
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "bytes": sent,
                    "client": client_address(scope),
                },
                ensure_ascii=False,
            )
        )


class SecurityHeaders:
    """``nosniff`` and ``Referrer-Policy`` everywhere; a CSP on HTML responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", REFERRER_POLICY.encode()),
                ]
                if ctype.startswith(_HTML):
                    extra.append((b"content-security-policy", (DOCS_CSP if docs else CSP).encode()))
                    extra.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers + [(k, v) for k, v in extra if k not in names]
            await send(message)

        await self.app(scope, receive, send_wrapper)


class TokenBuckets:
    """Token buckets per key: ``per_minute`` tokens a minute, at most ``burst`` saved.

    >>> b = TokenBuckets(60, 2, clock=lambda: 0.0)
    >>> [b.take("a") for _ in range(3)]
    [0.0, 0.0, 1.0]
    """

    MAX_KEYS = 100_000

    def __init__(
        self, per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst or per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token: 0.0 if granted, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                granted = 0.0
            else:
                self._buckets[key] = (tokens, now)
                granted = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(now)
            return granted

    def _forget_full(self, now: float) -> None:
        full = [
            k for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst
        ]
        for k in full:
            del self._buckets[k]


class RateLimit:
    """429 with ``Retry-After`` when a client address runs out of tokens."""

    EXEMPT = ("/healthz", "/readyz")

    def __init__(
        self, app: ASGIApp, buckets: TokenBuckets, on_limited: Callable[[], None] | None = None
    ) -> None:
        self.app, self.buckets, self.on_limited = app, buckets, on_limited

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_address(scope))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        if self.on_limited is not None:
            self.on_limited()
        retry = max(1, math.ceil(wait))
        response = error_response(
            Request(scope),
            429,
            f"too many requests from {client_address(scope)}: the limit is "
            f"{round(self.buckets.rate * 60)} a minute; retry after {retry} s",
        )
        response.headers["Retry-After"] = str(retry)
        await response(scope, receive, send)


class RequestLimits:
    """414 for URLs longer than ``max_url_chars``; 413 for a declared body over the limit.

    Bodies sent without ``Content-Length`` are counted by the routes that read them.
    """

    def __init__(self, app: ASGIApp, max_url_chars: int, max_body_bytes: int) -> None:
        self.app, self.max_url, self.max_body = app, max_url_chars, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = url_length(scope)
        problem: tuple[int, str] | None = None
        if length > self.max_url:
            problem = (414, f"the URL is {length} characters; the limit is {self.max_url}")
        declared = _header(scope, b"content-length")
        if problem is None and declared is not None:
            if not declared.isdigit():
                problem = (400, "Content-Length is not a number")
            elif int(declared) > self.max_body:
                problem = (
                    413,
                    f"the request body of {declared} bytes exceeds the limit of {self.max_body}",
                )
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        response = error_response(Request(scope), status, message)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def install(
    app: FastAPI, settings: Settings, observer: Observer | None, on_limited: Callable[[], None]
) -> TokenBuckets | None:
    """Add the middleware to ``app`` (a FastAPI app), innermost first; the rate limit's buckets."""
    buckets = None
    app.add_middleware(
        RequestLimits,
        max_url_chars=settings.limits.max_url_chars,
        max_body_bytes=settings.limits.max_body_bytes,
    )
    if settings.limits.rate_limit_per_minute:
        buckets = TokenBuckets(
            settings.limits.rate_limit_per_minute, settings.limits.rate_limit_burst
        )
        app.add_middleware(RateLimit, buckets=buckets, on_limited=on_limited)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Observe, observer=observer, log=settings.server.access_log)
    return buckets
