"""The default graph as the union of the named graphs, kept in the store itself.

A kgraph dataset may put its statements in named graphs (one per source, see
docs/model.md). Queries without ``GRAPH`` must still see everything, each
statement once, and ``FROM``/``FROM NAMED`` and the protocol's
``default-graph-uri``/``named-graph-uri`` must still choose graphs. The engine's
own union mode (``use_default_graph_as_union``) gives neither: it repeats a
triple once per graph that holds it (a bag, not the RDF merge the SPARQL spec
asks for) and it ignores ``FROM``. So the union is materialised: after a load
or an update, the store's default graph holds every triple of every named
graph (a set: a statement several sources make is there once), next to the
triples that were written to the default graph directly.

What a dataset *holds* (its dumps in TriG and N-Quads, its statement count) is
the named graphs plus the directly written default-graph triples, never the
derived copy.

>>> s = ox.Store()
>>> s.load(b'<http://g/1> { <http://a> <http://p> "x" } <http://g/2> { <http://a> <http://p> "x" }',
...        format=ox.RdfFormat.TRIG)
>>> add_union(s)
>>> statements(s), len(list(s.query("SELECT * { ?s ?p ?o }")))
(2, 1)
>>> len(list(dataset_quads(s)))
2
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

_BATCH = 100_000
_DIRECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"


def has_named_graphs(store: ox.Store) -> bool:
    """True if any named graph holds a quad."""
    return any(True for _ in store.named_graphs())


def add_union(store: ox.Store) -> None:
    """Copy every triple of every named graph into the default graph (the store keeps
    each triple once)."""
    batch: list[Any] = []
    for graph in list(store.named_graphs()):
        for q in store.quads_for_pattern(None, None, None, graph):
            batch.append(ox.Quad(q.subject, q.predicate, q.object))
            if len(batch) >= _BATCH:
                store.extend(batch)
                batch.clear()
    store.extend(batch)


def _direct(store: ox.Store) -> Iterator[Any]:
    """Default-graph triples that are in no named graph, as query solutions."""
    yield from cast(ox.QuerySolutions, store.query(_DIRECT))


def _in_a_named_graph(store: ox.Store, s: Any, p: Any, o: Any) -> bool:
    return any(
        not isinstance(q.graph_name, ox.DefaultGraph) for q in store.quads_for_pattern(s, p, o)
    )


def statements(store: ox.Store) -> int:
    """What the dataset holds: quads in named graphs plus default-graph triples that are in
    no named graph (the derived union is not counted)."""
    if not has_named_graphs(store):
        return len(store)
    named = sum(1 for q in store.quads_for_pattern(None, None, None) if not _default(q.graph_name))
    return named + sum(1 for _ in _direct(store))


def _default(graph: Any) -> bool:
    return isinstance(graph, ox.DefaultGraph)


def rederive_union(store: ox.Store, before: ox.Store) -> None:
    """After an update of ``store`` (a copy of ``before``), make its default graph the
    union again.

    A default-graph triple that is now in no named graph is dropped if ``before`` had it
    in a named graph (it was a derived copy of a statement the update deleted); one that
    ``before`` did not have in any named graph was written directly and stays. Then the
    named graphs' triples are copied in again.
    """
    if not (has_named_graphs(store) or has_named_graphs(before)):
        return
    stale = [
        ox.Quad(row["s"], row["p"], row["o"])
        for row in _direct(store)
        if _in_a_named_graph(before, row["s"], row["p"], row["o"])
    ]
    for quad in stale:
        store.remove(quad)
    add_union(store)


def dataset_quads(store: ox.Store) -> Iterator[Any]:
    """The quads the dataset holds: every named-graph quad, and the default-graph triples
    that are in no named graph (the derived union left out)."""
    if not has_named_graphs(store):
        yield from store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        return
    for graph in list(store.named_graphs()):
        yield from store.quads_for_pattern(None, None, None, graph)
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if not _in_a_named_graph(store, q.subject, q.predicate, q.object):
            yield q


def update_dataset_file(source: Path, sparql_update: str, out: Path) -> None:
    """Apply ``sparql_update`` to the dataset in the N-Quads file ``source`` (the union as
    its default graph, derived again afterwards) and write what it then holds to ``out``.

    Raises SyntaxError for an update that does not parse.
    """
    scratch, before = ox.Store(), ox.Store()
    for store in (scratch, before):
        store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        add_union(store)
    scratch.update(sparql_update)
    rederive_union(scratch, before)
    with out.open("wb") as fh:
        ox.serialize(dataset_quads(scratch), fh, ox.RdfFormat.N_QUADS)
