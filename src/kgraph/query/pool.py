"""A pool of query worker processes, scheduled so that no query can take the others down.

Each query runs in a worker process (:mod:`kgraph.query.worker`) that the pool
can kill, so a query past its limit stops using CPU and memory at once. The
pool runs on the event loop (state changes only there) with a watchdog task
that looks at every running query each :data:`TICK_S`.

The policy (docs/reliability.md, "Fairness"):

- **Time** counts from the request's arrival, waiting for a worker included.
  At ``timeout_s`` a running query is killed; a waiting one gives up. 503.
- **Memory.** Each worker's data segment is limited by the operating system to
  ``memory_mb`` above its idle size, and the watchdog kills a worker whose
  resident memory passes it, or the biggest running one when all workers
  together pass ``memory_budget_mb``: that query ends with a 503, the others go
  on. A worker that grew past ``retire_mb`` is replaced after its answer.
- **Lanes.** At most ``max_workers`` processes ever run. ``short_lane`` of them
  take only young queries: a query starts there when its client has nothing
  else running; at ``short_query_s`` it moves to a long slot if one is free
  (and runs on at a lower CPU priority), else it is stopped with 503 and
  ``Retry-After``. A client with a query running waits for a long slot. So a
  heavy client fills at most the long slots and a simple question from anyone
  else finds a short slot.
- **Clients.** At most ``client_max`` queries per client running or waiting,
  and ``client_seconds`` of query time per client in any minute; past either,
  429 with ``Retry-After``. Waiting queries are served least-used client first.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kgraph.errors import (
    KgraphError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    TooManyRequests,
)
from kgraph.query.policy import Caller, ClientUsage, KillReason, PoolPolicy
from kgraph.query.process import Worker, WorkerAnswer, WorkerLimits
from kgraph.query.protocol import QueryRequest

log = logging.getLogger(__name__)
TICK_S = 0.05  # the watchdog's round: deadlines and memory are kept to within this
IDLE_RETIRE_S = 60.0  # idle workers beyond the spares exit after this long
NICE_AFTER_S = 0.5  # a long query runs at a lower CPU priority after this long
Lane = Literal["short", "long"]
__all__ = ["Caller", "PoolPolicy", "WorkerPool"]


@dataclass(eq=False)
class Job:
    """One query, from its admission to its release."""

    caller: Caller
    deadline: float
    seq: int
    prefers_short: bool
    lane: Lane = "long"
    worker: Worker | None = None
    started: float = 0.0
    leased: asyncio.Future[Worker] | None = None


class WorkerPool:
    """Query worker processes over one embedded store directory.

    ``on_timeout`` is called for every query stopped at its time limit.
    """

    def __init__(
        self,
        store_root: Path,
        policy: PoolPolicy | None = None,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        self.store_root = Path(store_root)
        self.policy = policy or PoolPolicy()
        self.timeout_s = self.policy.timeout_s
        self.limits = WorkerLimits(self.policy.memory_mb, self.policy.network)
        self._on_timeout = on_timeout
        self._idle: list[Worker] = []  # started and ready, most recently used last
        self._starting = 0
        self._running: dict[Worker, Job] = {}
        self._dying: list[Worker] = []  # killed or retired, not yet reaped
        self._waiting: list[Job] = []
        self._seq = itertools.count()
        self._per_client: dict[str, int] = defaultdict(int)  # running or waiting
        self.usage = ClientUsage(self._live_seconds)
        self._watchdog: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # workers being started
        self._closed = False
        self._failure: KgraphError | None = None  # why workers cannot start

    # -- lifecycle ---------------------------------------------------------

    async def start(self, *, wait: bool = False) -> None:
        """Start the spare workers and the watchdog (idempotent); with ``wait``, until one
        worker is ready (at most 30 s), so that the first queries do not wait for one."""
        if self._watchdog is None or self._watchdog.done():
            self._closed = False
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())
            self._top_up()
        deadline = time.monotonic() + 30
        while wait and self._starting and not self._idle and time.monotonic() < deadline:
            await asyncio.sleep(TICK_S)

    async def close(self) -> None:
        """Answer running queries 503 (their workers are killed), give up waiting ones,
        stop every worker and wait until all have exited."""
        self._closed = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        for job in list(self._waiting):
            self._fail(job, StoreUnavailable("the server is shutting down"))
        for worker in list(self._running):
            self._kill(worker, "shutdown")
        for worker in self._idle:
            worker.retire()
            self._dying.append(worker)
        self._idle.clear()
        deadline = time.monotonic() + 5
        while (self._dying or self._starting) and time.monotonic() < deadline:
            self._reap()
            await asyncio.sleep(TICK_S)
        for worker in self._dying:
            worker.kill("shutdown")
        self._reap()

    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [w.pid for w in (*self._idle, *self._running, *self._dying)]

    def process_count(self) -> int:
        """Worker processes alive or starting (never above ``max_workers``)."""
        return len(self._idle) + len(self._running) + len(self._dying) + self._starting

    def queries(self) -> tuple[int, int, int]:
        """Queries now: running in the short lane, running in a long slot, waiting."""
        short, long = self._lanes_busy()
        return short, long, len(self._waiting)

    # -- queries -------------------------------------------------------------

    async def run(self, req: QueryRequest, caller: Caller | None = None) -> WorkerAnswer:
        """Start answering ``req`` on a worker, up to the head and first chunk.

        Raises TooManyRequests (429) past the client's limits, QueryTimeout or
        ServerBusy (503) past the time limit or the capacity, QueryMemoryExceeded,
        the query's own KgraphError, StoreError if the worker died.
        """
        caller = caller or Caller()
        if self._watchdog is None:
            await self.start()
        job = self._admit(caller)
        try:
            worker = await self._lease(job)
        except BaseException:
            self._forget(job)
            raise
        answer = WorkerAnswer(
            worker, self.policy, lambda healthy: self.release(job, healthy=healthy)
        )
        try:
            await answer.begin(req)
        except BaseException:
            answer.close()
            raise
        return answer

    def _admit(self, caller: Caller) -> Job:
        if self._closed:
            raise StoreUnavailable("the server is shutting down")
        policy, client = self.policy, caller.client
        if self._per_client[client] >= policy.client_max:
            raise TooManyRequests(
                f"{client} already has {policy.client_max} queries running or waiting; "
                "send the next when one is answered",
                1,
            )
        now = time.monotonic()
        used = self.usage.used(client, now)
        if policy.client_seconds and used >= policy.client_seconds:
            raise TooManyRequests(
                f"{client} used {used:.0f} s of query time in the last minute; the budget "
                f"is {policy.client_seconds:g} s",
                self.usage.budget_back(client, now, self.policy.client_seconds),
            )
        running_here = any(j.caller.client == client for j in self._running.values())
        job = Job(
            caller,
            caller.arrived + policy.timeout_s,
            next(self._seq),
            prefers_short=not running_here
            and self._per_client[client] == 0
            and not self.usage.is_heavy(client, now),
        )
        self._per_client[client] += 1
        return job

    async def _lease(self, job: Job) -> Worker:
        loop = asyncio.get_running_loop()
        job.leased = loop.create_future()
        self._waiting.append(job)
        self._dispatch()
        queued = time.monotonic()
        left = job.deadline - queued
        try:
            worker = await asyncio.wait_for(asyncio.shield(job.leased), max(0.0, left))
            waited = time.monotonic() - queued
            if waited > 1.0:
                short, long = self._lanes_busy()
                log.warning(
                    "a query of %s waited %.1f s for a worker (%d short and %d long running, "
                    "%d starting, %d idle, %d waiting)",
                    job.caller.client, waited, short, long, self._starting, len(self._idle),
                    len(self._waiting),
                )  # fmt: skip
            return worker
        except TimeoutError:
            leased = job.leased.done() and not job.leased.cancelled()
            if leased and job.leased.exception() is None:  # leased just now: give it back
                self.release(job, healthy=True)
            self._waiting = [j for j in self._waiting if j is not job]
            if self._on_timeout is not None:
                self._on_timeout()
            raise QueryTimeout(
                f"no query worker was free within the time limit of {self.timeout_s:g} s "
                f"({len(self._running)} of {self.policy.max_workers} busy); try again later"
            ) from None

    def _forget(self, job: Job) -> None:
        """A job that never ran: its client's count goes back."""
        if job.worker is None and job in self._waiting:
            self._waiting.remove(job)
        if job.worker is None:
            self._per_client[job.caller.client] -= 1

    def _fail(self, job: Job, error: KgraphError) -> None:
        self._waiting = [j for j in self._waiting if j is not job]
        if job.leased is not None and not job.leased.done():
            job.leased.set_exception(error)

    # -- scheduling -------------------------------------------------------------

    def _lanes_busy(self) -> tuple[int, int]:
        short = sum(1 for j in self._running.values() if j.lane == "short")
        return short, len(self._running) - short

    def _lane_for(self, job: Job, short: int, long: int) -> Lane | None:
        if job.prefers_short and short < self.policy.short_lane:
            return "short"
        if long < self.policy.long_slots:
            return "long"
        return None

    def _priority(self, job: Job, now: float) -> tuple[int, bool, int]:
        """Clients with fewer queries running first, then those that sent no long query in
        the last minute, then in order of arrival."""
        client = job.caller.client
        running = sum(1 for j in self._running.values() if j.caller.client == client)
        return (running, self.usage.is_heavy(client, now), job.seq)

    def _dispatch(self) -> None:
        """Give idle workers to waiting jobs, best first; start workers where needed."""
        if self._closed or not self._waiting:
            return
        now = time.monotonic()
        short, long = self._lanes_busy()
        wanting = 0
        for job in sorted(self._waiting, key=lambda j: self._priority(j, now)):
            lane = self._lane_for(job, short, long)
            if lane is None:
                continue
            # Idle workers up to the free short slots are kept for young queries: a long
            # query starts its own worker rather than take the one a quick question needs.
            kept = 0 if lane == "short" else min(self.policy.spare, self.policy.short_lane - short)
            if len(self._idle) <= kept:
                wanting += 1
                continue
            worker = self._idle.pop()
            self._waiting.remove(job)
            job.lane, job.worker, job.started = lane, worker, time.monotonic()
            self._running[worker] = job
            short, long = (short + 1, long) if lane == "short" else (short, long + 1)
            assert job.leased is not None
            job.leased.set_result(worker)
        while wanting > self._starting and self.process_count() < self.policy.max_workers:
            self._spawn()

    def _spawn(self) -> None:
        self._starting += 1
        task = asyncio.get_running_loop().create_task(self._start_one())
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        worker: Worker | None = None
        try:
            worker = await Worker.spawn(self.store_root, self.limits)
            await asyncio.wait_for(worker.wait_ready(), 30)
        except (KgraphError, TimeoutError, OSError) as exc:
            failure = exc if isinstance(exc, KgraphError) else StoreError(f"{exc}")
            log.error("query worker could not start: %s", failure)
            self._failure = failure
            for job in list(self._waiting):  # say why, rather than wait for the limit
                self._fail(job, failure)
            if worker is not None:
                worker.kill("shutdown")
                self._dying.append(worker)
            return
        finally:
            self._starting -= 1
        self._failure = None
        if self._closed:
            worker.retire()
            self._dying.append(worker)
            return
        worker.idle_since = time.monotonic()
        self._idle.append(worker)
        self._dispatch()

    def _top_up(self) -> None:
        while (
            not self._closed
            and len(self._idle) + self._starting < self.policy.spare
            and self.process_count() < self.policy.max_workers
            and self._failure is None
        ):
            self._spawn()

    # -- releasing ---------------------------------------------------------------

    def release(self, job: Job, *, healthy: bool) -> None:
        """``job`` is done with its worker: back to the idle ones, or replaced."""
        worker = job.worker
        if worker is None or self._running.get(worker) is not job:
            return
        del self._running[worker]
        now = time.monotonic()
        client = job.caller.client
        self._per_client[client] -= 1
        if self._per_client[client] <= 0:
            del self._per_client[client]
        self.usage.record(client, now, now - job.started)
        if now - job.started >= self.policy.short_query_s:
            self.usage.mark_heavy(client, now)
        if worker.niced:
            worker.renice(0)
        grew = worker.rss_bytes() > self.policy.retire_mb * 2**20
        if healthy and not grew and not self._closed and worker.killed is None:
            worker.idle_since = now
            self._idle.append(worker)
        else:
            if worker.killed is None:
                worker.retire() if healthy else worker.kill("client")
            self._dying.append(worker)
            self._top_up()
        self._dispatch()

    def _kill(self, worker: Worker, reason: KillReason) -> None:
        worker.kill(reason)
        if reason == "timeout" and self._on_timeout is not None:
            self._on_timeout()
        log.warning("query worker %d killed: %s", worker.pid, reason)

    # -- the watchdog ---------------------------------------------------------------

    async def _watch(self) -> None:
        while True:
            try:
                self._tick()
            except Exception:  # the watchdog must never stop
                log.exception("query pool watchdog")
            await asyncio.sleep(TICK_S)

    def _tick(self) -> None:
        now = time.monotonic()
        policy = self.policy
        short, long = self._lanes_busy()
        for worker, job in list(self._running.items()):
            if worker.killed is not None:
                continue
            age = now - job.started
            if now >= job.deadline:
                self._kill(worker, "timeout")
            elif job.lane == "short" and age >= policy.short_query_s:
                if long < policy.long_slots:
                    job.lane, short, long = "long", short - 1, long + 1
                    self.usage.mark_heavy(job.caller.client, now)
                    worker.renice(10)
                else:
                    self.usage.mark_heavy(job.caller.client, now)
                    self._kill(worker, "busy")
            elif job.lane == "long" and not worker.niced and age >= NICE_AFTER_S:
                worker.renice(10)
        self._check_memory()
        for worker in list(self._idle):
            idle_for = now - worker.idle_since
            extra = len(self._idle) > policy.spare
            if worker.proc.poll() is not None or (extra and idle_for > IDLE_RETIRE_S):
                self._idle.remove(worker)
                worker.retire()
                self._dying.append(worker)
        self._reap()
        self._top_up()
        self._dispatch()

    def _check_memory(self) -> None:
        limit = self.limits.memory_mb * 2**20
        sizes = {w: w.rss_bytes() for w in (*self._running, *self._idle)}
        for worker in self._running:
            if worker.killed is None and limit and sizes[worker] > limit:
                self._kill(worker, "memory")
        budget = self.policy.memory_budget_mb * 2**20
        alive = {w: s for w, s in sizes.items() if w.killed is None}
        if budget and sum(alive.values()) > budget:
            running = [w for w in alive if w in self._running]
            if running:
                self._kill(max(running, key=lambda w: alive[w]), "budget")

    def _live_seconds(self, client: str, now: float) -> float:
        return sum(now - j.started for j in self._running.values() if j.caller.client == client)

    def _reap(self) -> None:
        self._dying = [w for w in self._dying if not w.reaped()]
