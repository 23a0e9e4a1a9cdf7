"""The shapes graph as the fast check reads it: nodes, lists, shapes, targets, paths.

Read once from the shape files, literals as written; terms are the engine's,
keyed by their N-Triples text so that blank nodes work.

>>> import tempfile, pathlib
>>> ttl = pathlib.Path(tempfile.mkdtemp()) / "s.ttl"
>>> _ = ttl.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> .\\n'
...     '<http://e/S> sh:targetNode <http://e/n> ; sh:property [ sh:path <http://e/p> ] .')
>>> g = ShapesGraph.from_files([ttl], "http://e/")
>>> [s for s in g.shapes() if g.targets(s)]
['<http://e/S>']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.errors import ConfigError, RdfSyntaxError
from kgraph.shacl.inputs import all_syntax_errors
from kgraph.shacl.paths import PathExpr, parse_path
from kgraph.store.memory import read_triples
from kgraph.store.terms import is_blank, is_iri, kind_of, ntriples

__all__ = ["RDF", "RDFS", "SH", "XSD", "ShapesGraph", "Target"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SHAPE_CLASSES = {SH + "NodeShape", SH + "PropertyShape"}
TARGETS = ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf")
# parameters whose values are shapes (lists of shapes for and/or/xone)
SHAPE_VALUED = ("property", "node", "not", "qualifiedValueShape")
SHAPE_LISTS = ("and", "or", "xone")


@dataclass(frozen=True)
class Target:
    kind: str  # "node", "class", "subjectsOf", "objectsOf"
    term: Any


class ShapesGraph:
    """Every triple of the shapes graph, by subject; RDF lists; which nodes are shapes."""

    def __init__(self, triples: Iterable[Any]) -> None:
        self.terms: dict[str, Any] = {}
        self.props: dict[str, dict[str, list[Any]]] = {}
        for t in dict.fromkeys(triples):
            key = ntriples(t.subject)
            self.terms[key] = t.subject
            self.props.setdefault(key, {}).setdefault(t.predicate.value, []).append(t.object)
        self._classes = self._shape_classes()

    @classmethod
    def from_files(cls, files: Sequence[Path], base_iri: str) -> ShapesGraph:
        """Read shape files, literals as written; every syntax error raised at once."""
        try:
            return cls(read_triples(files, base_iri))
        except RdfSyntaxError as first:
            raise all_syntax_errors(files, base_iri, first) from first

    # -- reading ---------------------------------------------------------------

    def objects(self, key: str, predicate: str) -> list[Any]:
        return self.props.get(key, {}).get(predicate, [])

    def one(self, key: str, predicate: str) -> Any:
        values = self.objects(key, predicate)
        return values[0] if values else None

    def param(self, key: str, name: str) -> Any:
        """The single value of ``sh:name`` on ``key``; ConfigError if there are several."""
        values = self.objects(key, SH + name)
        if len(values) > 1 and name not in ("message", "class", "targetNode"):
            raise ConfigError(f"sh:{name} has {len(values)} values, SHACL allows one")
        return values[0] if values else None

    def items(self, node: Any) -> list[Any] | None:
        """The members of the RDF list at ``node``, or None if it is not a list."""
        out: list[Any] = []
        key, seen = ntriples(node), set()
        if is_iri(node) and node.value == RDF + "nil":
            return out
        if RDF + "first" not in self.props.get(key, {}):
            return None
        while key not in seen:
            seen.add(key)
            first, rest = self.one(key, RDF + "first"), self.one(key, RDF + "rest")
            if first is None or rest is None:
                raise ConfigError(f"{key} is an RDF list without rdf:first or rdf:rest")
            out.append(first)
            if is_iri(rest) and rest.value == RDF + "nil":
                return out
            key = ntriples(rest)
        raise ConfigError("an RDF list that loops back on itself")

    def list_param(self, key: str, name: str) -> list[Any]:
        """The members of the list that is the value of ``sh:name``."""
        value = self.param(key, name)
        if value is None:
            return []
        members = self.items(value)
        if members is None:
            raise ConfigError(f"the value of sh:{name} must be an RDF list")
        return members

    def is_true(self, key: str, name: str) -> bool:
        value = self.param(key, name)
        return value is not None and kind_of(value) == "literal" and value.value == "true"

    def path(self, key: str) -> PathExpr | None:
        """The shape's sh:path as a tree, None for a node shape."""
        node = self.param(key, "path")
        if node is None:
            return None
        return parse_path(
            node,
            iri=lambda n: n.value if is_iri(n) else None,
            one=lambda n, p: self.one(ntriples(n), p) if is_blank(n) else None,
            items=lambda n: self.items(n) if is_blank(n) else None,
        )

    # -- shapes and targets ----------------------------------------------------

    def _shape_classes(self) -> set[str]:
        """sh:NodeShape, sh:PropertyShape and their subclasses in the shapes graph."""
        found = set(SHAPE_CLASSES)
        grew = True
        while grew:
            grew = False
            for key, props in self.props.items():
                supers = {o.value for o in props.get(RDFS + "subClassOf", []) if is_iri(o)}
                if supers & found and key[1:-1] not in found and key.startswith("<"):
                    found.add(key[1:-1])
                    grew = True
        return found

    def _typed(self, key: str, classes: set[str]) -> bool:
        return any(is_iri(t) and t.value in classes for t in self.objects(key, RDF + "type"))

    def shapes(self) -> list[str]:
        """Every node the spec calls a shape (typed, targeted, or used as a shape)."""
        found: dict[str, None] = {}
        for key, props in self.props.items():
            if self._typed(key, self._classes) or any(SH + t in props for t in TARGETS):
                found[key] = None
            if SH + "path" in props and not key.startswith('"'):
                found[key] = None
            for name in SHAPE_VALUED:
                for o in props.get(SH + name, []):
                    found[ntriples(o)] = None
            for name in SHAPE_LISTS:
                for value in props.get(SH + name, []):
                    for member in self.items(value) or []:
                        found[ntriples(member)] = None
        return list(found)

    def targets(self, key: str) -> list[Target]:
        """The shape's targets, the implicit class target included."""
        out = [Target("node", t) for t in self.objects(key, SH + "targetNode")]
        out += [Target("class", t) for t in self.objects(key, SH + "targetClass")]
        out += [Target("subjectsOf", t) for t in self.objects(key, SH + "targetSubjectsOf")]
        out += [Target("objectsOf", t) for t in self.objects(key, SH + "targetObjectsOf")]
        if key.startswith("<") and self._typed(key, self._classes) and self._is_class(key):
            out.append(Target("class", self.terms[key]))
        return out

    def _is_class(self, key: str) -> bool:
        """Is the node an rdfs:Class (or of a subclass of it) in the shapes graph?"""
        return any(
            is_iri(t)
            and (t.value == RDFS + "Class" or _subclass_of(self, ntriples(t), RDFS + "Class"))
            for t in self.objects(key, RDF + "type")
        )

    def instance_of(self, key: str, iri: str) -> bool:
        """Is ``key`` of type ``iri`` or of a subclass of it (in the shapes graph)?"""
        return any(
            is_iri(t) and (t.value == iri or _subclass_of(self, ntriples(t), iri))
            for t in self.objects(key, RDF + "type")
        )

    def deactivated(self, key: str) -> bool:
        return self.is_true(key, "deactivated")

    def severity(self, key: str) -> str:
        """The local name of sh:severity (Violation by default)."""
        value = self.param(key, "severity")
        if value is None:
            return "Violation"
        if not is_iri(value):
            raise ConfigError("sh:severity must be an IRI")
        text: str = value.value
        return text.rsplit("#", 1)[-1] if text.startswith(SH) else text

    def messages(self, key: str) -> list[Any]:
        return self.objects(key, SH + "message")


def _subclass_of(g: ShapesGraph, key: str, iri: str) -> bool:
    seen, todo = set(), [key]
    while todo:
        k = todo.pop()
        if k in seen:
            continue
        seen.add(k)
        for s in g.objects(k, RDFS + "subClassOf"):
            if is_iri(s) and s.value == iri:
                return True
            todo.append(ntriples(s))
    return False
