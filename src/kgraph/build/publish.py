"""Publishing to a remote SPARQL store: validate, upload to staging, switch in one step.

The same SHACL gate as ``kgraph build``, then :meth:`RemoteStore.replace`
(chunked upload into a staging graph, triple count check, ``MOVE`` onto the
published graph). The published graph changes only if everything succeeded,
and running it again is always safe.

>>> s = remote_settings(load_settings(None), to="http://127.0.0.1:7878/update")
>>> s.remote.query_url, s.remote.update_url
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update')
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kgraph.build.loader import BuildResult, build
from kgraph.errors import ConfigError
from kgraph.settings import Settings, load_settings
from kgraph.store.base import Progress
from kgraph.store.remote import ChunkHook, RemoteStore

__all__ = ["load_settings", "publish", "remote_settings"]


def remote_settings(
    settings: Settings,
    *,
    to: str,
    query_url: str | None = None,
    graph_store_url: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str | None = None,
    token: str | None = None,
) -> Settings:
    """``settings`` pointed at the store whose SPARQL Update endpoint is ``to``.

    The query URL defaults to ``remote_query_url``, else to ``to`` with a final
    ``/update`` replaced by ``/query`` (Oxigraph, Fuseki), else ``to`` itself
    (Virtuoso, GraphDB and others answer both on one URL).
    Raises ConfigError for a URL that is not http(s).
    """
    urls = (("--to", to), ("--query-url", query_url), ("--graph-store-url", graph_store_url))
    for name, url in urls:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name} {url!r}: not an http(s) URL")
    derived = to[: -len("/update")] + "/query" if to.endswith("/update") else to
    chosen = query_url or settings.remote.query_url or derived
    updates = {
        "store": chosen,
        "remote_query_url": chosen,
        "remote_update_url": to,
        "remote_graph_store_url": graph_store_url,
        "remote_graph": graph,
        "remote_user": user,
        "remote_password": password,
        "remote_auth": auth,
        "remote_token": token,
    }
    return settings.replace(**updates)


def publish(
    settings: Settings,
    paths: Sequence[Path],
    *,
    progress: Progress | None = None,
    on_chunk: ChunkHook | None = None,
) -> BuildResult:
    """Validate ``paths`` and make them the whole published graph of the remote store.

    ``settings`` name the store (see :func:`remote_settings`). Raises
    ValidationFailed (nothing uploaded), RdfSyntaxError, StoreUnavailable,
    RemoteStoreError, ConfigError; on any error the published graph is unchanged.
    """
    if not settings.remote.update_url:
        raise ConfigError("setting 'remote_update_url': publishing needs an update URL (--to)")
    store = RemoteStore.from_settings(settings)
    store.on_chunk = on_chunk
    return build(settings, store, paths, progress=progress)
