"""Lists and counts for pages: instances of a class, the ontology's terms, the figures
behind the charts and the home page's overview. Plain Python out, as in
:mod:`kgraph.linkeddata.describe`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kgraph.linkeddata.describe import Labels, ResourceView, href_for, is_safe_iri
from kgraph.store.base import GraphStore
from kgraph.terms import DCT, OWL, PROV, RDFS, SCHEMA, SKOS


@dataclass(frozen=True)
class Item:
    """A resource in a list: its IRI, link, label, and a year when it has one."""

    iri: str
    href: str
    label: str
    lang: str | None
    year: str | None = None


def instances(store: GraphStore, class_iri: str, *, base_iri: str, lang: str) -> list[Item]:
    """The instances of ``class_iri`` with labels and years (``dct:issued``, start or date)."""
    if not is_safe_iri(class_iri):
        return []
    rows = store.select(
        f"SELECT ?s (MIN(STR(?y)) AS ?year) WHERE {{ ?s a <{class_iri}> "
        f"OPTIONAL {{ ?s <{DCT}issued>|<{SCHEMA}startDate>|<{DCT}date> ?y }} "
        f"FILTER(isIRI(?s)) }} GROUP BY ?s"
    )
    labels = Labels(lang, base_iri)
    labels.load(store, (r["s"].value for r in rows))
    items = []
    for r in rows:
        s = r["s"].value
        text, tlang = labels.text(s)
        year = r["year"].value[:4] if "year" in r else None
        items.append(Item(s, href_for(s, base_iri), text, tlang, year))
    return items


def is_class(view: ResourceView) -> bool:
    return bool(view.type_iris() & {OWL + "Class", RDFS + "Class"})


def ontology_terms(store: GraphStore, *, base_iri: str, lang: str) -> list[tuple[str, list[Item]]]:
    """The ontology's classes and properties, grouped by kind (label, items)."""
    ns = base_iri + "def/"
    rows = store.select(
        f"SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t FILTER(isIRI(?s) && "
        f'STRSTARTS(STR(?s), "{ns}") && ?s != <{ns}>) }}'
    )
    labels = Labels(lang, base_iri)
    labels.load(store, {r["s"].value for r in rows})
    groups: dict[str, dict[str, Item]] = defaultdict(dict)
    for r in rows:
        s, t = r["s"].value, r["t"].value
        kind = "classes" if t in (OWL + "Class", RDFS + "Class") else "properties"
        text, tlang = labels.text(s)
        groups[kind][s] = Item(s, href_for(s, base_iri), text, tlang)
    return [
        (kind, sorted(groups[kind].values(), key=lambda i: i.label.lower()))
        for kind in ("classes", "properties")
        if groups.get(kind)
    ]


def publications_by_year(store: GraphStore, creator: str | None) -> list[tuple[int, int]]:
    """``(year, number of publications)`` for publications with ``dct:creator`` ``creator``
    (``None``: all publications)."""
    if creator is not None and not is_safe_iri(creator):
        return []
    who = (
        f"?pub <{DCT}creator> <{creator}> ."
        if creator
        else f"?pub a <{DCT}BibliographicResource> ."
    )
    rows = store.select(
        f"SELECT ?y (COUNT(DISTINCT ?pub) AS ?n) WHERE {{ {who} ?pub "
        f"<{DCT}issued> ?issued BIND(SUBSTR(STR(?issued), 1, 4) AS ?y) }} GROUP BY ?y ORDER BY ?y"
    )
    return [(int(r["y"].value), int(r["n"].value)) for r in rows if r["y"].value.isdigit()]


def coauthors(store: GraphStore, creator: str) -> list[tuple[str, int]]:
    """``(other creator IRI, number of shared publications)``, most shared first."""
    if not is_safe_iri(creator):
        return []
    rows = store.select(
        f"SELECT ?other (COUNT(DISTINCT ?pub) AS ?n) WHERE {{ ?pub <{DCT}creator> <{creator}> , "
        f"?other FILTER(?other != <{creator}> && isIRI(?other)) }} "
        f"GROUP BY ?other ORDER BY DESC(?n) ?other"
    )
    return [(r["other"].value, int(r["n"].value)) for r in rows]


@dataclass(frozen=True)
class Overview:
    """What the home page shows: triples, counts per class and per county."""

    triples: int
    modified: str
    classes: list[tuple[Item, int]]
    counties: list[tuple[Item, int, int]]  # county, publications by its board, links to it


def overview(store: GraphStore, *, base_iri: str, lang: str) -> Overview:
    """Counts of the dataset at a glance. Raises StoreError."""
    ns = base_iri + "def/"
    class_rows = store.select(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c "
        f'FILTER(STRSTARTS(STR(?c), "{ns}")) }} GROUP BY ?c'
    )
    county_rows = store.select(
        f"SELECT ?c (COUNT(DISTINCT ?pub) AS ?pubs) (COUNT(DISTINCT ?x) AS ?links) WHERE {{ "
        f"?c a <{ns}County> "
        f"OPTIONAL {{ ?board <{SCHEMA}areaServed> ?c . ?pub <{DCT}creator> ?board }} "
        f"OPTIONAL {{ ?x ?p ?c }} }} GROUP BY ?c"
    )
    labels = Labels(lang, base_iri)
    labels.load(store, [r["c"].value for r in class_rows + county_rows])

    def item(iri: str) -> Item:
        text, tlang = labels.text(iri)
        return Item(iri, href_for(iri, base_iri), text, tlang)

    classes = sorted(
        ((item(r["c"].value), int(r["n"].value)) for r in class_rows),
        key=lambda x: (-x[1], x[0].label.lower()),
    )
    counties = sorted(
        ((item(r["c"].value), int(r["pubs"].value), int(r["links"].value)) for r in county_rows),
        key=lambda x: x[0].label.lower(),
    )
    info = store.info()
    return Overview(info.triples, info.modified, classes, counties)


MEASURES = ("publications", "activities")


def county_counts(
    store: GraphStore, *, base_iri: str, lang: str, measure: str = "publications"
) -> list[tuple[Item, str, int]]:
    """``(county, its two-digit code, count)`` for every county: publications by its board,
    or activities (supervisions, mappings) in it or by its board. Raises ValueError for an
    unknown measure, StoreError."""
    ns = base_iri + "def/"
    if measure == "publications":
        counted = f"OPTIONAL {{ ?board <{SCHEMA}areaServed> ?c . ?x <{DCT}creator> ?board }}"
    elif measure == "activities":
        counted = (
            f"OPTIONAL {{ ?x a <{PROV}Activity> {{ ?x <{SCHEMA}location> ?c }} UNION "
            f"{{ ?x <{SCHEMA}location>/<{SCHEMA}containedInPlace> ?c }} UNION "
            f"{{ ?x <{PROV}wasAssociatedWith>/<{SCHEMA}areaServed> ?c }} }}"
        )
    else:
        raise ValueError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")
    rows = store.select(
        f"SELECT ?c (SAMPLE(?code) AS ?n) (COUNT(DISTINCT ?x) AS ?count) WHERE {{ "
        f"?c a <{ns}County> ; <{SKOS}notation> ?code FILTER(REGEX(STR(?code), '^[0-9]{{2}}$')) "
        f"{counted} }} GROUP BY ?c"
    )
    labels = Labels(lang, base_iri)
    labels.load(store, [r["c"].value for r in rows])
    out = []
    for r in rows:
        iri = r["c"].value
        text, tlang = labels.text(iri)
        out.append(
            (Item(iri, href_for(iri, base_iri), text, tlang), r["n"].value, int(r["count"].value))
        )
    return sorted(out, key=lambda x: x[0].label)
