"""Lists and counts for pages: instances of a class, the ontology's terms, the figures
behind the charts and the home page's overview. Plain Python out, as in
:mod:`kgraph.linkeddata.describe`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kgraph.linkeddata.cache import PerVersion
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


FULL_SORT_LIMIT = 2000  # classes up to this size are sorted by their labels' text


@dataclass(frozen=True)
class InstancePage:
    """One page of a class's instances, and how many there are in all."""

    items: list[Item]
    total: int
    by_label_text: bool  # sorted by the labels' text (else, for large classes, by IRI)


def instances_page(
    store: GraphStore,
    class_iri: str,
    *,
    sort: str,
    descending: bool,
    page: int,
    size: int,
    base_iri: str,
    lang: str,
    cache: PerVersion,
) -> InstancePage:
    """Page ``page`` (from 1) of the instances of ``class_iri``, sorted by ``sort``
    (``label`` or ``year``, undated last).

    What it costs to order a class is paid once per data version: a small class is
    listed whole, labels and all, and sorted by the labels' text; a class of more than
    :data:`FULL_SORT_LIMIT` is ordered by IRI (the readable slugs follow the names) or
    by year without its labels, and only the page shown is labelled.
    """
    version = store.info().version
    total = cache.get(
        version, ("count", class_iri), lambda: _count(store, class_iri), size=lambda _: 1
    )
    if total <= FULL_SORT_LIMIT:
        items = cache.get(
            version,
            ("items", class_iri, lang),
            lambda: instances(store, class_iri, base_iri=base_iri, lang=lang),
            size=len,
        )
        ordered = _sorted(items, sort, descending)
        return InstancePage(ordered[(page - 1) * size : page * size], len(items), True)
    order = cache.get(
        version,
        ("order", class_iri, sort),
        lambda: _order(store, class_iri, sort),
        size=len,
    )
    if descending:
        dated = [x for x in order if x[1]] if sort == "year" else order
        rest = [x for x in order if not x[1]] if sort == "year" else []
        order = dated[::-1] + rest
    chosen = order[(page - 1) * size : page * size]
    years = dict(chosen) if sort == "year" else _years(store, [iri for iri, _ in chosen])
    labels = Labels(lang, base_iri)
    labels.load(store, [iri for iri, _ in chosen])
    items = []
    for iri, _ in chosen:
        text, tlang = labels.text(iri)
        items.append(Item(iri, href_for(iri, base_iri), text, tlang, years.get(iri)))
    return InstancePage(items, len(order), False)


def _count(store: GraphStore, class_iri: str) -> int:
    if not is_safe_iri(class_iri):
        return 0
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{class_iri}> FILTER(isIRI(?s)) }}"
    )
    return int(rows[0]["n"].value) if rows else 0


def _order(store: GraphStore, class_iri: str, sort: str) -> list[tuple[str, str | None]]:
    """(IRI, year) of every instance: by IRI, or by year (undated last, by IRI).

    Sorted here, not by the engine: ORDER BY over 50,000 IRIs takes it 15 s, a plain
    SELECT and a sort in Python a second or two.
    """
    if sort != "year":
        rows = store.select(f"SELECT ?s WHERE {{ ?s a <{class_iri}> FILTER(isIRI(?s)) }}")
        return [(iri, None) for iri in sorted({r["s"].value for r in rows})]
    iris = [iri for iri, _ in _order(store, class_iri, "label")]
    years: dict[str, str] = {}
    dates = " UNION ".join(
        f"{{ ?s <{p}> ?y }}" for p in (f"{DCT}issued", f"{SCHEMA}startDate", f"{DCT}date")
    )
    for r in store.select(f"SELECT ?s ?y WHERE {{ ?s a <{class_iri}> . {dates} }}"):
        year = r["y"].value[:4]
        iri = r["s"].value
        if iri not in years or year < years[iri]:
            years[iri] = year
    dated = sorted(((iri, y) for iri, y in years.items()), key=lambda x: (x[1], x[0]))
    return [*dated, *((iri, None) for iri in iris if iri not in years)]


def _years(store: GraphStore, iris: list[str]) -> dict[str, str]:
    safe = [i for i in iris if is_safe_iri(i)]
    if not safe:
        return {}
    values = " ".join(f"<{i}>" for i in safe)
    rows = store.select(
        f"SELECT ?s (MIN(STR(?y)) AS ?year) WHERE {{ VALUES ?s {{ {values} }} "
        f"?s <{DCT}issued>|<{SCHEMA}startDate>|<{DCT}date> ?y }} GROUP BY ?s"
    )
    return {r["s"].value: r["year"].value[:4] for r in rows if "year" in r}


def _sorted(items: list[Item], sort: str, descending: bool) -> list[Item]:
    if sort == "year":
        dated = sorted((i for i in items if i.year), key=lambda i: (i.year, i.label.lower()))
        if descending:
            dated.reverse()
        return dated + sorted((i for i in items if not i.year), key=lambda i: i.label.lower())
    return sorted(items, key=lambda i: i.label.lower(), reverse=descending)


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
