"""Answers to repeated GET requests, replayed before the framework sees them.

The served data changes only when a build or publish swaps the store's
version, so the whole HTTP answer to a query or a resource page (status,
headers and body, exactly as the full middleware stack sent it) stays right
for as long as that version is served. :class:`Replayer` sits in front of the
app: a GET with the same path, query string, ``Accept`` and ``Accept-Language``
on the same version is answered from those bytes on the event loop, with a
fresh ``X-Request-ID``, its metrics and its access-log line. Anything else
goes through the app; a 200 answer is kept only if its route marked it as a
function of the version and those request parts alone (``mark_replayable``:
``/sparql`` queries, resource pages, the home page, search).

Identical requests that arrive while the first is being answered wait for
it and are replayed its answer (a burst on a popular page after a swap costs
one rendering, not one per request); if it was not kept, each is answered by
the stack.

Always answered by the full stack: other methods; requests with an
``Origin`` (the CORS headers depend on it), with conditions (``If-None-Match``,
``If-Modified-Since``: the pages answer 304 themselves), ``Range`` or
``Authorization``; URLs over the length limit; clients the rate limit refuses;
stores that cannot tell their version without blocking (remote ones).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NamedTuple

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from kgraph.store.base import GraphStore
from kgraph.web.cache import ResultCache
from kgraph.web.middleware import (
    Observer,
    TokenBuckets,
    client_address,
    raw_path,
    record,
    request_id,
    route_template,
    url_length,
)

__all__ = ["REPLAY_STATE", "Replay", "ReplayKey", "Replayer", "mark_replayable"]

REPLAY_STATE = "replay_version"  # request.state attribute: the version an answer was made on
ASGIHandler = Callable[[Scope, Receive, Send], Awaitable[None]]
# Requests whose answer depends on more than the URL, Accept and Accept-Language.
_BYPASS = frozenset((b"origin", b"if-none-match", b"if-modified-since", b"range", b"authorization"))


class ReplayKey(NamedTuple):
    version: str
    path: bytes
    query_string: bytes
    accept: bytes | None
    accept_language: bytes | None


def mark_replayable(request: Request, version: str) -> None:
    """Let the answer to ``request`` be kept and replayed while ``version`` is served: call it
    only where the answer depends on nothing but the data and the URL, Accept and
    Accept-Language."""
    setattr(request.state, REPLAY_STATE, version)


@dataclass(frozen=True)
class Replay:
    status: int
    headers: list[tuple[bytes, bytes]]  # as sent, without X-Request-ID
    body: bytes
    route: str  # the route template, for the metrics


class Replayer:
    """Replays kept GET answers; passes everything else to the app."""

    def __init__(
        self,
        cache: ResultCache,
        store: Callable[[], GraphStore | None],
        *,
        max_url_chars: int,
        observer: Observer | None,
        log: bool,
        buckets: TokenBuckets | None = None,
    ) -> None:
        self.cache, self._store = cache, store
        self.max_url = max_url_chars
        self.observer, self.log, self.buckets = observer, log, buckets
        self._inflight: dict[ReplayKey, asyncio.Event] = {}  # keys being answered now

    def _key(self, scope: Scope) -> ReplayKey | None:
        """The key of a GET that may be replayed, or None: a request the full stack answers."""
        if scope["type"] != "http" or scope["method"] != "GET" or self.cache.max_bytes <= 0:
            return None
        if url_length(scope) > self.max_url:  # RequestLimits answers 414
            return None
        store = self._store()
        version = store.version_now() if store is not None else None
        if version is None:  # remote stores: nothing is kept or replayed
            return None
        accept = language = None
        for name, value in scope.get("headers", ()):
            if name == b"accept":
                accept = bytes(value)
            elif name == b"accept-language":
                language = bytes(value)
            elif name in _BYPASS:
                return None
        return ReplayKey(version, raw_path(scope), scope.get("query_string", b""), accept, language)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGIHandler) -> None:
        key = self._key(scope)
        if key is None:
            await app(scope, receive, send)
            return
        kept = self.cache.get(key)
        pending = self._inflight.get(key) if kept is None else None
        if pending is not None:  # the same request is being answered: its answer will do
            await pending.wait()
            kept = self.cache.get(key)
        if isinstance(kept, Replay) and (
            self.buckets is None or self.buckets.take(client_address(scope)) <= 0
        ):
            await self._replay(scope, send, kept)
            return
        if key in self._inflight:  # not replayable after all, or someone else is at it
            await self._answer_and_keep(key, scope, receive, send, app)
            return
        done = self._inflight[key] = asyncio.Event()
        try:
            await self._answer_and_keep(key, scope, receive, send, app)
        finally:
            del self._inflight[key]
            done.set()

    async def _replay(self, scope: Scope, send: Send, kept: Replay) -> None:
        start = time.perf_counter()
        rid = request_id(scope)
        await send(
            {
                "type": "http.response.start",
                "status": kept.status,
                "headers": [*kept.headers, (b"x-request-id", rid.encode())],
            }
        )
        await send({"type": "http.response.body", "body": kept.body})
        seconds = time.perf_counter() - start
        record(
            self.observer, self.log, scope, kept.route, rid, kept.status, seconds, len(kept.body)
        )

    async def _answer_and_keep(
        self, key: ReplayKey, scope: Scope, receive: Receive, send: Send, app: ASGIHandler
    ) -> None:
        """Let the app answer; keep the answer under ``key`` if its route marked it."""
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        body = bytearray()
        keep = True

        async def capture(message: Message) -> None:
            nonlocal status, headers, keep
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                keep = status == 200
            elif message["type"] == "http.response.body" and keep:
                body.extend(message.get("body", b""))
                if message.get("more_body", False) and len(body) > self.cache.max_entry_bytes:
                    keep = False
                    body.clear()
            await send(message)

        await app(scope, receive, capture)
        version = scope.get("state", {}).get(REPLAY_STATE)  # the one the answer was made on
        if keep and isinstance(version, str):
            kept = Replay(status, headers, bytes(body), route_template(scope))
            self.cache.put(key._replace(version=version), kept)
