"""The media types kgraph reads and writes, in one table.

>>> RDF_BY_SUFFIX["ttl"].media_type
'text/turtle'
>>> by_name("json", RESULT_FORMATS).media_type
'application/sparql-results+json'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kgraph.errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    """A serialisation: its short name(s), media type, file suffix."""

    name: str
    media_type: str
    suffix: str
    aliases: tuple[str, ...] = ()
    dataset: bool = False  # can carry named graphs

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value (charset for text formats)."""
        if self.media_type.startswith("text/") or self.media_type.endswith(("json", "+xml")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


# Results of SELECT and ASK (SPARQL 1.1 Query Results formats).
SPARQL_JSON = Format("json", "application/sparql-results+json", "srj", ("srj",))
SPARQL_XML = Format("xml", "application/sparql-results+xml", "srx", ("srx",))
SPARQL_CSV = Format("csv", "text/csv", "csv")
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "tsv")
RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)

# Graphs (CONSTRUCT, DESCRIBE, resource descriptions, dumps).
TURTLE = Format("turtle", "text/turtle", "ttl", ("ttl",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", ("nt", "n-triples"))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", ("rdf", "xml", "rdf/xml"))
JSONLD = Format("jsonld", "application/ld+json", "jsonld", ("json-ld", "json"))
TRIG = Format("trig", "application/trig", "trig", (), dataset=True)
NQUADS = Format("nquads", "application/n-quads", "nq", ("nq", "n-quads"), dataset=True)
RDF_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, RDFXML, JSONLD)

HTML = Format("html", "text/html", "html")

RDF_BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}

# Media types that clients send but that are not the canonical ones.
MEDIA_ALIASES = {
    "application/json": {"application/sparql-results+json", "application/ld+json"},
    "application/xml": {"application/sparql-results+xml", "application/rdf+xml"},
    "text/xml": {"application/sparql-results+xml", "application/rdf+xml"},
    "text/plain": {"application/n-triples"},
    "application/x-turtle": {"text/turtle"},
    "text/rdf+n3": {"text/turtle"},
    "text/n3": {"text/turtle"},
    "application/turtle": {"text/turtle"},
}


def by_name(name: str, offered: Sequence[Format]) -> Format:
    """The offered format called ``name`` (its name, an alias, suffix or media type).

    Raises :class:`NotAcceptable` listing what is offered.
    """
    key = name.strip().lower()
    for fmt in offered:
        if key in (fmt.name, fmt.suffix, fmt.media_type, *fmt.aliases):
            return fmt
    for fmt in offered:
        if fmt.media_type in MEDIA_ALIASES.get(key, ()):
            return fmt
    names = ", ".join(f.name for f in offered)
    raise NotAcceptable(
        f"unknown format {name!r}; offered: {names}", [f.media_type for f in offered]
    )
