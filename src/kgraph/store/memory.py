"""An in-memory store for one-off work on a whole dataset (the fast SHACL check).

>>> import tempfile, pathlib
>>> ttl = pathlib.Path(tempfile.mkdtemp()) / "a.ttl"; _ = ttl.write_text('<a> <b> "c" .')
>>> s = MemoryStore()
>>> s.load([ttl], base_iri="http://example.org/")
1
>>> s.select("SELECT ?o { ?s ?p ?o }")[0]["o"].value
'c'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kgraph.errors import QuerySyntaxError, StoreError
from kgraph.formats import Format
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.embedded import EmbeddedStore, OxiResult, oxi_format


class MemoryStore(GraphStore):
    """pyoxigraph in memory: load files, query, forget. Not versioned, not shared."""

    def __init__(self) -> None:
        self._store = ox.Store()

    def load(self, files: Sequence[Path], *, base_iri: str, graph_prefix: str | None = None) -> int:
        """Add the RDF in ``files``; return the number of quads now held.

        With ``graph_prefix``, file number *i* goes into the named graph
        ``<graph_prefix><i>`` (queries see the union of all graphs anyway).
        Raises RdfSyntaxError (file:line:col) and StoreError.
        """
        for i, path in enumerate(files):
            graph = f"{graph_prefix}{i}" if graph_prefix else None
            EmbeddedStore._load_file(self._store, path, base_iri, graph)
        return len(self._store)

    def subjects_of(self, obj: Any) -> list[Any]:
        """The distinct subjects of triples whose object is the term ``obj`` (a blank node, too)."""
        return list({q.subject: None for q in self._store.quads_for_pattern(None, None, obj)})

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        kwargs: dict[str, Any] = {"use_default_graph_as_union": True}
        try:
            return OxiResult(self._store.query(sparql, base_iri=base_iri, **kwargs))
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc

    def info(self) -> StoreInfo:
        return StoreInfo("memory", len(self._store), "", "memory", ":memory:")

    def replace(
        self, files: Sequence[Path], *, base_iri: str, progress: Progress | None = None
    ) -> StoreInfo:
        self._store = ox.Store()
        self.load(files, base_iri=base_iri)
        return self.info()

    def update(self, sparql_update: str) -> StoreInfo:
        try:
            self._store.update(sparql_update)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc
        return self.info()

    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        try:
            self._store.dump(out, format=oxi_format(fmt))  # type: ignore[arg-type]
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
