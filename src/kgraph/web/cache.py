"""The store behind the replay layer: whole answers, keyed by request and data version.

The served data changes only when a build or publish swaps the store's
version, so an answer is valid for as long as the version it was computed
on: every key carries ``StoreInfo.version`` and entries of older versions are
dropped the first time a newer version is seen. The total size is bounded and
the least recently used entries go first.

>>> from typing import NamedTuple
>>> class Key(NamedTuple):
...     version: str
...     text: str
>>> class Body(NamedTuple):
...     body: bytes
>>> cache = ResultCache(max_bytes=4000, max_entry_bytes=1000)
>>> cache.put(Key("v1", "ASK {}"), Body(b"true"))
True
>>> cache.get(Key("v1", "ASK {}")).body
b'true'
>>> cache.get(Key("v2", "ASK {}")) is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Protocol

__all__ = ["ResultCache"]


class Versioned(Protocol):
    """A cache key: tied to the data version it was computed on."""

    @property
    def version(self) -> str: ...


class HasBody(Protocol):
    @property
    def body(self) -> bytes: ...


class ResultCache:
    """A thread-safe LRU of answers, bounded in bytes. ``max_bytes=0`` disables it.

    Each key carries the data version it was computed on (``key.version``).
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
        size = len(answer.body) + _key_size(key) + self.ENTRY_OVERHEAD
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


def _key_size(key: object) -> int:
    """About what ``key`` holds, in bytes: the length of each of its fields (a tuple's), or
    of its text; cheaper than its ``repr``, which a put used to build.

    >>> _key_size(("v1", b"/sparql", None, b"q=1"))
    12
    >>> _key_size("v1")
    2
    """
    if isinstance(key, tuple):
        return sum(len(part) for part in key if isinstance(part, (str, bytes)))
    return len(str(key))
