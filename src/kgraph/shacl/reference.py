"""Check RDF files against the SHACL shapes with pyshacl: the reference check.

The only module that imports pyshacl. Each result names the file and line where
its focus resource is described (the shared locator, :mod:`kgraph.shacl.locate`),
so that a person can go and fix it::

    >>> bad = Path("tests/fixtures/invalid/county-pattern-notation.ttl")
    >>> report = validate([bad], base_iri="http://127.0.0.1:8000/", shapes=[Path("shapes")])
    >>> print(report.render())
    tests/fixtures/invalid/county-pattern-notation.ttl:12  http://127.0.0.1:8000/id/county/kalmar
      Violation  ks:County-notation  skos:notation  "8"  The county code must be two digits...
    1 violations, 0 warnings, 0 infos in 1 resources (1 files, 4 triples, ... s)

Before pyshacl runs, the shapes are checked for ill-formed ones
(:mod:`kgraph.shacl.wellformed`), so that pyshacl never stops with a traceback.
rdflib does not check the lexical form of some XSD types (``xsd:gYear``, for
one); for those, ``sh:datatype`` is also checked with the fast check's test, so
that an ill-typed literal is a violation here as there.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import pyshacl
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from kgraph.errors import ConfigError
from kgraph.shacl.compile import Check, Compiler, Uncompilable
from kgraph.shacl.inputs import load_checked
from kgraph.shacl.locate import locate, nearest_iris, place_of
from kgraph.shacl.parsing import DataFiles, iri_of, parse_files
from kgraph.shacl.paths import display, parse_path, shorten
from kgraph.shacl.report import (
    PREFIXES,
    ValidationReport,
    Violation,
    collect_rdf_files,
    ill_typed_message,
    pick_message,
)
from kgraph.shacl.run import FILE_GRAPH, run_checks, to_violations
from kgraph.shacl.shapes import ShapesGraph
from kgraph.shacl.values import CHECKED_DATATYPES
from kgraph.shacl.wellformed import check_shapes, shape_label
from kgraph.store.memory import MemoryStore
from kgraph.store.terms import ntriples

__all__ = [
    "ValidationReport",
    "Violation",
    "collect_rdf_files",
    "parse_files",
    "run_shacl",
    "validate",
]

_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _message(results: Graph, result: Node, shapes: Graph) -> str:
    """The English message of a result, else any. pyshacl drops the language tag
    of a SPARQL constraint's message when it fills in ``{?var}``: tell the English
    one by matching it against the English templates of the source constraint."""
    messages = sorted(
        (m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)), key=str
    )
    for m in messages:
        if m.language == "en":
            return str(m)
    for template in shapes.objects(results.value(result, SH.sourceConstraint), SH.message):
        if isinstance(template, Literal) and template.language == "en":
            pattern = ".*".join(map(re.escape, re.split(r"\{[?$]\w+\}", str(template))))
            for m in messages:
                if re.fullmatch(pattern, str(m), re.S):
                    return str(m)
    return str(messages[0]) if messages else ""


def run_shacl(
    data: Graph, shapes: Graph, *, ontology: Graph | None = None, advanced: bool = True
) -> Graph:
    """pyshacl's results graph for ``data`` against ``shapes``: no inference, no imports.

    The one call of pyshacl in kgraph; the data gate and the catalogue check use it.
    Raises ConfigError when pyshacl cannot use the shapes.
    """
    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=advanced,
            allow_warnings=True,
            do_owl_imports=False,
        )
    except (ReportableRuntimeError, ShapeLoadError, ConstraintLoadError, NotImplementedError) as e:
        raise ConfigError(f"pyshacl cannot check these shapes: {e}".splitlines()[0]) from e
    assert isinstance(results, Graph)
    return results


def _only(shapes: Graph, keep: Callable[[Node], bool]) -> Graph:
    """The shapes graph with the targets of every shape but those ``keep`` accepts taken away."""
    out = Graph()
    out += shapes
    for s, p, o in list(out.triples((None, None, None))):
        if not keep(s) and (p in _TARGETS or (p == RDF.type and o == RDFS.Class)):
            out.remove((s, p, o))
    return out


def _as_the_spec_says(shapes: Graph) -> Graph:
    """Two readings of the spec pyshacl does not make: only "true"^^xsd:boolean turns a
    boolean parameter on ("1" does not), and sh:prefixes follow owl:imports."""
    true = Literal("true", datatype=XSD.boolean)
    for p in (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint):
        for s, o in list(shapes.subject_objects(p)):
            if not (isinstance(o, Literal) and str(o) == "true" and o.datatype == true.datatype):
                shapes.remove((s, p, o))
    for holder in set(shapes.objects(None, SH.prefixes)):
        todo, seen = list(shapes.objects(holder, OWL.imports)), {holder}
        while todo:
            other = todo.pop()
            if other in seen:
                continue
            seen.add(other)
            todo += list(shapes.objects(other, OWL.imports))
            for decl in list(shapes.objects(other, SH.declare)):
                shapes.add((holder, SH.declare, decl))
    return shapes


def _needs_shapes_graph(model: ShapesGraph) -> set[str]:
    """The shapes (IRIs) whose SPARQL asks for $shapesGraph, which pyshacl does not support."""
    out = set()
    for key in model.shapes():
        for c in model.objects(key, str(SH.sparql)):
            select = model.one(ntriples(c), str(SH.select))
            if select is not None and "shapesGraph" in select.value and key.startswith("<"):
                out.add(key[1:-1])
    return out


def _path_text(results: Graph, node: Node, names: dict[str, str]) -> str:
    def items(n: Node) -> list[Node] | None:
        if (n, RDF.first, None) not in results:
            return None
        return list(Collection(results, n))

    path = parse_path(
        node,
        iri=iri_of,
        one=lambda n, p: results.value(n, URIRef(p)),
        items=items,
    )
    return display(path, names)


@functools.cache
def _unchecked_by_rdflib() -> frozenset[str]:
    """The datatypes whose lexical forms the fast test checks and rdflib does not."""
    quiet = logging.getLogger("rdflib.term")
    level, quiet.level = quiet.level, logging.CRITICAL  # rdflib logs each form it cannot read
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return frozenset(
                d
                for d in CHECKED_DATATYPES
                if Literal("\u00a7", datatype=URIRef(d)).ill_typed is None
            )
    finally:
        quiet.level = level


def _ill_typed(g: ShapesGraph, only: set[str] | None) -> list[Check]:
    """Checks of ``sh:datatype`` that report only literals of that datatype whose lexical
    form it forbids, for the datatypes rdflib (and so pyshacl) does not check."""
    wanted = _unchecked_by_rdflib()
    compiler = Compiler(g)
    checks = []
    for key in g.shapes():
        if only is not None and key[1:-1] not in only:
            continue
        try:
            focus = compiler.focus(key)
            found = compiler.checks(key, focus) if focus is not None else []
        except Uncompilable:
            continue
        for c in found:
            dt = c.params.get("datatype")
            if (
                dt is not None
                and c.component == f"{SH}DatatypeConstraintComponent"
                and (dt.value in wanted)
            ):
                c.query = (
                    f"SELECT ?this ?value WHERE {{ {{ {c.query} }} "
                    f"FILTER (isLiteral(?value) && datatype(?value) = <{dt.value}>) }}"
                )
                checks.append(c)
    return checks


def validate(
    paths: Sequence[Path],
    *,
    base_iri: str,
    shapes: Sequence[Path],
    ontology: Sequence[Path] = (),
    context: Sequence[Path] = (),
    only: set[str] | None = None,
    blank_shapes: bool = False,
) -> ValidationReport:
    """Validate the RDF files in ``paths`` against the SHACL ``shapes`` with pyshacl.

    The ontology (if given) is added to the data for the check, so that
    ``sh:class`` and ``sh:targetClass`` see its subclass axioms; no other
    inference is done: the profile asks for the standard triples to be plain.
    ``context`` is added to the data too, but only results about resources
    described in ``paths`` are reported. ``only`` (shape IRIs, and with
    ``blank_shapes`` every blank-node shape) checks those shapes alone.

    >>> report = validate([Path("tests/fixtures/valid")], base_iri="http://example.org/",
    ...                   shapes=[Path("shapes")])
    >>> report.conforms, report.violations()
    (True, [])

    Raises :class:`InputError` for a missing path, :class:`RdfSyntaxError`
    for files (data, shapes or ontology) that do not parse, :class:`ConfigError`
    for an ill-formed shape. It does not raise :class:`ValidationFailed`: the
    caller decides what a failed report means.
    """
    start = time.perf_counter()
    files = collect_rdf_files(paths)
    given = {f.resolve() for f in files}
    extra = [f for f in collect_rdf_files(context) if f.resolve() not in given] if context else []
    every = [*files, *extra]
    data = DataFiles(every, base_iri)
    shape_files = collect_rdf_files(shapes)
    model = ShapesGraph.from_files(shape_files, base_iri)
    check_shapes(model, shape_files, base_iri)
    shapes_graph = _as_the_spec_says(parse_files(shape_files, base_iri))
    by_fast = {i for i in _needs_shapes_graph(model) if only is None or i in only}
    for iri in by_fast:  # pyshacl stops at such a query even on a shape without targets
        shapes_graph.remove((URIRef(iri), SH.sparql, None))
    if only is not None or blank_shapes or by_fast:
        shapes_graph = _only(
            shapes_graph,
            lambda s: (
                ((only is None or str(s) in only) and str(s) not in by_fast)
                if isinstance(s, URIRef)
                else (blank_shapes or only is None)
            ),
        )
    ont_graph = parse_files(collect_rdf_files(ontology), base_iri) if ontology else None
    results_graph = run_shacl(data.graph, shapes_graph, ontology=ont_graph)
    names = {**PREFIXES, "kg": base_iri + "def/", "ks": base_iri + "def/shapes/"}
    raw = []
    for result in results_graph.objects(None, SH.result):
        focus = results_graph.value(result, SH.focusNode)
        shape = results_graph.value(result, SH.sourceShape)
        path = results_graph.value(result, SH.resultPath)
        value = results_graph.value(result, SH.value)
        severity = results_graph.value(result, SH.resultSeverity)
        message = _message(results_graph, result, shapes_graph)
        datatype = shapes_graph.value(shape, SH.datatype) if shape is not None else None
        component = results_graph.value(result, SH.sourceConstraintComponent)
        if (
            component == SH.DatatypeConstraintComponent
            and isinstance(value, Literal)
            and datatype is not None
            and value.datatype == datatype
        ):
            own = [
                (str(m), m.language)
                for m in shapes_graph.objects(shape, SH.message)
                if isinstance(m, Literal)
            ]
            message = ill_typed_message(str(value), str(datatype), pick_message(own))
        raw.append((focus, shape, component, path, value, message, severity))
    focus_iris = {str(f) for f, *_ in raw if isinstance(f, URIRef)}
    focus_iris |= nearest_iris(
        [f for f, *_ in raw if isinstance(f, BNode)], data.subjects_of, iri_of
    )
    count = len(files) if extra else len(every)
    located = locate(every[:count], focus_iris, base_iri, lambda k: data.described(k, focus_iris))
    found: list[Violation] = []
    for focus, shape, component, path, value, message, severity in raw:
        file, line = place_of(focus, located, data.subjects_of, iri_of)
        if extra and file is None and not isinstance(focus, Literal):
            continue
        found.append(
            Violation(
                focus=_text(focus),
                shape=str(shape) if isinstance(shape, URIRef) else None,
                constraint=shorten(f"<{component}>", names),
                path=_path_text(results_graph, path, names) if path is not None else None,
                value=value.n3() if value is not None else None,
                message=message,
                severity=_severity(severity),
                file=file,
                line=line,
            )
        )
    checks = _ill_typed(model, only)
    if checks:
        store = MemoryStore()
        load_checked(store, every, base_iri, FILE_GRAPH)
        if ontology:
            load_checked(store, collect_rdf_files(ontology), base_iri)
        mine = to_violations(
            run_checks(store, checks, names),
            store,
            every,
            base_iri,
            names,
            only_files=count if extra else None,
        )
        have = {(v.focus, v.path, v.value, v.constraint) for v in found}
        found += [v for v in mine if (v.focus, v.path, v.value, v.constraint) not in have]
    notes: list[str] = []
    if by_fast:
        from kgraph.shacl.fast import validate_fast

        fast = validate_fast(
            paths,
            base_iri=base_iri,
            shapes=shapes,
            ontology=ontology,
            context=context,
            only=by_fast,
            fallback=False,
        )
        found += list(fast.results)
        notes += [
            f"{shape_label(model, f'<{iri}>', shape_files, base_iri)} checked by the fast check: "
            "pyshacl does not support $shapesGraph"
            for iri in sorted(by_fast)
        ]
    order = {str(f): i for i, f in enumerate(files)}  # files in the order given, then lines
    found.sort(key=lambda v: (order.get(v.file or "", len(order)), v.line or 0, v.focus, repr(v)))
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in found),
        results=tuple(found),
        files=tuple(str(f) for f in files),
        triples=len(data.graph),
        seconds=time.perf_counter() - start,
        notes=tuple(notes),
    )


def _text(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3() if node is not None else ""


def _severity(node: Node | None) -> str:
    if node is None:
        return "Violation"
    text = str(node)
    return text.rsplit("#", 1)[-1] if text.startswith(str(SH)) else text
