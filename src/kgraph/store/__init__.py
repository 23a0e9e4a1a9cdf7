"""The store layer: one interface, an embedded implementation (and a remote one).

This package is the only part of kgraph that imports the store engine
(pyoxigraph). Callers get :class:`QueryResult` objects that serialise
themselves, and rows whose terms have ``.value`` (and, for literals,
``.language`` / ``.datatype``).

>>> from kgraph.settings import load_settings
>>> store = open_store(load_settings(None, store="/nonexistent/store"))
Traceback (most recent call last):
...
kgraph.errors.StoreUnavailable: no data in store /nonexistent/store: run `kgraph build` first
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgraph.store.base import GraphStore, QueryResult, StoreInfo

if TYPE_CHECKING:  # query worker processes import the store without pydantic
    from kgraph.settings import Settings


def open_store(settings: Settings, *, writable: bool = False) -> GraphStore:
    """The store that ``settings.paths.store`` names: a directory, or a SPARQL endpoint URL.

    Raises :class:`~kgraph.errors.StoreUnavailable` if it cannot be opened.
    """
    if settings.paths.is_remote:
        from kgraph.store.remote import RemoteStore

        remote: GraphStore = RemoteStore.from_settings(settings)
        return remote
    from kgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.paths.store_path, writable=writable)


__all__ = ["GraphStore", "QueryResult", "StoreInfo", "open_store"]
