"""The engine's RDF terms, as the rest of kgraph may look at them.

Rows and triples from a store hold the engine's term objects (``.value``, and
``.language``/``.datatype`` for literals, ``.subject``/``.predicate``/``.object``
for triple terms). Code outside ``store/`` asks what a term is here, never by
its class name.

>>> import pyoxigraph as ox
>>> kind_of(ox.NamedNode("http://example.org/a")), kind_of(ox.Literal("a", language="sv"))
('iri', 'literal')
>>> ntriples(ox.Literal('say "hi"', language="en"))
'"say \\\\"hi\\\\""@en'
>>> is_iri(ox.BlankNode("b0"))
False
"""

from __future__ import annotations

from typing import Any, Literal

import pyoxigraph as ox

TermKind = Literal["iri", "bnode", "literal", "triple"]


def kind_of(term: Any) -> TermKind:
    """What ``term`` is. Raises TypeError for anything that is not an engine term."""
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.Literal):
        return "literal"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    if isinstance(term, ox.Triple):
        return "triple"
    raise TypeError(f"not an RDF term: {term!r}")


def is_iri(term: Any) -> bool:
    """True for an IRI (``NamedNode``)."""
    return isinstance(term, ox.NamedNode)


def is_blank(term: Any) -> bool:
    """True for a blank node."""
    return isinstance(term, ox.BlankNode)


def ntriples(term: Any) -> str:
    """The N-Triples (and SPARQL) text of ``term``: ``<iri>``, ``_:b``, ``"v"@en``..."""
    return str(term)
