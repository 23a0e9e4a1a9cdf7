"""VoID: a description of the dataset computed from the data by SPARQL.

Every figure is counted over the default graph (the graph the SPARQL endpoint
answers from) by :func:`void_stats`; :func:`void_graph` turns the figures into a
small rdflib graph. Definitions:

- ``void:triples``: triples in the default graph;
- ``void:entities``: distinct IRI subjects inside ``void:uriSpace`` (``<base>id/``);
- ``void:distinctSubjects`` / ``void:distinctObjects``: distinct terms in that position;
- ``void:classPartition``: per ``rdf:type`` class, its instances (``void:entities``)
  and the triples whose subject is an instance (``void:triples``);
- ``void:propertyPartition``: per predicate, its triples and distinct subjects/objects;
- ``void:vocabulary``: the namespaces (IRI up to the last ``#`` or ``/``) of the
  predicates and classes used;
- ``void:subset``: one per named graph (the graph's IRI is the subset's), with its
  own ``void:triples`` and ``void:entities`` (distinct subjects in the URI space)
  and, from the graph's description in the data, its type, title, ``dct:source``,
  ``prov:wasDerivedFrom`` and ``prov:wasAttributedTo``: who says what it holds.

>>> namespace("http://www.w3.org/ns/org#Organization")
'http://www.w3.org/ns/org#'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.store.terms import kind_of

VOID = Namespace("http://rdfs.org/ns/void#")
EXAMPLES = 5


@dataclass(frozen=True)
class Partition:
    iri: str
    triples: int
    entities: int = 0  # class partitions
    distinct_subjects: int = 0  # property partitions
    distinct_objects: int = 0


@dataclass(frozen=True)
class Subset:
    """One named graph: its size and what the data says about where it comes from."""

    iri: str
    triples: int
    entities: int
    described: tuple[tuple[str, str, str], ...] = ()  # (property, kind, value)


@dataclass(frozen=True)
class VoidStats:
    """The figures VoID reports, for one store version."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[Partition, ...]
    properties: tuple[Partition, ...]
    vocabularies: tuple[str, ...]
    examples: tuple[str, ...]
    subsets: tuple[Subset, ...] = ()


def dataset_iri(settings: Settings) -> str:
    """``<base>id/dataset/<dataset_id>``."""
    return f"{settings.server.base_iri}id/dataset/{settings.catalogue.dataset_id}"


def uri_space(settings: Settings) -> str:
    return f"{settings.server.base_iri}id/"


def namespace(iri: str) -> str:
    """The IRI up to and including its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def _literal(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _one(store: GraphStore, sparql: str) -> int:
    return int(store.select(sparql)[0]["n"].value)


def void_stats(store: GraphStore, space: str) -> VoidStats:
    """Count everything VoID reports with SPARQL over the default graph."""
    in_space = f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_literal(space)}))"
    triples = _one(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    entities = _one(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o {in_space} }}")
    subjects = _one(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")
    objects = _one(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }")
    class_rows = store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?e) { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
    )
    class_triples = {
        r["c"].value: int(r["t"].value)
        for r in store.select(
            "SELECT ?c (COUNT(*) AS ?t) { ?s a ?c FILTER(isIRI(?c)) ?s ?p ?o } GROUP BY ?c"
        )
    }
    classes = sorted(
        (
            Partition(r["c"].value, class_triples.get(r["c"].value, 0), int(r["e"].value))
            for r in class_rows
        ),
        key=lambda p: (-p.entities, p.iri),
    )
    properties = sorted(
        (
            Partition(
                r["p"].value,
                int(r["t"].value),
                distinct_subjects=int(r["ds"].value),
                distinct_objects=int(r["do"].value),
            )
            for r in store.select(
                "SELECT ?p (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?ds) (COUNT(DISTINCT ?o) AS ?do)"
                " { ?s ?p ?o } GROUP BY ?p"
            )
        ),
        key=lambda p: (-p.triples, p.iri),
    )
    vocabularies = sorted({namespace(p.iri) for p in (*classes, *properties)})
    # one example from each of the most populous classes that have instances in our space
    example_rows = store.select(
        f"SELECT ?c (MIN(STR(?s)) AS ?ex) (COUNT(DISTINCT ?s) AS ?n) "
        f"{{ ?s a ?c {in_space} }} GROUP BY ?c ORDER BY DESC(?n) ?c"
    )
    examples: list[str] = []
    for r in example_rows:
        if r["ex"].value not in examples:
            examples.append(r["ex"].value)
        if len(examples) == EXAMPLES:
            break
    return VoidStats(
        subsets=subsets(store, space),
        triples=triples,
        entities=entities,
        distinct_subjects=subjects,
        distinct_objects=objects,
        classes=tuple(classes),
        properties=tuple(properties),
        vocabularies=tuple(vocabularies),
        examples=tuple(examples),
    )


_DESCRIBING = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/source",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
    "http://www.w3.org/ns/prov#wasAttributedTo",
)


def subsets(store: GraphStore, space: str) -> tuple[Subset, ...]:
    """One :class:`Subset` per named graph that holds a triple, by IRI."""
    in_space = f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_literal(space)}))"
    sizes = {
        r["g"].value: int(r["n"].value)
        for r in store.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    entities = {
        r["g"].value: int(r["n"].value)
        for r in store.select(
            f"SELECT ?g (COUNT(DISTINCT ?s) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o {in_space} }} }} "
            "GROUP BY ?g"
        )
    }
    described: dict[str, list[tuple[str, str, str]]] = {g: [] for g in sizes}
    if sizes:
        values = " ".join(f"<{g}>" for g in sorted(sizes))
        props = ", ".join(f"<{p}>" for p in _DESCRIBING)
        rows = store.select(
            f"SELECT ?g ?p ?o {{ VALUES ?g {{ {values} }} ?g ?p ?o FILTER(?p IN ({props})) }}"
        )
        for r in rows:
            kind = "iri" if kind_of(r["o"]) == "iri" else "literal"
            lang = getattr(r["o"], "language", None) or ""
            described[r["g"].value].append((r["p"].value, kind, f"{r['o'].value}@{lang}"))
    return tuple(
        Subset(g, n, entities.get(g, 0), tuple(sorted(described[g])))
        for g, n in sorted(sizes.items())
    )


def void_graph(
    stats: VoidStats, settings: Settings, *, dump_names: Sequence[str], modified: str
) -> Graph:
    """The VoID description of the dataset as an rdflib graph."""
    base = settings.server.base_iri
    g = Graph()
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    ds = URIRef(dataset_iri(settings))
    doc = URIRef(f"{base}.well-known/void")
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, FOAF.primaryTopic, ds))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal(settings.catalogue.dataset_title_sv, lang="sv")))
    g.add((ds, DCTERMS.title, Literal(settings.catalogue.dataset_title_en, lang="en")))
    g.add((ds, DCTERMS.description, Literal(settings.catalogue.dataset_description_sv, lang="sv")))
    g.add((ds, DCTERMS.description, Literal(settings.catalogue.dataset_description_en, lang="en")))
    g.add((ds, DCTERMS.license, URIRef(settings.catalogue.license_iri)))
    if modified:
        g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    for name in dump_names:
        g.add((ds, VOID.dataDump, URIRef(f"{base}dumps/{name}")))
    g.add((ds, VOID.uriSpace, Literal(uri_space(settings))))
    g.add((ds, VOID.triples, Literal(stats.triples)))
    g.add((ds, VOID.entities, Literal(stats.entities)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, Literal(stats.distinct_objects)))
    g.add((ds, VOID.classes, Literal(len(stats.classes))))
    g.add((ds, VOID.properties, Literal(len(stats.properties))))
    for vocab in stats.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    for ex in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(ex)))
    for sub in stats.subsets:
        subset = URIRef(sub.iri)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(sub.triples)))
        g.add((subset, VOID.entities, Literal(sub.entities)))
        for prop, kind, value in sub.described:
            text, _, lang = value.rpartition("@")
            obj = URIRef(text) if kind == "iri" else Literal(text, lang=lang or None)
            g.add((subset, URIRef(prop), obj))
    for part in stats.classes:
        node = BNode()
        g.add((ds, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(part.iri)))
        g.add((node, VOID.entities, Literal(part.entities)))
        g.add((node, VOID.triples, Literal(part.triples)))
    for part in stats.properties:
        node = BNode()
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(part.iri)))
        g.add((node, VOID.triples, Literal(part.triples)))
        g.add((node, VOID.distinctSubjects, Literal(part.distinct_subjects)))
        g.add((node, VOID.distinctObjects, Literal(part.distinct_objects)))
    return g


def compute_void(
    store: GraphStore, settings: Settings, *, dump_names: Sequence[str], modified: str
) -> Graph:
    """:func:`void_stats` then :func:`void_graph`. Raises StoreError."""
    stats = void_stats(store, uri_space(settings))
    return void_graph(stats, settings, dump_names=dump_names, modified=modified)
