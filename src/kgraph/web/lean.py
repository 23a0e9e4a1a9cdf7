"""The lean path for machine queries to ``/sparql``: straight from ASGI to the executor.

Most requests a SPARQL endpoint gets are a query and an ``Accept`` header. For
those, FastAPI's routing, dependency solving and response classes cost more
than the query (40 % of a lookup's time in the server process, profiled), so
:func:`answer_query` answers them from the raw ASGI scope: the same protocol
parser, guard, executor and error mapping as the route in
:mod:`kgraph.web.routes.sparql`, none of the framework. It runs inside the gate
and the replay layer, which did their work already. Anything else (the editor,
the service description, an HTML answer) returns ``False`` and goes to the route.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from kgraph.errors import KgraphError, QuerySyntaxError
from kgraph.formats import HTML
from kgraph.linkeddata.editor import graph_prefixes
from kgraph.query.guard import guard_for
from kgraph.query.pool import Caller
from kgraph.query.protocol import choose_formats, format_values, parse_query_request
from kgraph.query.syntax import in_words
from kgraph.web.errors import error_response, response_for
from kgraph.web.replay import REPLAY_STATE, VERSION_STATE

log = logging.getLogger("kgraph.web")
TRUNCATED_HEADER = b"x-kgraph-result-truncated"


class _Route:
    """What the metrics read of a matched route."""

    path = "/sparql"


ROUTE = _Route()


async def answer_query(
    scope: Scope, receive: Receive, send: Send, state: Any, body: bytes = b""
) -> bool:
    """Answer a machine query to ``/sparql`` (GET, or POST with ``body``, a form or a query
    read whole by the caller); False (nothing sent) for anything the route must answer."""
    method = scope["method"]
    if method not in ("GET", "POST") or scope["path"] != "/sparql":
        return False
    accept = content_type = None
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            accept = value.decode("latin-1")
        elif name == b"content-type":
            content_type = value.decode("latin-1")
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if method == "GET" and not any(k == "query" for k, _ in params):
        return False  # the editor or the service description
    settings = state.settings
    scope["route"] = ROUTE
    try:
        req = parse_query_request(
            method,
            content_type,
            params,
            body,
            accept=accept,
            html=True,
            base_iri=settings.server.base_iri,
            max_rows=settings.limits.max_result_rows,
            max_query_chars=settings.limits.max_query_chars,
            guard=guard_for(settings),
        )
        if req is None or HTML in (req.formats.select, req.formats.ask, req.formats.graph):
            del scope["route"]  # the router will match it
            return False
        arrived = scope.get("state", {}).get("arrived")
        caller = Caller(_client(scope), arrived) if isinstance(arrived, float) else None
        try:
            answer = await state.executor.answer(req, caller)
        except QuerySyntaxError as exc:
            raise in_words(req.query, exc, graph_prefixes(settings.server.base_iri)) from None
    except KgraphError as exc:
        if _wants_html(params, accept):  # the editor shows its errors on its own page
            del scope["route"]
            return False
        await response_for(Request(scope), exc)(scope, receive, send)
        return True
    except Exception:  # a bug: logged, 500, never the client's fault
        rid = uuid.uuid4().hex[:12]
        log.exception("unhandled error %s in %s /sparql", rid, method)
        message = f"internal server error (request id {rid})"
        await error_response(Request(scope), 500, message)(scope, receive, send)
        return True
    headers = [
        (b"content-type", answer.head.format.content_type.encode()),
        (b"vary", b"Accept"),
    ]
    if answer.head.truncated_at is not None:
        headers.append((TRUNCATED_HEADER, b"rows=%d" % answer.head.truncated_at))
    if answer.complete:
        headers.append((b"content-length", b"%d" % len(answer.first)))
        version = scope.get("state", {}).get(VERSION_STATE)
        if version is not None:
            scope["state"][REPLAY_STATE] = version  # the replay layer may keep it
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.first})
        return True
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    try:
        await send({"type": "http.response.body", "body": answer.first, "more_body": True})
        async for chunk in answer.rest():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        answer.close()
    return True


def _wants_html(params: list[tuple[str, str]], accept: str | None) -> bool:
    try:
        return choose_formats(format_values(params), accept, True).select is HTML
    except KgraphError:
        return False


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"
