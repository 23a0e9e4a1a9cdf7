"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

>>> b"sd:SPARQL11Query" in service_description(
...     "http://x/sparql", "http://x/id/dataset/d", "http://x/.well-known/void", TURTLE)
True
"""

from __future__ import annotations

import rdflib

from kgraph.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TURTLE,
    Format,
)

W3C_FORMATS = "http://www.w3.org/ns/formats/"


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
