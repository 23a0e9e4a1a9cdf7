"""The pool's policy: its limits, who is asking, how much each client has used, and
what a client is told when the pool stops its query. See :mod:`kgraph.query.pool`.

>>> usage = ClientUsage(lambda client, now: 0.0)
>>> usage.record("a", now=100.0, seconds=50.0)
>>> usage.used("a", now=120.0), usage.used("a", now=161.0)
(50.0, 0.0)
>>> usage.record("a", now=100.0, seconds=50.0)
>>> usage.budget_back("a", now=120.0, budget=30.0)
40
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from kgraph.errors import (
    KgraphError,
    QueryMemoryExceeded,
    QueryTimeout,
    ServerBusy,
    StoreError,
    StoreUnavailable,
)

USAGE_WINDOW_S = 60.0
KillReason = Literal["timeout", "memory", "budget", "busy", "shutdown", "client"]


@dataclass(frozen=True)
class PoolPolicy:
    """The pool's limits (built from ``settings.limits`` by the executor)."""

    max_workers: int = 6
    short_lane: int = 2
    short_query_s: float = 0.25
    spare: int = 1
    timeout_s: float = 10.0
    memory_mb: int = 512
    memory_budget_mb: int = 1536
    retire_mb: int = 160
    client_max: int = 4
    client_seconds: float = 60.0  # query time per client per minute; 0: no budget
    network: bool = False  # may workers open connections (SERVICE to allowed endpoints)

    @property
    def long_slots(self) -> int:
        return max(1, self.max_workers - self.short_lane)


@dataclass(frozen=True)
class Caller:
    """Who asks, and since when (the time limit counts from ``arrived``)."""

    client: str = "-"
    arrived: float = field(default_factory=time.monotonic)


class ClientUsage:
    """Query seconds per client over the last minute; ``live(client, now)`` adds the
    seconds of its queries running now."""

    def __init__(self, live: Callable[[str, float], float]) -> None:
        self._live = live
        self._done: dict[str, deque[tuple[float, float]]] = {}
        self._heavy: dict[str, float] = {}  # client -> when a query of its outgrew the short lane

    def record(self, client: str, now: float, seconds: float) -> None:
        """A query of ``client`` ended at ``now`` after ``seconds``."""
        self._done.setdefault(client, deque()).append((now, seconds))

    def used(self, client: str, now: float) -> float:
        """Query seconds ``client`` used in the last minute, running queries included."""
        history = self._done.get(client)
        done = 0.0
        if history:
            while history and history[0][0] < now - USAGE_WINDOW_S:
                history.popleft()
            done = sum(seconds for _, seconds in history)
            if not history:
                del self._done[client]
        return done + self._live(client, now)

    def mark_heavy(self, client: str, now: float) -> None:
        """A query of ``client`` ran past the short lane's time."""
        self._heavy[client] = now
        if len(self._heavy) > 100_000:  # forget the oldest marks
            cutoff = now - USAGE_WINDOW_S
            self._heavy = {c: t for c, t in self._heavy.items() if t >= cutoff}

    def is_heavy(self, client: str, now: float) -> bool:
        """Whether ``client`` sent a query that outgrew the short lane in the last minute
        (its queries then start in the long lane, behind light clients)."""
        at = self._heavy.get(client)
        return at is not None and at >= now - USAGE_WINDOW_S

    def budget_back(self, client: str, now: float, budget: float) -> int:
        """Seconds until ``client`` is under ``budget`` again (at least 1)."""
        over = self.used(client, now) - budget
        freed = 0.0
        for at, seconds in self._done.get(client, ()):
            freed += seconds
            if freed >= over:
                return max(1, math.ceil(at + USAGE_WINDOW_S - now))
        return max(1, math.ceil(USAGE_WINDOW_S))


def killed_error(reason: KillReason, p: PoolPolicy) -> KgraphError:
    """What a client is told when the pool stopped its query for ``reason``."""
    if reason == "timeout":
        return QueryTimeout(f"the query was stopped at the time limit of {p.timeout_s:g} s")
    if reason == "memory":
        return QueryMemoryExceeded(
            f"the query was stopped at its memory limit of {p.memory_mb} MiB"
        )
    if reason == "budget":
        return QueryMemoryExceeded(
            "the query was stopped: the queries running together passed the memory budget of "
            f"{p.memory_budget_mb} MiB, and it was the biggest"
        )
    if reason == "busy":
        return ServerBusy(
            f"the query ran longer than {p.short_query_s:g} s and all {p.long_slots} slots for "
            "long queries are taken; try again later",
            2,
        )
    if reason == "shutdown":
        return StoreUnavailable("the server is shutting down; try again later")
    return StoreError("the answer was abandoned")
