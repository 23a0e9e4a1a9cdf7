"""``/sparql``: the SPARQL 1.1 Protocol query operation, service description, editor.

The request is parsed once (:func:`~kgraph.query.protocol.parse_query_request`)
into a :class:`~kgraph.query.protocol.QueryRequest`, handed to the executor, and
its :class:`~kgraph.query.answer.Answer` sent as it comes. Repeated requests are
answered by the replay layer (:mod:`kgraph.web.replay`) before they reach here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response, StreamingResponse

from kgraph.errors import InputError, KgraphError, PayloadTooLarge, QuerySyntaxError, QueryTimeout
from kgraph.formats import FORM, HTML, RDF_FORMATS, Format
from kgraph.linkeddata.editor import graph_prefixes
from kgraph.negotiation import negotiate
from kgraph.opendata.void import dataset_iri
from kgraph.query import description
from kgraph.query.answer import Answer
from kgraph.query.guard import guard_for
from kgraph.query.protocol import choose_formats, format_values, media_type_of, parse_query_request
from kgraph.query.syntax import in_words
from kgraph.settings import Settings
from kgraph.web.deps import ExecutorDep, SettingsDep, StoreDep, TemplatesDep, caller_of
from kgraph.web.replay import mark_replayable, served_version
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


SPARQL_DOC = {
    "summary": "SPARQL 1.1 Protocol query endpoint",
    "description": (
        "Query by GET (`?query=`), POST `application/x-www-form-urlencoded` or POST "
        "`application/sparql-query`. Results by `Accept` or `?format=`. Without a "
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
    """The request came from the editor's plain form (or a browser): HTML is what it takes."""
    params = request.query_params.multi_items()
    try:
        choice = choose_formats(format_values(params), request.headers.get("accept"), True)
    except KgraphError:
        return False
    return choice.select is HTML


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
