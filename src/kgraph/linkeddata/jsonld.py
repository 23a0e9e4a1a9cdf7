"""schema.org JSON-LD for search engines, embedded in a page's ``<script>``.

>>> script_json({"name": "</script><b>"})
'{"name": "<\\\\/script><b>"}'
"""

from __future__ import annotations

import json
from typing import Any

from kgraph.linkeddata.describe import ResourceView, Value
from kgraph.terms import DCT, FOAF, ORG, PROV, RDFS, SCHEMA, SKOS

# Our and the standard classes, as schema.org types (the first match wins).
_TYPES: list[tuple[str, str]] = [
    ("def/Report", "Report"),
    ("def/CountyBoard", "GovernmentOrganization"),
    ("def/Regulation", "Legislation"),
    (DCT + "BibliographicResource", "CreativeWork"),
    (ORG + "Organization", "Organization"),
    (SKOS + "ConceptScheme", "DefinedTermSet"),
    (SKOS + "Concept", "DefinedTerm"),
    (FOAF + "Document", "WebPage"),
    (PROV + "Plan", "CreativeWork"),
    (PROV + "Activity", "Event"),
]
# Properties whose values are resources: (our predicate, schema.org property).
_LINKS = {
    DCT + "creator": "author",
    DCT + "publisher": "publisher",
    DCT + "subject": "about",
    DCT + "isPartOf": "isPartOf",
    DCT + "spatial": "spatialCoverage",
    SCHEMA + "areaServed": "areaServed",
    SCHEMA + "containedInPlace": "containedInPlace",
    SCHEMA + "funder": "funder",
    SCHEMA + "location": "location",
    ORG + "memberOf": "memberOf",
    SKOS + "inScheme": "inDefinedTermSet",
    PROV + "wasDerivedFrom": "isBasedOn",
    FOAF + "homepage": "url",
}
_LITERALS = {
    DCT + "issued": "datePublished",
    DCT + "modified": "dateModified",
    DCT + "identifier": "identifier",
    SKOS + "notation": "identifier",
    SCHEMA + "startDate": "startDate",
    SCHEMA + "endDate": "endDate",
    DCT + "alternative": "alternateName",
}


def _schema_type(view: ResourceView, base_iri: str) -> str:
    types = view.type_iris()
    for iri, name in _TYPES:
        full = base_iri + iri if iri.startswith("def/") else iri
        if full in types:
            return name
    for t in sorted(types):
        if t.startswith(SCHEMA):
            return t[len(SCHEMA) :]
    return "Thing"


def _ref(v: Value, base_iri: str) -> dict[str, Any] | str:
    if v.iri is None:
        return v.text
    return {"@id": v.iri, "name": v.text}


def schema_org(view: ResourceView, base_iri: str) -> dict[str, Any]:
    """A schema.org description of ``view`` (name, description, links by name)."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _schema_type(view, base_iri),
        "@id": view.iri,
        "name": view.label,
    }
    if view.comment is not None:
        doc["description"] = view.comment.text
    for row in view.rows:
        prop = _LINKS.get(row.predicate) or _LITERALS.get(row.predicate)
        if prop is None or row.predicate == RDFS + "label":
            continue
        values = [_ref(v, base_iri) for v in row.values if v.iri or not v.nested]
        if values:
            existing = doc.get(prop)
            merged = [existing] if existing and not isinstance(existing, list) else existing or []
            merged = [*merged, *values]
            doc[prop] = merged[0] if len(merged) == 1 else merged
    if view.sources:
        doc["isBasedOn"] = [_ref(v, base_iri) for v in view.sources]
    return doc


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: ``</`` written as ``<\\/``, ``<!--`` escaped."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
