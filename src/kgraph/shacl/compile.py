"""SHACL Core and SHACL-SPARQL compiled to SPARQL: one query per constraint.

A shape with targets gives :class:`Check` s, each a SELECT that binds ``?this``
(the focus node) and, where the component has one, ``?value``; the engine runs
each as one join. A shape used inside another (``sh:node``, ``sh:not``,
``sh:and``/``sh:or``/``sh:xone``, ``sh:qualifiedValueShape``, nested
``sh:property``) becomes a boolean expression, "does this node conform", built
from the same value tests. What cannot be written so (a SPARQL constraint
inside a nested shape, a recursive shape, a blank node as a constant, large
nested counts) raises :class:`Uncompilable` with the reason; the caller then
checks that shape with pyshacl instead, so nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kgraph.shacl.components import custom_check, custom_components
from kgraph.shacl.paths import PathExpr, sparql
from kgraph.shacl.shapes import RDF, SH, ShapesGraph
from kgraph.shacl.sparqlcheck import prefix_block, select_with_focus, substitute
from kgraph.shacl.values import KINDS, RANGE, TYPE_OF, Uncompilable, const, datatype_test
from kgraph.store.terms import is_iri, ntriples

__all__ = ["SHAPES_GRAPH", "Check", "Compiler", "Uncompilable"]

SHAPES_GRAPH = "urn:kgraph:shacl:shapes"  # $shapesGraph: the shapes, beside the data
_MAX_NESTED_COUNT = 3  # nested counts are written as n distinct variables


@dataclass
class Check:
    """One query; each row is one result of ``shape`` for ``component``."""

    shape: str  # key (N-Triples text) of the source shape
    component: str  # IRI of the constraint component
    query: str
    path: PathExpr | None
    severity: str
    messages: list[Any]
    params: dict[str, Any] = field(default_factory=dict)  # for messages and ill-typed values
    value_is_focus: bool = False  # a node shape's result: sh:value is the focus node


class Compiler:
    """Writes the checks of the shapes in ``g``."""

    def __init__(
        self, g: ShapesGraph, subclasses: Callable[[str], list[str]] | None = None
    ) -> None:
        self.g = g
        self.subclasses = subclasses  # a class and its subclasses in the data (known ahead)
        self._n = 0
        self.components = custom_components(g)
        self.uses_shapes_graph = False  # a query asks for $shapesGraph: load it beside the data

    def instance(self, v: str, cls: Any) -> str:
        """A pattern: ``v`` is a SHACL instance of ``cls`` (its type or a subclass of it)."""
        if self.subclasses is None or not is_iri(cls):
            return f"{v} {TYPE_OF} {const(cls)}"
        found = self.subclasses(cls.value)
        if len(found) == 1:
            return f"{v} <{RDF}type> <{found[0]}>"
        t = self.var()
        return f"{v} <{RDF}type> {t} VALUES {t} {{ {' '.join(f'<{c}>' for c in found)} }}"

    def var(self) -> str:
        self._n += 1
        return f"?k{self._n}"

    # -- targets -----------------------------------------------------------------

    def focus(self, key: str) -> str | None:
        """A pattern binding ``?this`` to each focus node of ``key``, None without targets."""
        parts = []
        for t in self.g.targets(key):
            if t.kind == "node":
                parts.append(f"{{ VALUES ?this {{ {const(t.term)} }} }}")
            elif t.kind == "class":
                parts.append(f"{{ {self.instance('?this', t.term)} }}")
            elif t.kind == "subjectsOf":
                parts.append(f"{{ ?this {const(t.term)} [] }}")
            else:
                parts.append(f"{{ [] {const(t.term)} ?this }}")
        if not parts:
            return None
        single = f"{{ ?this <{RDF}type> <"
        if len(parts) == 1 and parts[0].startswith(single) and "VALUES" not in parts[0]:
            return parts[0]  # one class, no subclass: each instance once, no subquery needed
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # -- value tests: does the value node in v pass? -------------------------------

    def value_test(self, key: str, name: str, o: Any, v: str, stack: tuple[str, ...]) -> str:
        g = self.g
        if name == "class":
            return f"EXISTS {{ {self.instance(v, o)} }}"
        if name == "datatype":
            if not is_iri(o):
                raise Uncompilable("sh:datatype must be an IRI")
            return datatype_test(o.value, v)
        if name == "nodeKind":
            kind = o.value.removeprefix(SH) if is_iri(o) else ""
            if kind not in KINDS:
                raise Uncompilable(f"sh:nodeKind {ntriples(o)} is not a node kind")
            return KINDS[kind].format(v=v)
        if name in RANGE:
            return f"COALESCE({v} {RANGE[name]} {const(o)}, false)"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(o.value)})"
        if name == "pattern":
            flags = g.param(key, "flags")
            extra = f", {ntriples(flags)}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {ntriples(o)}{extra}))"
        if name == "languageIn":
            tests = [f"langMatches(lang({v}), {ntriples(t)})" for t in g.list_param(key, name)]
            return f"(isLiteral({v}) && ({' || '.join(tests) or 'false'}))"
        if name == "in":
            members = [f"sameTerm({v}, {const(m)})" for m in g.list_param(key, name)]
            return "(" + (" || ".join(members) or "false") + ")"
        if name == "node":
            return self.holds(ntriples(o), v, stack)
        if name == "not":
            return f"!{self.holds(ntriples(o), v, stack)}"
        members = [self.holds(ntriples(s), v, stack) for s in g.list_param(key, name)]
        if name == "and":
            return "(" + (" && ".join(members) or "true") + ")"
        if name == "or":
            return "(" + (" || ".join(members) or "false") + ")"
        return "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)"  # xone

    VALUE_PARAMS: tuple[str, ...] = (
        "class",
        "datatype",
        "nodeKind",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "in",
        "node",
        "not",
        "and",
        "or",
        "xone",
    )

    def value_params(self, key: str) -> list[tuple[str, Any]]:
        out = []
        for name in self.VALUE_PARAMS:
            values = self.g.objects(key, SH + name)
            if name in ("languageIn", "in", "and", "or", "xone") and values:
                values = values[:1]
            out += [(name, o) for o in values]
        return out

    # -- nested: does the node in n conform to the shape? ------------------------

    def holds(self, key: str, n: str, stack: tuple[str, ...] = ()) -> str:
        if key in stack:
            raise Uncompilable("a recursive shape")
        stack = (*stack, key)
        g = self.g
        if g.deactivated(key):
            return "true"
        if g.objects(key, SH + "sparql") or self._custom(key):
            raise Uncompilable("a SPARQL-based constraint inside another shape")
        path = g.path(key)
        p = sparql(path) if path is not None else None
        x = self.var() if p is not None else n  # the value node(s)
        each = [self.value_test(key, name, o, x, stack) for name, o in self.value_params(key)]
        each += [self.holds(ntriples(ps), x, stack) for ps in g.objects(key, SH + "property")]
        if g.is_true(key, "closed"):
            q, r = self.var(), self.var()
            each.append(f"NOT EXISTS {{ {x} {q} {r} FILTER ({q} NOT IN ({self._allowed(key)})) }}")
        exprs = []
        if each:
            cond = " && ".join(each)
            if p is None:
                exprs.append(cond)
            else:
                exprs.append(f"NOT EXISTS {{ {n} {p} {x} FILTER (!({cond})) }}")
        values = f"{n} {p} ?VAR" if p is not None else "BIND ({n} AS ?VAR)"
        mn, mx = g.param(key, "minCount"), g.param(key, "maxCount")
        if mn is not None and int(mn.value) > 0 and p is not None:
            exprs.append(f"EXISTS {{ {self._distinct(values, int(mn.value))} }}")
        if mx is not None and p is not None:
            exprs.append(f"NOT EXISTS {{ {self._distinct(values, int(mx.value) + 1)} }}")
        hv_vals = g.objects(key, SH + "hasValue")
        for hv in hv_vals:
            exprs.append(
                f"EXISTS {{ {n} {p} {const(hv)} }}" if p else f"sameTerm({n}, {const(hv)})"
            )
        for pattern in self._pair_patterns(key, n, p).values():
            exprs.append(f"NOT EXISTS {{ {pattern} }}")
        if g.is_true(key, "uniqueLang") and p is not None:
            a, b = self.var(), self.var()
            exprs.append(
                f"NOT EXISTS {{ {n} {p} {a}, {b} FILTER (!sameTerm({a}, {b}) && "
                f'lang({a}) = lang({b}) && lang({a}) != "") }}'
            )
        qvs = g.param(key, "qualifiedValueShape")
        if qvs is not None and p is not None:
            cond = self._qualified_condition(key, "?VAR", stack)
            qmin, qmax = g.param(key, "qualifiedMinCount"), g.param(key, "qualifiedMaxCount")
            where = f"{n} {p} ?VAR FILTER ({cond})"
            if qmin is not None and int(qmin.value) > 0:
                exprs.append(f"EXISTS {{ {self._distinct(where, int(qmin.value))} }}")
            if qmax is not None:
                exprs.append(f"NOT EXISTS {{ {self._distinct(where, int(qmax.value) + 1)} }}")
        return "(" + " && ".join(exprs) + ")" if exprs else "true"

    def _distinct(self, pattern: str, count: int) -> str:
        """``count`` pairwise different bindings of ?VAR in ``pattern``."""
        if count > _MAX_NESTED_COUNT:
            raise Uncompilable(f"a count of {count} inside another shape")
        names = [self.var() for _ in range(count)]
        body = " ".join(pattern.replace("?VAR", v) + " ." for v in names)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return body + (f" FILTER ({' && '.join(pairs)})" if pairs else "")

    def _allowed(self, key: str) -> str:
        allowed: set[str] = set()
        for ignored in self.g.objects(key, SH + "ignoredProperties"):
            allowed |= {ntriples(t) for t in self.g.items(ignored) or []}
        for ps in self.g.objects(key, SH + "property"):
            path = self.g.one(ntriples(ps), SH + "path")
            if path is not None and is_iri(path):
                allowed.add(ntriples(path))
        return ", ".join(sorted(allowed)) or "<urn:kgraph:nothing>"

    def _pair_patterns(
        self, key: str, n: str, p: str | None, value: str | None = None
    ) -> dict[str, str]:
        """Violation patterns (binding ?VAL) of equals/disjoint/lessThan(OrEquals) at ``n``."""
        g, out = self.g, dict[str, str]()
        values = f"{n} {p} ?VAL" if p else f"BIND ({n} AS ?VAL)"  # value nodes
        for o in g.objects(key, SH + "equals"):
            if p is None:
                out[f"equals{len(out)}"] = (
                    f"FILTER NOT EXISTS {{ {n} {const(o)} {n} }} BIND ({n} AS ?VAL)"
                )
                out[f"equals{len(out)}"] = f"{n} {const(o)} ?VAL FILTER (!sameTerm(?VAL, {n}))"
            else:
                out[f"equals{len(out)}"] = (
                    f"{n} {p} ?VAL FILTER NOT EXISTS {{ {n} {const(o)} ?VAL }}"
                )
                out[f"equals{len(out)}"] = (
                    f"{n} {const(o)} ?VAL FILTER NOT EXISTS {{ {n} {p} ?VAL }}"
                )
        for o in g.objects(key, SH + "disjoint"):
            out[f"disjoint{len(out)}"] = (
                f"{n} {p} ?VAL . {n} {const(o)} ?VAL"
                if p
                else f"{n} {const(o)} {n} BIND ({n} AS ?VAL)"
            )
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for o in g.objects(key, SH + name):
                w = self.var()
                out[f"{name}{len(out)}"] = (
                    f"{values} . {n} {const(o)} {w} FILTER (!COALESCE(?VAL {op} {w}, false))"
                )
        return {k: v.replace("?VAL", value or self.var()) for k, v in out.items()}

    def _qualified_condition(self, key: str, v: str, stack: tuple[str, ...]) -> str:
        g = self.g
        cond = self.holds(ntriples(g.param(key, "qualifiedValueShape")), v, stack)
        if g.is_true(key, "qualifiedValueShapesDisjoint"):
            own = ntriples(g.param(key, "qualifiedValueShape"))
            for props in g.props.values():
                if any(ntriples(o) == key for o in props.get(SH + "property", [])):
                    for sibling in props.get(SH + "property", []):
                        q = g.param(ntriples(sibling), "qualifiedValueShape")
                        if q is not None and ntriples(q) != own and ntriples(sibling) != key:
                            cond += f" && !{self.holds(ntriples(q), v, stack)}"
        return cond

    def _custom(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        """The SPARQL-based components ``key`` uses, with their parameter values."""
        out = []
        for component, (mandatory, optional) in self.components.items():
            values = {p: self.g.one(key, p) for p in mandatory + optional}
            if mandatory and all(values[p] is not None for p in mandatory):
                out.append((component, {p: v for p, v in values.items() if v is not None}))
        return out

    # -- top level: the checks of a shape with focus nodes ------------------------

    def checks(self, key: str, focus: str, keep: str = "") -> list[Check]:
        """Every check of ``key`` (and of its property shapes) over ``focus``.

        ``keep`` names the variables of the parent focus nodes of a nested property
        shape, so that a value node reached from two parents gives two results."""
        g = self.g
        if g.deactivated(key):
            return []
        path = g.path(key)
        p = sparql(path) if path is not None else None
        sev, msgs = g.severity(key), g.messages(key)
        values = f"?this {p} ?value" if p else "BIND (?this AS ?value)"
        out: list[Check] = []

        def add(component: str, query: str, **params: Any) -> None:
            out.append(Check(key, SH + component, query, path, sev, msgs, params, p is None))

        for name, o in self.value_params(key):
            if name == "class":  # the engine runs MINUS faster than FILTER NOT EXISTS
                where = f"{focus} {values} MINUS {{ {self.instance('?value', o)} }}"
            else:
                test = self.value_test(key, name, o, "?value", (key,))
                where = f"{focus} {values} FILTER (!({test}))"
            q = f"SELECT DISTINCT ?this ?value{keep} WHERE {{ {where} }}"
            add(name[0].upper() + name[1:] + "ConstraintComponent", q, **{name: o})
        mn, mx = g.param(key, "minCount"), g.param(key, "maxCount")
        if mn is not None and mx is not None and p is not None and int(mn.value) > 0:
            low, high = int(mn.value), int(mx.value)  # both counts in one pass
            q = (
                f"SELECT ?this{keep} (COUNT(DISTINCT ?value) AS ?count) WHERE {{ {focus} "
                f"OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this{keep} "
                f"HAVING (COUNT(DISTINCT ?value) < {low} || COUNT(DISTINCT ?value) > {high})"
            )
            add("MinCountConstraintComponent", q, minCount=mn, maxCount=mx)
            mn = mx = None
        if mn is not None and p is not None and int(mn.value) == 1:
            q = f"SELECT ?this{keep} WHERE {{ {focus} MINUS {{ ?this {p} ?value }} }}"
            add("MinCountConstraintComponent", q, minCount=mn)
            mn = None
        if mn is not None and p is not None and int(mn.value) > 0:
            q = (
                f"SELECT ?this{keep} WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} "
                f"GROUP BY ?this{keep} HAVING (COUNT(DISTINCT ?value) < {int(mn.value)})"
            )
            add("MinCountConstraintComponent", q, minCount=mn)
        if mx is not None and p is not None:
            q = (
                f"SELECT ?this{keep} WHERE {{ {focus} ?this {p} ?value }} "
                f"GROUP BY ?this{keep} HAVING (COUNT(DISTINCT ?value) > {int(mx.value)})"
            )
            add("MaxCountConstraintComponent", q, maxCount=mx)
        for hv in g.objects(key, SH + "hasValue"):
            test = f"EXISTS {{ ?this {p} {const(hv)} }}" if p else f"sameTerm(?this, {const(hv)})"
            q = f"SELECT ?this{keep} WHERE {{ {focus} FILTER (!{test}) }}"
            add("HasValueConstraintComponent", q, hasValue=hv)
        for name, pattern in self._pair_patterns(key, "?this", p, "?value").items():
            component = name.rstrip("0123456789")
            q = f"SELECT DISTINCT * WHERE {{ {focus} {pattern} }}"  # lessThan: one per pair
            add(component[0].upper() + component[1:] + "ConstraintComponent", q)
        if g.is_true(key, "uniqueLang") and p is not None:
            q = (
                f"SELECT DISTINCT ?this ?lang{keep} WHERE {{ {focus} ?this {p} ?a, ?b "
                f'FILTER (!sameTerm(?a, ?b) && lang(?a) = lang(?b) && lang(?a) != "") '
                "BIND (lang(?a) AS ?lang) }"
            )
            add("UniqueLangConstraintComponent", q)
        if g.is_true(key, "closed"):
            q = (
                f"SELECT DISTINCT ?this ?rpath ?value{keep} WHERE {{ {focus} "
                + (f"?this {p} ?node . ?node ?rpath ?value" if p else "?this ?rpath ?value")
                + f" FILTER (?rpath NOT IN ({self._allowed(key)})) }}"
            )
            add("ClosedConstraintComponent", q)
        qvs = g.param(key, "qualifiedValueShape")
        if qvs is not None and p is not None:
            cond = self._qualified_condition(key, "?value", (key,))
            qmin, qmax = g.param(key, "qualifiedMinCount"), g.param(key, "qualifiedMaxCount")
            if qmin is not None:
                q = (
                    f"SELECT ?this{keep} WHERE {{ {focus} "
                    f"OPTIONAL {{ ?this {p} ?value FILTER ({cond}) }} }} "
                    f"GROUP BY ?this{keep} HAVING (COUNT(DISTINCT ?value) < {int(qmin.value)})"
                )
                add("QualifiedMinCountConstraintComponent", q, qualifiedMinCount=qmin)
            if qmax is not None:
                q = (
                    f"SELECT ?this{keep} WHERE {{ {focus} ?this {p} ?value FILTER ({cond}) }} "
                    f"GROUP BY ?this{keep} HAVING (COUNT(DISTINCT ?value) > {int(qmax.value)})"
                )
                add("QualifiedMaxCountConstraintComponent", q, qualifiedMaxCount=qmax)
        for c in g.objects(key, SH + "sparql"):
            ck = ntriples(c)
            if g.deactivated(ck):
                continue
            select = g.param(ck, "select")
            if select is None:
                raise Uncompilable("a SPARQL constraint without sh:select")
            text, also = self._prepare(key, ck, select.value, p, {})
            out.append(
                Check(
                    key,
                    SH + "SPARQLConstraintComponent",
                    select_with_focus(text, focus, also),
                    path,
                    sev,
                    g.messages(ck) or msgs,
                    {},
                    p is None,
                )
            )
        for component, params in self._custom(key):
            out.append(custom_check(self, key, component, params, focus, values, path, sev, msgs))
        child_focus, child_keep = focus, keep
        if p is not None:
            parent = self.var()
            child_keep = f"{keep} {parent}"
            child_focus = (
                f"{{ SELECT DISTINCT ?this{child_keep} WHERE {{ "
                f"{{ SELECT (?this AS {parent}){keep} WHERE {{ {focus} }} }} "
                f"{parent} {p} ?this }} }}"
            )
        for ps in g.objects(key, SH + "property"):
            out += self.checks(ntriples(ps), child_focus, child_keep)
        return out

    def _prepare(
        self, shape: str, holder: str, text: str, p: str | None, params: dict[str, Any]
    ) -> tuple[str, dict[str, str]]:
        """Prefixes declared, ``$PATH`` and parameters put in; the patterns that bind
        ``$currentShape`` and ``$shapesGraph`` (see :func:`select_with_focus`)."""
        bound: dict[str, str] = {name: const(v) for name, v in params.items()}
        if p is not None:
            bound["PATH"] = p
        also: dict[str, str] = {}
        if "currentShape" in text:
            if not shape.startswith("<"):
                raise Uncompilable("$currentShape of a blank-node shape")
            also["currentShape"] = f"BIND ({shape} AS ?currentShape)"
        if "shapesGraph" in text:
            self.uses_shapes_graph = True
            also["shapesGraph"] = f"BIND (<{SHAPES_GRAPH}> AS ?shapesGraph)"
        return prefix_block(self.g, holder) + substitute(text, bound), also
