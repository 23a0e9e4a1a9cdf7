"""Linked-data pages: the home page and every IRI under the base.

Dereferencing pattern (see docs/linked-data.md): a request for path ``P``
stands for the IRI ``base_iri + P``. At the IRI itself the server negotiates
(``Accept``, ``Accept-Language``) and answers 200 with ``Content-Location``
naming the format-specific document and ``Vary: Accept, Accept-Language``;
the documents are ``P.html``, ``P.ttl``, ``P.jsonld``, ``P.rdf``, ``P.nt``
(for an IRI ending in ``/``: ``Pindex.ttl`` ...).

The catch-all route must be included last so it never shadows other routes.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from kgraph.errors import BadRequest
from kgraph.formats import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from kgraph.linkeddata import charts, describe, jsonld, overview, provenance
from kgraph.linkeddata.cache import PerVersion
from kgraph.linkeddata.dataset import summary
from kgraph.negotiation import negotiate
from kgraph.opendata.void import dataset_iri as void_dataset_iri
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.terms import DCT
from kgraph.web.conditional import not_modified, validators
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.i18n import TEXT, page_lang, render, with_lang
from kgraph.web.replay import mark_replayable
from kgraph.web.retired import answer_retired
from kgraph.web.routes import get_and_head, pictures
from kgraph.web.routes.publishing import get_publishing

router = APIRouter(tags=["linked data"])

OFFERED: tuple[Format, ...] = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
BY_SUFFIX = {f.suffix: f for f in OFFERED}
_INDEX = re.compile(r"(?:index)+")  # a last path segment that takes one more "index"
_URL_SAFE = "/!$&'()*+,;=:@"  # kept as they are in a document URL; the rest %-encoded
PAGE_SIZE = 25

_NOT_FOUND_BODY = {
    TURTLE.media_type: "# Not found: no description of {iri}\n",
    NTRIPLES.media_type: "# Not found: no description of {iri}\n",
    JSONLD.media_type: "[]\n",
    RDFXML.media_type: '<?xml version="1.0" encoding="utf-8"?>\n<!-- Not found -->\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
}


def chart_markup(chart: charts.Chart) -> charts.Chart:
    """``chart`` ready for a template: its SVG marked safe."""
    chart.svg = Markup(chart.svg)  # noqa: S704 - the charts modules escape every text they write
    return chart


# ---------------------------------------------------------------- routes


@router.get("/", summary="Home page: the dataset at a glance", include_in_schema=True)
def home(
    request: Request, store: StoreDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    lang = page_lang(request)
    mark_replayable(request, store.info().version)
    base = settings.server.base_iri
    ov = overview.overview(store, base_iri=base, lang=lang)
    ds = summary(settings, store, None, lang)
    t = TEXT[lang]
    by_year = overview.publications_by_year(store, None)
    charts_ = []
    if by_year:
        charts_.append(
            charts.year_bars(
                by_year,
                title=t["pubs_by_year"],
                chart_id="chart-years",
                headers=(t["year"], t["publications"]),
            )
        )
    return render(
        templates,
        request,
        "home.html",
        {
            "overview": ov,
            "dataset_title": ds.title,
            "dataset_href": ds.href,
            "ontology_href": describe.href_for(base + "def/", base),
            "map": pictures.county_map_chart(store, settings, lang),
            "charts": [chart_markup(c) for c in charts_],
            "jsonld": jsonld.script_markup(jsonld.dataset(ds, base)),
        },
    )


@get_and_head(
    router,
    "/{path:path}",
    summary="Any IRI under the base: its description in HTML, Turtle, JSON-LD, RDF/XML, N-Triples",
)
def resource(
    path: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    if request.scope.get("path", "").endswith("\n") and not path.endswith("\n"):
        path += "\n"  # the route's pattern lets a final %0A fall off: keep it (no such IRI)
    iri_path, fmt = _split_suffix(path)
    negotiated = fmt is None
    if fmt is None:
        fmt = negotiate(None, request.headers.get("accept"), OFFERED)
    iri = settings.server.base_iri + iri_path
    lang = page_lang(request) if fmt is HTML else ""
    publishing = get_publishing(request)
    metadata = publishing.metadata(store) if publishing.describes(iri) else None
    headers: dict[str, str] = {}
    if negotiated:
        headers["Vary"] = "Accept, Accept-Language"
        headers["Content-Location"] = _doc_href(iri_path, fmt)
    elif fmt is HTML:
        headers["Vary"] = "Accept-Language"
    headers["Link"] = ", ".join(
        f'<{_doc_href(iri_path, f)}>; rel="alternate"; type="{f.media_type}"'
        for f in OFFERED
        if f is not fmt
    )
    base = settings.server.base_iri
    gone = answer_retired(  # a retired IRI: 301 to the resource kept, or 410 Gone
        request, templates, store, iri, base_iri=base, fmt=fmt, lang=lang, headers=headers,
        location=lambda kept: _moved_to(kept, base, None if negotiated else fmt),
    )  # fmt: skip
    if gone is not None:
        return gone
    etag, last_modified, version = validators(store, iri, fmt.name, lang, str(request.url.query))
    if metadata is None:  # the record's pages change when the dumps are written
        mark_replayable(request, version)

    if fmt is HTML:
        view = describe.describe_resource(
            store, iri, base_iri=settings.server.base_iri, lang=lang, metadata=metadata
        )
        if view is None:
            return _not_found_html(request, templates, iri, headers)
        headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if not_modified(request, etag, last_modified):
            return Response(status_code=304, headers=headers)
        if iri == void_dataset_iri(settings):
            ds = summary(settings, store, publishing.dumps.current(store), lang)
            ctx = {
                "ds": ds,
                "formats": _formats(iri_path),
                "jsonld": jsonld.script_markup(jsonld.dataset(ds, settings.server.base_iri)),
            }
            return render(templates, request, "dataset.html", ctx, headers=headers)
        ctx = _resource_context(request, store, settings, view, lang, iri_path, version)
        return render(templates, request, "resource.html", ctx, headers=headers)

    body = describe.description_rdf(store, iri, fmt, settings.server.base_iri, metadata)
    if body is None:
        safe = iri if describe.is_safe_iri(iri) else "this IRI"
        text = _NOT_FOUND_BODY[fmt.media_type].format(iri=f"<{safe}>")
        return Response(text, 404, headers, fmt.content_type)
    headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, 200, headers, fmt.content_type)


def _moved_to(iri: str, base: str, fmt: Format | None) -> str:
    """Where a retired IRI's request goes: the kept resource, or its document in ``fmt``."""
    if fmt is None or not iri.startswith(base):
        return describe.href_for(iri, base)
    return _doc_href(iri[len(base) :], fmt)


def _split_suffix(path: str) -> tuple[str, Format | None]:
    """A request path -> (IRI path, the document's format, or None for the IRI itself).

    ``id/x.ttl`` -> (``id/x``, Turtle); ``def/index.ttl`` -> (``def/``, Turtle);
    ``id/indexindex.ttl`` -> (``id/index``, Turtle): the inverse of :func:`_doc_href`.
    """
    stem, dot, ext = path.rpartition(".")
    last = stem.rpartition("/")[2]
    if not dot or "/" in ext or ext not in BY_SUFFIX or not last:
        return path, None
    if _INDEX.fullmatch(last):
        stem = stem[: -len("index")]
    return stem, BY_SUFFIX[ext]


def _doc_href(iri_path: str, fmt: Format) -> str:
    """The document URL of ``iri_path`` in ``fmt``, %-encoded (safe in a header).

    An IRI ending in ``/`` gets ``index``; so does one whose last segment is
    ``index`` (``id/index`` -> ``/id/indexindex.ttl``), or its document would be
    that of ``id/``.
    """
    last = iri_path.rpartition("/")[2]
    name = f"{iri_path}index" if not last or _INDEX.fullmatch(last) else iri_path
    return "/" + quote(f"{name}.{fmt.suffix}", safe=_URL_SAFE)


def _not_found_html(
    request: Request, templates: Jinja2Templates, iri: str, headers: dict[str, str]
) -> Response:
    return render(templates, request, "not_found.html", {"iri": iri}, status_code=404,
                  headers=headers)  # fmt: skip


def _formats(iri_path: str) -> list[dict[str, str]]:
    """The RDF documents of a resource, by the names people know them by."""
    return [
        {"label": f.label, "media_type": f.media_type, "href": _doc_href(iri_path, f)}
        for f in OFFERED
        if f is not HTML
    ]


def _instances(
    request: Request, store: GraphStore, class_iri: str, base: str, lang: str
) -> tuple[list[overview.Item], dict[str, Any]] | None:
    """One page of a class's instances (``?sort=label|year``, ``?order=asc|desc``,
    ``?page=``) and the links around it; None for a class without instances."""
    sort = request.query_params.get("sort", "label")
    order = request.query_params.get("order", "desc" if sort == "year" else "asc")
    if sort not in ("label", "year") or order not in ("asc", "desc"):
        raise BadRequest("sort must be label or year, order asc or desc")
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        raise BadRequest("page must be a whole number") from None
    if page < 1:
        raise BadRequest("page must be 1 or more")
    found = overview.instances_page(
        store,
        class_iri,
        sort=sort,
        descending=order == "desc",
        page=page,
        size=PAGE_SIZE,
        base_iri=base,
        lang=lang,
        cache=page_cache(request),
    )
    if found.total == 0:
        return None
    pages = max(1, -(-found.total // PAGE_SIZE))
    if page > pages:
        raise BadRequest(f"page must be between 1 and {pages}")
    params = {k: v for k, v in request.query_params.items() if k != "page"}

    def link(**changes: str) -> str:
        return "?" + urlencode({**params, **changes})

    nav = {
        "sort": sort,
        "order": order,
        "page": page,
        "pages": pages,
        "total": found.total,
        "by_label_text": found.by_label_text,
        "prev": link(page=str(page - 1)) if page > 1 else None,
        "next": link(page=str(page + 1)) if page < pages else None,
        "sort_links": {
            s: link(sort=s, order=("desc" if s == "year" else "asc"))
            if s != sort
            else link(sort=s, order="asc" if order == "desc" else "desc")
            for s in ("label", "year")
        },
    }
    return found.items, nav


def page_cache(request: Request) -> PerVersion:
    """The app's per-version cache of page aggregates (made on first use)."""
    cache: PerVersion | None = getattr(request.app.state, "page_cache", None)
    if cache is None:
        cache = request.app.state.page_cache = PerVersion()
    return cache


def _resource_context(
    request: Request,
    store: GraphStore,
    settings: Settings,
    view: describe.ResourceView,
    lang: str,
    iri_path: str,
    version: str,
) -> dict[str, Any]:
    base = settings.server.base_iri
    t = TEXT[lang]
    ns = base + "def/"
    crumbs: list[tuple[str, str | None]] = [(t["home"], "/")]
    if overview.is_class(view) or view.iri == ns:
        if view.iri != ns:
            crumbs.append((t["ontology"], describe.href_for(ns, base)))
    else:
        own = [ty for ty in view.types if ty.iri and ty.iri.startswith(ns)]
        first = own[0] if own else (view.types[0] if view.types else None)
        if first is not None:
            link = first.href if first.iri and first.iri.startswith(base) else None
            crumbs.append((describe.capitalise(first.text), link))
    crumbs.append((view.label, None))

    ctx: dict[str, Any] = {
        "view": view,
        "crumbs": crumbs,
        "formats": _formats(iri_path),
        "description": _description(view, lang),
        "jsonld": jsonld.script_markup(jsonld.schema_org(view, base)),
    }
    if overview.is_class(view):
        listed = _instances(request, store, view.iri, base, lang)
        if listed is not None:
            ctx["instances"], ctx["nav"] = listed
            ctx["instances_title"] = t["instances_plain"]
    if view.iri == ns:
        ctx["ontology_terms"] = overview.ontology_terms(store, base_iri=base, lang=lang)
    kept = page_cache(request)
    ctx["charts"] = [chart_markup(c) for c in _charts(store, view, base, lang, kept, version)]
    ctx["provenance"] = provenance.provenance_of(store, view.iri, base_iri=base, lang=lang)
    ctx["supports"] = provenance.supported_by(store, view.iri, base_iri=base, lang=lang)
    return ctx


def _description(view: describe.ResourceView, lang: str) -> str:
    """The page's meta description: the resource's own description, or what it is."""
    if view.comment is not None and view.comment.text:
        text = view.comment.text
    else:
        kinds = ", ".join(v.text for v in view.types[:2])
        text = f"{view.label} ({kinds})" if kinds else view.label
        text += ". " + TEXT[lang]["site_description"]
    return text if len(text) <= 300 else text[:297].rstrip() + "…"


def _node(iri: str, labels: describe.Labels, base: str, lang: str) -> charts.Node:
    text, tlang = labels.text(iri)
    return charts.Node(text, with_lang(describe.href_for(iri, base), lang), tlang)


def _charts(
    store: GraphStore,
    view: describe.ResourceView,
    base: str,
    lang: str,
    kept: PerVersion,
    version: str,
) -> list[charts.Chart]:
    """Publications per year and co-authors of a creator; the co-authoring organisations
    of a publication with several creators. The first two are kept per data version (a
    hub's are the same on every view of it, in either language, until the next build)."""
    t = TEXT[lang]
    out: list[charts.Chart] = []
    me = charts.Node(view.label)
    iri = view.iri
    by_year = kept.get(
        version, ("by-year", iri), lambda: overview.publications_by_year(store, iri), size=len
    )
    if by_year:
        out.append(
            charts.year_bars(
                by_year,
                title=f"{t['pubs_by_year']}: {view.label}",
                chart_id="chart-years",
                headers=(t["year"], t["publications"]),
            )
        )
    co = kept.get(version, ("coauthors", iri), lambda: overview.coauthors(store, iri), size=len)
    if co:
        labels = describe.Labels(lang, base)
        labels.load(store, [i for i, _ in co])
        out.append(
            charts.star(
                me,
                [(_node(i, labels, base, lang), n) for i, n in co],
                title=f"{t['coauthors']}: {view.label}",
                chart_id="chart-coauthors",
                unit=t["shared"],
                headers=(t["organisation"], t["shared"].capitalize()),
            )
        )
    creators = view.values_of(DCT + "creator")
    if len(creators) >= 2:
        others = [
            (charts.Node(v.text, with_lang(v.href, lang) if v.href else None, v.lang), 1)
            for v in creators
        ]
        out.append(
            charts.star(
                me,
                others,
                title=f"{t['coauthoring_boards']}: {view.label}",
                chart_id="chart-creators",
                show_weights=False,
                headers=(t["organisation"], ""),
            )
        )
    return out
