"""The query worker pool: leases ready workers, grows under waiting queries up to its
bound, and says why a worker cannot start instead of running into the time limit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kgraph.errors import QueryTimeout, StoreUnavailable
from kgraph.query.pool import WorkerPool
from kgraph.query.protocol import QueryRequest, choose_formats
from kgraph.store.embedded import EmbeddedStore

from .conftest import BASE
from .servers import wait_until

ASK = QueryRequest(
    "ASK { ?s ?p ?o }", formats=choose_formats(None, "application/sparql-results+json", False)
)


@pytest.fixture()
def store_root(tmp_path: Path) -> Path:
    ttl = tmp_path / "a.ttl"
    ttl.write_text('<http://example.org/a> <http://example.org/p> "x" .', encoding="utf-8")
    EmbeddedStore(tmp_path / "store", writable=True).replace([ttl], base_iri=BASE)
    return tmp_path / "store"


async def _ask(pool: WorkerPool) -> bytes:
    answer = await pool.run(ASK)
    assert answer.complete
    return answer.first


def test_queries_one_after_another_or_at_once_stay_within_the_bound(
    store_root: Path,
) -> None:
    pool = WorkerPool(store_root, spare=1, max_workers=2, timeout_s=30)
    pool.start()
    try:
        first = asyncio.run(_ask(pool))
        assert b"true" in first

        async def sequential() -> None:
            for _ in range(5):
                await _ask(pool)

        asyncio.run(sequential())
        assert len(pool.pids()) <= 2  # the spare, and one topped up while it was leased

        async def concurrent() -> list[bytes]:
            return await asyncio.gather(*(_ask(pool) for _ in range(12)))

        assert all(b"true" in body for body in asyncio.run(concurrent()))
        assert 1 <= len(pool.pids()) <= 2
    finally:
        pool.close()
    wait_until(lambda: not pool.pids(), 10, "the workers to stop")


def test_a_worker_that_cannot_open_the_store_says_why(tmp_path: Path) -> None:
    empty = tmp_path / "never-built"
    pool = WorkerPool(empty, spare=1, max_workers=2, timeout_s=30)
    pool.start()
    try:
        with pytest.raises(StoreUnavailable) as caught:
            asyncio.run(_ask(pool))
        assert not isinstance(caught.value, QueryTimeout)  # the reason, not the time limit
        assert "kgraph build" in str(caught.value) and str(empty) in str(caught.value)
    finally:
        pool.close()
