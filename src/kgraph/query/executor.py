"""Where queries run, chosen once when the app is created.

- :class:`ProcessExecutor`: worker processes over the embedded store
  (``query_workers`` > 0, the default). A query past ``query_timeout_s`` is
  killed with its process, so the CPU is really freed.
- :class:`ThreadExecutor`: a thread per query (a remote store, whose time limit
  is its HTTP timeout; or ``query_workers = 0``). A query past the limit is
  answered 503 and abandoned: its thread runs on until the engine returns.

Both take a :class:`~kgraph.query.protocol.QueryRequest` and give an
:class:`~kgraph.query.answer.Answer`. Call :meth:`QueryExecutor.answer` on the
event loop.

On a thread, pyoxigraph results must be used on the thread that made them, so
the query, the choice of format and the serialisation all happen on the job's
thread (:func:`kgraph.query.answer.answer`); the response starts as soon as
the first 64 KiB are ready, memory stays bounded whatever the result size, and
a client that goes away stops the serialiser.
"""

from __future__ import annotations

import abc
import dataclasses
import io
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import IO, cast

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from kgraph.errors import KgraphError, QueryTimeout, StoreError
from kgraph.query.answer import CHUNK, Answer, AnswerHead, ChunkWriter, answer
from kgraph.query.lane import anchors, within
from kgraph.query.pool import Caller, PoolPolicy, WorkerPool
from kgraph.query.protocol import QueryRequest
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.store.embedded import EmbeddedStore

log = logging.getLogger(__name__)


class QueryExecutor(abc.ABC):
    """Runs :class:`QueryRequest` s within the time limit."""

    timeout_s: float

    @abc.abstractmethod
    async def answer(self, req: QueryRequest, caller: Caller | None = None) -> Answer:
        """Answer ``req`` for ``caller`` up to its first chunk (the time limit counts from
        ``caller.arrived``). Raises KgraphError, QueryTimeout."""

    def admits(self, req: QueryRequest, rows: int | None = None) -> bool:
        """Whether ``req`` is bounded before it runs to ``rows`` (default: the inline lane's
        limit) and may be answered in-process (:mod:`kgraph.query.lane`)."""
        return False

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Start resources (the app's lifespan calls this, on the event loop)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Stop and release resources; running queries are answered 503."""

    def pids(self) -> list[int]:
        """Process ids of worker processes (none for threads)."""
        return []


# -- queries on threads ----------------------------------------------------------

_DONE = object()
Work = Callable[[Callable[[AnswerHead], None], IO[bytes]], None]


class _Cancelled(Exception):
    pass


def _drop_frames(exc: BaseException | None) -> None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


class QueryJob:
    """One query on its own thread: ``start()`` gives the head, then chunks follow.

    ``work(on_head, out)`` calls ``on_head`` once, then writes the body to ``out``.
    """

    def __init__(
        self, work: Work, timed_out: str = "the query was stopped at the time limit"
    ) -> None:
        self._q: queue.Queue[object] = queue.Queue(maxsize=8)
        self._cancelled = threading.Event()
        self._finished = False
        self._deadline: float | None = None  # from start(): the rest is held to it too
        self.timed_out = timed_out  # the message of a QueryTimeout past the deadline
        self._thread = threading.Thread(target=self._work, args=(work,), daemon=True)
        self._thread.start()

    def _put(self, item: object) -> None:
        while True:
            if self._cancelled.is_set():
                raise _Cancelled
            try:
                self._q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _work(self, work: Work) -> None:
        try:
            writer = ChunkWriter(self._put)
            work(self._put, cast(IO[bytes], writer))
            writer.flush()
            self._put(_DONE)
        except _Cancelled:
            return
        except BaseException as exc:  # handed to the reader, which raises or logs it
            if not isinstance(exc, KgraphError):
                log.exception("query job failed")
            _drop_frames(exc)  # the frames hold the result, which must die on this thread
            try:
                self._put(exc)
            except _Cancelled:
                return

    def _next(self, deadline: float | None = None) -> object:
        try:
            if deadline is None:
                item = self._q.get()
            else:
                item = self._q.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.cancel()
            raise QueryTimeout("timeout") from None
        if item is _DONE:
            self._finished = True
            return None
        if isinstance(item, KgraphError):
            self._finished = True
            raise item
        if isinstance(item, BaseException):
            self._finished = True
            raise StoreError(f"query evaluation failed: {item}") from item
        return item

    def start(self, deadline: float | None = None) -> tuple[AnswerHead, bytes, bool]:
        """Block until the result begins: (head, first chunk, complete).

        Raises the KgraphError the query or the negotiation raised, QueryTimeout
        (message ``timeout``, to be reworded by the caller) past ``deadline``.
        """
        self._deadline = deadline
        head = self._next(deadline)
        assert isinstance(head, AnswerHead)
        chunk = self._next(deadline)
        if chunk is None:
            return head, b"", True
        assert isinstance(chunk, bytes)
        if len(chunk) < CHUNK:  # only the final flush is short: the end follows
            self._next(deadline)
            return head, chunk, True
        return head, chunk, False

    def rest(self) -> Iterator[bytes]:
        """The chunks after the first. An error mid-stream (a limit) is raised: the head is
        sent, so it ends the transfer incomplete, never as a shorter answer that looks whole
        (the server logs it: one warning line for a limit, web/errors.py)."""
        try:
            while not self._finished:
                try:
                    chunk = self._next(self._deadline)
                except QueryTimeout:  # the thread stops at its next write (cancelled)
                    raise QueryTimeout(self.timed_out) from None
                if chunk is None:
                    return
                assert isinstance(chunk, bytes)
                yield chunk
        finally:
            self.cancel()

    def cancel(self) -> None:
        self._cancelled.set()


class _JobAnswer:
    def __init__(self, job: QueryJob, head: AnswerHead, first: bytes, complete: bool) -> None:
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

    async def answer(self, req: QueryRequest, caller: Caller | None = None) -> Answer:
        arrived = caller.arrived if caller is not None else time.monotonic()
        return await run_in_threadpool(self._start, req, arrived + self.timeout_s)

    def _start(self, req: QueryRequest, deadline: float) -> Answer:
        job = QueryJob(
            lambda on_head, out: answer(self.store, req, on_head, out),
            f"the query was stopped at the time limit of {self.timeout_s:g} s",
        )
        try:
            head, first, complete = job.start(deadline)
        except QueryTimeout:
            if self._on_timeout is not None:
                self._on_timeout()
            raise QueryTimeout(job.timed_out) from None
        except BaseException:
            job.cancel()
            raise
        return _JobAnswer(job, head, first, complete)


# -- queries in worker processes ---------------------------------------------------


class _InlineAnswer:
    """A whole answer made in this process (see :class:`~kgraph.query.answer.Answer`)."""

    complete = True

    def __init__(self, head: AnswerHead, body: bytes) -> None:
        self.head, self.first = head, body

    async def rest(self) -> AsyncIterator[bytes]:
        return
        yield b""  # pragma: no cover - an empty async generator

    def close(self) -> None:
        """Nothing to stop."""


class ProcessExecutor(QueryExecutor):
    """Queries in a :class:`~kgraph.query.pool.WorkerPool`, killed at their limits; those
    whose cost is bounded before they run (:mod:`kgraph.query.lane`) answered inline."""

    def __init__(
        self, pool: WorkerPool, store: EmbeddedStore | None = None, fast_lane_rows: int = 0
    ) -> None:
        self.pool, self.store = pool, store
        self.timeout_s = pool.timeout_s
        self.fast_lane_rows = fast_lane_rows
        self.inline = 0  # queries answered inline (for the metrics and the tests)

    async def answer(self, req: QueryRequest, caller: Caller | None = None) -> Answer:
        if self.store is not None and self.admits(req):
            self.inline += 1
            if 0 < self.fast_lane_rows <= req.max_rows:  # it cannot reach the cap
                req = dataclasses.replace(req, max_rows=0)  # the engine's own writer
            return self._inline(req, self.store)
        return await self.pool.run(req, caller)

    def admits(self, req: QueryRequest, rows: int | None = None) -> bool:
        store, limit = self.store, self.fast_lane_rows if rows is None else rows
        if store is None or not limit:
            return False
        found = anchors(req.query, req.base_iri)
        return found is not None and within(found, store.degree, limit)

    @staticmethod
    def _inline(req: QueryRequest, store: EmbeddedStore) -> Answer:
        heads: list[AnswerHead] = []
        out = io.BytesIO()
        answer(store, req, heads.append, out)
        return _InlineAnswer(heads[0], out.getvalue())

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    def pids(self) -> list[int]:
        return self.pool.pids()


def make_executor(
    settings: Settings, store: GraphStore, on_timeout: Callable[[], None] | None = None
) -> QueryExecutor:
    """Worker processes for an embedded store (unless ``query_workers = 0``), else threads."""
    limits = settings.limits
    if limits.query_workers > 0 and isinstance(store, EmbeddedStore):
        policy = PoolPolicy(
            max_workers=limits.query_workers_max,
            short_lane=min(limits.query_short_lane, limits.query_workers_max - 1),
            short_query_s=limits.short_query_s,
            spare=limits.query_workers,
            timeout_s=limits.query_timeout_s,
            memory_mb=limits.query_memory_mb,
            memory_budget_mb=limits.query_memory_budget_mb,
            retire_mb=limits.worker_retire_mb,
            client_max=limits.client_max_queries,
            client_seconds=limits.client_query_seconds,
            network=bool(limits.outbound_allow),
        )
        pool = WorkerPool(store.root, policy, on_timeout)
        return ProcessExecutor(pool, store, limits.fast_lane_rows)
    return ThreadExecutor(store, limits.query_timeout_s, on_timeout)
