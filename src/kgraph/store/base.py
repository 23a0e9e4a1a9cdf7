"""The store interface every backend implements."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from kgraph.formats import Format

QueryKind = Literal["select", "ask", "graph"]
Row = dict[str, Any]  # variable name -> term (has .value); unbound variables absent
Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class StoreInfo:
    """What ``/readyz`` and VoID need to know about the data being served."""

    version: str  # changes whenever the served data changes (build, publish)
    triples: int
    modified: str  # ISO 8601 timestamp of the version
    backend: str
    location: str
    extra: dict[str, Any] = field(default_factory=dict)


class QueryResult(abc.ABC):
    """The answer to a query. Serialise it once, in one of the formats of its kind."""

    kind: QueryKind

    @property
    @abc.abstractmethod
    def variables(self) -> list[str]:
        """Projected variable names (SELECT only; empty otherwise)."""

    @abc.abstractmethod
    def serialize(self, fmt: Format, out: IO[bytes]) -> None:
        """Write the result to ``out`` in ``fmt`` (a result format or an RDF format)."""

    @abc.abstractmethod
    def rows(self) -> Iterator[Row]:
        """SELECT solutions as dicts, or CONSTRUCT triples as ``{"s","p","o"}``."""

    @abc.abstractmethod
    def boolean(self) -> bool:
        """The answer of an ASK query."""

    def head(self, limit: int) -> tuple[QueryResult, bool]:
        """At most ``limit`` rows (or triples) of this result, read now, and whether
        more existed. ASK results are returned as they are.

        Backends that cannot cut a result return ``(self, False)``.
        """
        return self, False


class GraphStore(abc.ABC):
    """A read/replace interface over an RDF dataset.

    Implementations: :class:`~kgraph.store.embedded.EmbeddedStore` (pyoxigraph on
    disk) and :class:`~kgraph.store.remote.RemoteStore` (SPARQL 1.1 over HTTP).
    """

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query. Raises QuerySyntaxError, StoreError."""

    def select(self, sparql: str) -> list[Row]:
        """Run a SELECT and return all rows (for small, internal queries)."""
        return list(self.query(sparql).rows())

    def ask(self, sparql: str) -> bool:
        return self.query(sparql).boolean()

    def construct(self, sparql: str, fmt: Format) -> bytes:
        """Run a CONSTRUCT/DESCRIBE and serialise the triples to ``fmt``."""
        import io

        buf = io.BytesIO()
        self.query(sparql).serialize(fmt, buf)
        return buf.getvalue()

    def describe(self, iri: str, fmt: Format) -> bytes:
        """``DESCRIBE <iri>`` serialised to ``fmt``."""
        return self.construct(f"DESCRIBE <{iri}>", fmt)

    def count(self) -> int:
        """Number of quads in the dataset (all graphs)."""
        return self.info().triples

    @abc.abstractmethod
    def info(self) -> StoreInfo:
        """The version and size of the data being served. Raises StoreUnavailable."""

    def version_now(self) -> str | None:
        """The served version if it can be told without blocking (a local read), else None.

        The web layer's replay cache checks it on the event loop; None turns it off.
        """
        return None

    @abc.abstractmethod
    def replace(
        self, files: Sequence[Path], *, base_iri: str, progress: Progress | None = None
    ) -> StoreInfo:
        """Replace the whole dataset with the RDF in ``files``, atomically.

        Readers see the old data until the new data is complete; on any error the
        old data stays. Raises RdfSyntaxError (bad file), StoreError.
        """

    @abc.abstractmethod
    def update(self, sparql_update: str) -> StoreInfo:
        """Apply a SPARQL 1.1 Update as one new version. Raises QuerySyntaxError."""

    def write_graph(
        self, graph: str | None, data: bytes | None, fmt: Format, *, base_iri: str, append: bool
    ) -> StoreInfo:
        """A Graph Store Protocol write as one update: ``graph`` (None: the default graph)
        is replaced by ``data`` (PUT), gets ``data`` added (POST, ``append``), or is
        removed (DELETE, ``data=None``).

        The default implementation parses ``data`` (in ``fmt``) and sends a SPARQL
        Update to :meth:`update`, so every backend inherits it.
        Raises RdfSyntaxError (400), QuerySyntaxError, StoreError.
        """
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        if data is None:
            return self.update(f"DROP SILENT {target}")
        triples = _ntriples(data, fmt, base_iri)
        insert = triples if graph is None else f"GRAPH <{graph}> {{\n{triples}\n}}"
        parts = [] if append else [f"DROP SILENT {target} ;"]
        parts.append(f"INSERT DATA {{\n{insert}\n}}")
        return self.update("\n".join(parts))

    @abc.abstractmethod
    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        """Write the whole dataset (``fmt.dataset``) or the default graph to ``out``."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


def _ntriples(data: bytes, fmt: Format, base_iri: str) -> str:
    """``data`` re-serialised as N-Triples (valid inside INSERT DATA). Raises RdfSyntaxError."""
    import rdflib

    from kgraph.errors import RdfSyntaxError, StoreError

    if fmt.name not in ("turtle", "ntriples"):
        # JSON-LD contexts and RDF/XML entities could make the parser fetch URLs
        raise StoreError(f"graph writes take Turtle or N-Triples, not {fmt.label}")
    graph = rdflib.Graph()
    try:
        graph.parse(data=data, format=fmt.rdflib, publicID=base_iri)
    except Exception as exc:  # rdflib raises many types for bad input
        raise RdfSyntaxError("request body", None, None, " ".join(str(exc).split())[:300]) from exc
    text: str = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return text
