"""A remote store's answer: kept as bytes, parsed on the thread that reads it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

import pyoxigraph as ox

from kgraph.errors import NotAcceptable, RemoteStoreError, StoreError
from kgraph.formats import (
    GRAPH_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    SPARQL_JSON,
    SPARQL_XML,
    Format,
    by_name,
)
from kgraph.store.base import QueryResult, Row
from kgraph.store.engine import oxi_format, rows_of

READABLE: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, *GRAPH_FORMATS)


def _tidy_bnodes(body: bytes, media: str) -> bytes:
    """Rename blank nodes to labels pyoxigraph accepts (Virtuoso sends ``nodeID://b1``)."""
    labels: dict[str, str] = {}

    def label(value: str) -> str:
        return labels.setdefault(value, f"b{len(labels)}")

    if media.endswith("json") and b'"bnode"' in body:
        data = json.loads(body)
        for binding in data.get("results", {}).get("bindings", []):
            for term in binding.values():
                if term.get("type") == "bnode":
                    term["value"] = label(term["value"])
        return json.dumps(data, ensure_ascii=False).encode()
    if media.endswith("xml") and b"<bnode>" in body:
        return re.sub(
            rb"<bnode>([^<]*)</bnode>",
            lambda m: b"<bnode>" + label(m.group(1).decode()).encode() + b"</bnode>",
            body,
        )
    return body


class RemoteResult(QueryResult):
    """A remote store's answer, kept as bytes and parsed on the thread that reads it.

    pyoxigraph objects may only be used on the thread that made them; a result
    handed from the request thread to a serialising thread must therefore
    carry bytes, not parsed solutions.
    """

    def __init__(self, body: bytes, media_type: str) -> None:
        try:
            self.fmt = by_name(media_type, READABLE)
        except NotAcceptable:
            raise RemoteStoreError(
                f"the remote store answered with unexpected {media_type!r}"
            ) from None
        self._format: Any = oxi_format(self.fmt)
        if self.fmt.carries == "results":
            self._body = _tidy_bnodes(body, self.fmt.media_type)
            parsed = self._parse_results()
            self.kind = "ask" if isinstance(parsed, ox.QueryBoolean) else "select"
            self._variables = [] if self.kind == "ask" else [v.value for v in parsed.variables]
        else:
            self._body, self.kind, self._variables = body, "graph", []

    def _parse_results(self) -> Any:
        try:
            return ox.parse_query_results(self._body, format=self._format)
        except SyntaxError as exc:
            raise RemoteStoreError(f"the remote store sent unreadable results: {exc}") from exc

    def _triples(self) -> Iterator[Any]:
        try:
            for q in ox.parse(self._body, format=self._format):
                yield ox.Triple(q.subject, q.predicate, q.object)
        except SyntaxError as exc:
            raise RemoteStoreError(f"the remote store sent unreadable RDF: {exc}") from exc

    @property
    def variables(self) -> list[str]:
        return list(self._variables)

    def serialize(self, fmt: Format, out: IO[bytes]) -> None:
        offered = RDF_FORMATS if self.kind == "graph" else RESULT_FORMATS
        if fmt not in offered:
            raise StoreError(f"cannot serialise a {self.kind} result as {fmt.name}")
        if fmt is self.fmt:
            out.write(self._body)
            return
        target = oxi_format(fmt)
        if isinstance(target, ox.RdfFormat):
            ox.serialize(self._triples(), out, format=target)
        else:
            self._parse_results().serialize(out, format=target)

    def rows(self) -> Iterator[Row]:
        graph = self.kind == "graph"
        return rows_of(self.kind, self._triples() if graph else self._parse_results())

    def boolean(self) -> bool:
        if self.kind != "ask":
            raise StoreError(f"a {self.kind} result has no boolean")
        return bool(self._parse_results())
