"""The remote store: any SPARQL 1.1 store, spoken to over standard HTTP only.

- queries: the SPARQL 1.1 Protocol through SPARQLWrapper, always scoped to the
  published graph with ``default-graph-uri`` (without it Virtuoso answers from
  every graph, its own system triples included);
- writes: SPARQL 1.1 Update, and the Graph Store HTTP Protocol when its URL is
  set (faster uploads); otherwise ``INSERT DATA``;
- metadata: publish writes ``<graph> kgm:version/kgm:triples/kgm:modified`` into
  the side graph ``<urn:kgraph:meta>`` in the same request that moves the new
  data in, so every kgraph instance reading the store reports the same version.

A publish (:meth:`RemoteStore.replace`) uploads into a fresh staging graph in
chunks, checks the triple count there, then ``MOVE``s it onto the published
graph in one update. Until that update the published graph is untouched; on
any failure the staging graph is dropped (best effort: a killed publisher's
leftovers are listed in the meta graph and dropped by the next publish).

>>> store = RemoteStore(Endpoints(query="http://127.0.0.1:7878/query"), HttpClient())
>>> store.endpoints.graph
'urn:kgraph:data'
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tempfile
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

from kgraph.errors import ConfigError, QueryTimeout, RemoteStoreError, StoreError
from kgraph.formats import FORM, NTRIPLES, RDFXML, SPARQL_JSON, SPARQL_XML, TURTLE, Format
from kgraph.settings import Settings
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.chunks import Upload, prepare
from kgraph.store.http import HttpClient, Response, make_request
from kgraph.store.remote_result import RemoteResult

log = logging.getLogger(__name__)
ChunkHook = Callable[[int, int], None]  # (chunk number from 1, chunks in all)

DEFAULT_GRAPH = "urn:kgraph:data"
META_GRAPH = "urn:kgraph:meta"
EMPTY_GRAPH = "urn:kgraph:empty"  # asked for when a query names only graphs we do not serve
KGM = "urn:kgraph:meta#"
STAGING_PREFIX = "urn:kgraph:staging:"
CHUNK_BYTES = 4 * 1024 * 1024
ACCEPT_RESULTS = f"{SPARQL_JSON.media_type}, {SPARQL_XML.media_type};q=0.8"
ACCEPT_GRAPH = f"{NTRIPLES.media_type}, {TURTLE.media_type};q=0.9, {RDFXML.media_type};q=0.5"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Endpoints:
    """Where the remote store answers, and which graph kgraph publishes and serves."""

    query: str
    update: str | None = None
    graph_store: str | None = None
    graph: str = DEFAULT_GRAPH


def _iri(value: str) -> str:
    if not value or any(c in value for c in '<>"{}|^`\\ \n'):
        raise ConfigError(f"not an IRI: {value!r}")
    return f"<{value}>"


def accept_for(sparql: str) -> str:
    """The Accept header for a query: graph formats for CONSTRUCT/DESCRIBE, results otherwise.

    Some stores (Virtuoso) answer a CONSTRUCT in a results format if asked to.

    >>> accept_for("PREFIX a: <http://x#select> # ask\\nDESCRIBE <x>") == ACCEPT_GRAPH
    True
    """
    prologue_free = re.sub(r"#[^\n]*", " ", re.sub(r"<[^<>\"\s]*>", " ", sparql))
    found = _FORM.search(prologue_free)
    graph = found is not None and found.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
    return ACCEPT_GRAPH if graph else ACCEPT_RESULTS


def _lit(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a valid SPARQL string literal


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper building the protocol request; our client sends it (auth, retries)."""

    def __init__(self, endpoint: str, client: HttpClient) -> None:
        super().__init__(endpoint)
        self._client = client

    def _parseQueryType(self, query: str) -> str:
        # The query form is learnt from the answer's media type; SPARQLWrapper's
        # guess only picks an Accept header (ours replaces it) and warns on
        # queries it cannot classify.
        return "SELECT"

    def send(self) -> Response:
        request = self._createRequest()
        return self._client.send(request, what="query", timeout_error=QueryTimeout)


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
        wrapper = _Wrapper(self.endpoints.query, self.client)
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
        """Run ``sparql`` over the published graph only (its default and only named graph).

        Graphs the caller names are kept only if they are the published graph,
        so no query reaches other graphs of the remote store.
        """
        graph = self.endpoints.graph

        def scoped(asked: Sequence[str] | None) -> str:
            return graph if asked is None or graph in asked else EMPTY_GRAPH

        params = [
            ("default-graph-uri", scoped(default_graphs)),
            ("named-graph-uri", scoped(named_graphs)),
        ]
        if base_iri:
            sparql = f"BASE {_iri(base_iri)}\n{sparql}"
        return self._run(sparql, params)

    def _meta(self) -> dict[str, str]:
        graph = _iri(self.endpoints.graph)
        rows = self._run(f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ {graph} ?p ?o }} }}")
        meta = {}
        for row in rows.rows():
            if row["p"].value.startswith(KGM):
                meta[row["p"].value[len(KGM) :]] = row["o"].value
        return meta

    def _count(self, graph: str) -> int:
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
        rows = list(self._run(sparql).rows())
        return int(rows[0]["n"].value) if rows else 0

    def info(self) -> StoreInfo:
        """The published graph's version, size and time, from the meta graph.

        A graph filled by other means (no metadata) reports its live triple count
        and a version derived from it.
        """
        meta = self._meta()
        triples = int(meta["triples"]) if "triples" in meta else self._count(self.endpoints.graph)
        return StoreInfo(
            version=meta.get("version", f"unpublished-{triples}"),
            triples=triples,
            modified=meta.get("modified", ""),
            backend="remote",
            location=self.endpoints.query,
            extra={"graph": self.endpoints.graph},
        )

    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        """The published graph in ``fmt`` (its triples in the default graph of dataset formats)."""
        if self.endpoints.graph_store:
            url = self._gsp_url(self.endpoints.graph)
            request = make_request(url, headers={"Accept": NTRIPLES.media_type})
            with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as buf:
                response = self.client.send(request, what="graph download", out=buf)
                if fmt is NTRIPLES and response.media_type == NTRIPLES.media_type:
                    buf.seek(0)
                    while data := buf.read(1024 * 1024):
                        out.write(data)
                    return
                buf.seek(0)
                result = RemoteResult(buf.read(), response.media_type or TURTLE.media_type)
        else:
            result = self._run(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                [("default-graph-uri", self.endpoints.graph)],
            )
        result.serialize(fmt, out)

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
            upload = prepare(
                files, base_iri=base_iri, workdir=Path(tmp), chunk_bytes=self.chunk_bytes
            )
            return self._publish(upload, progress)

    def _publish(self, upload: Upload, progress: Progress | None) -> StoreInfo:
        target = self.endpoints.graph
        self._drop_leftovers()
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._update(
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {_iri(staging)} <{KGM}stagingFor> "
            f"{_iri(target)} ; <{KGM}started> {_lit(now)} }} }}",
            what="staging graph set-up",
        )
        moved = False
        try:
            total = upload.total_bytes
            for number, (data, done) in enumerate(upload.read(), start=1):
                self._upload_chunk(staging, data)
                if progress:
                    progress(done, total)
                if self.on_chunk:
                    self.on_chunk(number, len(upload.chunks))
            found = self._count(staging)
            if found != upload.triples:
                raise RemoteStoreError(
                    f"remote store {self.endpoints.update} holds {found} triples after the "
                    f"upload, expected {upload.triples}; the published graph was not changed"
                )
            version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
            meta = _iri(target)
            # MOVE fails on a missing source graph, which is what an empty upload leaves
            switch = f"MOVE GRAPH {_iri(staging)} TO GRAPH {meta}"
            if not found:
                switch = f"DROP SILENT GRAPH {meta}"
            moved = True  # from here on, a failure may have happened after the move
            self._update(
                f"{switch} ;\n"
                f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {meta} ?p ?o }} }} ;\n"
                f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {_iri(staging)} ?p ?o }} }} ;\n"
                f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {meta} "
                f"<{KGM}version> {_lit(version)} ; <{KGM}triples> {upload.triples} ; "
                f'<{KGM}modified> "{now}"^^<{XSD}dateTime> }} }}',
                what="switch to the new graph",
                idempotent=False,
            )
        except BaseException:
            if not moved:
                self._clean_up(staging)
            raise
        return self.info()

    def _clean_up(self, staging: str) -> None:
        try:
            self._drop_staging(staging)
        except StoreError as exc:  # the original error matters more; the next publish retries
            log.warning("could not drop staging graph %s: %s", staging, exc)

    def update(self, sparql_update: str) -> StoreInfo:
        """Apply ``sparql_update`` to the published graph as one new version.

        The graph is read, updated in a scratch store with the embedded store's
        semantics (the published graph as the default graph), and published
        again like :meth:`replace`, so readers never see a partial update.
        Raises QuerySyntaxError, StoreError.
        """
        from kgraph.store.embedded import _syntax_error

        self._update_url()  # fail before reading anything
        with tempfile.TemporaryDirectory(prefix="kgraph-update-") as tmp:
            current = Path(tmp) / "current.nt"
            with current.open("wb") as fh:
                self.dump(NTRIPLES, fh)
            scratch = ox.Store()
            scratch.bulk_load(path=str(current), format=ox.RdfFormat.N_TRIPLES)
            try:
                scratch.update(sparql_update)
            except SyntaxError as exc:
                raise _syntax_error(exc) from exc
            updated = Path(tmp) / "updated.nq"
            scratch.dump(str(updated), format=ox.RdfFormat.N_QUADS)
            del scratch
            work = Path(tmp) / "work"
            work.mkdir()
            upload = prepare([updated], base_iri="urn:x:", workdir=work, chunk_bytes=CHUNK_BYTES)
            return self._publish(upload, None)
