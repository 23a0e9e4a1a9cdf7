"""schema.org JSON-LD for search engines, embedded in a page's ``<script>``.

>>> script_json({"name": "</script><b>"})
'{"name": "<\\\\/script><b>"}'
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kgraph.linkeddata.describe import ResourceView, Value
from kgraph.terms import DCT, FOAF, ORG, OWL, PROV, RDFS, SCHEMA, SKOS

if TYPE_CHECKING:
    from kgraph.linkeddata.dataset import DatasetSummary

# Our and the standard classes, as schema.org types (the first match wins).
_TYPES: list[tuple[str, str]] = [
    ("def/Report", "Report"),
    ("def/CountyBoard", "GovernmentOrganization"),
    ("def/Regulation", "Legislation"),
    ("def/Mandate", "Legislation"),
    ("def/County", "AdministrativeArea"),
    ("def/Municipality", "AdministrativeArea"),
    ("def/Grant", "MonetaryGrant"),
    ("def/Project", "Project"),
    ("def/StatedFigure", "Observation"),
    ("def/SourcePage", "WebPage"),
    ("def/Network", "Organization"),
    ("def/SupportOrganisation", "NGO"),
    ("def/Handbook", "Book"),
    ("def/Brochure", "CreativeWork"),
    ("def/Attachment", "DigitalDocument"),
    (DCT + "BibliographicResource", "CreativeWork"),
    (ORG + "Post", "Role"),
    (ORG + "Organization", "Organization"),
    (SKOS + "ConceptScheme", "DefinedTermSet"),
    (SKOS + "Concept", "DefinedTerm"),
    (OWL + "Ontology", "DefinedTermSet"),
    (OWL + "Class", "DefinedTerm"),
    (OWL + "ObjectProperty", "DefinedTerm"),
    (OWL + "DatatypeProperty", "DefinedTerm"),
    (RDFS + "Class", "DefinedTerm"),
    (FOAF + "Document", "WebPage"),
    (PROV + "Plan", "CreativeWork"),
    (PROV + "Activity", "Event"),
    ("http://www.w3.org/ns/dcat#Dataset", "Dataset"),
    ("http://www.w3.org/ns/dcat#Catalog", "DataCatalog"),
    ("http://www.w3.org/ns/dcat#Distribution", "DataDownload"),
    ("http://www.w3.org/ns/dcat#DataService", "WebAPI"),
    ("http://rdfs.org/ns/void#Dataset", "Dataset"),
    ("http://www.w3.org/2006/vcard/ns#Organization", "ContactPoint"),
    (FOAF + "Agent", "Organization"),
    # the named graphs (each a part of the dataset) and PROV's qualified pattern
    ("def/SourceGraph", "Dataset"),
    ("def/ReferenceGraph", "Dataset"),
    ("def/EditorialGraph", "Dataset"),
    ("def/OntologyGraph", "Dataset"),
    ("def/DescriptionGraph", "Dataset"),
    (PROV + "Association", "Role"),
    (PROV + "Role", "DefinedTerm"),
    (SKOS + "Collection", "DefinedTermSet"),
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
    return "Thing"  # a resource with none of the types above (the pages test there is none)


def _ref(v: Value, base_iri: str) -> dict[str, Any] | str:
    if v.iri is None:
        return v.raw if v.raw is not None else v.text
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


def dataset(ds: DatasetSummary, base_iri: str) -> dict[str, Any]:
    """A schema.org ``Dataset`` for Google Dataset Search and kin: name, description,
    licence, publisher, creator, coverage, keywords and the files to download."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": ds.iri,
        "url": base_iri.rstrip("/") + ds.href,
        "name": ds.title,
        "description": ds.description,
        "license": ds.licence_href,
        "isAccessibleForFree": True,
        "keywords": ds.keywords,
        "publisher": {"@type": "Organization", "name": ds.publisher},
        "creator": {"@type": "Organization", "name": ds.publisher},
        "dateModified": ds.modified,
        "datePublished": ds.issued,
        "spatialCoverage": {"@type": "Place", "name": "Sverige"},
        "inLanguage": ["sv", "en"],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.title,
                "encodingFormat": d.media_type,
                "contentUrl": base_iri.rstrip("/") + d.href,
                "contentSize": f"{d.bytes} B",
            }
            for d in (*ds.downloads, *ds.tables)
        ],
    }
    if ds.years:
        doc["temporalCoverage"] = f"{ds.years[0]}/{ds.years[1]}"
    return doc


def script_markup(data: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">``, marked safe (see :func:`script_json`)."""
    return Markup(script_json(data))  # noqa: S704 - script_json escapes what could end the script


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: ``</`` written as ``<\\/``, ``<!--`` escaped."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
