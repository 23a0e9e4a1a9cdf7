"""``/sparql``: the SPARQL 1.1 Protocol query operation, service description, editor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from starlette.responses import Response, StreamingResponse

from kgraph import sparql as service
from kgraph.errors import NotAcceptable, PayloadTooLarge
from kgraph.examples import load_examples
from kgraph.formats import HTML, RDF_FORMATS, Format, by_name
from kgraph.negotiation import choose
from kgraph.protocol import parse_query_request
from kgraph.settings import Settings
from kgraph.web.cache import CachedAnswer, CacheKey, ResultCache, cache_key
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.rdfutil import serialize_turtle
from kgraph.web.streaming import QueryJob

router = APIRouter(tags=["sparql"])
HTML_ROW_LIMIT = 1000


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


@router.api_route(
    "/sparql",
    methods=["GET", "POST", "HEAD"],
    summary="SPARQL 1.1 Protocol query endpoint",
    description=(
        "Query by GET (`?query=`), POST `application/x-www-form-urlencoded` or POST "
        "`application/sparql-query`. Results by `Accept` or `?format=`. Without a "
        "query: the service description (RDF) or a query editor (HTML)."
    ),
)
async def sparql_endpoint(
    request: Request, store: StoreDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    body = b""
    if request.method == "POST":
        body = await read_body(request, settings.max_body_bytes)
    req = parse_query_request(
        request.method,
        request.headers.get("content-type"),
        request.query_params.multi_items(),
        body,
        max_query_chars=settings.max_query_chars,
    )
    accept = request.headers.get("accept")
    if req is None:
        return describe_service(request, settings, templates)
    cache: ResultCache = request.app.state.result_cache
    jobs: list[QueryJob] = []

    def start() -> tuple[CacheKey, CachedAnswer | None, Any]:
        key = cache_key(store, req, accept)
        hit = cache.get(key)
        if hit is not None:
            return key, hit, None
        jobs.append(
            QueryJob(
                lambda: service.run_query(store, req, base_iri=settings.base_iri),
                lambda kind: service.choose_format(kind, accept, req.format, html=True),
                lambda result: _html_context(result, settings.base_iri),
            )
        )
        return key, None, jobs[0].start()

    try:
        key, hit, started = await run_in_threadpool(start)
    except BaseException:
        for job in jobs:
            job.cancel()
        raise
    if hit is not None:
        return Response(hit.body, media_type=hit.content_type, headers=hit.headers)
    job = jobs[0]
    fmt, context, first, complete = started
    headers = {"Vary": "Accept"}
    if context is not None:
        return templates.TemplateResponse(
            request,
            "sparql.html",
            {"query": req.query, "examples": load_examples(settings.queries_dir), **context},
            headers=headers,
        )
    if complete:
        cache.put(key, CachedAnswer(first, fmt.content_type, headers))
        return Response(first, media_type=fmt.content_type, headers=headers)

    def chunks() -> Iterator[bytes]:
        yield first
        yield from job.rest()

    return StreamingResponse(chunks(), media_type=fmt.content_type, headers=headers)


def _html_context(result: Any, base_iri: str) -> dict[str, Any]:
    if result.kind == "ask":
        return {"boolean": result.boolean(), "variables": [], "rows": []}
    variables = result.variables if result.kind == "select" else ["s", "p", "o"]
    rows = []
    truncated = False
    for i, row in enumerate(result.rows()):
        if i >= HTML_ROW_LIMIT:
            truncated = True
            break
        rows.append([_cell(row.get(v), base_iri) for v in variables])
    return {"variables": variables, "rows": rows, "truncated": truncated, "limit": HTML_ROW_LIMIT}


def _cell(term: Any, base_iri: str) -> dict[str, Any]:
    if term is None:
        return {"text": ""}
    name = type(term).__name__
    if name == "NamedNode":
        iri = term.value
        href = "/" + iri[len(base_iri) :] if iri.startswith(base_iri) else iri
        return {"text": iri, "href": href}
    if name == "Literal":
        lang = term.language
        dtype = term.datatype.value if term.datatype is not None else None
        return {"text": term.value, "lang": lang, "datatype": dtype}
    return {"text": str(term)}


# Machines that ask for nothing in particular (no Accept, */*) get Turtle;
# browsers name text/html explicitly and get the editor.
SD_FORMATS: tuple[Format, ...] = (*RDF_FORMATS[:4], HTML)


def describe_service(request: Request, settings: Settings, templates: Jinja2Templates) -> Response:
    """``GET /sparql`` with no query: the editor for browsers, a service description otherwise."""
    fmt_param = request.query_params.get("format")
    if fmt_param:
        fmt = by_name(fmt_param, SD_FORMATS)
    else:
        media = choose(request.headers.get("accept"), [f.media_type for f in SD_FORMATS])
        if media is None:
            offered = [f.media_type for f in SD_FORMATS]
            raise NotAcceptable(f"offered: {', '.join(offered)}", offered)
        fmt = next(f for f in SD_FORMATS if f.media_type == media)
    if fmt is HTML:
        return templates.TemplateResponse(
            request,
            "sparql.html",
            {"query": "", "examples": load_examples(settings.queries_dir)},
            headers={"Vary": "Accept"},
        )
    base = settings.base_iri
    ttl = service.service_description_turtle(
        base + "sparql", base + "id/dataset/kvinnofrid", base + ".well-known/void"
    )
    return Response(
        serialize_turtle(ttl, fmt, base), media_type=fmt.content_type, headers={"Vary": "Accept"}
    )
