"""The fast SHACL check: the shapes compiled to SPARQL, run on an in-memory pyoxigraph store.

pyshacl (:mod:`kgraph.shacl.reference`) stays the reference; this module gives the
same verdicts and messages for the constraint components our shapes use
(targets by class with ``rdfs:subClassOf*`` and by subjects-of; class,
datatype, nodeKind, min/maxCount, hasValue, pattern, languageIn, uniqueLang,
in, minInclusive, or, qualifiedValueShape with qualifiedMinCount, closed,
SPARQL constraints) at a fraction of the time: one query per constraint,
each a join the engine runs natively. A shape that uses anything else raises
:class:`ConfigError` naming it, so that nothing is skipped silently.

>>> report = validate_fast([Path("tests/fixtures/valid")], base_iri="http://127.0.0.1:8000/",
...                        shapes=[Path("shapes")])               # doctest: +SKIP
>>> report.conforms                                               # doctest: +SKIP
True
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgraph.errors import ConfigError
from kgraph.shacl.locate import FILE_GRAPH, locate, place_of, referrers, shorten
from kgraph.shacl.report import PREFIXES, ValidationReport, Violation, collect_rdf_files
from kgraph.store.memory import MemoryStore
from kgraph.store.terms import is_blank, is_iri, ntriples

__all__ = ["validate_fast"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
CASTABLE = {
    XSD + t
    for t in ("integer", "decimal", "double", "boolean", "date", "dateTime", "gYear", "float")
}
_IGNORED = {
    SH + p
    for p in (
        "name",
        "description",
        "message",
        "severity",
        "order",
        "group",
        "targetClass",
        "targetSubjectsOf",
        "property",
        "path",
        "deactivated",
        "ignoredProperties",
        "qualifiedMinCount",
        "select",
        "prefixes",
    )
}
_IGNORED.add(RDF_TYPE)


@dataclass
class Shape:
    iri: str
    params: dict[str, list[Any]] = field(default_factory=dict)  # predicate -> objects

    def one(self, p: str) -> Any:
        values = self.params.get(SH + p, [])
        return values[0] if values else None

    def all(self, p: str) -> list[Any]:
        return self.params.get(SH + p, [])


def _iri(term: Any) -> str:
    return f"<{term.value}>"


class _Shapes:
    """The shapes graph, read with SPARQL from its own store."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.shapes: dict[str, Shape] = {}
        self.first: dict[str, Any] = {}
        self.rest: dict[str, Any] = {}
        for row in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
            s, p, o = row["s"], row["p"].value, row["o"]
            if p == RDF + "first":
                self.first[ntriples(s)] = o
            elif p == RDF + "rest":
                self.rest[ntriples(s)] = o
            if is_iri(s):
                shape = self.shapes.setdefault(s.value, Shape(s.value))
                shape.params.setdefault(p, []).append(o)

    def items(self, node: Any) -> list[Any]:
        """The members of an RDF list."""
        out, key = [], ntriples(node)
        while key in self.first:
            out.append(self.first[key])
            key = ntriples(self.rest[key])
        return out


class _Checker:
    def __init__(self, data: MemoryStore, shapes: _Shapes, base_iri: str) -> None:
        self.data, self.shapes, self.base = data, shapes, base_iri
        self.found: list[tuple[Any, str, str, str | None, Any, str, str]] = []
        self._vars = 0

    # -- messages and severities ---------------------------------------------

    @staticmethod
    def _message(messages: list[Any], bindings: dict[str, Any] | None = None) -> str:
        def fill(text: str) -> str:
            if not bindings:
                return text
            return re.sub(
                r"\{[?$](\w+)\}",
                lambda m: bindings[m.group(1)].value if m.group(1) in bindings else m.group(0),
                text,
            )

        english = [m for m in messages if getattr(m, "language", None) == "en"]
        if english:
            return fill(english[0].value)
        texts = sorted(fill(m.value) for m in messages)
        return texts[0] if texts else ""

    def _severity(self, shape: Shape) -> str:
        sev = shape.one("severity")
        return sev.value.rsplit("#", 1)[-1] if sev is not None else "Violation"

    def add(
        self, focus: Any, shape: Shape, component: str, path: str | None, value: Any, message: str
    ) -> None:
        self.found.append(
            (focus, shape.iri, "sh:" + component, path, value, message, self._severity(shape))
        )

    # -- targets -----------------------------------------------------------------

    def focus_pattern(self, shape: Shape) -> str | None:
        parts = [
            f"{{ ?this <{RDF_TYPE}>/<{SUBCLASS}>* {_iri(c)} }}" for c in shape.all("targetClass")
        ]
        parts += [f"{{ ?this {_iri(p)} [] }}" for p in shape.all("targetSubjectsOf")]
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # -- value conditions (a SPARQL expression: does ?v conform?) ----------------

    def conforms_expr(self, shape: Shape, v: str) -> str:
        """The conjunction of ``shape``'s constraints on the node in variable ``v``."""
        exprs = []
        for p, objects in shape.params.items():
            for o in objects:
                if p == SH + "property":
                    exprs.append(self.property_expr(self.shapes.shapes[o.value], v))
                    continue
                e = self.value_expr(shape, p, o, v)
                if e is not None:
                    exprs.append(e)
        return "(" + " && ".join(exprs) + ")" if exprs else "true"

    def property_expr(self, shape: Shape, v: str) -> str:
        """Does the node in ``v`` conform to property shape ``shape`` (a nested shape)?"""
        self._vars += 1
        x, y = f"?x{self._vars}", f"?y{self._vars}"
        p = _iri(shape.one("path"))
        exprs = []
        mn, mx = shape.one("minCount"), shape.one("maxCount")
        if mn is not None and int(mn.value) > 0:
            if int(mn.value) > 1:
                raise ConfigError(f"fast SHACL check: nested {shape.iri}: minCount > 1")
            exprs.append(f"EXISTS {{ {v} {p} {x} }}")
        if mx is not None:
            if int(mx.value) != 1:
                raise ConfigError(f"fast SHACL check: nested {shape.iri}: maxCount != 1")
            exprs.append(f"NOT EXISTS {{ {v} {p} {x}, {y} FILTER (!sameTerm({x}, {y})) }}")
        values = self.conforms_expr(
            Shape(
                shape.iri,
                {
                    k: o
                    for k, o in shape.params.items()
                    if k not in (SH + "minCount", SH + "maxCount")
                },
            ),
            x,
        )
        if values != "true":
            exprs.append(f"NOT EXISTS {{ {v} {p} {x} FILTER (!{values}) }}")
        return "(" + " && ".join(exprs) + ")" if exprs else "true"

    def value_expr(self, shape: Shape, p: str, o: Any, v: str) -> str | None:
        name = p.removeprefix(SH)
        if name == "class":
            return f"EXISTS {{ {v} <{RDF_TYPE}>/<{SUBCLASS}>* {_iri(o)} }}"
        if name == "datatype":
            if o.value == LANG_STRING:
                return f'(isLiteral({v}) && lang({v}) != "")'
            check = f"(isLiteral({v}) && datatype({v}) = {_iri(o)})"
            if o.value in CASTABLE:
                check = f"({check} && COALESCE(datatype({_iri(o)}(STR({v}))) = {_iri(o)}, false))"
            return check
        if name == "nodeKind":
            kind = o.value.removeprefix(SH)
            return {
                "IRI": f"isIRI({v})",
                "BlankNode": f"isBlank({v})",
                "Literal": f"isLiteral({v})",
                "BlankNodeOrIRI": f"!isLiteral({v})",
                "IRIOrLiteral": f"!isBlank({v})",
            }[kind]
        if name == "pattern":
            flags = shape.one("flags")
            pattern = ntriples(o)
            extra = f", {ntriples(flags)}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {pattern}{extra}))"
        if name == "languageIn":
            langs = self.shapes.items(o)
            tests = " || ".join(f"langMatches(lang({v}), {ntriples(t)})" for t in langs)
            return f"(isLiteral({v}) && ({tests or 'false'}))"
        if name == "in":
            members = self.shapes.items(o)
            return (
                "("
                + (" || ".join(f"sameTerm({v}, {ntriples(m)})" for m in members) or "false")
                + ")"
            )
        if name == "minInclusive":
            return f"COALESCE({v} >= {ntriples(o)}, false)"
        if name == "or":
            alts = [
                self.conforms_expr(self.shapes.shapes[s.value], v) for s in self.shapes.items(o)
            ]
            return "(" + " || ".join(alts) + ")"
        if p in _IGNORED or name in (
            "minCount",
            "maxCount",
            "hasValue",
            "uniqueLang",
            "qualifiedValueShape",
            "closed",
            "sparql",
            "flags",
        ):
            return None
        raise ConfigError(
            f"fast SHACL check: {shape.iri} uses {p}, which it does not know; "
            "validate with --reference"
        )

    # -- running a shape -----------------------------------------------------------

    def rows(self, query: str) -> list[dict[str, Any]]:
        return self.data.select(query)

    def run_node_shape(self, shape: Shape, focus: str) -> None:
        messages = shape.all("message")
        for p, objects in shape.params.items():
            for o in objects:
                expr = self.value_expr(shape, p, o, "?this")
                if expr is None:
                    continue
                component = _component(p)
                for r in self.rows(f"SELECT ?this WHERE {{ {focus} FILTER (!{expr}) }}"):
                    self.add(r["this"], shape, component, None, r["this"], self._message(messages))
        if shape.one("closed") is not None and shape.one("closed").value == "true":
            allowed = {RDF_TYPE} if False else set()
            for ignored in shape.all("ignoredProperties"):
                allowed |= {t.value for t in self.shapes.items(ignored)}
            for ps in shape.all("property"):
                path = self.shapes.shapes[ps.value].one("path")
                allowed.add(path.value)
            listed = ", ".join(f"<{a}>" for a in sorted(allowed))
            q = f"SELECT ?this ?p ?o WHERE {{ {focus} ?this ?p ?o FILTER (?p NOT IN ({listed})) }}"
            for r in self.rows(q):
                self.add(
                    r["this"],
                    shape,
                    "ClosedConstraintComponent",
                    ntriples(r["p"]),
                    r["o"],
                    self._message(messages),
                )
        for c in shape.all("sparql"):
            self.run_sparql(shape, self.shapes.shapes[c.value], focus, None)
        for ps in shape.all("property"):
            self.run_property_shape(self.shapes.shapes[ps.value], focus)

    def run_property_shape(self, shape: Shape, focus: str) -> None:
        path = shape.one("path")
        if path is None or not is_iri(path):
            raise ConfigError(f"fast SHACL check: {shape.iri} has a path that is not one IRI")
        p = _iri(path)
        messages = shape.all("message")
        msg = self._message(messages)
        for pred, objects in shape.params.items():
            for o in objects:
                expr = self.value_expr(shape, pred, o, "?v")
                if expr is None:
                    continue
                q = f"SELECT ?this ?v WHERE {{ {focus} ?this {p} ?v FILTER (!{expr}) }}"
                for r in self.rows(q):
                    self.add(r["this"], shape, _component(pred), p, r["v"], msg)
        mn, mx = shape.one("minCount"), shape.one("maxCount")
        if mn is not None:
            q = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(mn.value)})"
            )
            for r in self.rows(q):
                self.add(r["this"], shape, "MinCountConstraintComponent", p, None, msg)
        if mx is not None:
            q = (
                f"SELECT ?this WHERE {{ {focus} ?this {p} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(mx.value)})"
            )
            for r in self.rows(q):
                self.add(r["this"], shape, "MaxCountConstraintComponent", p, None, msg)
        for hv in shape.all("hasValue"):
            q = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {ntriples(hv)} }} }}"
            for r in self.rows(q):
                self.add(r["this"], shape, "HasValueConstraintComponent", p, None, msg)
        unique = shape.one("uniqueLang")
        if unique is not None and unique.value == "true":
            q = (
                f"SELECT ?this ?l WHERE {{ {focus} ?this {p} ?v BIND (lang(?v) AS ?l) "
                f'FILTER (?l != "") }} GROUP BY ?this ?l HAVING (COUNT(DISTINCT ?v) > 1)'
            )
            for r in self.rows(q):
                self.add(r["this"], shape, "UniqueLangConstraintComponent", p, None, msg)
        qvs, qmin = shape.one("qualifiedValueShape"), shape.one("qualifiedMinCount")
        if qvs is not None and qmin is not None:
            cond = self.conforms_expr(self.shapes.shapes[qvs.value], "?v")
            q = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v FILTER ({cond}) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(qmin.value)})"
            )
            for r in self.rows(q):
                self.add(r["this"], shape, "QualifiedMinCountConstraintComponent", p, None, msg)
        for c in shape.all("sparql"):
            self.run_sparql(shape, self.shapes.shapes[c.value], focus, p)

    def run_sparql(self, shape: Shape, constraint: Shape, focus: str, path: str | None) -> None:
        select = constraint.one("select").value
        text = select.replace("$this", "?this")
        if path is not None:
            text = text.replace("$PATH", path)
        at = text.index("{", text.upper().index("WHERE"))
        text = text[: at + 1] + f" {focus} " + text[at + 1 :]
        messages = constraint.all("message") or shape.all("message")
        for r in self.rows(text):
            value = r.get("value", r["this"] if path is None else None)
            self.add(
                r["this"],
                shape,
                "SPARQLConstraintComponent",
                path,
                value,
                self._message(messages, r),
            )

    def run(self) -> None:
        for shape in self.shapes.shapes.values():
            if shape.one("deactivated") is not None and shape.one("deactivated").value == "true":
                continue
            focus = self.focus_pattern(shape)
            if focus is None:
                continue
            if shape.one("path") is not None:
                self.run_property_shape(shape, focus)
            else:
                self.run_node_shape(shape, focus)


def _component(p: str) -> str:
    name = p.removeprefix(SH)
    return name[0].upper() + name[1:] + "ConstraintComponent"


def validate_fast(
    paths: Sequence[Path], *, base_iri: str, shapes: Sequence[Path], ontology: Sequence[Path] = ()
) -> ValidationReport:
    """Validate like :func:`kgraph.shacl.reference.validate`, with SPARQL instead of pyshacl.

    Raises InputError (a missing path), RdfSyntaxError (a file that does not
    parse), ConfigError (a shape this check does not support: use the reference).
    """
    start = time.perf_counter()
    files = collect_rdf_files(paths)
    data = MemoryStore()
    triples = data.load(files, base_iri=base_iri, graph_prefix=FILE_GRAPH)
    if ontology:
        data.load(collect_rdf_files(ontology), base_iri=base_iri)
    shapes_store = MemoryStore()
    shapes_store.load(collect_rdf_files(shapes), base_iri=base_iri)
    checker = _Checker(data, _Shapes(shapes_store), base_iri)
    checker.run()
    names = {**PREFIXES, "kg": base_iri + "def/", "ks": base_iri + "def/shapes/"}
    focus_iris = {f.value for f, *_ in checker.found if is_iri(f)}
    focus_iris |= referrers(data, (f for f, *_ in checker.found if is_blank(f)))
    located = locate(files, focus_iris, base_iri, data) if focus_iris else {}
    results = []
    for focus, shape, component, path, value, message, severity in set(
        (f, s, c, p, ntriples(v) if v is not None else None, m, sev)
        for f, s, c, p, v, m, sev in checker.found
    ):
        file, line = place_of(data, focus, located)
        results.append(
            Violation(
                focus=focus.value if is_iri(focus) else ntriples(focus),
                shape=shape,
                constraint=component,
                path=shorten(path, names) if path is not None else None,
                value=value,
                message=message,
                severity=severity,
                file=file,
                line=line,
            )
        )
    order = {str(f): i for i, f in enumerate(files)}
    results.sort(key=lambda v: (order.get(v.file or "", len(order)), v.line or 0, v.focus, repr(v)))
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in results),
        results=tuple(results),
        files=tuple(str(f) for f in files),
        triples=triples,
        seconds=time.perf_counter() - start,
    )
