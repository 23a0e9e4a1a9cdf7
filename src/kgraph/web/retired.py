"""The answer for a retired IRI: 301 to the resource it was merged into, or 410 Gone.

The resource route asks :func:`answer_retired` first; ``None`` means the IRI is
not retired and the route goes on. Both answers come in the format asked for: a
small HTML page, or the record's RDF (``owl:sameAs`` the kept resource, or why
it was removed).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from kgraph.formats import HTML, Format
from kgraph.linkeddata import describe
from kgraph.linkeddata.retired import retirement
from kgraph.store.base import GraphStore
from kgraph.web.i18n import render


def answer_retired(
    request: Request,
    templates: Jinja2Templates,
    store: GraphStore,
    iri: str,
    *,
    base_iri: str,
    fmt: Format,
    lang: str,
    headers: dict[str, str],
    location: Callable[[str], str],
) -> Response | None:
    """301 or 410 for a retired ``iri``, else ``None``. ``location(kept_iri)`` is the URL to
    redirect to (the kept resource's document in the same format). Raises StoreError."""
    found = retirement(store, iri, base_iri=base_iri, lang=lang or "sv")
    if found is None:
        return None
    status = 301 if found.kind == "merged" else 410
    headers = dict(headers)
    headers.pop("Content-Location", None)
    if found.kept is not None:
        headers["Location"] = location(found.kept)
    if fmt is HTML:
        kept = describe.href_for(found.kept, base_iri) if found.kept else None
        ctx = {"retired": found, "kept_href": kept}
        return render(templates, request, "gone.html", ctx, status_code=status, headers=headers)
    body = describe.description_rdf(store, iri, fmt, base_iri) or b""
    return Response(body, status, headers, fmt.content_type)
