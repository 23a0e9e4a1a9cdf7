"""The wire format between the server and its query worker processes.

Requests go to a worker on its stdin as ``length (4 bytes, big-endian) + JSON``
(a :class:`~kgraph.query.protocol.QueryRequest`). Answers come back on its stdout as
frames::

    frame = kind (1 byte) + length (4 bytes, big-endian) + payload
    R  ready (store opened)          H  head (JSON)       D  body chunk
    E  end of the answer             X  error (JSON: type, message, offered)

>>> frame(HEAD, b"{}")
b'H\\x00\\x00\\x00\\x02{}'
>>> error_from_payload(error_payload(errors.NotAcceptable("no", ["text/csv"]))).offered
['text/csv']
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
from typing import Any

from kgraph import errors
from kgraph.errors import KgraphError, StoreError

READY, HEAD, DATA, END, ERROR = b"R", b"H", b"D", b"E", b"X"
LENGTH = struct.Struct(">I")
HEADER_BYTES = 1 + LENGTH.size
READY_FRAME = READY + LENGTH.pack(0)


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    """One frame of ``kind`` carrying ``payload``."""
    return kind + LENGTH.pack(len(payload)) + payload


def request(payload: bytes) -> bytes:
    """A request to a worker: its length, then the payload."""
    return LENGTH.pack(len(payload)) + payload


def error_payload(exc: KgraphError) -> bytes:
    """The ``X`` frame's payload for ``exc``."""
    data: dict[str, Any] = {"type": type(exc).__name__, "message": exc.message}
    if isinstance(exc, errors.NotAcceptable):
        data["offered"] = exc.offered
    return json.dumps(data).encode()


def error_from_payload(payload: bytes) -> KgraphError:
    """The error an ``X`` frame carries, as the class of the error tree it names
    (a StoreError if it names none that a query may raise)."""
    data = json.loads(payload)
    cls = getattr(errors, str(data.get("type")), None)
    message = str(data.get("message", "query failed"))
    if cls is errors.NotAcceptable:
        return errors.NotAcceptable(message, data.get("offered", []))
    if isinstance(cls, type) and issubclass(cls, KgraphError) and cls not in _NOT_FROM_QUERIES:
        return cls(message)
    return StoreError(message)


_NOT_FROM_QUERIES = (errors.RdfSyntaxError, errors.ValidationFailed)


async def read_exact(fd: int, n: int) -> bytes | None:
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


async def read_frame(fd: int) -> tuple[bytes, bytes]:
    """The next frame from ``fd``; ``(b"", b"")`` if the worker is gone."""
    hdr = await read_exact(fd, HEADER_BYTES)
    if hdr is None:
        return b"", b""
    kind, size = hdr[:1], LENGTH.unpack(hdr[1:])[0]
    payload = await read_exact(fd, size) if size else b""
    if payload is None:
        return b"", b""
    return kind, payload


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
