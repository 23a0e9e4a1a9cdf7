"""Writes: ``/update`` (SPARQL 1.1 Update) and ``/store`` (Graph Store Protocol).

Closed unless ``write_token`` is set; then every write needs
``Authorization: Bearer <token>`` (compared in constant time). Each write is a
new atomic version of the embedded store. Graph Store reads (GET/HEAD) are
open like ``/sparql`` and run through the same executor (time limit, row cap).
"""

from __future__ import annotations

import hmac
import threading
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from kgraph.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from kgraph.formats import GRAPH_FORMATS, NTRIPLES, RDF_FORMATS, SPARQL_UPDATE, TURTLE, by_name
from kgraph.negotiation import negotiate
from kgraph.query.guard import check, guard_for
from kgraph.query.protocol import (
    FORM,
    UPDATE_DIRECT,
    FormatChoice,
    QueryRequest,
    decode_body,
    graph_iris,
    media_type_of,
)
from kgraph.store.base import GraphStore, StoreInfo
from kgraph.web.deps import ExecutorDep, SettingsDep, StoreDep, caller_of
from kgraph.web.errors import error_response
from kgraph.web.routes.sparql import answer_headers, answer_response, read_body

router = APIRouter(tags=["writes"])
WRITE_FORMATS = (TURTLE, NTRIPLES)
_write_lock = threading.Lock()  # one write at a time in this process; the store locks too


def require_write_token(request: Request, settings: SettingsDep) -> None:
    """403 if writes are disabled; 401 without a bearer token; 403 for a wrong one."""
    if not settings.server.write_token:
        raise Forbidden(
            "writes are disabled on this server (no write_token is configured); "
            "the data can only be changed with `kgraph build` or `kgraph publish`"
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this write needs an Authorization: Bearer <token> header")
    if not hmac.compare_digest(token.strip().encode(), settings.server.write_token.encode()):
        raise Forbidden("the bearer token is not valid for writes")


WriteAccess = Annotated[None, Depends(require_write_token)]


def _info(info: StoreInfo) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": info.version, "triples": info.triples})


def _locked_update(store: GraphStore, text: str) -> StoreInfo:
    with _write_lock:
        return store.update(text)


@router.post(
    "/update",
    summary="SPARQL 1.1 Update (needs the write token)",
    description=f"POST `{SPARQL_UPDATE.media_type}`, or a form with `update=`. "
    "Each update makes a new atomic version of the data. 403 when writes are disabled.",
)
async def update(
    request: Request, _: WriteAccess, store: StoreDep, settings: SettingsDep
) -> Response:
    body = await read_body(request, settings.limits.max_body_bytes)
    mtype, charset = media_type_of(request.headers.get("content-type"))
    if mtype == UPDATE_DIRECT:
        text = decode_body(body, charset, "the update")
        if (
            "using-graph-uri" in request.query_params
            or "using-named-graph-uri" in request.query_params
        ):
            raise BadRequest("using-graph-uri and using-named-graph-uri are not supported")
    elif mtype == FORM:
        form = decode_body(body, charset, "the form body")
        try:
            params = parse_qsl(form, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the form body is not valid UTF-8 (byte {exc.start})") from None
        updates = [v for k, v in params if k == "update"]
        if len(updates) != 1:
            raise BadRequest(f"a form needs exactly one 'update' parameter; got {len(updates)}")
        text = updates[0]
    else:
        raise UnsupportedMediaType(f"an update needs Content-Type {UPDATE_DIRECT} or {FORM}")
    if len(text) > settings.limits.max_query_chars:
        raise PayloadTooLarge(
            f"the update is {len(text)} characters; the limit is {settings.limits.max_query_chars}"
        )
    if not text.strip():
        raise BadRequest("the update is empty")
    check(text, guard_for(settings), update=True)
    return _info(await run_in_threadpool(_locked_update, store, text))


@router.api_route("/update", methods=["GET", "HEAD"], include_in_schema=False)
async def update_get(request: Request) -> Response:
    """405: updates are POSTed (and the pages' catch-all must not answer GET /update)."""
    response = error_response(request, 405, "SPARQL Update takes POST only")
    response.headers["Allow"] = "POST"
    return response


def _target(request: Request) -> str | None:
    """The graph a Graph Store request names: ``?graph=IRI`` or ``?default``."""
    params = request.query_params.multi_items()
    graph = [v for k, v in params if k == "graph"]
    default = any(k == "default" for k, _ in params)
    if default == bool(graph) or len(graph) > 1:
        raise BadRequest("name exactly one graph: ?graph=<IRI> or ?default")
    return graph_iris([("graph", graph[0])], "graph")[0] if graph else None


async def _require_graph(store: GraphStore, graph: str | None) -> None:
    """404 unless ``graph`` (``None``: the default graph, always there) has triples."""
    if graph is not None and not await run_in_threadpool(
        store.ask, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    ):
        raise NotFound(f"no graph {graph} in the store")


@router.api_route("/store", methods=["HEAD"], include_in_schema=False)
@router.get(
    "/store",
    summary="Graph Store Protocol: read a graph",
    description="`?graph=<IRI>` or `?default`; the graph in an RDF format chosen by `Accept`.",
)
async def store_read(
    request: Request, store: StoreDep, executor: ExecutorDep, settings: SettingsDep
) -> Response:
    graph = _target(request)
    await _require_graph(store, graph)
    where = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"), RDF_FORMATS)
    req = QueryRequest(
        query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}",
        formats=FormatChoice(select=None, ask=None, graph=fmt),
        max_rows=settings.limits.max_result_rows,
    )
    answer = await executor.answer(req, caller_of(request))
    return answer_response(answer, answer_headers(answer))


def _write(
    store: GraphStore, graph: str | None, data: bytes | None, fmt_name: str, base: str, append: bool
) -> StoreInfo:
    fmt = by_name(fmt_name, GRAPH_FORMATS)
    with _write_lock:
        return store.write_graph(graph, data, fmt, base_iri=base, append=append)


@router.put(
    "/store",
    summary="Graph Store Protocol: replace a graph (needs the write token)",
    description="`?graph=<IRI>` or `?default`; a Turtle or N-Triples body.",
)
@router.post(
    "/store",
    summary="Graph Store Protocol: add to a graph (needs the write token)",
    description="`?graph=<IRI>` or `?default`; a Turtle or N-Triples body.",
)
@router.delete(
    "/store",
    summary="Graph Store Protocol: delete a graph (needs the write token)",
    description="`?graph=<IRI>` or `?default`.",
)
async def store_write(
    request: Request, _: WriteAccess, store: StoreDep, settings: SettingsDep
) -> Response:
    graph = _target(request)
    if request.method == "DELETE":
        await _require_graph(store, graph)
        return _info(await run_in_threadpool(_write, store, graph, None, "turtle", "", False))
    mtype, charset = media_type_of(request.headers.get("content-type"))
    fmt = next((f for f in WRITE_FORMATS if f.media_type == mtype), None)
    if fmt is None:
        offered = ", ".join(f.media_type for f in WRITE_FORMATS)
        raise UnsupportedMediaType(f"graph data must be one of {offered}; got {mtype}")
    body = await read_body(request, settings.limits.max_body_bytes)
    decode_body(body, charset, "the graph data")  # refuse bad UTF-8 before parsing
    base = graph or settings.server.base_iri
    info = await run_in_threadpool(
        _write, store, graph, body, fmt.name, base, request.method == "POST"
    )
    return _info(info)
