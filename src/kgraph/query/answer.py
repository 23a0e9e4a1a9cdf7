"""Answering one protocol query: execute, choose the format, cap, serialise.

The same function runs on a thread (:class:`~kgraph.executors.ThreadExecutor`)
and in a worker process (:mod:`kgraph.worker`); what it needs travels as a
:class:`QuerySpec` (plain data, JSON-able) and what it decides before the body
(the format, whether the result was cut, an HTML table) as a :class:`Head`.

>>> spec = QuerySpec(query="ASK {}", accept="application/sparql-results+json")
>>> QuerySpec.from_json(spec.to_json()) == spec
True
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from kgraph.formats import HTML
from kgraph.query.protocol import QueryRequest
from kgraph.query.service import choose_format, run_query
from kgraph.store.base import GraphStore, QueryResult
from kgraph.store.terms import kind_of

HTML_ROW_LIMIT = 1000
CHUNK = 64 * 1024  # body chunks handed from the query engine to the response


@dataclass(frozen=True)
class QuerySpec:
    """A query to answer and how: everything a worker process needs."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None
    accept: str | None = None
    format: str | None = None  # the protocol's format parameter
    html: bool = False  # may answer with an HTML table
    max_rows: int = 100_000  # 0: no cap (the engine streams the whole result)

    @classmethod
    def from_request(cls, req: QueryRequest, **kw: Any) -> QuerySpec:
        return cls(
            query=req.query,
            default_graphs=list(req.default_graphs),
            named_graphs=list(req.named_graphs),
            format=req.format,
            **kw,
        )

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__).encode()  # flat: no need for asdict's deep copy

    @classmethod
    def from_json(cls, data: bytes) -> QuerySpec:
        return cls(**json.loads(data))


@dataclass(frozen=True)
class Head:
    """What is known before the body: the format, a cut, or the HTML table context."""

    format: str  # Format.name
    kind: str
    truncated_at: int | None = None  # the row cap, if the result had more rows
    context: dict[str, Any] | None = None  # HTML answers: the template context

    def to_json(self) -> bytes:
        fields: dict[str, Any] = {
            "format": self.format,
            "kind": self.kind,
            "truncated_at": self.truncated_at,
        }
        if self.context is not None:
            fields["context"] = self.context
        return json.dumps(fields, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Head:
        return cls(**json.loads(data))


def answer(
    store: GraphStore, spec: QuerySpec, on_head: Callable[[Head], None], out: IO[bytes]
) -> None:
    """Run ``spec`` on ``store``: call ``on_head`` once, then write the body to ``out``.

    Raises QuerySyntaxError, BadRequest (an update), NotAcceptable, StoreError.
    """
    req = QueryRequest(spec.query, spec.default_graphs, spec.named_graphs, spec.format)
    result = run_query(store, req, base_iri=spec.base_iri)
    fmt = choose_format(result.kind, spec.accept, spec.format, html=spec.html)
    if fmt is HTML:
        on_head(Head(fmt.name, result.kind, None, html_table(result, spec.base_iri or "")))
        return
    if spec.max_rows <= 0:  # no cap: the engine serialises as it evaluates, nothing held
        on_head(Head(fmt.name, result.kind))
        result.serialize(fmt, out)
        return
    capped, more = result.head(spec.max_rows)
    on_head(Head(fmt.name, result.kind, spec.max_rows if more else None))
    capped.serialize(fmt, out)


def html_table(result: QueryResult, base_iri: str) -> dict[str, Any]:
    """The template context of the query editor for ``result`` (first 1000 rows)."""
    if result.kind == "ask":
        return {"boolean": result.boolean(), "variables": [], "rows": []}
    variables = result.variables if result.kind == "select" else ["s", "p", "o"]
    rows = []
    truncated = False
    for i, row in enumerate(result.rows()):
        if i >= HTML_ROW_LIMIT:
            truncated = True
            break
        rows.append([_cell(row.get(v), base_iri) for v in variables])
    return {"variables": variables, "rows": rows, "truncated": truncated, "limit": HTML_ROW_LIMIT}


def _cell(term: Any, base_iri: str) -> dict[str, Any]:
    if term is None:
        return {"text": ""}
    kind = kind_of(term)
    if kind == "iri":
        iri = term.value
        href = "/" + iri[len(base_iri) :] if base_iri and iri.startswith(base_iri) else iri
        return {"text": iri, "href": href}
    if kind == "literal":
        lang = term.language
        dtype = term.datatype.value if term.datatype is not None else None
        return {"text": term.value, "lang": lang, "datatype": dtype}
    return {"text": str(term)}


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


class Answer(Protocol):
    """A started answer: its head, the first chunk, and the chunks that follow."""

    head: Head
    first: bytes
    complete: bool  # the first chunk is the whole body

    def rest(self) -> AsyncIterator[bytes]:
        """The remaining chunks; stops (and frees the executor) when closed early."""
        ...

    def close(self) -> None:
        """Abandon the answer (the client went away)."""
        ...
