"""A small result cache for ``/sparql``: whole answers, keyed by request and data version.

The served data changes only when a build or publish swaps the store's
version, so an answer is valid for as long as the version it was computed
on: the key includes ``StoreInfo.version`` and entries of older versions are
dropped the first time a newer version is seen. Only complete, small answers
are kept (not streamed ones, not HTML); the total size is bounded and the
least recently used entries go first.

>>> cache = ResultCache(max_bytes=4000, max_entry_bytes=1000)
>>> key = CacheKey("v1", "ASK {}", (), (), "application/json", None)
>>> cache.put(key, CachedAnswer(b"true", "application/json", {}))
True
>>> cache.get(key).body
b'true'
>>> cache.get(key._replace(version="v2")) is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from kgraph.query.protocol import QueryRequest

__all__ = ["CacheKey", "CachedAnswer", "ResultCache", "cache_key"]


class CacheKey(NamedTuple):
    version: str
    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    accept: str | None
    format_param: str | None


class Versioned(Protocol):
    """A cache key: tied to the data version it was computed on."""

    @property
    def version(self) -> str: ...


class HasBody(Protocol):
    @property
    def body(self) -> bytes: ...


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    content_type: str
    headers: dict[str, str]


class ResultCache:
    """A thread-safe LRU of answers, bounded in bytes. ``max_bytes=0`` disables it.

    Keys of different kinds may share it (parsed requests, raw GET requests);
    each carries the data version it was computed on.
    """

    ENTRY_OVERHEAD = 200

    def __init__(self, max_bytes: int = 32 * 2**20, max_entry_bytes: int = 2**20) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._version: str | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Versioned) -> Any | None:
        with self._lock:
            found = self._entries.get(key)  # type: ignore[call-overload]
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)  # type: ignore[arg-type]
            self.hits += 1
            return found[0]

    def put(self, key: Versioned, answer: HasBody) -> bool:
        """Keep ``answer`` unless it is too big; False if it was not kept."""
        size = len(answer.body) + len(repr(key)) + self.ENTRY_OVERHEAD
        if self.max_bytes <= 0 or size > self.max_entry_bytes:
            return False
        with self._lock:
            if key.version != self._version:  # new data: everything cached is stale
                self._entries.clear()
                self._size = 0
                self._version = key.version
            old = self._entries.pop(key, None)  # type: ignore[call-overload]
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (answer, size)  # type: ignore[index]
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, (_, cost) = self._entries.popitem(last=False)
                self._size -= cost
            return True

    def __len__(self) -> int:
        return len(self._entries)


def cache_key(version: str, req: QueryRequest, accept: str | None) -> CacheKey:
    """The key of ``req`` on the data version ``version``."""
    return CacheKey(
        version,
        req.query,
        tuple(req.default_graphs),
        tuple(req.named_graphs),
        accept,
        req.format,
    )
