"""The store as pages see it: every query they make runs under the executor's limits.

A class page, the home page's counts or a search over a large graph are queries
like any other: :class:`BoundedStore` sends each one through the
:class:`~kgraph.query.executor.QueryExecutor` (time limit from the request's
arrival, memory limit, lanes, the client's budget) and reads the answer back
as a result. Everything else (the version, dumps, writes) goes to the store
itself. Its methods are called from a route's worker thread; called on the
event loop itself they would wait for the loop, so there they use the store
directly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from kgraph.formats import NTRIPLES, SPARQL_JSON, Format
from kgraph.query.executor import QueryExecutor
from kgraph.query.pool import Caller
from kgraph.query.protocol import FormatChoice, QueryRequest
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.remote_result import RemoteResult

PAGE_FORMATS = FormatChoice(select=SPARQL_JSON, ask=SPARQL_JSON, graph=NTRIPLES)


class BoundedStore(GraphStore):
    """``store``, with its queries answered by ``executor`` for ``caller``."""

    def __init__(
        self,
        store: GraphStore,
        executor: QueryExecutor,
        caller: Caller,
        loop: asyncio.AbstractEventLoop,
        *,
        max_rows: int = 0,
        inline_rows: int = 20_000,
    ) -> None:
        self.store, self.executor, self.caller, self.loop = store, executor, caller, loop
        self.max_rows = max_rows
        self.inline_rows = inline_rows  # a page's thread may run a query bounded to this
        self._loop_thread = threading.get_ident() if loop.is_running() else None

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run ``sparql`` through the executor. Raises what it raises (QueryTimeout, ...)."""
        if threading.get_ident() == self._loop_thread:
            return self.store.query(
                sparql, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri
            )
        req = QueryRequest(
            sparql,
            tuple(default_graphs or ()),
            tuple(named_graphs or ()),
            PAGE_FORMATS,
            base_iri,
            self.max_rows,
        )
        if self.executor.admits(req, self.inline_rows):  # bounded before it runs: here
            return self.store.query(
                sparql, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri
            )
        body, fmt = asyncio.run_coroutine_threadsafe(self._whole(req), self.loop).result()
        return RemoteResult(body, fmt.media_type)

    async def _whole(self, req: QueryRequest) -> tuple[bytes, Format]:
        answer = await self.executor.answer(req, self.caller)
        parts = [answer.first]
        if not answer.complete:
            async for chunk in answer.rest():
                parts.append(chunk)
        return b"".join(parts), answer.head.format

    # -- the rest is the store's own -------------------------------------------------

    def info(self) -> StoreInfo:
        return self.store.info()

    def version_now(self) -> str | None:
        return self.store.version_now()

    def replace(
        self, files: Sequence[Path], *, base_iri: str, progress: Progress | None = None
    ) -> StoreInfo:
        return self.store.replace(files, base_iri=base_iri, progress=progress)

    def update(self, sparql_update: str) -> StoreInfo:
        return self.store.update(sparql_update)

    def write_graph(
        self, graph: str | None, data: bytes | None, fmt: Format, *, base_iri: str, append: bool
    ) -> StoreInfo:
        return self.store.write_graph(graph, data, fmt, base_iri=base_iri, append=append)

    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        self.store.dump(fmt, out)

    def close(self) -> None:
        """Nothing: the app owns the store."""

    def __getattr__(self, name: str) -> Any:  # anything else a backend offers
        return getattr(self.store, name)
