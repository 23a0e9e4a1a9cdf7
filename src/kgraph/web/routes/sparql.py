"""``/sparql``: the SPARQL 1.1 Protocol query operation, service description, editor.

The request is parsed once (:func:`~kgraph.query.protocol.parse_query_request`)
into a :class:`~kgraph.query.protocol.QueryRequest`, handed to the executor, and
its :class:`~kgraph.query.answer.Answer` sent as it comes. Repeated requests are
replayed by the front (:mod:`kgraph.web.front`) before they reach here.

Two ways in, one parser, guard, executor and error mapping:

- :func:`answer_query`, the lean path: most requests a SPARQL endpoint gets are a
  query and an ``Accept`` header, and for those FastAPI's routing, dependency
  solving and response classes cost more than the query (40 % of a lookup's time in
  the server process, profiled); the front calls it with the raw ASGI scope.
- :func:`sparql_endpoint`, the FastAPI route, for what :func:`answer_query` leaves
  (it returns ``False``): the editor and HTML answers, the service description.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from kgraph.errors import InputError, KgraphError, PayloadTooLarge, QuerySyntaxError, QueryTimeout
from kgraph.formats import FORM, HTML, RDF_FORMATS, SPARQL_QUERY, Format
from kgraph.linkeddata.editor import graph_prefixes
from kgraph.negotiation import negotiate
from kgraph.opendata.void import dataset_iri
from kgraph.query import description
from kgraph.query.answer import Answer
from kgraph.query.guard import guard_for
from kgraph.query.pool import Caller
from kgraph.query.protocol import choose_formats, format_values, media_type_of, parse_query_request
from kgraph.query.syntax import in_words
from kgraph.settings import Settings
from kgraph.web.deps import ExecutorDep, SettingsDep, StoreDep, TemplatesDep, caller_of
from kgraph.web.errors import error_response, response_for
from kgraph.web.gate import client_address
from kgraph.web.replay import REPLAY_STATE, VERSION_STATE, mark_replayable, served_version
from kgraph.web.routes.sparql_page import editor_page, results_table

log = logging.getLogger("kgraph.web")
router = APIRouter(tags=["sparql"])
TRUNCATED_HEADER = "X-Kgraph-Result-Truncated"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) more than ``limit`` bytes before reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {declared} bytes exceeds the limit of {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")
    return bytes(body)


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
        caller = Caller(client_address(scope), arrived) if isinstance(arrived, float) else None
        try:
            answer = await state.executor.answer(req, caller)
        except QuerySyntaxError as exc:
            raise in_words(req.query, exc, graph_prefixes(settings.server.base_iri)) from None
    except KgraphError as exc:
        if wants_html(params, accept):  # the editor shows its errors on its own page
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
    headers = [(b"content-type", answer.head.format.content_type.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in answer_headers(answer).items()]
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


def wants_html(params: list[tuple[str, str]], accept: str | None) -> bool:
    """The editor's plain form (or a browser) sent it: HTML is what it takes."""
    try:
        return choose_formats(format_values(params), accept, True).select is HTML
    except KgraphError:
        return False


SPARQL_DOC = {
    "summary": "SPARQL 1.1 Protocol query endpoint",
    "description": (
        f"Query by GET (`?query=`), POST `{FORM.media_type}` or POST "
        f"`{SPARQL_QUERY.media_type}`. Results by `Accept` or `?format=`. Without a "
        "query: the service description (RDF) or a query editor (HTML)."
    ),
}


# One route per method: a route with several methods repeats its OpenAPI operation id.
@router.api_route("/sparql", methods=["HEAD"], include_in_schema=False)
@router.api_route("/sparql", methods=["POST"], **SPARQL_DOC)  # type: ignore[arg-type]
@router.api_route("/sparql", methods=["GET"], **SPARQL_DOC)  # type: ignore[arg-type]
async def sparql_endpoint(
    request: Request,
    store: StoreDep,
    executor: ExecutorDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    body = b""
    if request.method == "POST":
        body = await read_body(request, settings.limits.max_body_bytes)
    try:
        req = parse_query_request(
            request.method,
            request.headers.get("content-type"),
            request.query_params.multi_items(),
            body,
            accept=request.headers.get("accept"),
            html=True,
            base_iri=settings.server.base_iri,
            max_rows=settings.limits.max_result_rows,
            max_query_chars=settings.limits.max_query_chars,
            guard=guard_for(settings),
        )
        if req is None:
            return describe_service(request, settings, templates)
        version = await served_version(store, request)
        try:
            answer = await executor.answer(req, caller_of(request))
        except QuerySyntaxError as exc:
            raise in_words(req.query, exc, graph_prefixes(settings.server.base_iri)) from None
    except (InputError, QueryTimeout) as exc:
        if not wants_editor(request):
            raise
        if isinstance(exc, QueryTimeout):
            log.warning("query stopped at the time limit (editor): %s", exc)
        return editor_page(request, settings, templates, query_text(request, body), error=exc)
    headers = answer_headers(answer)
    if answer.head.format is HTML:
        table = results_table(await whole_body(answer), settings.server.base_iri)
        table["truncated"] = answer.head.truncated_at is not None
        table["limit"] = answer.head.truncated_at
        return editor_page(request, settings, templates, req.query, answer=table, headers=headers)
    if answer.complete and version is not None:
        mark_replayable(request, version)
    return answer_response(answer, headers)


def wants_editor(request: Request) -> bool:
    """The request came from the editor's plain form (or a browser)."""
    return wants_html(request.query_params.multi_items(), request.headers.get("accept"))


def query_text(request: Request, body: bytes) -> str:
    """The query a request carries, as sent (for the editor to keep it after an error)."""
    if request.method != "POST":
        return request.query_params.get("query", "")
    mtype, _ = media_type_of(request.headers.get("content-type"))
    text = body.decode("utf-8", "replace")
    if mtype == FORM.media_type:
        return next((v for k, v in parse_qsl(text, keep_blank_values=True) if k == "query"), "")
    return text


def answer_headers(answer: Answer) -> dict[str, str]:
    """``Vary``, and the cut if the result was capped."""
    headers = {"Vary": "Accept"}
    if answer.head.truncated_at is not None:
        headers[TRUNCATED_HEADER] = f"rows={answer.head.truncated_at}"
    return headers


def answer_response(answer: Answer, headers: dict[str, str]) -> Response:
    """The answer whole if it fits in its first chunk, else streamed as it comes."""
    media = answer.head.format.content_type
    if answer.complete:
        return Response(answer.first, media_type=media, headers=headers)

    async def chunks() -> AsyncIterator[bytes]:
        yield answer.first
        async for chunk in answer.rest():
            yield chunk

    return StreamingResponse(chunks(), media_type=media, headers=headers)


async def whole_body(answer: Answer) -> bytes:
    """All of an answer's body (for small answers: the editor's table)."""
    if answer.complete:
        return answer.first
    parts = [answer.first]
    async for chunk in answer.rest():
        parts.append(chunk)
    return b"".join(parts)


# Machines that ask for nothing in particular (no Accept, */*) get Turtle;
# browsers name text/html explicitly and get the editor.
SD_FORMATS: tuple[Format, ...] = (*RDF_FORMATS[:4], HTML)


def describe_service(request: Request, settings: Settings, templates: Jinja2Templates) -> Response:
    """``GET /sparql`` with no query: the editor for browsers, a service description otherwise."""
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"), SD_FORMATS)
    if fmt is HTML:
        return editor_page(request, settings, templates, "", headers={"Vary": "Accept"})
    base = settings.server.base_iri
    body = description.service_description(
        base + "sparql", dataset_iri(settings), base + ".well-known/void", fmt
    )
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
