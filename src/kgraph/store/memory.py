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

import gzip
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kgraph.errors import QuerySyntaxError, RdfSyntaxError, StoreError
from kgraph.formats import Format
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.engine import OxiResult, oxi_format, rdf_file_format
from kgraph.store.files import load_file
from kgraph.store.safe_input import check_file


class MemoryStore(GraphStore):
    """pyoxigraph in memory: load files, query, forget. Not versioned, not shared."""

    def __init__(self) -> None:
        self._store = ox.Store()

    def load(self, files: Sequence[Path], *, base_iri: str, graph_prefix: str | None = None) -> int:
        """Add the RDF in ``files``; return the number of quads now held.

        With ``graph_prefix``, file number *i* goes into the named graph
        ``<graph_prefix><i>`` (queries see the union of all graphs anyway); the
        graphs of a TriG or N-Quads file are merged into it.
        Raises RdfSyntaxError (file:line:col) and StoreError.
        """
        for i, path in enumerate(files):
            graph = ox.NamedNode(f"{graph_prefix}{i}") if graph_prefix else None
            load_file(self._store, path, base_iri, graph)
        return len(self._store)

    def add_triples(self, triples: Sequence[Any], graph: str) -> None:
        """Add engine triples (as :func:`read_triples` gives them) to the named ``graph``."""
        g = ox.NamedNode(graph)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    def add_objects(self, graph: str, subject: str, predicate: str, objects: Sequence[Any]) -> None:
        """Add ``<subject> <predicate> o`` to the named ``graph`` for each engine term ``o``."""
        g, s, p = ox.NamedNode(graph), ox.NamedNode(subject), ox.NamedNode(predicate)
        self._store.extend(ox.Quad(s, p, o, g) for o in objects)

    def drop_graph(self, graph: str) -> None:
        """Forget the named ``graph`` (nothing happens if there is none)."""
        self._store.remove_graph(ox.NamedNode(graph)) if ox.NamedNode(graph) in set(
            self._store.named_graphs()
        ) else None

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs held."""
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

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
        if default_graphs is not None:  # exactly these graphs as the default graph
            kwargs = {"default_graph": [ox.NamedNode(g) for g in default_graphs]}
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


def read_triples(files: Sequence[Path], base_iri: str) -> list[Any]:
    """The triples of ``files`` as written (the store would turn "1"^^xsd:boolean into
    "true" and "4.0"^^xsd:decimal into "4"). Raises RdfSyntaxError at the first error.

    >>> import tempfile, pathlib
    >>> ttl = pathlib.Path(tempfile.mkdtemp()) / "a.ttl"
    >>> _ = ttl.write_text('<a> <b> "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .')
    >>> read_triples([ttl], "http://e/")[0].object.value
    '4.0'
    """
    out: list[Any] = []
    for path in files:
        check_file(path)  # no remote JSON-LD context, no entity bomb reaches the parser
        raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        try:
            out += [
                q.triple for q in ox.parse(raw, format=rdf_file_format(path), base_iri=base_iri)
            ]
        except SyntaxError as exc:
            raise RdfSyntaxError(str(path), exc.lineno, exc.offset, exc.msg or str(exc)) from exc
    return out


_POSITION = re.compile(
    r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)
_PROLOGUE = re.compile(r"\s*(@prefix|@base|prefix|base)\b", re.I)


def _first_error(text: str, fmt: ox.RdfFormat, base_iri: str) -> SyntaxError | None:
    try:
        for _ in ox.parse(text.encode(), format=fmt, base_iri=base_iri):
            pass
    except SyntaxError as exc:
        return exc
    return None


def syntax_errors(path: Path, base_iri: str, limit: int = 50) -> list[RdfSyntaxError]:
    """Every syntax error in ``path``, each at its line, in order.

    The parser stops at an error; the search goes on from the statement after it
    (the prefixes declared so far kept), so an error can only hide the rest of its
    own statement.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text('<a> <b> <c> <d> .\\n<e> <f> "g" .\\n<h> <i> .\\n')
    >>> [(e.line, e.column) for e in syntax_errors(bad, "http://e/")]
    [(1, 13), (3, 9)]
    """
    check_file(path)
    raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    fmt = rdf_file_format(path)
    lines = text.splitlines(keepends=True)
    found: list[RdfSyntaxError] = []
    start = 0  # the first line (0-based) still to parse
    while start < len(lines) and len(found) < limit:
        prologue = [line for line in lines[:start] if _PROLOGUE.match(line)]
        exc = _first_error("".join(prologue + lines[start:]), fmt, base_iri)
        if exc is None or exc.lineno is None:
            if exc is not None:
                found.append(RdfSyntaxError(str(path), None, None, exc.msg or str(exc)))
            break
        line = exc.lineno - len(prologue) + start  # 1-based, in the file
        message = _POSITION.sub("", exc.msg or str(exc))
        found.append(RdfSyntaxError(str(path), line, exc.offset, message))
        start = line  # resume after the statement the error is in
        while start < len(lines) and not lines[start - 1].rstrip().endswith((".", "}", "{")):
            start += 1
    return found
