"""Load test: N concurrent clients on a mix of queries and page views for D seconds.

    python benchmarks/load.py http://127.0.0.1:8000 --clients 64 --duration 60

Prints throughput, p50/p90/p99 latency and the error count (non-2xx or
transport errors); with ``--json`` one JSON object instead. Exits 1 on errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

import httpx

QUERIES = [
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "ASK { ?s a ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50",
]
ACCEPTS = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"]
PAGES = [
    "/",  # home: the dataset at a glance
    "/id/board/kalmar",  # a board: charts, incoming links
    "/id/county/orebro",
    "/id/publication/ratten-till-ett-eget-liv-2004-6",
    "/def/Report",  # a class page with its instances
    "/search?q=kvinnofrid",
    "/sparql",  # the query editor
    "/healthz",
    "/static/style.css",
]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


def pick(rng: random.Random) -> tuple[str, dict[str, str], dict[str, str]]:
    """(path, params, headers) of the next request: 70 % queries, 30 % pages."""
    if rng.random() < 0.7:
        query = rng.choice(QUERIES)
        accept = "text/turtle" if query.startswith("CONSTRUCT") else rng.choice(ACCEPTS[:2])
        if query.startswith("ASK"):
            accept = ACCEPTS[0]
        return "/sparql", {"query": query}, {"Accept": accept}
    path = rng.choice(PAGES)
    accept = "*/*" if path in ("/healthz", "/static/style.css") else "text/html"
    return path, {}, {"Accept": accept}


async def client(http: httpx.AsyncClient, until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        path, params, headers = pick(rng)
        start = time.perf_counter()
        try:
            r = await http.get(path, params=params, headers=headers)
            ok = 200 <= r.status_code < 300
            detail = f"{r.status_code} {path} {r.text[:120]!r}"
        except httpx.HTTPError as exc:
            ok, detail = False, f"{type(exc).__name__} {path}: {exc}"
        stats.latencies.append(time.perf_counter() - start)
        if not ok:
            stats.errors += 1
            if len(stats.error_samples) < 5:
                stats.error_samples.append(detail)


async def run(base: str, clients: int, duration: float) -> dict[str, object]:
    stats = Stats()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as http:
        until = time.monotonic() + duration
        started = time.perf_counter()
        await asyncio.gather(*(client(http, until, stats, i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    lat = sorted(stats.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0] if lat else 0.0] * 99
    return {
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "requests": len(lat),
        "throughput_rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p90_ms": round(q[89] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
        "errors": stats.errors,
        "error_samples": stats.error_samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.base.rstrip("/"), args.clients, args.duration))
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['clients']} clients, {result['duration_s']} s: "
            f"{result['requests']} requests, "
            f"{result['throughput_rps']} req/s; latency p50 {result['p50_ms']} ms, "
            f"p90 {result['p90_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms; "
            f"errors {result['errors']}"
        )
        for sample in result["error_samples"]:  # type: ignore[attr-defined]
            print("  error:", sample)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
