"""Each value once on a page: a property's values folded into its sub-property's, and
properties with the same values shown as one.

A resource often says one thing with several properties: a report number as
``kg:reportNumber`` and as its super-property ``dct:identifier``, a name as
``skos:prefLabel`` and ``rdfs:label``, the mandates a board carries out as
``kg:carriesOut`` and ``prov:wasInfluencedBy``. A page shows each value once:
under the most specific property that has it, and where several properties
have exactly the same values, under the first of them only.

>>> rows = {"sub": [("A", None)], "super": [("A", None), ("B", None)], "twin": [("B", None)]}
>>> fold(rows, {"sub": {"super"}}, key=lambda v: v)
{'sub': [('A', None)], 'super': [('B', None)], 'twin': [('B', None)]}
>>> same_values(["p", "q", "r"], {"p": [1], "q": [1], "r": [2]}, key=lambda v: v)
{'p': ['q']}
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from kgraph.linkeddata.rdfterms import is_safe_iri
from kgraph.store.base import GraphStore
from kgraph.terms import FOAF, RDFS, SKOS

V = TypeVar("V")
# Sub-properties the standard vocabularies declare (SKOS, FOAF), as the store may not hold them.
STANDARD_SUPERS: dict[str, set[str]] = {
    SKOS + "prefLabel": {RDFS + "label"},
    SKOS + "altLabel": {RDFS + "label"},
    SKOS + "hiddenLabel": {RDFS + "label"},
    FOAF + "name": {RDFS + "label"},
}


def super_properties(store: GraphStore, predicates: Iterable[str]) -> dict[str, set[str]]:
    """Each predicate's super-properties (``rdfs:subPropertyOf+`` in the store, and the
    standard ones). Raises StoreError."""
    preds = sorted(p for p in set(predicates) if is_safe_iri(p))
    out: dict[str, set[str]] = {p: set(STANDARD_SUPERS.get(p, ())) for p in preds}
    if preds:
        values = " ".join(f"<{p}>" for p in preds)
        for row in store.select(
            f"SELECT ?p ?q WHERE {{ VALUES ?p {{ {values} }} ?p <{RDFS}subPropertyOf>+ ?q }}"
        ):
            out[row["p"].value].add(row["q"].value)
    return {p: qs for p, qs in out.items() if qs}


def fold(
    rows: dict[str, list[V]], supers: dict[str, set[str]], *, key: Callable[[V], Hashable]
) -> dict[str, list[V]]:
    """``rows`` without the values a sub-property of theirs on the page already shows;
    a property left with no value is dropped."""
    shown_below: dict[str, set[Hashable]] = {}
    for p, values in rows.items():
        for q in supers.get(p, ()):
            if q in rows and q != p:
                shown_below.setdefault(q, set()).update(key(v) for v in values)
    out = {}
    for p, values in rows.items():
        hidden = shown_below.get(p, set())
        kept = [v for v in values if key(v) not in hidden]
        if kept:
            out[p] = kept
    return out


def names_once(
    order: list[str], rows: dict[str, list[V]], names: set[str], *, key: Callable[[V], Hashable]
) -> dict[str, list[V]]:
    """``rows`` where a name (a title, label or alternative name: the properties ``names``)
    is shown only under the first of those properties, in ``order``, that has it.

    >>> names_once(["t", "l"], {"t": ["A"], "l": ["A", "B"]}, {"t", "l"}, key=lambda v: v)
    {'t': ['A'], 'l': ['B']}
    """
    seen: set[Hashable] = set()
    out = {}
    for p in order:
        values = rows[p]
        if p in names:
            values = [v for v in values if key(v) not in seen]
            seen.update(key(v) for v in values)
        if values:
            out[p] = values
    return out


def same_values(
    order: list[str], rows: dict[str, list[V]], *, key: Callable[[V], Hashable]
) -> dict[str, list[str]]:
    """For the first of each group of properties (in ``order``) with exactly the same
    values, the others of the group."""
    first: dict[frozenset[Hashable], str] = {}
    merged: dict[str, list[str]] = {}
    for p in order:
        values = frozenset(key(v) for v in rows[p])
        if values in first:
            merged.setdefault(first[values], []).append(p)
        else:
            first[values] = p
    return merged
