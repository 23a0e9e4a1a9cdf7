"""Run a query and serialise its result on one worker thread, handing over chunks.

pyoxigraph results must be used on the thread that made them, so the query,
the choice of format (which depends on the query form) and the serialisation
all happen on the job's thread. The response starts as soon as the first
64 KiB are ready, memory stays bounded whatever the result size, and a client
that goes away stops the serialiser. A result that fits in the first chunk is
answered with a plain ``Content-Length``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from kgraph.errors import KgraphError, StoreError
from kgraph.formats import HTML, Format
from kgraph.store.base import QueryKind, QueryResult

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
_DONE = object()


class _Cancelled(Exception):
    pass


class _QueueWriter:
    """A write-only binary file object that passes 64 KiB chunks to a queue."""

    def __init__(self, job: QueryJob) -> None:
        self._job, self._buf = job, bytearray()

    def write(self, data: bytes) -> int:
        self._buf += data
        if len(self._buf) >= CHUNK:
            self._job._put(bytes(self._buf))
            self._buf.clear()
        return len(data)

    def flush(self) -> None:
        if self._buf:
            self._job._put(bytes(self._buf))
            self._buf.clear()


def _drop_frames(exc: BaseException | None) -> None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


class QueryJob:
    """One query on its own thread: ``start()`` gives the format, then chunks follow.

    ``execute`` runs the query; ``pick`` chooses the format for the result's
    kind (and may raise NotAcceptable); ``html`` turns a result into a template
    context when the chosen format is HTML.
    """

    def __init__(
        self,
        execute: Callable[[], QueryResult],
        pick: Callable[[QueryKind], Format],
        html: Callable[[QueryResult], dict[str, Any]],
    ) -> None:
        self._q: queue.Queue[object] = queue.Queue(maxsize=8)
        self._cancelled = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._work, args=(execute, pick, html), daemon=True)
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

    def _work(
        self,
        execute: Callable[[], QueryResult],
        pick: Callable[[QueryKind], Format],
        html: Callable[[QueryResult], dict[str, Any]],
    ) -> None:
        try:
            result = execute()
            fmt = pick(result.kind)
            if fmt is HTML:
                self._put((fmt, html(result)))
                self._put(_DONE)
                return
            self._put((fmt, None))
            writer = _QueueWriter(self)
            result.serialize(fmt, writer)  # type: ignore[arg-type]
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

    def _next(self) -> object:
        item = self._q.get()
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

    def start(self) -> tuple[Format, dict[str, Any] | None, bytes, bool]:
        """Block until the result begins: (format, html context, first chunk, complete).

        Raises the KgraphError the query or the negotiation raised.
        """
        head = self._next()
        assert isinstance(head, tuple)
        fmt, context = head
        if context is not None:
            self._next()
            return fmt, context, b"", True
        chunk = self._next()
        if chunk is None:
            return fmt, None, b"", True
        assert isinstance(chunk, bytes)
        if len(chunk) < CHUNK:  # only the final flush is short: the end follows
            self._next()
            return fmt, None, chunk, True
        return fmt, None, chunk, False

    def rest(self) -> Iterator[bytes]:
        """The chunks after the first. Errors mid-stream are logged: headers are sent."""
        try:
            while not self._finished:
                try:
                    chunk = self._next()
                except KgraphError:
                    log.exception("query failed after the response had started")
                    return
                if chunk is None:
                    return
                assert isinstance(chunk, bytes)
                yield chunk
        finally:
            self.cancel()

    def cancel(self) -> None:
        self._cancelled.set()
