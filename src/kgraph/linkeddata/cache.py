"""Page aggregates kept per data version: computed once, by one request, until the data changes.

The served data changes only when a build or publish swaps the store's version,
so a count or an ordering of a class's instances stays right for as long as that
version is served. :class:`PerVersion` keeps such values under ``(version, key)``,
bounded by a total size, and lets one request compute a missing value while the
others asking for it wait for that one.

>>> cache = PerVersion(max_size=10)
>>> cache.get("v1", "n", lambda: [1, 2, 3], size=len)
[1, 2, 3]
>>> cache.get("v1", "n", lambda: [], size=len)   # kept
[1, 2, 3]
>>> cache.get("v2", "n", lambda: [4], size=len)  # a new version: computed afresh
[4]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class PerVersion:
    """A thread-safe LRU of values per data version; ``max_size`` in units of ``size()``."""

    def __init__(self, max_size: int = 1_000_000) -> None:
        self.max_size = max_size
        self._values: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._version: str | None = None
        self._used = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(
        self, version: str, key: Hashable, compute: Callable[[], T], size: Callable[[T], int]
    ) -> T:
        """The value under ``key`` for ``version``, computed by ``compute`` if missing."""
        with self._lock:
            if version != self._version:  # new data: everything kept is stale
                self._values.clear()
                self._used, self._version = 0, version
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found[0]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # one computes; the others wait, then find it
            with self._lock:
                found = self._values.get(key) if version == self._version else None
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
            value = compute()
            cost = max(1, size(value))
            with self._lock:
                self._computing.pop(key, None)
                if version == self._version and cost <= self.max_size:
                    self._values[key] = (value, cost)
                    self._used += cost
                    while self._used > self.max_size and self._values:
                        _, (_, freed) = self._values.popitem(last=False)
                        self._used -= freed
            return value
