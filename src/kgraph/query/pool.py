"""A pool of query worker processes that can be killed when a query runs too long.

Each worker (:mod:`kgraph.query.worker`) opens the embedded store read-only,
and for each request runs :func:`kgraph.query.answer.answer` (the query AND the
serialisation), streaming frames back over its stdout pipe
(:mod:`kgraph.query.framing`).

A query is leased a worker until a deadline. A watchdog thread kills (SIGKILL)
any worker still leased at its deadline, which frees the CPU at once; the
reader then sees the pipe close and raises :class:`~kgraph.errors.QueryTimeout`.
``spare`` idle workers are kept started; when all are busy the pool grows one
worker at a time, up to ``max_workers``, and a waiting query takes whichever
worker is free first (within its own time limit). The server side runs on the
event loop: the pipes are non-blocking and frames are awaited.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import anyio.to_thread

from kgraph.errors import KgraphError, QueryTimeout, StoreError, StoreUnavailable
from kgraph.query import framing
from kgraph.query.answer import CHUNK, AnswerHead
from kgraph.query.process import Worker
from kgraph.query.protocol import QueryRequest

log = logging.getLogger(__name__)
IDLE_RETIRE_S = 60.0  # idle workers beyond the spares exit after this long
DEPRIORITISE_AFTER_S = 0.5  # a query running longer gets a lower priority (nice 10)
TICK_S = 0.05  # the watchdog's round: deadlines are kept to within this
STARTUP_S = 30.0  # a new worker has this long to open the store
TAKE_STARTING_AFTER_S = 2.0  # a query waits this long for a started worker before a new one


class PoolAnswer:
    """An answer streamed from a leased worker (see :class:`kgraph.query.answer.Answer`)."""

    def __init__(self, pool: WorkerPool, worker: Worker, timeout_msg: str) -> None:
        self._pool, self._worker, self._timeout_msg = pool, worker, timeout_msg
        self._done = False
        self.head: AnswerHead
        self.first = b""
        self.complete = False

    async def _next(self) -> tuple[bytes, bytes]:
        return self._check(*await self._worker.frame())

    def _check(self, kind: bytes, payload: bytes) -> tuple[bytes, bytes]:
        if kind == b"":
            self._finish(healthy=False)
            if self._worker.timed_out:
                raise QueryTimeout(self._timeout_msg)
            raise StoreError("the query worker died while answering (see the server log)")
        if kind == b"X":
            self._finish(healthy=True)
            raise framing.error_from_payload(payload)
        return kind, payload

    async def start(self, req: QueryRequest) -> None:
        if not self._worker.ready:  # its start-up does not count against the query's limit
            kind, _ = await self._next()
            if kind != b"R":
                self._finish(healthy=False)
                raise StoreError(f"query worker sent {kind!r} before it was ready")
            self._worker.ready = True
            self._pool.restart_clock(self._worker)
        self._worker.send(req)
        kind, payload = await self._next()
        if kind != b"H":
            self._finish(healthy=False)
            raise StoreError(f"query worker sent {kind!r} instead of a head")
        self.head = AnswerHead.from_json(payload)
        kind, payload = await self._next()
        if kind == b"E":
            self._finish(healthy=True)
            self.complete = True
            return
        self.first = payload
        if len(payload) < CHUNK:  # only the final chunk is short: the end follows
            kind, _ = await self._next()
            self._finish(healthy=kind == b"E")
            self.complete = True

    async def rest(self) -> AsyncIterator[bytes]:
        try:
            while not self._done:
                try:
                    kind, payload = await self._next()
                except KgraphError as exc:
                    log.error("query failed after the response had started: %s", exc)
                    raise  # ends the body abruptly: the client sees an incomplete transfer
                if kind == b"E":
                    self._finish(healthy=True)
                    return
                yield payload
        finally:
            self.close()

    def close(self) -> None:
        if not self._done:  # mid-answer: the worker cannot be resynchronised
            self._worker.kill()
            self._finish(healthy=False)

    def _finish(self, *, healthy: bool) -> None:
        if not self._done:
            self._done = True
            self._pool.release(self._worker, healthy=healthy)


class WorkerPool:
    """Query worker processes over one embedded store directory.

    ``on_timeout`` is called (on the watchdog thread) for every query killed.
    """

    def __init__(
        self,
        store_root: Path,
        *,
        spare: int = 1,
        max_workers: int = 8,
        timeout_s: float = 10.0,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        self.store_root = Path(store_root)
        self.spare = max(1, spare)
        self.max_workers = max(self.spare, max_workers)
        self.timeout_s = timeout_s
        self._on_timeout = on_timeout
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: dict[Worker, float] = {}
        self._closed = False
        self._waiting = 0  # queries waiting in _acquire for a worker
        self._spawning = 0  # worker processes being created (outside the lock)
        self._stop = threading.Event()  # the watchdog sleeps on it between rounds
        self._watchdog: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        """Start the spare workers and the watchdog (idempotent; also done lazily)."""
        with self._cond:
            if self._closed:  # reopened (an app's lifespan may run more than once)
                self._closed, self._watchdog = False, None
                self._stop.clear()
            if self._watchdog is not None:
                return
            self._top_up()
            self._watchdog = threading.Thread(
                target=self._watch, name="kgraph-query-watchdog", daemon=True
            )
            self._watchdog.start()

    def close(self) -> None:
        """Stop every worker (busy ones are killed)."""
        with self._cond:
            self._closed = True
            self._stop.set()
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
            self._cond.notify_all()
        for w in idle:
            w.retire()
        for w in busy:
            w.kill()

    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        with self._cond:
            return [w.pid for w in (*self._idle, *self._busy)]

    # -- queries -------------------------------------------------------------

    async def run(self, req: QueryRequest) -> PoolAnswer:
        """Start answering ``req`` on a worker, up to the head and first chunk.

        Runs on the event loop: an idle worker is taken at once, and only when
        none is idle does a thread wait for one. Raises QueryTimeout (503) past
        the time limit, the query's own KgraphError, StoreError if the worker died.
        """
        limit = f"the query was stopped at the time limit of {self.timeout_s:g} s"
        deadline = time.monotonic() + self.timeout_s
        worker = self._acquire_idle(deadline)
        if worker is None:
            worker = await anyio.to_thread.run_sync(self._acquire, deadline)
        ans = PoolAnswer(self, worker, limit)
        try:
            await ans.start(req)
        except BaseException:
            ans.close()
            raise
        return ans

    def _acquire_idle(self, deadline: float) -> Worker | None:
        """An idle worker, leased until ``deadline``, or None (nothing started or waited for)."""
        if self._watchdog is None:
            return None
        with self._cond:
            worker = self._take_ready()
            return self._lease(worker, deadline) if worker is not None else None

    def _take_ready(self) -> Worker | None:
        """The most recently used idle worker that has started (lock held)."""
        if self._closed:
            return None
        for i in range(len(self._idle) - 1, -1, -1):
            if self._idle[i].ready:
                return self._idle.pop(i)
        return None

    def _acquire(self, deadline: float) -> Worker:
        if self._watchdog is None:
            self.start()
        started = time.monotonic()
        with self._cond:
            self._waiting += 1
            try:
                return self._acquire_locked(deadline, started)
            finally:
                self._waiting -= 1

    def _acquire_locked(self, deadline: float, started: float) -> Worker:
        """The body of :meth:`_acquire` (lock held)."""
        while True:
            if self._closed:
                raise StoreUnavailable("the server is shutting down")
            for w in self._idle:
                w.poll_ready()
                if w.failed is not None:  # say why, rather than wait for the limit
                    self._idle.remove(w)
                    w.kill()
                    raise w.failed
            worker = self._take_ready()
            if worker is not None:
                break
            # A busy worker usually frees up long before a new one has started (a
            # lookup takes a millisecond, a start a few hundred ms of CPU): grow the pool
            # one worker at a time while queries wait, and take whichever is ready first.
            starting = self._spawning + sum(1 for w in self._idle if not w.ready)
            if starting == 0 and self._count() < self.max_workers:
                self._grow()
            now = time.monotonic()
            if self._idle and now - started >= TAKE_STARTING_AFTER_S:
                worker = self._idle.pop()  # still starting: the query waits for it
                break
            left = deadline - now
            if left <= 0:
                raise QueryTimeout(
                    f"all {self.max_workers} query workers stayed busy for the time limit "
                    f"of {self.timeout_s:g} s; try again later"
                )
            self._cond.wait(min(left, TICK_S))
        return self._lease(worker, deadline)

    def _lease(self, worker: Worker, deadline: float) -> Worker:
        """Mark ``worker`` busy until ``deadline`` (lock held); spares are topped up by the
        watchdog, so that the event loop never waits for a process to start."""
        self._busy[worker] = deadline if worker.ready else time.monotonic() + STARTUP_S
        worker.leased_at = time.monotonic()
        return worker

    def restart_clock(self, worker: Worker) -> None:
        """The worker has started: its query's time limit counts from now."""
        with self._cond:
            if worker in self._busy:
                now = time.monotonic()
                self._busy[worker] = now + self.timeout_s
                worker.leased_at = now

    def release(self, worker: Worker, *, healthy: bool) -> None:
        with self._cond:
            if self._busy.pop(worker, None) is None:
                return  # already taken back by the watchdog
            if worker.niced:  # back to normal priority, or replaced if that is not allowed
                try:
                    os.setpriority(os.PRIO_PROCESS, worker.pid, 0)
                    worker.niced = False
                except OSError:
                    healthy = False
            if healthy and not self._closed and worker.proc.poll() is None:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                self._cond.notify_all()
                return
            self._cond.notify_all()  # a waiter may start a new worker; the watchdog tops up
        worker.kill()

    def _top_up(self) -> None:
        """Start workers until ``spare`` are idle (lock held)."""
        while (
            not self._closed
            and len(self._idle) + self._spawning < self.spare
            and self._count() < self.max_workers
        ):
            self._grow()

    def _count(self) -> int:
        """Workers running or starting (lock held)."""
        return len(self._idle) + len(self._busy) + self._spawning

    def _grow(self) -> None:
        """Start one more idle worker (lock held, but let go while the process is created:
        releasing and leasing workers on the event loop must not wait for a fork)."""
        self._spawning += 1
        self._cond.release()
        try:
            worker = Worker(self.store_root)
        finally:
            self._cond.acquire()
            self._spawning -= 1
        if self._closed:  # closed meanwhile: nobody else will stop it
            worker.kill()
            return
        self._idle.append(worker)
        self._cond.notify_all()

    def _watch(self) -> None:
        while True:
            expired: list[Worker] = []
            retired: list[Worker] = []
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                for w, deadline in list(self._busy.items()):
                    if deadline <= now:
                        w.timed_out = True
                        del self._busy[w]
                        expired.append(w)
                    elif not w.niced and w.ready and now - w.leased_at >= DEPRIORITISE_AFTER_S:
                        w.niced = True
                        with contextlib.suppress(OSError):
                            os.setpriority(os.PRIO_PROCESS, w.pid, 10)
                while len(self._idle) > self.spare and (
                    now - self._idle[0].idle_since > IDLE_RETIRE_S
                ):
                    retired.append(self._idle.pop(0))
                became_ready = False
                for w in list(self._idle):
                    if not w.ready:
                        w.poll_ready()
                        became_ready = became_ready or w.ready
                    if w.failed is None and w.proc.poll() is not None:  # died while idle
                        self._idle.remove(w)
                        retired.append(w)
                if became_ready:
                    self._cond.notify_all()
                if expired or retired or len(self._idle) < self.spare:
                    self._top_up()
                    self._cond.notify_all()
            for w in expired:
                log.warning("query worker %d killed at the limit (%g s)", w.pid, self.timeout_s)
                if self._on_timeout is not None:  # counted before the client can see the 503
                    self._on_timeout()
                w.kill()
            for w in retired:
                w.retire()
            if self._stop.wait(TICK_S):
                return
