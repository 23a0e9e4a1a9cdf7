"""The front every request passes, in one place and in order.

:class:`KgraphApp` is FastAPI with :class:`Front` before its own stack. For each
HTTP request the front, in this order:

1. CORS (Starlette's middleware, outermost, so that every answer carries it, a 413
   or 429 too);
2. the gate (:meth:`Front.gate`): the request id, the limits (414, 400, 413, 429;
   :func:`kgraph.web.gate.check_limits`), ``HEAD`` answered as ``GET`` without the
   body, the security headers on the way out, one access-log line and the metrics
   when the answer is sent;
3. the replay (:meth:`Front.replay`): an answer kept for the same request on the
   same data version is sent again from memory (the key and what may be kept:
   :mod:`kgraph.web.replay`; the cache: :mod:`kgraph.web.cache`); identical requests
   arriving while the first is answered wait for it;
4. the dispatch (:meth:`Front.dispatch`): a machine query to ``/sparql`` by the lean
   path (:func:`kgraph.web.routes.sparql.answer_query`), everything else by FastAPI's
   routes; a ``200`` the route marked replayable is kept on the way back.

Pure ASGI (not ``BaseHTTPMiddleware``), so that streamed bodies pass chunk by chunk,
and one object rather than a stack of middleware, because every request pays for
each layer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kgraph.errors import KgraphError
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.web.cache import ResultCache
from kgraph.web.errors import response_for
from kgraph.web.gate import (
    DOCS_PATHS,
    GateLimits,
    Observer,
    TokenBuckets,
    check_limits,
    record,
    request_id,
    route_template,
    with_security_headers,
)
from kgraph.web.replay import REPLAY_STATE, Kept, ReplayKey, again, read_body, replay_key
from kgraph.web.routes.sparql import answer_query

EXPOSED = (
    *("Content-Type", "Content-Length", "ETag", "Link", "Vary"),
    *("X-Request-ID", "X-Kgraph-Result-Truncated", "Retry-After"),
)


class KgraphApp(FastAPI):
    """FastAPI, with the front (``front``, set by :func:`kgraph.web.app.create_app`) before
    its own stack."""

    front: Front | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None or scope["type"] != "http":
            await super().__call__(scope, receive, send)
        else:
            await self.front.cors(scope, receive, send)

    async def framework(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI's own stack: its middleware, routing and routes."""
        await super().__call__(scope, receive, send)


class Front:
    """CORS, the gate, the replay and the dispatch of ``app``'s requests."""

    def __init__(
        self,
        app: KgraphApp,
        settings: Settings,
        cache: ResultCache,
        observer: Observer | None = None,
        on_limited: Callable[[], None] | None = None,
    ) -> None:
        limits = settings.limits
        self.app, self.cache = app, cache
        self.limits = GateLimits(limits.max_url_chars, limits.max_body_bytes)
        self.buckets = None
        if limits.rate_limit_per_minute:
            self.buckets = TokenBuckets(limits.rate_limit_per_minute, limits.rate_limit_burst)
        self.observer, self.on_limited = observer, on_limited
        self.log = settings.server.access_log
        self._inflight: dict[ReplayKey, asyncio.Event] = {}  # keys being answered now
        self.cors: ASGIApp = CORSMiddleware(
            self.gate,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=list(EXPOSED),
            max_age=86400,
        )

    async def gate(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Request id, limits, ``HEAD``, security headers, access log and metrics."""
        rid = request_id(scope)
        state = scope.setdefault("state", {})
        state["request_id"], state["arrived"] = rid, time.monotonic()
        start = time.perf_counter()
        status, sent = 500, 0
        docs = scope["path"].startswith(DOCS_PATHS)
        head = scope["method"] == "HEAD"
        # HEAD is answered wherever GET is: the same headers, no body. The server keeps
        # its own scope (it knows not to expect the body); the app sees a GET.
        inner = {**scope, "method": "GET"} if head else scope

        async def send_wrapper(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = with_security_headers(
                    list(message.get("headers", [])), rid, docs
                )
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
                if head:
                    message = {**message, "body": b""}
            await send(message)

        try:
            try:
                check_limits(inner, self.limits, self.buckets, self.on_limited)
            except KgraphError as exc:
                await response_for(Request(inner), exc)(inner, receive, send_wrapper)
            else:
                await self.replay(inner, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - start
            record(
                self.observer, self.log, scope, route_template(inner), rid, status, seconds, sent
            )

    async def replay(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A kept answer if there is one; else the dispatch, its answer kept if marked."""
        if self.cache.max_bytes <= 0:
            await self.dispatch(scope, receive, send)
            return
        store: GraphStore | None = getattr(self.app.state, "store", None)  # set at start-up
        key, receive = await replay_key(scope, receive, store, self.limits.max_body_bytes)
        if key is None:
            await self.dispatch(scope, receive, send)
            return
        kept = self.cache.get(key)
        pending = self._inflight.get(key) if kept is None else None
        if pending is not None:  # the same request is being answered: its answer will do
            await pending.wait()
            kept = self.cache.get(key)
        if isinstance(kept, Kept):
            scope["route"] = kept.route
            await send(
                {"type": "http.response.start", "status": kept.status, "headers": kept.headers}
            )
            await send({"type": "http.response.body", "body": kept.body})
            return
        if key in self._inflight:  # not replayable after all, or someone else is at it
            await self._answer_and_keep(key, scope, receive, send)
            return
        done = self._inflight[key] = asyncio.Event()
        try:
            await self._answer_and_keep(key, scope, receive, send)
        finally:
            del self._inflight[key]
            done.set()

    async def _answer_and_keep(
        self, key: ReplayKey, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Dispatch; keep the answer under ``key`` if its route marked it replayable."""
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        body = bytearray()
        keep = True

        async def capture(message: Message) -> None:
            nonlocal status, headers, keep
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                keep = status == 200
            elif message["type"] == "http.response.body" and keep:
                body.extend(message.get("body", b""))
                if message.get("more_body", False) and len(body) > self.cache.max_entry_bytes:
                    keep = False
                    body.clear()
            await send(message)

        await self.dispatch(scope, receive, capture)
        version = scope.get("state", {}).get(REPLAY_STATE)  # the one the answer was made on
        if keep and isinstance(version, str):
            kept = Kept(status, headers, bytes(body), scope.get("route"))
            self.cache.put(key._replace(version=version), kept)

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Machine queries by the lean path; everything else by the framework."""
        app = self.app
        if scope["path"] == "/sparql" and scope["method"] in ("GET", "POST"):
            body = b""
            if scope["method"] == "POST":
                body, receive, whole = await read_body(receive, self.limits.max_body_bytes)
                if not whole:  # over the limit: the route says so
                    await app.framework(scope, receive, send)
                    return
            if await answer_query(scope, receive, send, app.state, body):
                return
            if scope["method"] == "POST":
                receive = again(body, receive)
        await app.framework(scope, receive, send)
