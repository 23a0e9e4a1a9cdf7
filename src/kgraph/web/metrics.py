"""``/metrics``: Prometheus text format, from a registry that belongs to one app.

A registry per app (not prometheus_client's global one) keeps several apps in
one process — tests — from sharing or clashing over counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import prometheus_client
from fastapi import APIRouter, Request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.responses import Response

from kgraph.errors import StoreError
from kgraph.store.base import GraphStore

CONTENT_TYPE = prometheus_client.CONTENT_TYPE_LATEST
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

router = APIRouter(tags=["health"])


class _StoreCollector(Collector):
    """Read at scrape time: the store's size and the number of query worker processes."""

    def __init__(self, store: Callable[[], GraphStore | None], workers: Callable[[], int]) -> None:
        self._store, self._workers = store, workers

    def collect(self) -> Iterator[GaugeMetricFamily]:
        store = self._store()
        if store is not None:
            try:
                triples = store.info().triples
            except StoreError:
                triples = None
            if triples is not None:
                yield GaugeMetricFamily(
                    "kgraph_store_triples", "Triples (quads) in the served store", value=triples
                )
        yield GaugeMetricFamily(
            "kgraph_query_workers", "Query worker processes running", value=self._workers()
        )


class AppMetrics:
    """The metrics of one app."""

    def __init__(self, store: Callable[[], GraphStore | None], workers: Callable[[], int]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "kgraph_http_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kgraph_http_request_duration_seconds",
            "Time to answer a request (to the last byte), by route template",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.timeouts = Counter(
            "kgraph_query_timeouts",
            "Queries stopped at the time limit (query_timeout_s)",
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "kgraph_rate_limited", "Requests refused by the rate limit", registry=self.registry
        )
        self.registry.register(_StoreCollector(store, workers))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}}},
)
def metrics(request: Request) -> Response:
    app_metrics: AppMetrics = request.app.state.metrics
    return Response(app_metrics.render(), media_type=CONTENT_TYPE)
