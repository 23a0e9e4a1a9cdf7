"""The query worker process: ``python -m kgraph.query.worker <store>``.

It opens the embedded store read-only, says it is ready, then answers requests
from stdin one at a time with :func:`kgraph.query.answer.answer`, writing frames
(:mod:`kgraph.query.framing`) to its stdout, until stdin closes. It exits by
itself when the server that started it goes away.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, cast

from kgraph.errors import KgraphError, StoreError
from kgraph.query import framing
from kgraph.query.answer import CHUNK, ChunkWriter, answer
from kgraph.query.protocol import QueryRequest

log = logging.getLogger(__name__)


def _send(out: IO[bytes], kind: bytes, payload: bytes = b"") -> None:
    out.write(framing.frame(kind, payload))
    if kind != framing.HEAD:
        out.flush()


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
        _send(out, framing.ERROR, framing.error_payload(exc))
        return 1
    _send(out, framing.READY)
    stdin = sys.stdin.buffer
    while True:
        hdr = stdin.read(framing.LENGTH.size)
        if len(hdr) < framing.LENGTH.size:
            return 0
        req = QueryRequest.from_json(stdin.read(framing.LENGTH.unpack(hdr)[0]))
        writer = ChunkWriter(lambda chunk: _send(out, framing.DATA, chunk))
        try:
            answer(
                store,
                req,
                lambda head: _send(out, framing.HEAD, head.to_json()),
                cast(IO[bytes], writer),
            )
            writer.flush()
            _send(out, framing.END)
        except KgraphError as exc:
            _send(out, framing.ERROR, framing.error_payload(exc))
        except Exception as exc:
            log.exception("query failed in worker %d", os.getpid())
            _send(
                out,
                framing.ERROR,
                framing.error_payload(StoreError(f"query evaluation failed: {exc}")),
            )


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(worker_main(sys.argv[1:]))
