"""Where ``/sparql`` queries run, chosen once when the app is created.

- :class:`ProcessExecutor`: worker processes over the embedded store
  (``query_workers`` > 0, the default). A query past ``query_timeout_s`` is
  killed with its process, so the CPU is really freed.
- :class:`ThreadExecutor`: a thread per query (a remote store, whose time limit
  is its HTTP timeout; or ``query_workers = 0``). A query past the limit is
  answered 503 and abandoned: its thread runs on until the engine returns.

Call :meth:`QueryExecutor.answer` on the event loop.
"""

from __future__ import annotations

import abc
import time
from collections.abc import AsyncIterator, Callable

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from kgraph.errors import QueryTimeout
from kgraph.query.answer import Answer, Head, QuerySpec, answer
from kgraph.query.jobs import QueryJob
from kgraph.query.pool import WorkerPool
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.store.embedded import EmbeddedStore


class QueryExecutor(abc.ABC):
    """Runs :class:`QuerySpec` s within the time limit."""

    timeout_s: float

    @abc.abstractmethod
    async def answer(self, spec: QuerySpec) -> Answer:
        """Answer ``spec`` up to its first chunk. Raises KgraphError, QueryTimeout."""

    def open(self) -> None:  # noqa: B027 - optional hook
        """Start resources (the app's lifespan calls this)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop and release resources."""

    def pids(self) -> list[int]:
        """Process ids of worker processes (none for threads)."""
        return []


class _JobAnswer:
    def __init__(self, job: QueryJob, head: Head, first: bytes, complete: bool) -> None:
        self._job, self.head, self.first, self.complete = job, head, first, complete

    def rest(self) -> AsyncIterator[bytes]:
        return iterate_in_threadpool(self._job.rest())

    def close(self) -> None:
        self._job.cancel()


class ThreadExecutor(QueryExecutor):
    """Queries on threads of this process; the limit abandons, it cannot kill."""

    def __init__(
        self, store: GraphStore, timeout_s: float, on_timeout: Callable[[], None] | None = None
    ) -> None:
        self.store, self.timeout_s, self._on_timeout = store, timeout_s, on_timeout

    async def answer(self, spec: QuerySpec) -> Answer:
        return await run_in_threadpool(self._start, spec)

    def _start(self, spec: QuerySpec) -> Answer:
        deadline = time.monotonic() + self.timeout_s
        job = QueryJob(lambda on_head, out: answer(self.store, spec, on_head, out))
        try:
            head, first, complete = job.start(deadline)
        except QueryTimeout:
            if self._on_timeout is not None:
                self._on_timeout()
            raise QueryTimeout(
                f"the query was stopped at the time limit of {self.timeout_s:g} s"
            ) from None
        except BaseException:
            job.cancel()
            raise
        return _JobAnswer(job, head, first, complete)


class ProcessExecutor(QueryExecutor):
    """Queries in a :class:`~kgraph.query.pool.WorkerPool`; killed at the time limit."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self.timeout_s = pool.timeout_s

    async def answer(self, spec: QuerySpec) -> Answer:
        return await self.pool.run(spec)

    def open(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def pids(self) -> list[int]:
        return self.pool.pids()


def make_executor(
    settings: Settings, store: GraphStore, on_timeout: Callable[[], None] | None = None
) -> QueryExecutor:
    """Worker processes for an embedded store (unless ``query_workers = 0``), else threads."""
    if settings.limits.query_workers > 0 and isinstance(store, EmbeddedStore):
        return ProcessExecutor(
            WorkerPool(
                store.root,
                spare=settings.limits.query_workers,
                max_workers=settings.limits.query_workers_max,
                timeout_s=settings.limits.query_timeout_s,
                on_timeout=on_timeout,
            )
        )
    return ThreadExecutor(store, settings.limits.query_timeout_s, on_timeout)
