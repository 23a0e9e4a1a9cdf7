"""Running protocol queries: execution, result-format choice, service description.

>>> fmt = choose_format("select", "text/csv, */*;q=0.1", None)
>>> fmt.media_type
'text/csv'
"""

from __future__ import annotations

import rdflib

from kgraph.errors import BadRequest
from kgraph.formats import (
    BOOLEAN_FORMATS,
    GRAPH_FORMATS,
    HTML,
    RDF_FORMATS,
    RESULT_FORMATS,
    TURTLE,
    Format,
)
from kgraph.negotiation import negotiate
from kgraph.query.protocol import QueryRequest, looks_like_update
from kgraph.store.base import GraphStore, QueryKind, QueryResult

W3C_FORMATS = "http://www.w3.org/ns/formats/"


def offered_formats(kind: QueryKind, *, html: bool = False) -> list[Format]:
    """What a result of ``kind`` can be serialised to, in order of preference."""
    formats = {"select": RESULT_FORMATS, "ask": BOOLEAN_FORMATS, "graph": RDF_FORMATS}[kind]
    return [*formats, HTML] if html else list(formats)


def choose_format(
    kind: QueryKind, accept: str | None, format_param: str | None, *, html: bool = False
) -> Format:
    """The format to answer with: the ``format`` parameter wins, then ``Accept``.

    Raises :class:`NotAcceptable` listing the offered media types. Remembers the
    choices it made (clients send the same few Accept headers again and again).
    """
    return negotiate(format_param, accept, offered_formats(kind, html=html))


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


def service_description(endpoint: str, dataset_iri: str, void_iri: str, fmt: Format) -> bytes:
    """The service description in ``fmt`` (an RDF graph format)."""
    turtle = service_description_turtle(endpoint, dataset_iri, void_iri)
    if fmt is TURTLE:
        return turtle.encode()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def service_description_turtle(endpoint: str, dataset_iri: str, void_iri: str) -> str:
    """A SPARQL 1.1 Service Description of the endpoint, as Turtle."""
    results = " , ".join(f"<{W3C_FORMATS}{f.w3c}>" for f in RESULT_FORMATS)
    graphs = " , ".join(f"<{W3C_FORMATS}{f.w3c}>" for f in GRAPH_FORMATS)
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
