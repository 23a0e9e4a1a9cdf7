"""``/sparql``: the SPARQL 1.1 Protocol query operation, service description, editor."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from starlette.responses import Response, StreamingResponse

from kgraph.errors import PayloadTooLarge
from kgraph.formats import HTML, RDF_FORMATS, RESULT_FORMATS, Format, by_name
from kgraph.linkeddata.examples import load_examples
from kgraph.negotiation import negotiate
from kgraph.opendata.void import dataset_iri
from kgraph.query import service
from kgraph.query.answer import Answer, QuerySpec
from kgraph.query.protocol import parse_query_request
from kgraph.settings import Settings
from kgraph.web.cache import CachedAnswer, ResultCache, cache_key
from kgraph.web.deps import ExecutorDep, SettingsDep, StoreDep, TemplatesDep
from kgraph.web.replay import mark_replayable

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
    req = parse_query_request(
        request.method,
        request.headers.get("content-type"),
        request.query_params.multi_items(),
        body,
        max_query_chars=settings.limits.max_query_chars,
    )
    if req is None:
        return describe_service(request, settings, templates)
    accept = request.headers.get("accept")
    spec = QuerySpec.from_request(
        req,
        base_iri=settings.server.base_iri,
        accept=accept,
        html=True,
        max_rows=settings.limits.max_result_rows,
    )
    cache: ResultCache = request.app.state.result_cache
    version = store.version_now() or (await run_in_threadpool(store.info)).version
    key = cache_key(version, req, accept)
    hit = cache.get(key)
    if hit is not None:
        mark_replayable(request, key.version)
        return Response(hit.body, media_type=hit.content_type, headers=hit.headers)
    answer = await executor.answer(spec)
    fmt = by_name(answer.head.format, (*RESULT_FORMATS, *RDF_FORMATS, HTML))
    headers = answer_headers(answer)
    if answer.head.context is not None:
        return templates.TemplateResponse(
            request,
            "sparql.html",
            {
                "query": req.query,
                "examples": load_examples(settings.paths.queries_dir),
                **answer.head.context,
            },
            headers=headers,
        )
    if answer.complete and cache.put(key, CachedAnswer(answer.first, fmt.content_type, headers)):
        mark_replayable(request, key.version)
    return answer_response(answer, fmt, headers)


def answer_headers(answer: Answer) -> dict[str, str]:
    """``Vary``, and the cut if the result was capped."""
    headers = {"Vary": "Accept"}
    if answer.head.truncated_at is not None:
        headers[TRUNCATED_HEADER] = f"rows={answer.head.truncated_at}"
    return headers


def answer_response(answer: Answer, fmt: Format, headers: dict[str, str]) -> Response:
    """The answer whole if it fits in its first chunk, else streamed as it comes."""
    if answer.complete:
        return Response(answer.first, media_type=fmt.content_type, headers=headers)

    async def chunks() -> AsyncIterator[bytes]:
        yield answer.first
        async for chunk in answer.rest():
            yield chunk

    return StreamingResponse(chunks(), media_type=fmt.content_type, headers=headers)


# Machines that ask for nothing in particular (no Accept, */*) get Turtle;
# browsers name text/html explicitly and get the editor.
SD_FORMATS: tuple[Format, ...] = (*RDF_FORMATS[:4], HTML)


def describe_service(request: Request, settings: Settings, templates: Jinja2Templates) -> Response:
    """``GET /sparql`` with no query: the editor for browsers, a service description otherwise."""
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"), SD_FORMATS)
    if fmt is HTML:
        return templates.TemplateResponse(
            request,
            "sparql.html",
            {"query": "", "examples": load_examples(settings.paths.queries_dir)},
            headers={"Vary": "Accept"},
        )
    base = settings.server.base_iri
    body = service.service_description(
        base + "sparql", dataset_iri(settings), base + ".well-known/void", fmt
    )
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
