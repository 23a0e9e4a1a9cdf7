"""Answering one :class:`~kgraph.query.protocol.QueryRequest`: execute, cap, serialise.

The same function runs on a thread (:class:`~kgraph.query.executor.ThreadExecutor`)
and in a worker process (:mod:`kgraph.query.worker`). What is known before the
body (the kind of result, its format, whether it was cut) is an
:class:`AnswerHead`; an :class:`Answer` is that head, the first chunk of the
body and the chunks that follow.

A result negotiated as HTML (the query editor) is written as SPARQL JSON of at
most :data:`HTML_ROW_LIMIT` rows (a graph as ``?s ?p ?o`` rows): the web layer
renders it; nothing here knows about HTML.

>>> head = AnswerHead("select", SPARQL_JSON, truncated_at=10)
>>> AnswerHead.from_json(head.to_json()) == head
True
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import IO, Protocol

from kgraph.errors import BadRequest
from kgraph.formats import HTML, SPARQL_JSON, Format, by_media_type
from kgraph.query.protocol import QueryRequest, looks_like_update
from kgraph.store.base import GraphStore, QueryKind, QueryResult
from kgraph.store.results import write_select

HTML_ROW_LIMIT = 1000
CHUNK = 64 * 1024  # body chunks handed from the query engine to the response


@dataclass(frozen=True)
class AnswerHead:
    """What is known before the body: the kind of result, its format, a cut."""

    kind: QueryKind
    format: Format  # HTML: the body is SPARQL JSON for the web layer to render
    truncated_at: int | None = None  # the row cap, if the result had more rows

    def to_json(self) -> bytes:
        return json.dumps([self.kind, self.format.media_type, self.truncated_at]).encode()

    @classmethod
    def from_json(cls, data: bytes) -> AnswerHead:
        kind, media_type, truncated_at = json.loads(data)
        return cls(kind, by_media_type(media_type), truncated_at)


class Answer(Protocol):
    """A started answer: its head, the first chunk, and the chunks that follow."""

    head: AnswerHead
    first: bytes
    complete: bool  # the first chunk is the whole body

    def rest(self) -> AsyncIterator[bytes]:
        """The remaining chunks; stops (and frees the executor) when closed early."""
        ...

    def close(self) -> None:
        """Abandon the answer (the client went away)."""
        ...


def run_query(store: GraphStore, req: QueryRequest) -> QueryResult:
    """Execute ``req`` on ``store``. Raises QuerySyntaxError, BadRequest (an update), StoreError."""
    if looks_like_update(req.query):
        raise BadRequest("this is the query endpoint: it runs no updates (SPARQL Update sent)")
    return store.query(
        req.query,
        default_graphs=req.default_graphs or None,
        named_graphs=req.named_graphs or None,
        base_iri=req.base_iri,
    )


def answer(
    store: GraphStore, req: QueryRequest, on_head: Callable[[AnswerHead], None], out: IO[bytes]
) -> None:
    """Run ``req`` on ``store``: call ``on_head`` once, then write the body to ``out``.

    Raises QuerySyntaxError, BadRequest (an update), NotAcceptable, StoreError.
    """
    result = run_query(store, req)
    fmt = req.formats.for_kind(result.kind)
    if fmt is HTML:
        _rows_for_html(result, on_head, out)
        return
    if req.max_rows <= 0:  # no cap: the engine serialises as it evaluates, nothing held
        on_head(AnswerHead(result.kind, fmt))
        result.serialize(fmt, out)
        return
    capped, more = result.head(req.max_rows)
    on_head(AnswerHead(result.kind, fmt, req.max_rows if more else None))
    capped.serialize(fmt, out)


def _rows_for_html(
    result: QueryResult, on_head: Callable[[AnswerHead], None], out: IO[bytes]
) -> None:
    if result.kind == "ask":
        on_head(AnswerHead("ask", HTML))
        result.serialize(SPARQL_JSON, out)
        return
    capped, more = result.head(HTML_ROW_LIMIT)
    on_head(AnswerHead(result.kind, HTML, HTML_ROW_LIMIT if more else None))
    if result.kind == "select":
        capped.serialize(SPARQL_JSON, out)
    else:
        write_select(["s", "p", "o"], capped.rows(), SPARQL_JSON, out)


class ChunkWriter:
    """A write-only binary file object that passes ``CHUNK``-sized pieces to ``put``."""

    def __init__(self, put: Callable[[bytes], None]) -> None:
        self._put, self._buf = put, bytearray()

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) >= CHUNK:
            self._put(bytes(self._buf[:CHUNK]))
            del self._buf[:CHUNK]
        return len(data)

    def flush(self) -> None:
        if self._buf:
            self._put(bytes(self._buf))
            self._buf.clear()
