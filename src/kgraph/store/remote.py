"""The remote store: any SPARQL 1.1 store, spoken to over standard HTTP only.

- queries: the SPARQL 1.1 Protocol through SPARQLWrapper, always scoped with
  ``default-graph-uri`` to the published graph (the union of the publication's
  graphs) and ``named-graph-uri`` to its named graphs (without them Virtuoso
  answers from every graph, its own system triples included): see
  :mod:`kgraph.store.remote_protocol`. The server may or may not have a union
  default graph (Oxigraph's ``--union-default-graph``);
- writes: SPARQL 1.1 Update, and the Graph Store HTTP Protocol when its URL is
  set (faster uploads); otherwise ``INSERT DATA``;
- metadata: publish writes ``<graph> kgm:version/kgm:triples/kgm:modified`` and
  ``kgm:graph`` (each named graph) into the side graph ``<urn:kgraph:meta>`` in
  the request that moves the new data in, so every reader sees one version.

A publish (:meth:`RemoteStore.replace`) uploads the union and each named graph
(under its own IRI) into fresh staging graphs in chunks, checks the counts, then
``MOVE``s them all onto the published graphs in one update, which also drops
the named graphs the new data no longer has. Until then the published graphs
are untouched; on any failure the staging graphs are dropped (best effort: a
killed publisher's leftovers are listed in the meta graph and dropped by the
next publish).

>>> store = RemoteStore(Endpoints(query="http://127.0.0.1:7878/query"), HttpClient())
>>> store.endpoints.graph
'urn:kgraph:data'
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED

from kgraph.errors import ConfigError, RemoteStoreError, StoreError
from kgraph.formats import FORM, NQUADS, NTRIPLES, TURTLE, Format
from kgraph.settings import Settings
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.chunks import Prepared, Upload, prepare_dataset
from kgraph.store.engine import oxi_format
from kgraph.store.http import HttpClient, make_request
from kgraph.store.remote_protocol import (
    ACCEPT_GRAPH,
    ACCEPT_RESULTS,
    Wrapper,
    accept_for,
    dataset_clauses,
    scoped,
)
from kgraph.store.remote_protocol import sparql_iri as _iri
from kgraph.store.remote_protocol import sparql_string as _lit
from kgraph.store.remote_result import RemoteResult
from kgraph.store.union import update_dataset_file

__all__ = ["ACCEPT_GRAPH", "ACCEPT_RESULTS", "Endpoints", "RemoteStore", "accept_for"]

log = logging.getLogger(__name__)
ChunkHook = Callable[[int, int], None]  # (chunk number from 1, chunks in all)

DEFAULT_GRAPH = "urn:kgraph:data"
META_GRAPH = "urn:kgraph:meta"
EMPTY_GRAPH = "urn:kgraph:empty"  # asked for when a query names only graphs we do not serve
KGM = "urn:kgraph:meta#"
STAGING_PREFIX = "urn:kgraph:staging:"
CHUNK_BYTES = 4 * 1024 * 1024
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Endpoints:
    """Where the remote store answers, and which graph kgraph publishes and serves."""

    query: str
    update: str | None = None
    graph_store: str | None = None
    graph: str = DEFAULT_GRAPH


# -- the store -------------------------------------------------------------------


class RemoteStore(GraphStore):
    """A :class:`GraphStore` over SPARQL 1.1 Query, Update and Graph Store endpoints.

    Build it with :meth:`from_settings`. Reads need only ``endpoints.query``;
    :meth:`replace` and :meth:`update` need ``endpoints.update``.
    """

    def __init__(
        self,
        endpoints: Endpoints,
        client: HttpClient,
        *,
        chunk_bytes: int = CHUNK_BYTES,
        on_chunk: ChunkHook | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.client = client
        self.chunk_bytes = chunk_bytes
        self.on_chunk = on_chunk  # tests use it to break a publish half-way
        self._graphs: list[str] | None = None  # the named graphs, as the meta graph last said
        _iri(endpoints.graph)

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        """The store ``settings`` name: ``remote_query_url``, or ``store`` when it is a URL.

        Raises ConfigError when no query URL is set or the auth kind is unknown.
        """
        query_url = settings.remote.query_url or (
            settings.paths.store if settings.paths.is_remote else None
        )
        if not query_url:
            raise ConfigError("setting 'remote_query_url': a remote store needs a query URL")
        client = HttpClient(
            auth=settings.remote.auth,
            user=settings.remote.user,
            password=settings.remote.password,
            token=settings.remote.token,
            timeout_s=settings.remote.timeout_s,
            retries=settings.remote.retries,
        )
        endpoints = Endpoints(
            query=query_url,
            update=settings.remote.update_url,
            graph_store=settings.remote.graph_store_url,
            graph=settings.remote.graph or DEFAULT_GRAPH,
        )
        return cls(endpoints, client, chunk_bytes=settings.remote.chunk_bytes)

    # -- reading ---------------------------------------------------------------

    def _run(self, sparql: str, params: Sequence[tuple[str, str]] = ()) -> RemoteResult:
        wrapper = Wrapper(self.endpoints.query, self.client)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: Accept decides
        wrapper.setQuery(sparql)
        wrapper.addCustomHttpHeader("Accept", accept_for(sparql))
        for name, value in params:
            wrapper.addParameter(name, value)
        response = wrapper.send()
        if "x-sparql-maxrows" in response.headers:
            raise RemoteStoreError(
                f"remote store {self.endpoints.query} cut the result at "
                f"{response.headers['x-sparql-maxrows']} rows; raise its row limit "
                "(Virtuoso: ResultSetMaxRows)"
            )
        return RemoteResult(response.body, response.media_type)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run ``sparql`` over the publication: its union as the default graph, its named
        graphs as the named graphs.

        Graphs the caller names (protocol parameters, else the query's ``FROM`` and
        ``FROM NAMED``) are kept only if they are graphs of the publication, so no query
        reaches other graphs of the remote store.
        """
        graph = self.endpoints.graph
        named = self.named_graphs()
        if default_graphs is None and named_graphs is None:
            in_query = dataset_clauses(sparql, base_iri)
            if any(in_query):  # FROM without FROM NAMED: no named graphs, and vice versa
                default_graphs, named_graphs = in_query
        allowed = {graph, *named}
        params = [
            ("default-graph-uri", g)
            for g in scoped(default_graphs, fallback=[graph], allowed=allowed, empty=EMPTY_GRAPH)
        ] + [
            ("named-graph-uri", g)
            for g in scoped(named_graphs, fallback=named, allowed=allowed, empty=EMPTY_GRAPH)
        ]
        if base_iri:
            sparql = f"BASE {_iri(base_iri)}\n{sparql}"
        return self._run(sparql, params)

    def named_graphs(self) -> list[str]:
        """The publication's named graphs (from the meta graph, read again by :meth:`info`)."""
        return self._graphs if self._graphs is not None else self._meta()[1]

    def _meta(self) -> tuple[dict[str, str], list[str]]:
        graph = _iri(self.endpoints.graph)
        rows = self._run(f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ {graph} ?p ?o }} }}")
        found = [(r["p"].value.removeprefix(KGM), r["o"].value) for r in rows.rows()]
        self._graphs = sorted(o for p, o in found if p == "graph")
        return {p: o for p, o in found if p != "graph" and ":" not in p}, self._graphs

    def _count(self, graph: str) -> int:
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
        rows = list(self._run(sparql).rows())
        return int(rows[0]["n"].value) if rows else 0

    def info(self) -> StoreInfo:
        """The published graph's version, size and time, from the meta graph.

        A graph filled by other means (no metadata) reports its live triple count
        and a version derived from it.
        """
        meta = self._meta()[0]
        triples = int(meta["triples"]) if "triples" in meta else self._count(self.endpoints.graph)
        return StoreInfo(
            version=meta.get("version", f"unpublished-{triples}"),
            triples=triples,
            modified=meta.get("modified", ""),
            backend="remote",
            location=self.endpoints.query,
            extra={"graph": self.endpoints.graph, "graphs": list(self._graphs or [])},
        )

    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        """The published union in a graph format; in a dataset format the named graphs (or,
        without any, the union as the default graph)."""
        named = self.named_graphs() if fmt.dataset else []
        if named:
            quads = (
                ox.Quad(row["s"], row["p"], row["o"], ox.NamedNode(g))
                for g in named
                for row in self._fetch(g, None).rows()
            )
            ox.serialize(quads, out, oxi_format(fmt))  # type: ignore[arg-type]
            return
        self._fetch(self.endpoints.graph, out if fmt is NTRIPLES else None).serialize(fmt, out)

    def _fetch(self, graph: str, nt_out: IO[bytes] | None) -> RemoteResult:
        """The triples of ``graph``; written straight to ``nt_out`` (and an empty result
        returned) when the store sends N-Triples and the caller wants N-Triples."""
        if not self.endpoints.graph_store:
            return self._run(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [("default-graph-uri", graph)]
            )
        request = make_request(self._gsp_url(graph), headers={"Accept": NTRIPLES.media_type})
        with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as buf:
            response = self.client.send(request, what="graph download", out=buf)
            buf.seek(0)
            if nt_out is not None and response.media_type == NTRIPLES.media_type:
                while data := buf.read(1024 * 1024):
                    nt_out.write(data)
                return RemoteResult(b"", NTRIPLES.media_type)
            return RemoteResult(buf.read(), response.media_type or TURTLE.media_type)

    # -- writing ---------------------------------------------------------------

    def _update_url(self) -> str:
        if not self.endpoints.update:
            raise ConfigError(
                "setting 'remote_update_url': writing to a remote store needs an update URL"
            )
        return self.endpoints.update

    def _update(self, sparql_update: str, *, what: str, idempotent: bool = True) -> None:
        url = self._update_url()
        body = urllib.parse.urlencode({"update": sparql_update}).encode()
        request = make_request(url, data=body, headers={"Content-Type": FORM.media_type})
        self.client.send(request, what=what, idempotent=idempotent)

    def _gsp_url(self, graph: str) -> str:
        assert self.endpoints.graph_store
        sep = "&" if "?" in self.endpoints.graph_store else "?"
        return f"{self.endpoints.graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"

    def _upload_chunk(self, staging: str, data: bytes) -> None:
        if self.endpoints.graph_store:
            request = make_request(
                self._gsp_url(staging), data=data, headers={"Content-Type": NTRIPLES.media_type}
            )
            self.client.send(request, what="data upload")
        else:
            # Blank nodes are allowed in INSERT DATA, but Virtuoso refuses them there;
            # an INSERT template with an empty WHERE means the same everywhere.
            text = data.decode("utf-8")
            graph = f"GRAPH {_iri(staging)} {{\n{text}}}"
            blank = b"_:" in data
            self._update(
                f"INSERT {{ {graph} }} WHERE {{}}" if blank else f"INSERT DATA {{ {graph} }}",
                what="data upload",
            )

    def _drop_leftovers(self) -> None:
        """Drop staging graphs of earlier publishes that died before cleaning up."""
        rows = self._run(
            f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{KGM}stagingFor> "
            f"{_iri(self.endpoints.graph)} }} }}"
        ).rows()
        for row in list(rows):
            self._drop_staging(row["g"].value)

    def _drop_staging(self, staging: str) -> None:
        self._update(
            f"DROP SILENT GRAPH {_iri(staging)} ;\n"
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {_iri(staging)} ?p ?o }} }}",
            what="staging graph clean-up",
        )

    def replace(
        self, files: Sequence[Path], *, base_iri: str, progress: Progress | None = None
    ) -> StoreInfo:
        """Publish ``files`` as the whole published graph, in one step for readers.

        Raises RdfSyntaxError, StoreUnavailable, RemoteStoreError; on any error
        the published graph keeps its previous content.
        """
        self._update_url()
        with tempfile.TemporaryDirectory(prefix="kgraph-publish-") as tmp:
            prepared = prepare_dataset(
                files, base_iri=base_iri, workdir=Path(tmp), chunk_bytes=self.chunk_bytes
            )
            return self._publish(prepared, progress)

    def _publish(self, prepared: Prepared, progress: Progress | None) -> StoreInfo:
        target = self.endpoints.graph
        old_graphs = self.named_graphs()
        self._drop_leftovers()
        run = uuid.uuid4().hex
        # (staging graph, final graph, upload): the union first, then each named graph
        moves = [(f"{STAGING_PREFIX}{run}", target, prepared.union)] + [
            (f"{STAGING_PREFIX}{run}-{n}", graph, upload)
            for n, (graph, upload) in enumerate(prepared.graphs.items())
        ]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        registered = " . ".join(
            f"{_iri(staging)} <{KGM}stagingFor> {_iri(target)} ; <{KGM}started> {_lit(now)}"
            for staging, _, _ in moves
        )
        self._update(
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {registered} }} }}",
            what="staging graph set-up",
        )
        moved = False
        try:
            self._upload_all(moves, progress)
            version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
            meta = _iri(target)
            # MOVE fails on a missing source graph, which is what an empty upload leaves
            switch = [
                f"MOVE GRAPH {_iri(staging)} TO GRAPH {_iri(graph)}"
                if upload.triples
                else f"DROP SILENT GRAPH {_iri(graph)}"
                for staging, graph, upload in moves
            ]
            switch += [
                f"DROP SILENT GRAPH {_iri(g)}" for g in old_graphs if g not in prepared.graphs
            ]
            switch += [
                f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {_iri(g)} ?p ?o }} }}"
                for g in (target, *(staging for staging, _, _ in moves))
            ]
            listed = "".join(f" ; <{KGM}graph> {_iri(g)}" for g in prepared.graphs)
            switch.append(
                f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {meta} "
                f"<{KGM}version> {_lit(version)} ; <{KGM}triples> {prepared.statements} ; "
                f'<{KGM}modified> "{now}"^^<{XSD}dateTime>{listed} }} }}'
            )
            moved = True  # from here on, a failure may have happened after the move
            self._update(" ;\n".join(switch), what="switch to the new graphs", idempotent=False)
        except BaseException:
            if not moved:
                for staging, _, _ in moves:
                    self._clean_up(staging)
            raise
        return self.info()

    def _upload_all(self, moves: list[tuple[str, str, Upload]], progress: Progress | None) -> None:
        """Every upload into its staging graph, then each staging graph's count checked."""
        total = sum(upload.total_bytes for _, _, upload in moves)
        chunks = sum(len(upload.chunks) for _, _, upload in moves)
        done_before, number = 0, 0
        for staging, _, upload in moves:
            for data, done in upload.read():
                self._upload_chunk(staging, data)
                number += 1
                if progress:
                    progress(done_before + done, total)
                if self.on_chunk:
                    self.on_chunk(number, chunks)
            done_before += upload.total_bytes
        if len(moves) > 1:  # the union of the named graphs, each blank node one node
            union = _iri(moves[0][0])
            self._update(
                " ;\n".join(f"ADD {_iri(staging)} TO {union}" for staging, _, _ in moves[1:]),
                what="union of the named graphs",
            )
        for staging, graph, upload in moves:
            found = self._count(staging)
            if found != upload.triples:
                raise RemoteStoreError(
                    f"remote store {self.endpoints.update} holds {found} triples after the "
                    f"upload of <{graph}>, expected {upload.triples}; the published graphs "
                    "were not changed"
                )

    def _clean_up(self, staging: str) -> None:
        try:
            self._drop_staging(staging)
        except StoreError as exc:  # the original error matters more; the next publish retries
            log.warning("could not drop staging graph %s: %s", staging, exc)

    def update(self, sparql_update: str) -> StoreInfo:
        """Apply ``sparql_update`` to the publication as one new version.

        The publication is read, updated in a scratch store with the embedded store's
        semantics (the union as the default graph, derived again after the update),
        and published again like :meth:`replace`, so readers never see a partial update.
        Raises QuerySyntaxError, BadRequest (statements left outside the named graphs),
        StoreError.
        """
        from kgraph.store.embedded import _syntax_error

        self._update_url()  # fail before reading anything
        with tempfile.TemporaryDirectory(prefix="kgraph-update-") as tmp:
            current, updated = Path(tmp) / "current.nq", Path(tmp) / "updated.nq"
            with current.open("wb") as fh:
                self.dump(NQUADS, fh)
            try:
                update_dataset_file(current, sparql_update, updated)
            except SyntaxError as exc:
                raise _syntax_error(exc) from exc
            work = Path(tmp) / "work"
            work.mkdir()
            prepared = prepare_dataset(
                [updated], base_iri="urn:x:", workdir=work, chunk_bytes=CHUNK_BYTES
            )
            return self._publish(prepared, None)
