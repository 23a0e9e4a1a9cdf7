"""Descriptions of resources: the RDF of one IRI, and the plain data its page shows.

Everything returned here is plain Python (strings, dataclasses): no store terms
leave the thread that ran the query.

The RDF description of an IRI is its triples (subject = the IRI), the triples
of blank nodes it points to (``schema:amount [...]``), and the labels of the
resources it links to. The ontology IRI (``<base>def/``) is described with the
whole ontology.

>>> is_safe_iri("http://127.0.0.1:8000/id/county/kalmar")
True
>>> is_safe_iri("http://x/> } DROP ALL #")
False
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import rdflib

from kgraph.formats import Format
from kgraph.linkeddata.fold import fold, names_once, same_values, super_properties
from kgraph.linkeddata.formatting import literal
from kgraph.linkeddata.rdfterms import PLAIN_TYPES
from kgraph.linkeddata.rdfterms import Term as Term  # re-exported: callers import it here
from kgraph.linkeddata.rdfterms import is_safe_iri as is_safe_iri
from kgraph.linkeddata.rdfterms import to_term as to_term
from kgraph.opendata.vocab import vocabulary_name
from kgraph.store.base import GraphStore
from kgraph.terms import (
    DCT,
    LABEL_PROPERTIES,
    PROVENANCE,
    RDF_TYPE,
    RDFS,
    SKOS,
    curie,
    term_label,
)

INCOMING_PER_PROPERTY = 50  # incoming links listed per property on a page
# for FILTER(?p IN (...)): binding ?p by VALUES instead makes the engine scan the store
_LABEL_LIST = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES)
# Names: each shown once on a page, under the first of these properties that has it
_NAMES = {*LABEL_PROPERTIES, DCT + "alternative", SKOS + "altLabel"}
# Properties shown first on a page, in this order; the rest follow by label.
_ORDER = [
    DCT + "title",
    DCT + "alternative",
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "description",
    RDFS + "comment",
    SKOS + "definition",
    DCT + "creator",
    DCT + "publisher",
    DCT + "issued",
    DCT + "identifier",
    DCT + "subject",
]


# --------------------------------------------------------------------- RDF


def description_query(iri: str, base_iri: str) -> str:
    """The CONSTRUCT that gives the RDF description of ``iri``."""
    ontology = ""
    if iri == base_iri + "def/":
        ontology = (
            f'UNION {{ ?x ?xp ?xo . FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{base_iri}def/")) }}'
        )
    return f"""CONSTRUCT {{ <{iri}> ?p ?o . ?x ?xp ?xo . ?o ?bp ?bo . ?o ?lp ?l }}
WHERE {{
  {{ <{iri}> ?p ?o }}
  UNION {{ <{iri}> ?p ?o . FILTER(isBlank(?o)) ?o ?bp ?bo }}
  UNION {{ <{iri}> ?p ?o . FILTER(isIRI(?o)) ?o ?lp ?l FILTER(?lp IN ({_LABEL_LIST})) }}
  {ontology}
}}"""


def exists(store: GraphStore, iri: str) -> bool:
    """True if ``iri`` is the subject or object of a triple in the store."""
    return store.ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")


def description_rdf(
    store: GraphStore,
    iri: str,
    fmt: Format,
    base_iri: str,
    metadata: rdflib.Graph | None = None,
) -> bytes | None:
    """The RDF description of ``iri`` in ``fmt``, or ``None`` if nothing describes it.

    ``metadata`` is a graph the server derives from the data (the catalogue
    record, VoID): IRIs it mints are described from it, by the same rules.
    Raises StoreError.
    """
    if not is_safe_iri(iri):
        return None
    if not exists(store, iri):
        if metadata is None or (rdflib.URIRef(iri), None, None) not in metadata:
            return None
        return _serialise(metadata.cbd(rdflib.URIRef(iri)), fmt)
    return store.construct(description_query(iri, base_iri), fmt)


def metadata_triples(
    metadata: rdflib.Graph | None, iri: str
) -> list[tuple[str, Term, str | None, Term | None]]:
    """``iri``'s triples in ``metadata`` as page rows (blank-node objects expanded once)."""
    if metadata is None:
        return []
    rows: list[tuple[str, Term, str | None, Term | None]] = []
    for p, o in metadata.predicate_objects(rdflib.URIRef(iri)):
        if isinstance(o, rdflib.BNode):
            rows.extend(
                (str(p), Term("bnode", str(o)), str(bp), _rdflib_term(bo))
                for bp, bo in metadata.predicate_objects(o)
            )
        else:
            rows.append((str(p), _rdflib_term(o), None, None))
    return rows


def _rdflib_term(t: Any) -> Term:
    if isinstance(t, rdflib.URIRef):
        return Term("iri", str(t))
    if isinstance(t, rdflib.BNode):
        return Term("bnode", str(t))
    datatype = str(t.datatype) if t.datatype is not None else None
    return Term("literal", str(t), t.language, None if datatype in PLAIN_TYPES else datatype)


def _serialise(graph: rdflib.Graph, fmt: Format) -> bytes:
    """A small rdflib graph in ``fmt``."""
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


# -------------------------------------------------------------------- labels


class Labels:
    """Labels of IRIs from the store, picked in the reader's language.

    Preference: the reader's language, then no language tag, then any other;
    within those, ``skos:prefLabel`` > ``rdfs:label`` > ``dct:title``.
    """

    def __init__(self, lang: str, base_iri: str) -> None:
        self.lang = lang
        self.base_iri = base_iri
        self._cands: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)

    def load(self, store: GraphStore, iris: Iterable[str]) -> None:
        todo = sorted({i for i in iris if is_safe_iri(i) and i not in self._cands})
        for start in range(0, len(todo), 200):
            values = " ".join(f"<{i}>" for i in todo[start : start + 200])
            # ?x bound first, the label properties as a filter: an index lookup per
            # IRI (a second VALUES for ?lp makes the engine scan the whole store)
            rows = store.select(
                f"SELECT ?x ?lp ?l WHERE {{ VALUES ?x {{ {values} }} ?x ?lp ?l "
                f"FILTER(?lp IN ({_LABEL_LIST}) && isLiteral(?l)) }}"
            )
            for row in rows:
                lit = to_term(row["l"])
                self.add(row["x"].value, row["lp"].value, lit.value, lit.lang)

    def add(self, iri: str, prop: str, text: str, lang: str | None) -> None:
        rank_lang = 0 if lang == self.lang else (1 if not lang else 2)
        rank_prop = LABEL_PROPERTIES.index(prop) if prop in LABEL_PROPERTIES else 9
        self._cands[iri].append((rank_lang, rank_prop, text, lang))

    def get(self, iri: str) -> tuple[str, str | None] | None:
        """``(text, lang)`` of the best label in the store, or ``None``."""
        cands = self._cands.get(iri)
        if not cands:
            return None
        best = min(cands)
        return best[2], best[3]

    def text(self, iri: str) -> tuple[str, str | None]:
        """A label for ``iri``: from the store, the standard-term table, or a short form."""
        found = self.get(iri)
        if found is not None:
            return found
        std = term_label(iri, self.lang) or vocabulary_name(iri, self.lang)
        if std is not None:
            return std, self.lang
        if iri.startswith(self.base_iri + "def/"):
            return "kg:" + iri[len(self.base_iri) + 4 :], None
        if iri.startswith(self.base_iri):
            return iri[len(self.base_iri) :], None
        return curie(iri), None


# -------------------------------------------------------------- page data


@dataclass
class Value:
    """One value of a property, ready to show."""

    text: str
    lang: str | None = None
    href: str | None = None
    iri: str | None = None
    datatype: str | None = None  # the datatype IRI of a typed literal
    nested: list[Row] = field(default_factory=list)  # a blank node's properties
    raw: str | None = None  # a literal's lexical form (``text`` is written for reading)

    def key(self) -> tuple[str, str | None, str | None]:
        """What makes two values the same value on a page."""
        return (self.iri or self.raw or self.text, self.lang, self.href)


@dataclass
class Row:
    """A property and its values (or, for incoming links, the resources linking here)."""

    predicate: str
    label: str
    href: str
    values: list[Value]
    total: int = 0  # incoming links: how many there are in all (``values`` may show fewer)
    also: list[str] = field(default_factory=list)  # properties with the same values


@dataclass
class ResourceView:
    """Everything a resource page shows."""

    iri: str
    href: str
    label: str
    label_lang: str | None
    types: list[Value]
    rows: list[Row]
    incoming: list[Row]
    sources: list[Value]
    comment: Value | None = None

    def type_iris(self) -> set[str]:
        return {t.iri for t in self.types if t.iri}

    def values_of(self, predicate: str) -> list[Value]:
        for row in self.rows:
            if row.predicate == predicate:
                return row.values
        return []


def href_for(iri: str, base_iri: str) -> str:
    """The link to ``iri`` on this server (a path) or, outside the base, the IRI itself.

    >>> href_for("http://h/id/x", "http://h/"), href_for("https://schema.org/", "http://h/")
    ('/id/x', 'https://schema.org/')
    """
    return "/" + iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _value(term: Term, labels: Labels) -> Value:
    if term.kind == "iri":
        text, lang = labels.text(term.value)
        return Value(text, lang, href_for(term.value, labels.base_iri), term.value)
    if term.kind == "bnode":
        return Value("", None)
    text = literal(term.value, term.datatype, labels.lang)
    return Value(text, term.lang, datatype=term.datatype, raw=term.value)


def capitalise(text: str) -> str:
    """First letter upper case (ontology labels are lower case, as in running text)."""
    return text[:1].upper() + text[1:]


def _sort_rows(
    rows: dict[str, list[Value]], labels: Labels, supers: dict[str, set[str]] | None = None
) -> list[Row]:
    """Rows in page order, each value once (:mod:`kgraph.linkeddata.fold`)."""
    rows = fold(rows, supers or {}, key=Value.key)

    def key(p: str) -> tuple[int, str]:
        return (_ORDER.index(p) if p in _ORDER else len(_ORDER), labels.text(p)[0].lower())

    order = sorted(rows, key=key)
    rows = names_once(order, rows, _NAMES, key=Value.key)
    order = [p for p in order if p in rows]
    merged = same_values(order, rows, key=Value.key)
    folded = {q for qs in merged.values() for q in qs}
    out = []
    for p in order:
        if p in folded:
            continue
        values = sorted(rows[p], key=lambda v: (v.lang != labels.lang, v.text.lower()))
        row = Row(p, capitalise(labels.text(p)[0]), href_for(p, labels.base_iri), values)
        row.also = [capitalise(labels.text(q)[0]) for q in merged.get(p, [])]
        out.append(row)
    return out


def describe_resource(
    store: GraphStore,
    iri: str,
    *,
    base_iri: str,
    lang: str,
    metadata: rdflib.Graph | None = None,
) -> ResourceView | None:
    """The data of ``iri``'s page, or ``None`` if the store knows nothing of it.

    Raises StoreError.
    """
    if not is_safe_iri(iri):
        return None
    out = store.select(
        f"SELECT ?p ?o ?bp ?bo WHERE {{ <{iri}> ?p ?o "
        f"OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }}"
    )
    incoming_totals = {
        row["p"].value: int(row["n"].value)
        for row in store.select(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p <{iri}> "
            f"FILTER(isIRI(?s) && ?p != <{RDF_TYPE}>) }} GROUP BY ?p"
        )
    }
    incoming = [  # a hub (a board with thousands of publications) shows a few per property
        (row["s"].value, p)
        for p in incoming_totals
        for row in store.select(
            f"SELECT ?s WHERE {{ ?s <{p}> <{iri}> FILTER(isIRI(?s)) }} "
            f"LIMIT {INCOMING_PER_PROPERTY}"
        )
    ]
    triples: list[tuple[str, Term, str | None, Term | None]] = [
        (
            row["p"].value,
            to_term(row["o"]),
            row["bp"].value if "bp" in row else None,
            to_term(row["bo"]) if "bo" in row else None,
        )
        for row in out
    ]
    if not triples and not incoming and not exists(store, iri):
        triples = metadata_triples(metadata, iri)
        if not triples:
            return None
    labels = Labels(lang, base_iri)
    wanted = {iri}
    for p, o, bp, bo in triples:
        wanted.add(p)
        if o.kind == "iri":
            wanted.add(o.value)
        if bp:
            wanted.add(bp)
        if bo is not None and bo.kind == "iri":
            wanted.add(bo.value)
    for s, p in incoming:
        wanted.update((s, p))
    labels.load(store, wanted)

    types: list[Value] = []
    props: dict[str, list[Value]] = defaultdict(list)
    bnodes: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    seen: set[tuple[str, Term]] = set()
    sources: list[Value] = []
    comment: Value | None = None
    for p, o, bp, bo in triples:
        if bp and bo is not None:
            bnodes[o.value][bp].append(_value(bo, labels))
        if (p, o) in seen:
            continue
        seen.add((p, o))
        if p == RDF_TYPE and o.kind == "iri":
            types.append(_value(o, labels))
        elif p == PROVENANCE and o.kind == "iri":
            sources.append(_value(o, labels))
        else:
            props[p].append(_value(o, labels) if o.kind != "bnode" else Value("", iri=o.value))
    # Fill in blank-node values with their own properties.
    for values in props.values():
        for v in values:
            if v.iri is not None and v.iri in bnodes:
                v.nested = _sort_rows(bnodes[v.iri], labels)
                v.iri = None
    for p in (RDFS + "comment", DCT + "description", SKOS + "definition"):
        candidates = [v for v in props.get(p, []) if v.lang in (lang, None)]
        if candidates:
            comment = candidates[0]
            break
    in_rows: dict[str, list[Value]] = defaultdict(list)
    for s, p in incoming:
        in_rows[p].append(_value(Term("iri", s), labels))
    supers = super_properties(store, [*props, *in_rows])
    in_sorted = _sort_rows(in_rows, labels, supers)
    for row in in_sorted:
        row.total = incoming_totals.get(row.predicate, len(row.values))
    label, label_lang = labels.text(iri)
    return ResourceView(
        iri=iri,
        href=href_for(iri, base_iri),
        label=label,
        label_lang=label_lang,
        types=sorted(types, key=lambda v: (not v.iri or not v.iri.startswith(base_iri), v.text)),
        rows=_sort_rows(props, labels, supers),
        incoming=in_sorted,
        sources=sorted(sources, key=lambda v: v.text),
        comment=comment,
    )
