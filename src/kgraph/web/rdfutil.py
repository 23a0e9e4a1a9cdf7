"""Small RDF helpers for the web layer (rdflib, for small metadata graphs only)."""

from __future__ import annotations

import rdflib

from kgraph.formats import Format

_RDFLIB = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def serialize_turtle(turtle: str, fmt: Format, base_iri: str) -> bytes:
    """Re-serialise a small Turtle document to ``fmt``."""
    if fmt.media_type == "text/turtle":
        return turtle.encode()
    graph = rdflib.Graph().parse(data=turtle, format="turtle", publicID=base_iri)
    return graph.serialize(format=_RDFLIB[fmt.media_type], encoding="utf-8")
