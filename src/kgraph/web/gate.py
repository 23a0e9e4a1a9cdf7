"""What the front (:mod:`kgraph.web.front`) checks and adds for every request.

Pure pieces, each tested on its own:

- :func:`request_id`: the request's ``X-Request-ID`` (the client's if sane, else a new one);
- :func:`check_limits`: a URL over ``max_url_chars`` (414) or not UTF-8 (400), a
  declared body over ``max_body_bytes`` (413), a client out of tokens
  (:class:`TokenBuckets`; 429 with ``Retry-After``, when a rate limit is set);
- :func:`with_security_headers`: ``nosniff``, ``Referrer-Policy`` and the request id on
  every answer, a CSP on HTML;
- :func:`record`: one JSON access-log line and the request metrics per answer.
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
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from starlette.types import Scope

from kgraph.errors import BadRequest, PayloadTooLarge, TooManyRequests, UriTooLong
from kgraph.formats import HTML

access_log = logging.getLogger("kgraph.access")
_HTML = HTML.media_type.encode()

# style-src: YASGUI's table (column-resizer) injects one fixed <style>, allowed by its hash
# (tests/test_editor.py recomputes it from the installed YASGUI); nothing else inline.
YASGUI_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
CSP = (
    f"default-src 'self'; img-src 'self' data:; style-src 'self' {YASGUI_STYLE}; "
    "script-src 'self'; "
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


_ID_PREFIX = uuid.uuid4().hex[:16]  # this process's; a counter makes each id unique
_ID_COUNTER = itertools.count(1)


_HIGH_ESCAPE = re.compile(rb"%[89a-fA-F]")  # a percent-escape of a byte over 0x7F


def utf8_error(part: bytes) -> int | None:
    """Where ``part`` stops being UTF-8 once percent-decoded (the decoded byte's offset), or
    None if it is; ASCII with no escape of a byte over 0x7F (most URLs) is not decoded at all.

    >>> [utf8_error(b) for b in (b"a=%20b", b"%C3%A5", b"x%FF", b"%c3", b"\\xc3\\xa5", b"%e5%")]
    [None, None, 1, 0, None, 0]
    """
    if part.isascii() and _HIGH_ESCAPE.search(part) is None:
        return None
    try:
        unquote_to_bytes(part).decode("utf-8")
    except UnicodeDecodeError as exc:
        return int(exc.start)
    return None


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


@dataclass(frozen=True)
class GateLimits:
    max_url_chars: int
    max_body_bytes: int


EXEMPT = ("/healthz", "/readyz")  # never rate limited


def check_limits(
    scope: Scope,
    limits: GateLimits,
    buckets: TokenBuckets | None = None,
    on_limited: Callable[[], None] | None = None,
) -> None:
    """Raise the error for a request over a limit: the URL's length (414) and its UTF-8
    (400), the declared body (413), the client's tokens (429, ``on_limited`` called)."""
    length, limit = url_length(scope), limits.max_url_chars
    if length > limit:
        raise UriTooLong(f"the URL is {length} characters; the limit is {limit}")
    for part, what in ((raw_path(scope), "path"), (scope.get("query_string", b""), "query")):
        bad = utf8_error(part)
        if bad is not None:
            raise BadRequest(
                f"the URL's {what} is not valid UTF-8 once percent-decoded (byte {bad})"
            )
    declared = _header(scope, b"content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadRequest("Content-Length is not a number")
        if int(declared) > limits.max_body_bytes:
            raise PayloadTooLarge(
                f"the request body of {declared} bytes exceeds the limit of {limits.max_body_bytes}"
            )
    if buckets is not None and scope["path"] not in EXEMPT:
        wait = buckets.take(client_address(scope))
        if wait > 0:
            if on_limited is not None:
                on_limited()
            retry = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"too many requests from {client_address(scope)}: the limit is "
                f"{round(buckets.rate * 60)} a minute; retry after {retry} s",
                retry,
            )


_NOSNIFF = (b"x-content-type-options", b"nosniff")
_REFERRER = (b"referrer-policy", REFERRER_POLICY.encode())
_CSP, _DOCS_CSP = CSP.encode(), DOCS_CSP.encode()


def with_security_headers(
    headers: list[tuple[bytes, bytes]], rid: str, docs: bool
) -> list[tuple[bytes, bytes]]:
    names = {k.lower() for k, _ in headers}
    ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    extra = [_NOSNIFF, _REFERRER, (b"x-request-id", rid.encode())]
    if ctype.startswith(_HTML):
        extra.append((b"content-security-policy", _DOCS_CSP if docs else _CSP))
        extra.append((b"x-frame-options", b"DENY"))
    return headers + [(k, v) for k, v in extra if k not in names]
