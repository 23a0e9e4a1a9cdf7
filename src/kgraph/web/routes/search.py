"""``/search``: find resources by name, title, code or number, in HTML or JSON."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from kgraph.errors import BadRequest
from kgraph.formats import HTML, JSON
from kgraph.linkeddata import overview
from kgraph.linkeddata.search import Searcher
from kgraph.negotiation import negotiate
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.i18n import page_lang, render
from kgraph.web.replay import mark_replayable

router = APIRouter(tags=["linked data"])
PAGE_SIZE = 20


def get_searcher(request: Request) -> Searcher:
    """The app's search index holder (created on first use)."""
    searcher: Searcher | None = getattr(request.app.state, "searcher", None)
    if searcher is None:
        searcher = request.app.state.searcher = Searcher()
    return searcher


@router.get(
    "/search",
    summary="Find resources by name, title, code or number",
    description="Case- and diacritic-insensitive, tolerant of typos and of compound words; "
    "ranked exact > prefix > word > part of a word > similar. `type` keeps one kind (a class "
    "IRI's last segment, such as `Report`), `page` and `limit` page through the hits. HTML or "
    f"JSON (`Accept: {JSON.media_type}` or `?format=json`).",
)
def search(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    q: str = "",
    format: str | None = None,
    limit: int = 50,
    page: int = 1,
    type: str = "",
) -> Response:
    if not 1 <= limit <= 500:
        raise BadRequest("limit must be between 1 and 500")
    if len(q) > 500:
        raise BadRequest("the search text is longer than 500 characters")
    if page < 1:
        raise BadRequest("page must be 1 or more")
    answer_as = negotiate(format, request.headers.get("accept"), (HTML, JSON))
    lang = page_lang(request)
    mark_replayable(request, store.info().version)
    base = settings.server.base_iri
    size = limit if answer_as is JSON else min(limit, PAGE_SIZE)
    found = get_searcher(request).find(store, q, base_iri=base, lang=lang, kind=type or None)
    pages = max(1, -(-len(found.hits) // size))
    if page > pages:
        raise BadRequest(f"page must be between 1 and {pages}")
    hits = found.hits[(page - 1) * size : page * size]
    headers = {"Vary": "Accept, Accept-Language, Cookie"}
    if answer_as is JSON:
        return JSONResponse(
            {
                "query": q,
                "count": len(hits),
                "total": len(found.hits),
                "page": page,
                "pages": pages,
                "type": type or None,
                "suggestion": found.suggestion,
                "types": [
                    {"type": f.key, "label": f.label, "count": f.count} for f in found.facets
                ],
                "results": [h.as_json() for h in hits],
            },
            headers=headers,
        )
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]

    def link(**changes: str) -> str:
        kept = [(k, v) for k, v in params if k not in changes]
        kept += [(k, v) for k, v in changes.items() if v]
        return "/search?" + urlencode(kept)

    nav = {
        "page": page,
        "pages": pages,
        "first": (page - 1) * size + 1,
        "last": (page - 1) * size + len(hits),
        "prev": link(page=str(page - 1)) if page > 1 else None,
        "next": link(page=str(page + 1)) if page < pages else None,
    }
    facets = [f.with_href(link(type=f.key, page="")) for f in found.facets]
    browse = []
    if q and not found.hits:
        browse = [i for i, _ in overview.overview(store, base_iri=base, lang=lang).classes[:6]]
    context = {
        "q": q,
        "type": type,
        "hits": hits,
        "total": len(found.hits),
        "nav": nav,
        "facets": facets,
        "facet_any_href": link(type="", page=""),
        "suggestion": found.suggestion,
        "suggestion_href": link(q=found.suggestion or "", type="", page=""),
        "browse": browse,
    }
    return render(templates, request, "search.html", context, headers=headers)
