"""The server's handle on one query worker process: the process and its two pipes.

The worker side is :mod:`kgraph.query.worker`; what passes between them is
:mod:`kgraph.query.framing`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from kgraph.errors import KgraphError, StoreError
from kgraph.query import framing
from kgraph.query.protocol import QueryRequest


class Worker:
    """One worker process and its two pipes."""

    def __init__(self, store_root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kgraph.query.worker", str(store_root)],
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
            hdr = os.read(
                self._out_fd, framing.HEADER_BYTES
            )  # frames this small arrive whole (PIPE_BUF)
        except BlockingIOError:
            return
        except OSError as exc:
            self.failed = StoreError(f"query worker {self.pid} failed to start: {exc}")
            return
        if hdr == framing.READY_FRAME:
            self.ready = True
            return
        message = b""
        if len(hdr) == framing.HEADER_BYTES and hdr[:1] == framing.ERROR:
            size = framing.LENGTH.unpack(hdr[1:])[0]
            with contextlib.suppress(OSError):
                os.set_blocking(self._out_fd, True)
                message = self.proc.stdout.read(size) if self.proc.stdout else b""
        self.failed = (
            framing.error_from_payload(message)
            if message
            else StoreError(f"query worker {self.pid} failed to start")
        )

    def send(self, req: QueryRequest) -> None:
        data = req.to_json()
        try:
            self._in.write(framing.request(data))
            self._in.flush()
        except OSError:
            pass  # a dead worker: the next read sees the pipe closed

    async def frame(self) -> tuple[bytes, bytes]:
        """The next frame, awaited on the event loop; ``(b"", b"")`` if the worker is gone."""
        return await framing.read_frame(self._out_fd)

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
