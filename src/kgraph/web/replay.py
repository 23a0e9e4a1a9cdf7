"""What may be replayed, and under which key: whole answers to repeated requests.

The served data changes only when a build or publish swaps the store's
version, so the whole answer to a query or a resource page (status, headers
and body, exactly as the route sent it) stays right for as long as that
version is served. The front (:mod:`kgraph.web.front`) replays them, after it has
given the request its id and checked its limits, and logs and counts a replay like
any other answer; this module says which requests may be: a request with the same method,
path, query string, ``Accept``, ``Accept-Language`` and ``Cookie`` (the pages'
language may come from one, :mod:`kgraph.web.i18n`) (and, for ``POST
/sparql``, the same ``Content-Type`` and body) on the same version is answered
from those bytes. Anything else goes to the routes; a 200 answer is kept only
if its route marked it as a function of the version and those request parts
alone (:func:`mark_replayable`: ``/sparql`` queries, resource pages, the home
page, search).

Identical requests that arrive while the first is being answered wait for it
and are replayed its answer (a burst on a popular page after a swap costs one
rendering, not one per request); if it was not kept, each goes to the routes.

Always answered by the routes: methods other than GET and ``POST /sparql``;
requests with conditions (``If-None-Match``, ``If-Modified-Since``: the pages
answer 304 themselves), ``Range`` or ``Authorization``; a body over the limit;
a store whose version cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Message, Receive, Scope

from kgraph.errors import StoreError
from kgraph.store.base import GraphStore
from kgraph.web.gate import raw_path

__all__ = ["REPLAY_STATE", "Kept", "ReplayKey", "mark_replayable", "replay_key"]

REPLAY_STATE = "replay_version"  # request.state attribute: the version an answer was made on
VERSION_STATE = "served_version"  # request.state attribute: the version read on arrival
# Requests whose answer depends on more than the URL, Accept and Accept-Language.
_BYPASS = frozenset((b"if-none-match", b"if-modified-since", b"range", b"authorization"))
POST_PATHS = frozenset(("/sparql",))  # POSTs that are queries, answered by their body


class ReplayKey(NamedTuple):
    version: str
    method: str
    path: bytes
    query_string: bytes
    accept: bytes | None
    accept_language: bytes | None
    content_type: bytes | None = None
    body: bytes = b""
    cookie: bytes | None = None


def mark_replayable(request: Request, version: str) -> None:
    """Let the answer to ``request`` be kept and replayed while ``version`` is served: call it
    only where the answer depends on nothing but the data and the URL (or query body),
    Accept and Accept-Language."""
    setattr(request.state, REPLAY_STATE, version)


@dataclass(frozen=True)
class Kept:
    """An answer as the routes sent it."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: Any  # the matched route, so that metrics name it on replays too


async def replay_key(
    scope: Scope, receive: Receive, store: GraphStore | None, max_body_bytes: int
) -> tuple[ReplayKey | None, Receive]:
    """The key of a request that may be replayed (None if it may not), and the ``receive``
    to pass on (a ``POST``'s body is read here, then handed on). The store's version, read
    once, is left in the scope's state for the routes."""
    method = scope["method"]
    if not (method == "GET" or (method == "POST" and scope["path"] in POST_PATHS)):
        return None, receive
    accept = language = ctype = cookie = None
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            accept = bytes(value)
        elif name == b"accept-language":
            language = bytes(value)
        elif name == b"cookie":
            cookie = bytes(value)
        elif name == b"content-type":
            ctype = bytes(value)
        elif name in _BYPASS:
            return None, receive
    body = b""
    if method == "POST":
        body, receive, whole = await read_body(receive, max_body_bytes)
        if not whole:
            return None, receive
    version = await served_version(store) if store is not None else None
    if version is None:
        return None, receive
    scope.setdefault("state", {})[VERSION_STATE] = version  # the routes need not read it again
    path, qs = raw_path(scope), scope.get("query_string", b"")
    return ReplayKey(version, method, path, qs, accept, language, ctype, body, cookie), receive


async def served_version(store: GraphStore, request: Request | None = None) -> str | None:
    """The version ``store`` serves: as read when ``request`` arrived, else read locally, or
    (a remote store) by one small query on a thread; None if it cannot be read (the routes
    will say what is wrong)."""
    if request is not None:
        known = getattr(request.state, VERSION_STATE, None)
        if isinstance(known, str):
            return known
    version = store.version_now()
    if version is not None:
        return version
    try:
        return (await run_in_threadpool(store.info)).version
    except StoreError:
        return None


async def read_body(receive: Receive, limit: int) -> tuple[bytes, Receive, bool]:
    """Read a request body of at most ``limit`` bytes: (body, a ``receive`` that gives
    the same messages again, whether the whole body was read)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if size > limit or not message.get("more_body", False):
            break
    whole = size <= limit and messages[-1]["type"] == "http.request"
    whole = whole and not messages[-1].get("more_body", False)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay_receive() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return body, replay_receive, whole


def again(body: bytes, then: Receive) -> Receive:
    """A ``receive`` that gives ``body`` (already read) once more, then waits on ``then``
    (for the client's disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
