"""The fast SHACL check: the shapes compiled to SPARQL, run on an in-memory pyoxigraph store.

It gives pyshacl's verdicts (:mod:`kgraph.shacl.reference` stays the reference)
for all of SHACL Core and SHACL-SPARQL (:mod:`kgraph.shacl.compile`), one join
per constraint, at a fraction of the time. Never a silent pass: a shape it
cannot compile is checked by pyshacl, for that shape alone, and the report's
notes say so; data whose literals the engine does not keep as written (the
integer subtypes such as ``xsd:byte``, which it stores as ``xsd:integer``) is
checked by pyshacl whole, again with a note.

>>> report = validate_fast([Path("tests/fixtures/valid")], base_iri="http://127.0.0.1:8000/",
...                        shapes=[Path("shapes")])
>>> report.conforms
True
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from pathlib import Path

from kgraph.errors import ConfigError
from kgraph.shacl.compile import SHAPES_GRAPH, Check, Compiler, Uncompilable
from kgraph.shacl.inputs import collapsed_datatypes, load_checked
from kgraph.shacl.report import PREFIXES, ValidationReport, collect_rdf_files
from kgraph.shacl.run import FILE_GRAPH, ONTOLOGY_GRAPH, run_checks, to_violations
from kgraph.shacl.shapes import RDFS, ShapesGraph
from kgraph.shacl.wellformed import check_shapes, shape_label
from kgraph.store.memory import MemoryStore, read_triples
from kgraph.store.terms import is_iri

__all__ = ["validate_fast"]

FOCUS_GRAPH = "urn:kgraph:shacl:focus"  # each shape's focus nodes, found once
MEMBER = "urn:kgraph:shacl:member"


def validate_fast(
    paths: Sequence[Path],
    *,
    base_iri: str,
    shapes: Sequence[Path],
    ontology: Sequence[Path] = (),
    context: Sequence[Path] = (),
    only: set[str] | None = None,
    fallback: bool = True,
) -> ValidationReport:
    """Validate like :func:`kgraph.shacl.reference.validate`, with SPARQL instead of pyshacl.

    ``context`` (files or folders) is added to the data, but only results about
    resources described in ``paths`` are reported. ``only`` (shape IRIs) checks
    those shapes alone; ``fallback=False`` makes a shape it cannot compile an error
    instead of a job for pyshacl (the reference check uses both for ``$shapesGraph``).

    Raises InputError (a missing path), RdfSyntaxError (files that do not
    parse: every error), ConfigError (an ill-formed shape, naming it and its file:line).
    """
    start = time.perf_counter()
    files = collect_rdf_files(paths)
    given = {f.resolve() for f in files}
    extra = [f for f in collect_rdf_files(context) if f.resolve() not in given] if context else []
    data = MemoryStore()
    triples = load_checked(data, [*files, *extra], base_iri, FILE_GRAPH)
    ontology_files = collect_rdf_files(ontology) if ontology else []
    if ontology_files:
        load_checked(data, ontology_files, base_iri, ONTOLOGY_GRAPH)
    shape_files = collect_rdf_files(shapes)
    g = ShapesGraph.from_files(shape_files, base_iri)
    check_shapes(g, shape_files, base_iri)
    reason = collapsed_datatypes([*files, *extra]) if fallback else None
    if reason is not None:
        from kgraph.shacl.reference import validate

        report = validate(
            paths, base_iri=base_iri, shapes=shapes, ontology=ontology, context=context
        )
        note = f"checked by pyshacl: {reason}, which the fast check's engine stores as xsd:integer"
        return _with(report, (note, *report.notes), time.perf_counter() - start)
    graphs = data.graph_names()  # the data's graphs: the default graph of every check
    compiler = Compiler(g, functools.cache(lambda c: subclasses(data, c)))
    per_shape: dict[str, list[Check]] = {}
    pending: dict[str, str] = {}  # shape key: why the fast check cannot compile it
    focus_sets: dict[str, str | None] = {}
    for key in g.shapes():
        if only is not None and key[1:-1] not in only:
            continue
        try:
            focus = compiler.focus(key)
            if focus is not None:
                focus = _materialise(data, focus, graphs, focus_sets)
            if focus is not None:
                per_shape[key] = compiler.checks(key, focus)
        except Uncompilable as e:
            pending[key] = str(e)
    if any(not k.startswith("<") for k in pending):  # pyshacl cannot be told which blank node
        for key in [k for k in per_shape if not k.startswith("<")]:
            pending[key] = (
                "checked with the other blank-node shapes that the fast check cannot compile"
            )
            del per_shape[key]
    checks = [c for cs in per_shape.values() for c in cs]
    names = {**PREFIXES, "kg": base_iri + "def/", "ks": base_iri + "def/shapes/"}
    if compiler.uses_shapes_graph:  # the shapes beside the data, outside the default graph
        data.add_triples(read_triples(shape_files, base_iri), SHAPES_GRAPH)
    found = run_checks(
        data, checks, names, graphs, lambda key: shape_label(g, key, shape_files, base_iri)
    )
    data.drop_graph(FOCUS_GRAPH)
    results = to_violations(
        found, data, [*files, *extra], base_iri, names, only_files=len(files) if extra else None
    )
    notes: list[str] = []
    if pending and not fallback:
        key, why = next(iter(pending.items()))
        raise ConfigError(
            f"{shape_label(g, key, shape_files, base_iri)}: neither check can do it: {why}"
        )
    if pending:
        from kgraph.shacl.reference import validate

        extra_report = validate(
            paths,
            base_iri=base_iri,
            shapes=shapes,
            ontology=ontology,
            context=context,
            only={k[1:-1] for k in pending if k.startswith("<")},
            blank_shapes=any(not k.startswith("<") for k in pending),
        )
        results += list(extra_report.results)
        for key, why in pending.items():
            notes.append(f"{shape_label(g, key, shape_files, base_iri)} checked by pyshacl: {why}")
    order = {str(f): i for i, f in enumerate(files)}
    results.sort(key=lambda v: (order.get(v.file or "", len(order)), v.line or 0, v.focus, repr(v)))
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in results),
        results=tuple(results),
        files=tuple(str(f) for f in files),
        triples=triples,
        seconds=time.perf_counter() - start,
        notes=tuple(notes),
    )


def _materialise(
    data: MemoryStore, focus: str, graphs: list[str], done: dict[str, str | None]
) -> str | None:
    """The focus nodes found once and kept in a graph of their own, so that each check of
    the shape reads them from there; None if there are none (no check needs to run).
    Shapes with the same targets share them (``done``)."""
    if focus in done:
        return done[focus]
    rows = data.query(f"SELECT ?this WHERE {{ {focus} }}", default_graphs=graphs).rows()
    members = list(dict.fromkeys(r["this"] for r in rows))
    if not members:
        done[focus] = None
        return None
    name = f"{FOCUS_GRAPH}#{len(done)}"
    data.add_objects(FOCUS_GRAPH, name, MEMBER, members)
    done[focus] = f"{{ GRAPH <{FOCUS_GRAPH}> {{ <{name}> <{MEMBER}> ?this }} }}"
    return done[focus]


def subclasses(data: MemoryStore, cls: str) -> list[str]:
    """``cls`` and its subclasses in the data (rdfs:subClassOf*), sorted."""
    rows = data.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}")
    return sorted({cls, *(r["c"].value for r in rows if is_iri(r["c"]))})


def _with(report: ValidationReport, notes: tuple[str, ...], seconds: float) -> ValidationReport:
    return ValidationReport(
        report.conforms, report.results, report.files, report.triples, seconds, notes
    )
