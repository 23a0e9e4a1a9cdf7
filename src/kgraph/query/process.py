"""The server's handle on one query worker process: the process, its pipes, its limits.

The worker side is :mod:`kgraph.query.worker`; what passes between them is
:mod:`kgraph.query.framing`. Everything here runs on the event loop of the
pool (:mod:`kgraph.query.pool`): pipes are non-blocking, frames are awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kgraph.errors import KgraphError, QueryMemoryExceeded, StoreError
from kgraph.query import framing
from kgraph.query.answer import CHUNK, AnswerHead
from kgraph.query.policy import KillReason, PoolPolicy, killed_error
from kgraph.query.protocol import QueryRequest

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class WorkerLimits:
    """What the operating system holds a worker to."""

    memory_mb: int = 512  # RLIMIT_DATA (heap and anonymous maps); 0: none
    network: bool = False  # False: a network namespace of its own (no way out), where possible
    stack_mb: int = 256  # the main thread's stack (the engine recurses)


class Worker:
    """One worker process and its two pipes."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self.proc = proc
        self._in: IO[bytes] = proc.stdin
        self._out_fd = proc.stdout.fileno()
        os.set_blocking(self._out_fd, False)  # read on the event loop
        self.ready = False
        self.killed: KillReason | None = None  # why the pool killed it, if it did
        self.niced = False
        self.idle_since = time.monotonic()

    @classmethod
    async def spawn(cls, store_root: Path, limits: WorkerLimits) -> Worker:
        """Start a worker process (fork and exec on a thread: the loop does not wait)."""
        args = [
            sys.executable,
            "-m",
            "kgraph.query.worker",
            str(store_root),
            f"--memory-mb={limits.memory_mb}",
            f"--stack-mb={limits.stack_mb}",
            "--network" if limits.network else "--no-network",
        ]
        loop = asyncio.get_running_loop()
        proc = await loop.run_in_executor(
            None,
            lambda: subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
            ),
        )
        return cls(proc)

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def wait_ready(self) -> None:
        """Wait for the worker's first frame. Raises the error it sent, or StoreError."""
        kind, payload = await self.frame()
        if kind == framing.READY:
            self.ready = True
            return
        if kind == framing.ERROR:
            raise framing.error_from_payload(payload)
        raise StoreError(f"query worker {self.pid} failed to start (see the server log)")

    def send(self, req: QueryRequest) -> None:
        try:
            self._in.write(framing.request(req.to_json()))
            self._in.flush()
        except OSError:
            pass  # a dead worker: the next read sees the pipe closed

    async def frame(self) -> tuple[bytes, bytes]:
        """The next frame; ``(b"", b"")`` if the worker is gone."""
        return await framing.read_frame(self._out_fd)

    def rss_bytes(self) -> int:
        """Resident memory now (0 if the process is gone)."""
        try:
            return int(Path(f"/proc/{self.pid}/statm").read_bytes().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def renice(self, niceness: int) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, niceness)
            self.niced = niceness > 0
        except OSError:
            pass

    def kill(self, reason: KillReason) -> None:
        """SIGKILL (the CPU and memory are free at once); reaped by :meth:`reaped`."""
        if self.killed is None:
            self.killed = reason
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)

    def retire(self) -> None:
        """Ask it to exit: its stdin closes and it ends after the request it is on."""
        with contextlib.suppress(OSError):
            self._in.close()

    def reaped(self) -> bool:
        """True once the process has exited (its pipes are then closed)."""
        if self.proc.poll() is None:
            return False
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if f is not None:
                    f.close()
        return True

    def exit_error(self) -> KgraphError | None:
        """What the exit says, for a worker that died without a word."""
        code = self.proc.poll()
        if code == -signal.SIGABRT:  # the engine aborts when an allocation fails
            return StoreError("query worker ran out of memory (aborted)")
        return None


class WorkerAnswer:
    """An answer streamed from a leased worker (see :class:`kgraph.query.answer.Answer`);
    ``release(healthy)`` gives the worker back when the answer is done."""

    def __init__(self, worker: Worker, policy: PoolPolicy, release: Callable[[bool], None]) -> None:
        self._worker, self._policy, self._release = worker, policy, release
        self._done = False
        self.head: AnswerHead
        self.first = b""
        self.complete = False

    async def _next(self) -> tuple[bytes, bytes]:
        kind, payload = await self._worker.frame()
        if kind == b"":
            self._finish(healthy=False)
            reason = self._worker.killed
            if reason is not None:
                raise killed_error(reason, self._policy)
            raise self._worker.exit_error() or StoreError(
                "the query worker died while answering (see the server log)"
            )
        if kind == framing.ERROR:
            error = framing.error_from_payload(payload)
            self._finish(healthy=not isinstance(error, QueryMemoryExceeded))
            raise error
        return kind, payload

    async def begin(self, req: QueryRequest) -> None:
        """Send ``req`` and read up to the head and the first chunk."""
        self._worker.send(req)
        kind, payload = await self._next()
        if kind != framing.HEAD:
            self._finish(healthy=False)
            raise StoreError(f"query worker sent {kind!r} instead of a head")
        self.head = AnswerHead.from_json(payload)
        kind, payload = await self._next()
        if kind == framing.END:
            self._finish(healthy=True)
            self.complete = True
            return
        self.first = payload
        if len(payload) < CHUNK:  # only the final chunk is short: the end follows
            kind, _ = await self._next()
            self._finish(healthy=kind == framing.END)
            self.complete = True

    async def rest(self) -> AsyncIterator[bytes]:
        try:
            while not self._done:
                # A KgraphError here (a limit, a lost worker) ends the body abruptly: the
                # client sees an incomplete transfer; the server logs it (web/errors.py:
                # one warning line for a limit).
                kind, payload = await self._next()
                if kind == framing.END:
                    self._finish(healthy=True)
                    return
                yield payload
        finally:
            self.close()

    def close(self) -> None:
        if not self._done:  # mid-answer: the worker cannot be resynchronised
            self._worker.kill("client")
            self._finish(healthy=False)

    def _finish(self, *, healthy: bool) -> None:
        if not self._done:
            self._done = True
            self._release(healthy)
