"""The engine's side of formats and results: its format for one of ours, and a query
result that serialises with the engine's own writers (or ours, for a capped one)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kgraph.errors import StoreError
from kgraph.formats import Format, for_file
from kgraph.store.base import QueryKind, QueryResult, Row
from kgraph.store.results import write_select


def rdf_file_format(path: Path) -> ox.RdfFormat:
    """The engine's format for an RDF file, by its suffix. Raises StoreError."""
    fmt = for_file(path)
    found = ox.RdfFormat.from_media_type(fmt.media_type) if fmt is not None else None
    if found is None:
        raise StoreError(f"{path}: unknown RDF file suffix {path.suffix}")
    return found


def oxi_format(fmt: Format) -> ox.RdfFormat | ox.QueryResultsFormat:
    """The pyoxigraph format for one of ours."""
    found = ox.RdfFormat.from_media_type(fmt.media_type) or ox.QueryResultsFormat.from_media_type(
        fmt.media_type
    )
    if found is None:
        raise StoreError(f"no serialiser for {fmt.media_type}")
    return found


def rows_of(kind: QueryKind, items: Any) -> Iterator[Row]:
    """Rows of pyoxigraph solutions (``select``: var -> term, unbound left out) or triples
    (``graph``: ``{"s", "p", "o"}``), as they are iterated; an ASK result has none."""
    if kind == "select":
        names = items.variables
        for sol in items:
            yield {v.value: sol[v] for v in names if sol[v] is not None}
    elif kind == "graph":
        for t in items:
            yield {"s": t.subject, "p": t.predicate, "o": t.object}
    else:
        raise StoreError("an ASK result has no rows")


class OxiResult(QueryResult):
    """A pyoxigraph query result (also used for parsed remote results)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        if isinstance(raw, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(raw, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    @property
    def variables(self) -> list[str]:
        if self.kind != "select":
            return []
        return [v.value for v in self._raw.variables]

    def serialize(self, fmt: Format, out: IO[bytes]) -> None:
        try:
            self._raw.serialize(out, format=oxi_format(fmt))
        except (ValueError, TypeError) as exc:  # wrong format for this kind: caller bug
            raise StoreError(f"cannot serialise a {self.kind} result as {fmt.name}: {exc}") from exc

    def rows(self) -> Iterator[Row]:
        return rows_of(self.kind, self._raw)

    def boolean(self) -> bool:
        if self.kind != "ask":
            raise StoreError(f"a {self.kind} result has no boolean")
        return bool(self._raw)

    def head(self, limit: int) -> tuple[QueryResult, bool]:
        if self.kind == "ask":
            return self, False
        if self.kind == "select":
            names = [v.value for v in self._raw.variables]
            items: list[Any] = list(itertools.islice(self._raw, limit + 1))
            more = len(items) > limit
            rows = [  # a solution iterates over its values, None where unbound
                {n: t for n, t in zip(names, solution, strict=True) if t is not None}
                for solution in items[:limit]
            ]
            return _CappedResult("select", names, rows), more
        triples = list(itertools.islice(self._raw, limit + 1))
        return _CappedResult("graph", [], triples[:limit]), len(triples) > limit


class _CappedResult(QueryResult):
    """The first rows (var -> term) or triples of a result, held in memory."""

    def __init__(self, kind: QueryKind, variables: list[str], items: list[Any]) -> None:
        self.kind, self._variables, self._items = kind, variables, items

    @property
    def variables(self) -> list[str]:
        return self._variables

    def serialize(self, fmt: Format, out: IO[bytes]) -> None:
        if self.kind == "select":
            write_select(self._variables, self._items, fmt, out)
            return
        try:
            ox.serialize(self._items, out, oxi_format(fmt))  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            raise StoreError(f"cannot serialise a {self.kind} result as {fmt.name}: {exc}") from exc

    def rows(self) -> Iterator[Row]:
        if self.kind == "select":
            yield from self._items
        else:
            for t in self._items:
                yield {"s": t.subject, "p": t.predicate, "o": t.object}

    def boolean(self) -> bool:
        raise StoreError(f"a {self.kind} result has no boolean")
