"""Who says this? For a resource, the named graphs (and so the sources) stating each value.

Every statement of the dataset is in the named graph of what it comes from
(docs/model.md): a source page's graph (derived from that page), the reference
graph (public registers, SCB), or one of the publisher's own graphs (editorial
additions, translations, the topic scheme, the ontology, the dataset
description). The graphs are described in the data; this module reads those
descriptions and answers, for each property and value of a resource, which of
them state it. A resource page marks each value with the result
(``web/templates/_provenance.html``); a source page's own page lists what it
supports (:func:`supported_by`).

Plain Python comes out (no store terms).

>>> Mark("page", "/id/page/p", "NCK: Länsstyrelsen Kalmar").kind
'page'
>>> value_key("http://x/p", "Kalmar län", "sv", None)
('http://x/p', 'Kalmar län', 'sv')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from kgraph.linkeddata.describe import Labels, href_for, is_safe_iri
from kgraph.store.base import GraphStore
from kgraph.store.terms import kind_of

Kind = Literal["page", "reference", "editorial", "translation", "publisher"]
Key = tuple[str, str, str]  # (predicate, value or "", language or "")

_KINDS: dict[str, Kind] = {  # graph class local name (under <base>def/) -> mark kind
    "SourceGraph": "page",
    "ReferenceGraph": "reference",
    "TranslationGraph": "translation",
    "EditorialGraph": "editorial",
    "OntologyGraph": "publisher",
    "DescriptionGraph": "publisher",
}
_RANK = {"page": 0, "reference": 1, "editorial": 2, "translation": 3, "publisher": 4}
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass(frozen=True)
class Mark:
    """One source of a value: a page (``href`` its resource), the reference data (``href``
    the reference graph) or the publisher (``href`` the graph that holds the addition)."""

    kind: Kind
    href: str
    label: str = ""


def value_key(predicate: str, value: str, lang: str | None, iri: str | None) -> Key:
    """The key a value is looked up by: its IRI, or its text and language; a blank node's
    value is ``""`` (every blank node of a property shares one key)."""
    return (predicate, iri if iri is not None else value, "" if iri is not None else lang or "")


@dataclass
class Provenance:
    """The marks of each (property, value) of one resource."""

    marks: dict[Key, list[Mark]] = field(default_factory=dict)

    def of(self, predicate: str, value: str, lang: str | None, iri: str | None) -> list[Mark]:
        """The marks of one value of ``predicate``; a page that shows a value under a
        super-property gets the marks of the value under any property. ``[]`` when no
        graph states it."""
        key = value_key(predicate, value, lang, iri)
        if key in self.marks:
            return self.marks[key]
        found = {m for (_, v, lg), ms in self.marks.items() if (v, lg) == key[1:] for m in ms}
        return sorted(found, key=lambda m: (_RANK[m.kind], m.label))

    def graphs_count(self) -> int:
        return len({m.href for ms in self.marks.values() for m in ms})


def _graph_kinds(store: GraphStore, base_iri: str, graphs: set[str]) -> dict[str, tuple[Kind, str]]:
    """Each graph's mark kind and, for a source graph, the page it is derived from."""
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in sorted(graphs) if is_safe_iri(g))
    rows = store.select(
        f"SELECT ?g ?kind ?page {{ VALUES ?g {{ {values} }} ?g <{_TYPE}> ?kind "
        f"OPTIONAL {{ ?g <{_DERIVED}> ?page }} }}"
    )
    found: dict[str, tuple[Kind, str]] = {}
    for row in rows:
        local = row["kind"].value.removeprefix(base_iri + "def/")
        kind = _KINDS.get(local)
        if kind is None:
            continue
        g = row["g"].value
        page = row["page"].value if "page" in row else g
        if g not in found or _RANK[kind] > _RANK[found[g][0]]:  # the most specific kind
            found[g] = (kind, page if kind == "page" else g)
    return found


def provenance_of(store: GraphStore, iri: str, *, base_iri: str, lang: str) -> Provenance:
    """Which graphs state each value of ``iri`` (its own triples). Raises StoreError.

    A value several pages state gets a mark per page; a value no named graph holds
    (data loaded without graphs) gets none.
    """
    if not is_safe_iri(iri):
        return Provenance()
    rows = store.select(f"SELECT ?p ?o ?g {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    by_key: dict[Key, set[str]] = defaultdict(set)
    for row in rows:
        o = row["o"]
        kind = kind_of(o)
        if kind == "iri":
            key = value_key(row["p"].value, "", None, o.value)
        elif kind == "literal":
            key = value_key(row["p"].value, o.value, getattr(o, "language", None), None)
        else:
            key = value_key(row["p"].value, "", None, None)
        by_key[key].add(row["g"].value)
    kinds = _graph_kinds(store, base_iri, {g for gs in by_key.values() for g in gs})
    labels = Labels(lang, base_iri)
    labels.load(store, {target for _, target in kinds.values()})
    out = Provenance()
    for key, gs in by_key.items():
        marks = {
            Mark(kinds[g][0], href_for(kinds[g][1], base_iri), labels.text(kinds[g][1])[0])
            for g in gs
            if g in kinds
        }
        out.marks[key] = sorted(marks, key=lambda m: (_RANK[m.kind], m.label))
    return out


@dataclass(frozen=True)
class Supported:
    """A resource a source page says something about, and how many statements."""

    href: str
    label: str
    statements: int


def supported_by(store: GraphStore, page_iri: str, *, base_iri: str, lang: str) -> list[Supported]:
    """What the source page ``page_iri`` supports: the resources its graph states things
    about (the page itself left out), with counts; ``[]`` for any other resource."""
    if not is_safe_iri(page_iri):
        return []
    rows = store.select(
        f"SELECT ?s (COUNT(*) AS ?n) {{ ?g <{_DERIVED}> <{page_iri}> ; "
        f"<{_TYPE}> <{base_iri}def/SourceGraph> . "
        f"GRAPH ?g {{ ?s ?p ?o FILTER(isIRI(?s) && ?s != <{page_iri}>) }} }} GROUP BY ?s"
    )
    counts = {r["s"].value: int(r["n"].value) for r in rows}
    labels = Labels(lang, base_iri)
    labels.load(store, counts)
    found = [Supported(href_for(s, base_iri), labels.text(s)[0], n) for s, n in counts.items()]
    return sorted(found, key=lambda x: x.label.lower())
