"""Running protocol queries: execution, result-format choice, service description.

>>> fmt = choose_format("select", "text/csv, */*;q=0.1", None)
>>> fmt.media_type
'text/csv'
"""

from __future__ import annotations

import functools

from kgraph.errors import BadRequest, NotAcceptable
from kgraph.formats import (
    GRAPH_FORMATS,
    HTML,
    RDF_FORMATS,
    RESULT_FORMATS,
    Format,
    by_name,
)
from kgraph.negotiation import choose
from kgraph.query.protocol import QueryRequest, looks_like_update
from kgraph.store.base import GraphStore, QueryKind, QueryResult

W3C_FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}


def offered_formats(kind: QueryKind, *, html: bool = False) -> list[Format]:
    """What a result of ``kind`` can be serialised to, in order of preference."""
    formats = list(RESULT_FORMATS) if kind in ("select", "ask") else list(RDF_FORMATS)
    if kind == "ask":
        formats = formats[:2]  # CSV/TSV have no boolean form
    return [*formats, HTML] if html else formats


def choose_format(
    kind: QueryKind, accept: str | None, format_param: str | None, *, html: bool = False
) -> Format:
    """The format to answer with: the ``format`` parameter wins, then ``Accept``.

    Raises :class:`NotAcceptable` listing the offered media types. Remembers the
    choices it made (clients send the same few Accept headers again and again).
    """
    return _choose_format(kind, accept, format_param, html)


@functools.lru_cache(maxsize=512)
def _choose_format(
    kind: QueryKind, accept: str | None, format_param: str | None, html: bool
) -> Format:
    offered = offered_formats(kind, html=html)
    if format_param:
        return by_name(format_param, offered)
    media = choose(accept, [f.media_type for f in offered])
    if media is None:
        listed = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(
            f"no offered media type matches Accept: {accept}; offered: {listed}",
            [f.media_type for f in offered],
        )
    return next(f for f in offered if f.media_type == media)


def run_query(store: GraphStore, req: QueryRequest, *, base_iri: str | None = None) -> QueryResult:
    """Execute a protocol query. Raises QuerySyntaxError, BadRequest (an update), StoreError."""
    if looks_like_update(req.query):
        raise BadRequest("this is the query endpoint: it runs no updates (SPARQL Update sent)")
    return store.query(
        req.query,
        default_graphs=req.default_graphs or None,
        named_graphs=req.named_graphs or None,
        base_iri=base_iri,
    )


def service_description_turtle(endpoint: str, dataset_iri: str, void_iri: str) -> str:
    """A SPARQL 1.1 Service Description of the endpoint, as Turtle."""
    results = " , ".join(f"<{W3C_FORMATS}{FORMAT_IRIS[f.media_type]}>" for f in RESULT_FORMATS)
    graphs = " , ".join(f"<{W3C_FORMATS}{FORMAT_IRIS[f.media_type]}>" for f in GRAPH_FORMATS)
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dct: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {results} , {graphs} ;
    sd:inputFormat <{W3C_FORMATS}Turtle> ;
    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;
    sd:defaultDataset [
        a sd:Dataset ;
        dct:source <{dataset_iri}> ;
        sd:defaultGraph [ a sd:Graph ; void:inDataset <{dataset_iri}> ]
    ] ;
    void:inDataset <{dataset_iri}> ;
    dct:description <{void_iri}> .
"""
