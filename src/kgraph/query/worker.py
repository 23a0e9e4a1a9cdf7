"""The query worker process: ``python -m kgraph.query.worker <store> [options]``.

It puts itself under its limits (``--memory-mb``: the data segment, so that a
query that needs more fails alone; ``--stack-mb``: room for the engine's
recursion; ``--no-network``: a network namespace of its own, so that no query
can reach another host even if the text guard were passed), opens the embedded
store read-only, says it is ready, then answers requests from stdin one at a
time with :func:`kgraph.query.answer.answer`, writing frames
(:mod:`kgraph.query.framing`) to its stdout, until stdin closes. A query that
runs out of memory is answered with an error and the worker exits (its heap is
not worth keeping). It exits by itself when the server that started it goes away.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import IO, cast

from kgraph.errors import KgraphError, QueryMemoryExceeded, StoreError
from kgraph.query import framing
from kgraph.query.answer import CHUNK, ChunkWriter, answer
from kgraph.query.protocol import QueryRequest

log = logging.getLogger(__name__)
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


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


def _limit(kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(kind, (soft, hard))
    except (ValueError, OSError) as exc:
        log.warning("cannot set resource limit %d: %s", kind, exc)


def _data_bytes() -> int:
    """This process's data segment now (VmData)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0


def isolate_network() -> bool:
    """Move this process into a network namespace of its own (only a loopback that is
    down: nothing can be reached). True if it worked; needs CAP_SYS_ADMIN or
    unprivileged user namespaces."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kgraph.query.worker")
    parser.add_argument("store", type=Path)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--stack-mb", type=int, default=256)
    parser.add_argument("--network", action=argparse.BooleanOptionalAction, default=True)
    return parser.parse_args(argv)


def worker_main(argv: list[str]) -> int:
    """Serve queries on stdin/stdout over the store named in ``argv`` until stdin closes."""
    from kgraph.store.embedded import EmbeddedStore

    args = arguments(argv)
    # Buffered: a small answer's head, body and end leave in one write; flushed per frame
    # that ends what the server waits for (ready, a full body chunk, the end, an error).
    out = os.fdopen(os.dup(1), "wb", buffering=2 * CHUNK)
    os.dup2(2, 1)  # stray prints go to stderr, never into the frames
    _limit(resource.RLIMIT_STACK, args.stack_mb * 2**20)
    if not args.network and not isolate_network():
        log.warning(
            "query worker %d: no network namespace; only the guard stops calls", os.getpid()
        )
    threading.Thread(target=_watch_parent, daemon=True).start()
    try:
        store = EmbeddedStore(args.store, writable=False)
    except KgraphError as exc:
        _send(out, framing.ERROR, framing.error_payload(exc))
        return 1
    if args.memory_mb > 0:  # on top of what the open store already uses
        _limit(resource.RLIMIT_DATA, _data_bytes() + args.memory_mb * 2**20)
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
        except MemoryError:
            limit = f"{args.memory_mb} MiB" if args.memory_mb else "what the machine has"
            too_big = QueryMemoryExceeded(f"the query needed more memory than its limit ({limit})")
            _send(out, framing.ERROR, framing.error_payload(too_big))
            return 3
        except Exception as exc:
            log.exception("query failed in worker %d", os.getpid())
            failed = StoreError(f"query evaluation failed: {exc}")
            _send(out, framing.ERROR, framing.error_payload(failed))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(worker_main(sys.argv[1:]))
