"""Pages about the site and files for machines that find pages.

``/about`` (who runs the site, how to reach them), ``/accessibility`` (the
tillgänglighetsredogörelse the Swedish accessibility act asks for), texts from
``settings.site`` and ``settings.catalogue``; ``/robots.txt`` naming
``/sitemap.xml``, which lists every resource page in both languages with
``hreflang`` alternates (a sitemap index of ``/sitemap-N.xml`` files when there
are more pages than one file may hold); ``/favicon.ico``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from kgraph.errors import NotFound
from kgraph.formats import ICON, PLAIN_TEXT, XML
from kgraph.linkeddata.describe import href_for
from kgraph.opendata.void import dataset_iri
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.i18n import LANGS, render
from kgraph.web.replay import mark_replayable
from kgraph.web.routes import get_and_head

router = APIRouter(tags=["site"])
STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES_PER_SITEMAP = 20_000  # two URLs each (sv, en): within the 50,000 a sitemap may hold
# pages that are not resources, in the order the sitemap lists them
SITE_PAGES = (
    "/", "/map", "/timeline", "/network", "/sparql", "/catalog", "/dumps/",
    "/.well-known/void", "/about", "/accessibility",
)  # fmt: skip


@get_and_head(router, "/about", summary="About the site: who publishes it and how to reach them")
def about(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    return render(templates, request, "about.html", {"settings": settings})


@get_and_head(
    router,
    "/accessibility",
    summary="Accessibility statement (tillgänglighetsredogörelse)",
)
def accessibility(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    email = settings.site.accessibility_email or settings.catalogue.contact_email
    return render(templates, request, "accessibility.html", {"settings": settings, "email": email})


@get_and_head(router, "/robots.txt", summary="Rules for crawlers, naming the sitemap")
def robots(settings: SettingsDep) -> Response:
    base = settings.server.base_iri
    body = (
        "User-agent: *\n"
        "Disallow: /sparql?\n"  # query answers: the editor page itself stays crawlable
        "Disallow: /search?\n"
        "Disallow: /api/\n"
        f"Sitemap: {base}sitemap.xml\n"
    )
    return Response(body, media_type=PLAIN_TEXT.content_type)


@get_and_head(router, "/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return FileResponse(STATIC / "favicon.ico", media_type=ICON.media_type)


def resource_paths(store: GraphStore, settings: Settings) -> list[str]:
    """The path of every page the site has: its own pages, the dataset, then every IRI
    subject under the base, in IRI order. Raises StoreError."""
    base = settings.server.base_iri
    rows = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}'
        " ORDER BY ?s"
    )
    paths = [*SITE_PAGES, href_for(dataset_iri(settings), base)]
    seen = set(paths)
    for row in rows:
        path = href_for(row["s"].value, base)
        if path not in seen and "#" not in path:
            seen.add(path)
            paths.append(path)
    return paths


def _urlset(base: str, paths: list[str], lastmod: str) -> str:
    root = base.rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for path in paths:
        sep = "&" if "?" in path else "?"
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" '
            f'href="{escape(root + path + sep + "lang=" + lang)}"/>'
            for lang in LANGS
        )
        for lang in LANGS:
            loc = escape(root + path + sep + "lang=" + lang)
            out.append(f"<url><loc>{loc}</loc>{lastmod}{alternates}</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


@get_and_head(router, "/sitemap.xml", summary="Every page in both languages, for search engines")
def sitemap(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    info = store.info()
    mark_replayable(request, info.version)
    paths = resource_paths(store, settings)
    lastmod = f"<lastmod>{info.modified[:10]}</lastmod>" if info.modified else ""
    base = settings.server.base_iri
    if len(paths) <= PAGES_PER_SITEMAP:
        return Response(_urlset(base, paths, lastmod), media_type=XML.content_type)
    parts = -(-len(paths) // PAGES_PER_SITEMAP)
    index = "".join(
        f"<sitemap><loc>{escape(base)}sitemap-{n}.xml</loc>{lastmod}</sitemap>\n"
        for n in range(1, parts + 1)
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{index}</sitemapindex>\n"
    )
    return Response(body, media_type=XML.content_type)


@get_and_head(router, "/sitemap-{part}.xml", include_in_schema=False)
def sitemap_part(part: int, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    info = store.info()
    mark_replayable(request, info.version)
    paths = resource_paths(store, settings)
    chunk = paths[(part - 1) * PAGES_PER_SITEMAP : part * PAGES_PER_SITEMAP]
    if part < 1 or not chunk:
        raise NotFound(f"no sitemap part {part}")
    lastmod = f"<lastmod>{info.modified[:10]}</lastmod>" if info.modified else ""
    return Response(_urlset(settings.server.base_iri, chunk, lastmod), media_type=XML.content_type)
