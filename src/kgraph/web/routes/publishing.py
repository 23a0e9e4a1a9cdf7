"""Open-data publishing: ``/.well-known/void``, ``/catalog`` (DCAT-AP-SE), ``/dumps/``.

Everything here is derived from the store version being served: the dump set
of that version (written on the first request after a change), the VoID and
the catalogue record (cached in this process per version). Routes are plain
``def``: FastAPI runs them in its thread pool, off the event loop.

Dumps are served under stable names (``/dumps/kvinnofrid.ttl``) with a strong
``ETag`` (the file's SHA-256), ``Content-Length`` and ``Last-Modified``; HEAD,
``If-None-Match`` (304) and ranges work. ``.gz`` files are sent as
``application/gzip`` without ``Content-Encoding``: the client saves the
compressed file exactly as the checksum in the catalogue describes it.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.templating import Jinja2Templates
from rdflib import Graph
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from kgraph.errors import BadRequest, NotFound
from kgraph.formats import GRAPH_FORMATS, HTML, JSON, Format
from kgraph.linkeddata import jsonld
from kgraph.linkeddata.dataset import summary
from kgraph.linkeddata.describe import Labels, href_for
from kgraph.negotiation import negotiate
from kgraph.opendata.catalog import build_catalog
from kgraph.opendata.catalog_check import PROFILES
from kgraph.opendata.dumps import DumpCache, Manifest, has_named_graphs, planned_files
from kgraph.opendata.void import VoidStats, dataset_iri, uri_space, void_graph, void_stats
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.web.conditional import etag_matches
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.i18n import page_lang, render
from kgraph.web.routes import get_and_head

router = APIRouter(tags=["publishing"])

# Turtle first: what a client that states no preference (or */*) gets
_OFFERED: tuple[Format, ...] = GRAPH_FORMATS
_CORS = {"Access-Control-Allow-Origin": "*"}


class Publishing:
    """Per-app state: the dump cache and per-version caches of VoID and the record."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dumps = DumpCache(settings)
        self._lock = threading.Lock()
        self._void: dict[str, tuple[VoidStats, Graph]] = {}
        self._catalog: dict[tuple[str, str], Graph] = {}

    def void(self, store: GraphStore) -> tuple[VoidStats, Graph]:
        """The VoID of the version being served (computed once per version)."""
        info = store.info()
        cached = self._void.get(info.version)
        if cached is not None:
            return cached
        names = [
            name
            for name, _, _ in planned_files(
                self.settings.catalogue.dataset_id, named_graphs=has_named_graphs(store)
            )
        ]
        stats = void_stats(store, uri_space(self.settings))
        graph = void_graph(stats, self.settings, dump_names=names, modified=info.modified)
        if store.info().version == info.version:  # do not cache a mix of two versions
            with self._lock:
                self._void = {info.version: (stats, graph)}
        return stats, graph

    def catalog(self, store: GraphStore, profile: str) -> tuple[Manifest, Graph]:
        """The dump set and catalogue record of the version being served."""
        manifest = self.dumps.current(store)
        key = (manifest.version, profile)
        cached = self._catalog.get(key)
        if cached is None:
            cached = build_catalog(self.settings, store, manifest, profile=profile)
            with self._lock:
                self._catalog = {k: v for k, v in self._catalog.items() if k[0] == manifest.version}
                self._catalog[key] = cached
        return manifest, cached

    def describes(self, iri: str) -> bool:
        """Whether ``iri`` is one the record or VoID mints (``id/dataset/...`` and kin)."""
        base = self.settings.server.base_iri + "id/"
        return iri.startswith(base) and iri[len(base) :].split("/", 1)[0] in MINTED_KINDS

    def metadata(self, store: GraphStore) -> Graph:
        """The catalogue record and the VoID of the served version, as one graph."""
        _, record = self.catalog(store, "3.0.1")
        _, void = self.void(store)
        return record + void


def install(app: FastAPI, settings: Settings) -> None:
    """Add the publishing routes and their state to ``app``."""
    app.state.publishing = Publishing(settings)
    app.include_router(router)


def get_publishing(request: Request) -> Publishing:
    publishing: Publishing = request.app.state.publishing
    return publishing


PublishingDep = Annotated[Publishing, Depends(get_publishing)]


# -- helpers -----------------------------------------------------------------


def _negotiate(request: Request, offered: tuple[Format, ...], html: bool) -> Format:
    """The format from ``?format=`` or the ``Accept`` header; raises NotAcceptable (406)."""
    formats = (*offered, HTML) if html else offered
    return negotiate(request.query_params.get("format"), request.headers.get("accept"), formats)


def _rdf_response(request: Request, graph: Graph, fmt: Format, headers: dict[str, str]) -> Response:
    body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**headers, "ETag": etag}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=fmt.content_type, headers=headers)


def _profile(request: Request) -> str:
    profile = request.query_params.get("profile", "3.0.1")
    if profile not in PROFILES:
        raise BadRequest(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    return profile


# -- VoID --------------------------------------------------------------------


@get_and_head(
    router,
    "/.well-known/void",
    summary="VoID description of the dataset (Turtle, JSON-LD, RDF/XML, N-Triples, HTML)",
)
def well_known_void(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    publishing: PublishingDep,
) -> Response:
    fmt = _negotiate(request, _OFFERED, html=True)
    stats, graph = publishing.void(store)
    headers = {"Vary": "Accept"}
    if fmt is HTML:
        context = _void_context(store, settings, stats, request)
        return render(templates, request, "void.html", context, headers=headers)
    return _rdf_response(request, graph, fmt, headers)


def _void_context(
    store: GraphStore, settings: Settings, stats: VoidStats, request: Request
) -> dict[str, Any]:
    """The VoID figures with names for the classes, properties and examples."""
    lang = page_lang(request)
    base = settings.server.base_iri
    labels = Labels(lang, base)
    iris = [p.iri for p in (*stats.classes, *stats.properties)] + list(stats.examples)
    labels.load(store, iris)

    def named(p: Any) -> dict[str, Any]:
        text, tlang = labels.text(p.iri)
        return {
            **p.__dict__,
            "label": text[:1].upper() + text[1:],
            "lang": tlang,
            "href": href_for(p.iri, base),
        }

    examples = []
    for e in stats.examples:
        text, tlang = labels.text(e)
        examples.append({"label": text, "lang": tlang, "href": href_for(e, base)})
    cat = settings.catalogue
    return {
        "stats": stats,
        "classes": [named(p) for p in stats.classes],
        "properties": [named(p) for p in stats.properties],
        "examples": examples,
        "dataset_href": href_for(dataset_iri(settings), base),
        "dataset_title": cat.dataset_title_sv if lang == "sv" else cat.dataset_title_en,
        "uri_space": uri_space(settings),
    }


# -- the catalogue record ----------------------------------------------------


def _catalog_response(
    request: Request,
    store: GraphStore,
    settings: Settings,
    templates: Jinja2Templates,
    publishing: Publishing,
    fmt: Format,
) -> Response:
    manifest, graph = publishing.catalog(store, _profile(request))
    headers = {"Vary": "Accept", **_CORS}
    if fmt is HTML:
        lang = page_lang(request)
        ds = summary(settings, store, manifest, lang)
        cat = settings.catalogue
        context = {
            "ds": ds,
            "catalog_title": cat.catalog_title_sv if lang == "sv" else cat.catalog_title_en,
            "catalog_description": (
                cat.catalog_description_sv if lang == "sv" else cat.catalog_description_en
            ),
            "jsonld": jsonld.script_markup(jsonld.dataset(ds, settings.server.base_iri)),
        }
        return render(templates, request, "catalog.html", context, headers=headers)
    return _rdf_response(request, graph, fmt, headers)


@get_and_head(
    router,
    "/catalog",
    summary="DCAT-AP-SE catalogue record (Turtle, RDF/XML, JSON-LD, N-Triples, HTML)",
)
def catalog(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    publishing: PublishingDep,
) -> Response:
    fmt = _negotiate(request, _OFFERED, html=True)
    return _catalog_response(request, store, settings, templates, publishing, fmt)


@get_and_head(
    router,
    "/catalog.{suffix}",
    summary="The catalogue record in one format: .rdf (what portals harvest), .ttl, .jsonld, .nt",
)
def catalog_file(
    suffix: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    publishing: PublishingDep,
) -> Response:
    fmt = next((f for f in _OFFERED if f.suffix == suffix), None)
    if fmt is None:
        raise NotFound(f"no catalogue file /catalog.{suffix}; try /catalog.rdf")
    return _catalog_response(request, store, settings, templates, publishing, fmt)


# Kinds of IRI the record and VoID mint under <base>id/: the linked-data pages
# describe them from :meth:`Publishing.metadata`, like any other resource.
MINTED_KINDS = ("dataset", "catalog", "distribution", "service", "contact", "agent", "rights")


# -- dumps -------------------------------------------------------------------


def _dump_entry(settings: Settings, manifest: Manifest, name: str) -> dict[str, Any]:
    f = manifest.find(name)
    assert f is not None
    return {
        "name": f.name,
        "url": f"{settings.server.base_iri}dumps/{f.name}",
        "format": f.format,
        "media_type": f.media_type,
        "content_type": f.content_type,
        "compressed": f.compressed,
        "bytes": f.bytes,
        "sha256": f.sha256,
        "statements": f.statements,
        "whole_dataset": f.dataset,
    }


@router.get("/dumps", include_in_schema=False)
async def dumps_slash() -> RedirectResponse:
    return RedirectResponse("/dumps/", status_code=308)


@get_and_head(
    router,
    "/dumps/",
    summary="The dump files of the data being served (HTML or JSON index)",
)
def dumps_index(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    publishing: PublishingDep,
) -> Response:
    answer_as = negotiate(
        request.query_params.get("format"), request.headers.get("accept"), (HTML, JSON)
    )
    manifest = publishing.dumps.current(store)
    entries = [_dump_entry(settings, manifest, f.name) for f in manifest.files]
    void = _dump_entry(settings, manifest, manifest.void.name)
    tag = manifest.version if answer_as is JSON else f"{manifest.version}-{page_lang(request)}"
    headers = {"Vary": "Accept", "ETag": f'"{tag}"'}
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if answer_as is JSON:
        body = {
            "version": manifest.version,
            "modified": manifest.modified,
            "generated": manifest.generated,
            "triples": manifest.triples,
            "quads": manifest.quads,
            "files": entries,
            "tables": [_dump_entry(settings, manifest, f.name) for f in manifest.tables],
            "void": void,
        }
        return JSONResponse(body, headers=headers)
    ds = summary(settings, store, manifest, page_lang(request))
    context = {"manifest": manifest, "ds": ds, "void": void}
    return render(templates, request, "dumps.html", context, headers=headers)


@get_and_head(
    router,
    "/dumps/{name}",
    summary="One dump file (stable name; ETag is its SHA-256)",
)
def dump_file(name: str, request: Request, store: StoreDep, publishing: PublishingDep) -> Response:
    manifest = publishing.dumps.current(store)
    found = manifest.find(name)  # only names the manifest lists: no path ever built from input
    if found is None:
        raise NotFound(f"no dump file {name!r}; see /dumps/")
    etag = f'"{found.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        manifest.directory / found.name, media_type=found.content_type, headers=headers
    )
