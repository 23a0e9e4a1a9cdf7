"""The inline lane: only queries whose cost is bounded before they run skip the worker pool,
and they answer exactly what a worker answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kgraph.query.executor import ProcessExecutor
from kgraph.query.lane import anchors, within
from kgraph.query.pool import Caller, PoolPolicy, WorkerPool
from kgraph.query.protocol import QueryRequest, choose_formats
from kgraph.store.embedded import EmbeddedStore

from .conftest import BASE

X = "http://x/"
HUB = f"<{X}hub>"
SMALL = f"<{X}a>"

# (query, admitted by the parser?)
TABLE = [
    (f"SELECT ?o WHERE {{ {SMALL} <{X}p> ?o }}", True),
    (f"DESCRIBE {SMALL}", True),
    (f"PREFIX x: <{X}> SELECT * WHERE {{ x:a x:p ?o ; x:q ?r . OPTIONAL {{ x:a x:r ?z }} }}", True),
    (f"SELECT ?s WHERE {{ ?s a <{X}C> }}", True),  # bounded by its object
    (f"SELECT ?l {{ VALUES ?x {{ {SMALL} {HUB} }} ?x <{X}label> ?l }}", True),
    (f"SELECT (COUNT(*) AS ?n) WHERE {{ {SMALL} ?p ?o }} GROUP BY ?p ORDER BY ?n", True),
    (f"SELECT ?o WHERE {{ {SMALL} <{X}p>|<{X}q> ?o }}", True),
    (f"SELECT ?z WHERE {{ {SMALL} <{X}p> ?o . ?o <{X}q> ?z }}", True),  # ?o bound by the first
    ("ASK {}", True),
    ("SELECT * WHERE { ?s ?p ?o }", False),
    (f"SELECT * WHERE {{ {SMALL} <{X}p>+ ?o }}", False),
    (f"SELECT * WHERE {{ {SMALL} <{X}p>/<{X}q> ?o }}", False),
    (f"SELECT * WHERE {{ {SMALL} <{X}p> [ <{X}q> ?o ] }}", False),
    (f"SELECT * WHERE {{ {{ SELECT ?o WHERE {{ {SMALL} <{X}p> ?o }} }} }}", False),
    (f"SELECT * WHERE {{ {SMALL} <{X}p> ?o FILTER EXISTS {{ ?o ?q ?r }} }}", False),
    (f"SELECT * WHERE {{ SERVICE <{X}s> {{ {SMALL} ?p ?o }} }}", False),
    ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", False),
    (f"DESCRIBE ?s WHERE {{ ?s a <{X}C> }}", False),
    (f"INSERT DATA {{ {SMALL} <{X}p> 1 }}", False),
]


@pytest.mark.parametrize(("query", "admitted"), TABLE)
def test_which_queries_the_parser_can_bound(query: str, admitted: bool) -> None:
    assert (anchors(query) is not None) is admitted


def test_the_table_has_both_kinds() -> None:
    assert len(TABLE) == 19 and sum(a for _, a in TABLE) == 9


def test_within_counts_the_product_over_patterns() -> None:
    degrees = {("s", "a"): 3, ("s", "b"): 4, ("o", "C"): 10, ("S", ""): 7}
    counted: list[tuple[str, str, int]] = []

    def degree(position: str, iri: str, cap: int) -> int:
        counted.append((position, iri, cap))
        return min(degrees[(position, iri)], cap + 1)

    assert within([(("s", ("a",)), 2)], degree, 9)  # 3 x 3
    assert not within([(("s", ("a",)), 2)], degree, 8)
    assert within([(("s", ("a", "b")), 1), (("o", ("C",)), 1)], degree, 70)  # (3+4) x 10
    assert not within([(("s", ("a", "b")), 1), (("o", ("C",)), 1)], degree, 69)
    assert within([(("o", ("C",)), 1), (("S", ()), 1)], degree, 70)
    counted.clear()
    assert not within([(("o", ("C",)), 1)], degree, 5)
    assert counted == [("o", "C", 5)]  # counted no further than the limit needs


@pytest.fixture()
def store(tmp_path: Path) -> EmbeddedStore:
    ttl = tmp_path / "d.ttl"
    ttl.write_text(
        f"{SMALL} <{X}p> {SMALL}, <{X}b> ; <{X}label> 'a' .\n"
        + "".join(f"{HUB} <{X}p> <{X}n{i}> .\n" for i in range(3000)),
        encoding="utf-8",
    )
    s = EmbeddedStore(tmp_path / "store", writable=True)
    s.replace([ttl], base_iri=BASE)
    return EmbeddedStore(tmp_path / "store")


def test_bounded_queries_are_answered_inline_and_as_a_worker_would(store: EmbeddedStore) -> None:
    formats = choose_formats(None, "application/sparql-results+json", False)

    async def run() -> None:
        pool = WorkerPool(store.root, PoolPolicy(max_workers=2, short_lane=1, timeout_s=30))
        inline = ProcessExecutor(pool, store, fast_lane_rows=1000)
        workers = ProcessExecutor(pool, store, fast_lane_rows=0)
        await inline.start()
        try:
            for query, expect_inline in [
                (f"SELECT ?o WHERE {{ {SMALL} <{X}p> ?o }} ORDER BY ?o", True),
                (f"SELECT (COUNT(*) AS ?n) WHERE {{ {HUB} <{X}p> ?o }}", False),  # 3,000 rows
                (f"SELECT ?o WHERE {{ {SMALL} <{X}p> ?x . ?x <{X}p> ?o }} ORDER BY ?o", False),
                ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", False),
            ]:
                req = QueryRequest(query, formats=formats)
                before = inline.inline
                a = await inline.answer(req, Caller("t"))
                b = await workers.answer(req, Caller("t"))
                assert (inline.inline > before) is expect_inline, query
                assert a.first == b.first and a.head.format is b.head.format, query
        finally:
            await inline.close()

    asyncio.run(run())
