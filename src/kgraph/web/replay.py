"""Answers to repeated ``GET /sparql`` requests, replayed before the framework sees them.

The served data changes only when a build or publish swaps the store's
version, so the whole HTTP answer to a ``GET /sparql`` (status, headers and
body, exactly as the full middleware stack sent it) stays right for as long
as that version is served. :class:`SparqlReplay` sits in front of the app: a
request with the same query string and ``Accept`` on the same version is
answered from those bytes on the event loop, with a fresh ``X-Request-ID``,
its metrics and its access-log line; anything else goes through the app, and
an answer the ``/sparql`` route marked as replayable is kept.

Kept out of the replay, so that the full stack answers them: other methods
and paths, requests with an ``Origin`` (the CORS headers depend on it), URLs
over the length limit, clients the rate limit refuses, and stores that cannot
tell their version without blocking (remote ones).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NamedTuple

from starlette.types import Message, Receive, Scope, Send

from kgraph.store.base import GraphStore
from kgraph.web.cache import ResultCache
from kgraph.web.middleware import Observer, TokenBuckets, client_address, record, request_id

__all__ = ["REPLAY_STATE", "Replay", "ReplayKey", "SparqlReplay"]

REPLAY_STATE = "replay_version"  # request.state attribute: the version an answer was made on
PATH = "/sparql"
ASGIHandler = Callable[[Scope, Receive, Send], Awaitable[None]]


class ReplayKey(NamedTuple):
    version: str
    query_string: bytes
    accept: bytes | None


@dataclass(frozen=True)
class Replay:
    status: int
    headers: list[tuple[bytes, bytes]]  # as sent, without X-Request-ID
    body: bytes


class SparqlReplay:
    """Replays kept ``GET /sparql`` answers; passes everything else to the app."""

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

    def _key(self, scope: Scope) -> ReplayKey | None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != PATH:
            return None
        qs: bytes = scope.get("query_string", b"")
        if not qs or len(qs) + len(PATH) + 2 > self.max_url or self.cache.max_bytes <= 0:
            return None
        accept = None
        for name, value in scope.get("headers", ()):
            if name == b"origin":
                return None
            if name == b"accept":
                accept = value
        store = self._store()
        version = store.version_now() if store is not None else None
        return ReplayKey(version, qs, accept) if version is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGIHandler) -> None:
        key = self._key(scope)
        if key is None:
            await app(scope, receive, send)
            return
        kept = self.cache.get(key)
        if isinstance(kept, Replay) and (
            self.buckets is None or self.buckets.take(client_address(scope)) <= 0
        ):
            await self._replay(scope, send, kept)
            return
        await self._answer_and_keep(scope, receive, send, app)

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
        record(self.observer, self.log, scope, PATH, rid, kept.status, seconds, len(kept.body))

    async def _answer_and_keep(
        self, scope: Scope, receive: Receive, send: Send, app: ASGIHandler
    ) -> None:
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
        version = scope.get("state", {}).get(REPLAY_STATE)
        if keep and isinstance(version, str):
            self.cache.put(
                ReplayKey(version, scope["query_string"], _accept(scope)),
                Replay(status, headers, bytes(body)),
            )


def _accept(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return bytes(value)
    return None
