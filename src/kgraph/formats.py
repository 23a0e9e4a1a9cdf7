"""Every format kgraph reads or writes, in one table.

A :class:`Format` row says what the format is called (its short name, the
names and media types clients also use for it), its media type and file
suffixes, what it can carry (query results, a graph, a dataset of named
graphs, a page), and how the libraries name it: rdflib's plugin name (the
engine's own format is found from the media type, in ``store/``), the W3C
format IRI and the EU file-type code that service descriptions and the
catalogue record use. Routes, the CLI, dumps and the stores pick from the
tuples below; :func:`kgraph.negotiation.negotiate` chooses among them.

>>> RDF_BY_SUFFIX["ttl"].media_type
'text/turtle'
>>> by_name("json", RESULT_FORMATS).media_type
'application/sparql-results+json'
>>> for_file("data/places.ttl.gz").name
'turtle'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from kgraph.errors import NotAcceptable

Carries = Literal["results", "graph", "dataset", "document", "request"]


@dataclass(frozen=True)
class Format:
    """One serialisation and everything the code needs to know about it."""

    name: str  # the short name: `?format=`, the CLI's --format
    media_type: str
    suffix: str  # the file suffix (without the dot)
    carries: Carries
    label: str  # the name people know it by
    aliases: tuple[str, ...] = ()  # other names and media types clients use for it
    rdflib_name: str | None = None  # rdflib's parser/serialiser plugin
    w3c: str | None = None  # local name under http://www.w3.org/ns/formats/
    eu_file_type: str | None = None  # http://publications.europa.eu/resource/authority/file-type/
    read_suffixes: tuple[str, ...] = ()  # further suffixes of files read in this format

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value (charset for text formats)."""
        if self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    @property
    def rdflib(self) -> str:
        """rdflib's plugin name. Raises ValueError for a format that is not RDF."""
        if self.rdflib_name is None:
            raise ValueError(f"{self.label} is not an RDF format")
        return self.rdflib_name

    @property
    def dataset(self) -> bool:
        """Can carry named graphs."""
        return self.carries == "dataset"

    @property
    def rdf(self) -> bool:
        """An RDF syntax (a graph or a dataset)."""
        return self.carries in ("graph", "dataset")


# fmt: off
# Results of SELECT and ASK (SPARQL 1.1 Query Results formats).
SPARQL_JSON = Format("json", "application/sparql-results+json", "srj", "results", "SPARQL JSON",
                     ("srj",), w3c="SPARQL_Results_JSON", eu_file_type="JSON")
SPARQL_XML = Format("xml", "application/sparql-results+xml", "srx", "results", "SPARQL XML",
                    ("srx",), w3c="SPARQL_Results_XML", eu_file_type="XML")
SPARQL_CSV = Format("csv", "text/csv", "csv", "results", "CSV",
                    w3c="SPARQL_Results_CSV", eu_file_type="CSV")
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "tsv", "results", "TSV",
                    w3c="SPARQL_Results_TSV", eu_file_type="TSV")

# Graphs (CONSTRUCT, DESCRIBE, resource descriptions, dumps) and datasets.
# N3 is a superset of Turtle: a client asking for N3 (SPARQLWrapper's N3) reads Turtle.
TURTLE = Format("turtle", "text/turtle", "ttl", "graph", "Turtle", ("ttl", "n3"), "turtle",
                "Turtle", "RDF_TURTLE")
NTRIPLES = Format("ntriples", "application/n-triples", "nt", "graph", "N-Triples",
                  ("nt", "n-triples"), "nt", "N-Triples", "RDF_N_TRIPLES")
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "graph", "RDF/XML",
                ("rdf", "xml", "rdf/xml", "rdf+xml"), "xml", "RDF_XML", "RDF_XML", ("owl", "xml"))
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "graph", "JSON-LD",
                ("json-ld", "json"), "json-ld", "JSON-LD", "JSON_LD")
TRIG = Format("trig", "application/trig", "trig", "dataset", "TriG", (), "trig",
              "TriG", "RDF_TRIG")
NQUADS = Format("nquads", "application/n-quads", "nq", "dataset", "N-Quads",
                ("nq", "n-quads"), "nquads", "N-Quads", "RDF_N_QUADS")

# Documents for people and for scripts that are not RDF.
HTML = Format("html", "text/html", "html", "document", "HTML", eu_file_type="HTML")
JSON = Format("json", "application/json", "json", "document", "JSON", eu_file_type="JSON")
PLAIN_TEXT = Format("text", "text/plain", "txt", "document", "plain text", eu_file_type="TXT")
XML = Format("xml", "application/xml", "xml", "document", "XML", eu_file_type="XML")  # sitemaps
ICON = Format("icon", "image/vnd.microsoft.icon", "ico", "document", "icon")  # the favicon
SVG = Format("svg", "image/svg+xml", "svg", "document", "SVG")  # the favicon for new browsers
GZIP = Format("gzip", "application/gzip", "gz", "document", "gzip", eu_file_type="GZIP")

# Request bodies of the SPARQL 1.1 Protocol and the Graph Store Protocol.
FORM = Format("form", "application/x-www-form-urlencoded", "", "request", "HTML form")
SPARQL_QUERY = Format("sparql-query", "application/sparql-query", "rq", "request", "SPARQL query")
SPARQL_UPDATE = Format("sparql-update", "application/sparql-update", "ru", "request",
                       "SPARQL update")
# fmt: on

RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
BOOLEAN_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML)  # CSV/TSV carry no boolean
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, RDFXML, JSONLD)
DATASET_FORMATS: tuple[Format, ...] = (TRIG, NQUADS)
RDF_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS, *DATASET_FORMATS)
ALL_FORMATS: tuple[Format, ...] = (*RESULT_FORMATS, *RDF_FORMATS, HTML, JSON, PLAIN_TEXT)

RDF_BY_SUFFIX = {s: f for f in RDF_FORMATS for s in (f.suffix, *f.read_suffixes)}

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
    "application/n3": {"text/turtle"},
    "application/x-json+ld": {"application/ld+json"},
}


def by_name(name: str, offered: Sequence[Format]) -> Format:
    """The offered format called ``name``: its name, an alias, suffix or media type.

    ``name`` may be a comma-separated list of them, as clients that copy their
    ``Accept`` header into ``?format=`` send (the first offered one wins);
    media-type parameters are ignored, and a space stands for a ``+`` (a ``+``
    that reached the URL unencoded is decoded as a space: ``rdf xml``).
    Raises :class:`NotAcceptable` listing what is offered.

    >>> by_name("rdf xml", GRAPH_FORMATS).name
    'rdfxml'
    >>> by_name("application/ld+json,application/x-json+ld", GRAPH_FORMATS).name
    'jsonld'
    """
    keys = ["+".join(item.split(";", 1)[0].lower().split()) for item in name.split(",")]
    for key in keys:
        for fmt in offered:
            if key in (fmt.name, fmt.suffix, fmt.media_type, *fmt.aliases):
                return fmt
        for fmt in offered:
            if fmt.media_type in MEDIA_ALIASES.get(key, ()):
                return fmt
    names = ", ".join(f.name for f in offered)
    known = [f.label for f in ALL_FORMATS for k in keys if k in (f.name, f.media_type, *f.aliases)]
    what = (
        f"format {name!r} ({known[0]}) is not offered here" if known else f"unknown format {name!r}"
    )
    raise NotAcceptable(f"{what}; offered: {names}", [f.media_type for f in offered])


_BY_MEDIA_TYPE = {f.media_type: f for f in ALL_FORMATS}


def by_media_type(media_type: str) -> Format:
    """The format with this (canonical) media type. Raises KeyError."""
    return _BY_MEDIA_TYPE[media_type]


def for_file(path: str | PurePath) -> Format | None:
    """The RDF format of a file, by its suffix (``.gz`` looked through); None if not RDF."""
    name = PurePath(path).name.lower().removesuffix(".gz")
    suffix = name.rpartition(".")[2] if "." in name else ""
    return RDF_BY_SUFFIX.get(suffix)
