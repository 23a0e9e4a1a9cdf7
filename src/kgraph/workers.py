"""A pool of query worker processes that can be killed when a query runs too long.

Each worker (``python -m kgraph.workers <store>``) opens the embedded store
read-only, and for each request runs :func:`kgraph.execution.answer` — the
query AND the serialisation — streaming frames back over its stdout pipe::

    frame = kind (1 byte) + length (4 bytes, big-endian) + payload
    R  ready (store opened)          H  head (JSON)       D  body chunk
    E  end of the answer             X  error (JSON: type, message, offered)

Requests go in on stdin as length + JSON (:class:`~kgraph.execution.QuerySpec`).

A query is leased a worker until a deadline. A watchdog thread kills (SIGKILL)
any worker still leased at its deadline, which frees the CPU at once; the
reader then sees the pipe close and raises :class:`~kgraph.errors.QueryTimeout`.
``spare`` idle workers are kept started; when all are busy the pool grows one
worker at a time, up to ``max_workers``, and a waiting query takes whichever
worker is free first (within its own time limit). The server side runs on the
event loop: the pipes are non-blocking and frames are awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import struct
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any, cast

import anyio.to_thread

from kgraph import errors
from kgraph.errors import KgraphError, QueryTimeout, StoreError, StoreUnavailable
from kgraph.execution import CHUNK, ChunkWriter, Head, QuerySpec, answer

log = logging.getLogger(__name__)
IDLE_RETIRE_S = 60.0  # idle workers beyond the spares exit after this long
DEPRIORITISE_AFTER_S = 0.5  # a query running longer gets a lower priority (nice 10)
TICK_S = 0.05  # the watchdog's round: deadlines are kept to within this
STARTUP_S = 30.0  # a new worker has this long to open the store
TAKE_STARTING_AFTER_S = 2.0  # a query waits this long for a started worker before a new one
_LEN = struct.Struct(">I")


async def _read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes from the non-blocking pipe ``fd``, awaited on the event loop; None at
    its end (the worker exited or was killed)."""
    buf = bytearray()
    while len(buf) < n:
        try:
            part = os.read(fd, n - len(buf))
        except BlockingIOError:
            await _readable(fd)
            continue
        except OSError:
            return None
        if not part:
            return None
        buf += part
    return bytes(buf)


async def _readable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


class Worker:
    """One worker process and its two pipes."""

    def __init__(self, store_root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kgraph.workers", str(store_root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in: IO[bytes] = self.proc.stdin
        self._out_fd = self.proc.stdout.fileno()
        os.set_blocking(self._out_fd, False)  # read on the event loop
        self.ready = False
        self.failed: KgraphError | None = None  # why it could not start
        self.timed_out = False
        self.niced = False
        self.idle_since = self.leased_at = time.monotonic()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def poll_ready(self) -> None:
        """Without blocking, take the worker's first frame if it has come: ``ready``, or
        ``failed`` with the error it sent (or its exit)."""
        if self.ready or self.failed is not None:
            return
        try:
            hdr = os.read(self._out_fd, 5)  # frames of 5 bytes arrive whole (PIPE_BUF)
        except BlockingIOError:
            return
        except OSError as exc:
            self.failed = StoreError(f"query worker {self.pid} failed to start: {exc}")
            return
        if hdr == b"R" + _LEN.pack(0):
            self.ready = True
            return
        message = b""
        if len(hdr) == 5 and hdr[:1] == b"X":
            size = _LEN.unpack(hdr[1:])[0]
            with contextlib.suppress(OSError):
                os.set_blocking(self._out_fd, True)
                message = self.proc.stdout.read(size) if self.proc.stdout else b""
        self.failed = (
            _error(message) if message else StoreError(f"query worker {self.pid} failed to start")
        )

    def send(self, spec: QuerySpec) -> None:
        data = spec.to_json()
        try:
            self._in.write(_LEN.pack(len(data)) + data)
            self._in.flush()
        except OSError:
            pass  # a dead worker: the next read sees the pipe closed

    async def frame(self) -> tuple[bytes, bytes]:
        """The next frame, awaited on the event loop; ``(b"", b"")`` if the worker is gone."""
        hdr = await _read_exact(self._out_fd, 5)
        if hdr is None:
            return b"", b""
        kind, size = hdr[:1], _LEN.unpack(hdr[1:])[0]
        payload = await _read_exact(self._out_fd, size) if size else b""
        if payload is None:
            return b"", b""
        return kind, payload

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.reap()

    def retire(self) -> None:
        with contextlib.suppress(OSError):
            self._in.close()
        self.reap(timeout=2.0)

    def reap(self, timeout: float = 5.0) -> None:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                f.close()  # type: ignore[union-attr]


def _error(payload: bytes) -> KgraphError:
    data = json.loads(payload)
    cls = getattr(errors, str(data.get("type")), None)
    message = str(data.get("message", "query failed"))
    if cls is errors.NotAcceptable:
        return errors.NotAcceptable(message, data.get("offered", []))
    if isinstance(cls, type) and issubclass(cls, KgraphError) and cls is not errors.RdfSyntaxError:
        return cls(message) if cls is not errors.ValidationFailed else StoreError(message)
    return StoreError(message)


class PoolAnswer:
    """An answer streamed from a leased worker (see :class:`kgraph.execution.Answer`)."""

    def __init__(self, pool: WorkerPool, worker: Worker, timeout_msg: str) -> None:
        self._pool, self._worker, self._timeout_msg = pool, worker, timeout_msg
        self._done = False
        self.head: Head
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
            raise _error(payload)
        return kind, payload

    async def _start(self, spec: QuerySpec) -> None:
        if not self._worker.ready:  # its start-up does not count against the query's limit
            kind, _ = await self._next()
            if kind != b"R":
                self._finish(healthy=False)
                raise StoreError(f"query worker sent {kind!r} before it was ready")
            self._worker.ready = True
            self._pool.restart_clock(self._worker)
        self._worker.send(spec)
        kind, payload = await self._next()
        if kind != b"H":
            self._finish(healthy=False)
            raise StoreError(f"query worker sent {kind!r} instead of a head")
        self.head = Head.from_json(payload)
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

    async def run(self, spec: QuerySpec) -> PoolAnswer:
        """Start answering ``spec`` on a worker, up to the head and first chunk.

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
            await ans._start(spec)
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


# -- the worker process --------------------------------------------------------


def _send(out: IO[bytes], kind: bytes, payload: bytes = b"") -> None:
    out.write(kind + _LEN.pack(len(payload)) + payload)
    if kind != b"H":
        out.flush()


def _error_payload(exc: KgraphError) -> bytes:
    data: dict[str, Any] = {"type": type(exc).__name__, "message": exc.message}
    if isinstance(exc, errors.NotAcceptable):
        data["offered"] = exc.offered
    return json.dumps(data).encode()


def _watch_parent() -> None:
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(argv: list[str]) -> int:
    """Serve queries on stdin/stdout over the store at ``argv[0]`` until stdin closes."""
    from kgraph.store.embedded import EmbeddedStore

    # Buffered: a small answer's head, body and end leave in one write; flushed per frame
    # that ends what the server waits for (ready, a full body chunk, the end, an error).
    out = os.fdopen(os.dup(1), "wb", buffering=2 * CHUNK)
    os.dup2(2, 1)  # stray prints go to stderr, never into the frames
    threading.Thread(target=_watch_parent, daemon=True).start()
    try:
        store = EmbeddedStore(Path(argv[0]), writable=False)
    except KgraphError as exc:
        _send(out, b"X", _error_payload(exc))
        return 1
    _send(out, b"R")
    stdin = sys.stdin.buffer
    while True:
        hdr = stdin.read(4)
        if len(hdr) < 4:
            return 0
        spec = QuerySpec.from_json(stdin.read(_LEN.unpack(hdr)[0]))
        writer = ChunkWriter(lambda chunk: _send(out, b"D", chunk))
        try:
            answer(
                store, spec, lambda head: _send(out, b"H", head.to_json()), cast(IO[bytes], writer)
            )
            writer.flush()
            _send(out, b"E")
        except KgraphError as exc:
            _send(out, b"X", _error_payload(exc))
        except Exception as exc:
            log.exception("query failed in worker %d", os.getpid())
            _send(out, b"X", _error_payload(StoreError(f"query evaluation failed: {exc}")))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(worker_main(sys.argv[1:]))
