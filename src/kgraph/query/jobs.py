"""Run a query and serialise its result on one worker thread, handing over chunks.

pyoxigraph results must be used on the thread that made them, so the query,
the choice of format (which depends on the query form) and the serialisation
all happen on the job's thread (:func:`kgraph.query.answer.answer`). The response
starts as soon as the first 64 KiB are ready, memory stays bounded whatever
the result size, and a client that goes away stops the serialiser. A result
that fits in the first chunk is answered with a plain ``Content-Length``.

This is the in-process executor's engine (remote stores, ``query_workers=0``);
a thread cannot be stopped, so a query past its limit is abandoned, not killed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, cast

from kgraph.errors import KgraphError, QueryTimeout, StoreError
from kgraph.query.answer import CHUNK, ChunkWriter, Head

log = logging.getLogger(__name__)
_DONE = object()
Work = Callable[[Callable[[Head], None], IO[bytes]], None]


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

    def __init__(self, work: Work) -> None:
        self._q: queue.Queue[object] = queue.Queue(maxsize=8)
        self._cancelled = threading.Event()
        self._finished = False
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

    def start(self, deadline: float | None = None) -> tuple[Head, bytes, bool]:
        """Block until the result begins: (head, first chunk, complete).

        Raises the KgraphError the query or the negotiation raised, QueryTimeout
        (message ``timeout``, to be reworded by the caller) past ``deadline``.
        """
        head = self._next(deadline)
        assert isinstance(head, Head)
        chunk = self._next(deadline)
        if chunk is None:
            return head, b"", True
        assert isinstance(chunk, bytes)
        if len(chunk) < CHUNK:  # only the final flush is short: the end follows
            self._next(deadline)
            return head, chunk, True
        return head, chunk, False

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
