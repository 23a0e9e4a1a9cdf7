"""Ill-formed shapes: found before any check runs, told in one line with file:line.

Both checks call :func:`check_shapes` first, so that a shape SHACL does not
allow (a count that is no integer, a path that is no path, a SPARQL query that
breaks SHACL-SPARQL's rules, ...) stops the run with a :class:`ConfigError`
naming the shape and where it is written, never with a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kgraph.errors import ConfigError
from kgraph.shacl.locate import LINE_FORMATS, read_text, statement_lines
from kgraph.shacl.paths import shorten
from kgraph.shacl.report import PREFIXES, rdf_format
from kgraph.shacl.shapes import SH, ShapesGraph
from kgraph.shacl.sparqlcheck import check_prefixes, check_query, prefix_block
from kgraph.store.terms import is_iri, kind_of, ntriples

__all__ = ["check_shapes", "shape_label"]

_COUNTS = (
    "minCount",
    "maxCount",
    "minLength",
    "maxLength",
    "qualifiedMinCount",
    "qualifiedMaxCount",
)
_LISTS = ("in", "languageIn", "and", "or", "xone", "ignoredProperties")
_KINDS = {
    SH + k
    for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")
}
_CONSTRAINT = ("this", "currentShape", "shapesGraph")


def shape_label(g: ShapesGraph, key: str, files: Sequence[Path], base_iri: str) -> str:
    """``file:line: name`` of a shape (a blank node by the IRI that refers to it)."""
    owner, seen = key, {key}
    while not owner.startswith("<"):
        refs = sorted(
            s
            for s, props in g.props.items()
            if any(ntriples(o) == owner for os in props.values() for o in os)
        )
        if not refs or refs[0] in seen:
            break
        owner = refs[0]
        seen.add(owner)
    name = shorten(key, PREFIXES) if key.startswith("<") else "a blank-node shape"
    if owner != key and owner.startswith("<"):
        name = f"{shorten(owner, PREFIXES)} (a blank-node shape in it)"
    if owner.startswith("<"):
        for path in files:
            if rdf_format(path) in LINE_FORMATS:
                line = statement_lines(read_text(path), base_iri).get(owner[1:-1])
                if line is not None:
                    return f"{path}:{line}: {name}"
    return f"{files[0] if files else 'shapes'}: {name}"


def check_shapes(g: ShapesGraph, files: Sequence[Path], base_iri: str) -> None:
    """Raise ConfigError (one line: file:line, shape, what is wrong) at the first ill-formed
    shape or constraint component."""
    for key in g.shapes():
        try:
            _check_one(g, key)
        except ConfigError as e:
            raise ConfigError(
                f"{shape_label(g, key, files, base_iri)}: ill-formed shape: {e}"
            ) from e
    for key in g.props:
        if g.instance_of(key, SH + "ConstraintComponent"):
            try:
                _check_component(g, key)
            except ConfigError as e:
                label = shape_label(g, key, files, base_iri)
                raise ConfigError(f"{label}: ill-formed constraint component: {e}") from e


def _check_one(g: ShapesGraph, key: str) -> None:
    g.path(key)
    for name in _COUNTS:
        for v in g.objects(key, SH + name):
            if kind_of(v) != "literal" or not v.value.lstrip("+").isdigit():
                raise ConfigError(f"sh:{name} must be a non-negative integer, not {ntriples(v)}")
    for v in g.objects(key, SH + "nodeKind"):
        if not is_iri(v) or v.value not in _KINDS:
            raise ConfigError(f"sh:nodeKind {ntriples(v)} is not a node kind")
    for name in _LISTS:
        for v in g.objects(key, SH + name):
            if g.items(v) is None:
                raise ConfigError(f"the value of sh:{name} must be an RDF list")
    for c in g.objects(key, SH + "sparql"):
        ck = ntriples(c)
        select = g.one(ck, SH + "select")
        if select is None:
            raise ConfigError("an sh:sparql constraint without sh:select")
        check_query(select.value, _CONSTRAINT)
        check_prefixes(select.value, prefix_block(g, ck))


def _check_component(g: ShapesGraph, key: str) -> None:
    params = []
    for p in g.objects(key, SH + "parameter"):
        path = g.one(ntriples(p), SH + "path")
        if path is None or not is_iri(path):
            raise ConfigError("a parameter without an IRI as sh:path")
        params.append(path.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    for kind in ("validator", "nodeValidator", "propertyValidator"):
        for v in g.objects(key, SH + kind):
            for form, extra in (("select", ()), ("ask", ("value",))):
                text = g.one(ntriples(v), SH + form)
                if text is not None:
                    check_query(text.value, (*_CONSTRAINT, *extra, *params))
                    check_prefixes(text.value, prefix_block(g, ntriples(v)))
