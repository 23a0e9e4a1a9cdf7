"""The query worker pool: never more processes than its bound, the lanes, the per-client
limits, memory and time limits that end one query alone, and a clear reason when a worker
cannot start. Driven on one event loop, against real worker processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from kgraph.errors import (
    QueryMemoryExceeded,
    QueryTimeout,
    ServerBusy,
    StoreUnavailable,
    TooManyRequests,
)
from kgraph.query.pool import Caller, PoolPolicy, WorkerPool
from kgraph.query.protocol import QueryRequest, choose_formats
from kgraph.store.embedded import EmbeddedStore

from .conftest import BASE

JSON = choose_formats(None, "application/sparql-results+json", False)
ASK = QueryRequest("ASK { ?s ?p ?o }", formats=JSON)
# A cross product that runs for minutes, and one that builds a large hash set.
SLOW = QueryRequest(
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", formats=JSON
)
BIG = QueryRequest(
    "SELECT (COUNT(DISTINCT CONCAT(STR(?c), STR(?f))) AS ?n) { ?a ?b ?c . ?d ?e ?f }", formats=JSON
)
T = TypeVar("T")


async def until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll ``check`` on the loop (the pool works on it too) until true, or fail."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.01)


@pytest.fixture()
def store_root(tmp_path: Path) -> Path:
    ttl = tmp_path / "a.ttl"
    ttl.write_text(
        "".join(
            f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n' for i in range(400)
        ),
        encoding="utf-8",
    )
    EmbeddedStore(tmp_path / "store", writable=True).replace([ttl], base_iri=BASE)
    return tmp_path / "store"


def on_a_pool(root: Path, policy: PoolPolicy, body: Callable[[WorkerPool], Awaitable[T]]) -> T:
    async def main() -> T:
        pool = WorkerPool(root, policy)
        await pool.start()
        try:
            return await body(pool)
        finally:
            await pool.close()
            assert pool.pids() == [] and pool.process_count() == 0

    return asyncio.run(main())


async def _ask(pool: WorkerPool, client: str = "a") -> bytes:
    answer = await pool.run(ASK, Caller(client))
    assert answer.complete
    return answer.first


def test_queries_one_after_another_or_at_once_stay_within_the_bound(store_root: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        assert b"true" in await _ask(pool)
        for _ in range(5):
            await _ask(pool)
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, pool.process_count())
                await asyncio.sleep(0.005)

        watcher = asyncio.create_task(watch())
        answers = await asyncio.gather(*(_ask(pool, f"c{i}") for i in range(12)))
        watcher.cancel()
        assert all(b"true" in a for a in answers)
        assert 1 <= peak <= 3

    on_a_pool(store_root, PoolPolicy(max_workers=3, short_lane=1, timeout_s=30), body)


def test_a_worker_that_cannot_open_the_store_says_why(tmp_path: Path) -> None:
    empty = tmp_path / "never-built"

    async def body(pool: WorkerPool) -> None:
        with pytest.raises(StoreUnavailable) as caught:
            await _ask(pool)
        assert not isinstance(caught.value, QueryTimeout)  # the reason, not the time limit
        assert "kgraph build" in str(caught.value) and str(empty) in str(caught.value)

    on_a_pool(empty, PoolPolicy(max_workers=2, short_lane=1, timeout_s=30), body)


def test_the_time_limit_counts_from_arrival_and_kills_the_worker(store_root: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        assert b"true" in await _ask(pool)  # a worker is ready
        sent = time.monotonic()
        arrived = sent - 2.0  # as if it had waited 2 s in the server before reaching the pool
        with pytest.raises(QueryTimeout, match="time limit of 3 s"):
            await pool.run(SLOW, Caller("a", arrived))
        assert time.monotonic() - sent < 3.0  # stopped before a whole limit from here
        assert b"true" in await _ask(pool)  # the pool goes on

    on_a_pool(store_root, PoolPolicy(max_workers=3, short_lane=1, timeout_s=3), body)


def test_per_client_concurrency_is_429_and_others_go_on(store_root: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        heavy = [asyncio.create_task(pool.run(SLOW, Caller("greedy"))) for _ in range(2)]
        await until(lambda: sum(pool.queries()) == 2, "both greedy queries admitted")
        with pytest.raises(TooManyRequests) as refused:
            await pool.run(SLOW, Caller("greedy"))
        assert refused.value.retry_after == 1
        assert b"true" in await _ask(pool, "polite")
        for task in heavy:
            task.cancel()
        await asyncio.gather(*heavy, return_exceptions=True)

    policy = PoolPolicy(max_workers=4, short_lane=1, timeout_s=20, client_max=2)
    on_a_pool(store_root, policy, body)


def test_a_young_query_without_a_long_slot_is_stopped_busy(store_root: Path) -> None:
    """One long slot: the first slow query takes it; the second, from another client,
    gets the short lane and is stopped busy when it grows old; simple ones still answer."""

    async def body(pool: WorkerPool) -> None:
        first = asyncio.create_task(pool.run(SLOW, Caller("x")))
        await until(lambda: pool.queries()[1] == 1, "the first query in the long slot")
        with pytest.raises(ServerBusy) as busy:
            await pool.run(SLOW, Caller("y"))
        assert busy.value.retry_after == 2 and "slots for long queries" in str(busy.value)
        assert b"true" in await _ask(pool, "z")
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)

    policy = PoolPolicy(max_workers=2, short_lane=1, short_query_s=0.2, timeout_s=20)
    on_a_pool(store_root, policy, body)


def test_a_query_over_its_memory_limit_ends_alone(store_root: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        with pytest.raises(QueryMemoryExceeded, match="memory"):
            await pool.run(BIG, Caller("a"))
        assert b"true" in await _ask(pool, "b")

    policy = PoolPolicy(max_workers=3, short_lane=1, timeout_s=30, memory_mb=24, retire_mb=4096)
    on_a_pool(store_root, policy, body)


def test_a_client_whose_query_outgrew_the_short_lane_waits_behind_light_ones(
    store_root: Path,
) -> None:
    """A bounced client is marked heavy for a minute: its next query no longer takes the
    short lane, and a light client's question gets it at once."""

    async def body(pool: WorkerPool) -> None:
        blocker = asyncio.create_task(pool.run(SLOW, Caller("first")))  # holds the long slot
        await until(lambda: pool.queries()[1] == 1, "the blocker in the long slot")
        with pytest.raises(ServerBusy):
            await pool.run(SLOW, Caller("heavy"))  # bounced from the short lane
        assert pool.usage.is_heavy("heavy", time.monotonic())
        assert not pool.usage.is_heavy("light", time.monotonic())
        waiting = asyncio.create_task(pool.run(SLOW, Caller("heavy")))  # no short lane now
        await until(lambda: pool.queries()[2] == 1, "the heavy client's query waiting")
        assert b"true" in await _ask(pool, "light")
        assert not waiting.done()  # still waiting for a long slot
        for task in (blocker, waiting):
            task.cancel()
        await asyncio.gather(blocker, waiting, return_exceptions=True)

    policy = PoolPolicy(max_workers=2, short_lane=1, short_query_s=0.2, timeout_s=20)
    on_a_pool(store_root, policy, body)
