"""Latency of simple queries with 0 and with N never-ending queries running.

    python benchmarks/heavy_queries.py http://127.0.0.1:8000 --heavy 4 --simple 200

The server should run with a short ``query_timeout_s`` (e.g. KGRAPH_QUERY_TIMEOUT_S=5):
the heavy queries are cut at that limit. Prints p50/p90/p99/max of the simple
queries in both phases and the heavy queries' statuses and durations.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import httpx

HEAVY = "SELECT (COUNT(*) AS ?c) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 5"
ACCEPT = {"Accept": "application/sparql-results+json"}


def simple_latencies(base: str, n: int) -> list[float]:
    out = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(n):
            start = time.perf_counter()
            r = http.get("/sparql", params={"query": SIMPLE}, headers=ACCEPT)
            r.raise_for_status()
            out.append(time.perf_counter() - start)
    return out


def summary(lat: list[float]) -> str:
    q = statistics.quantiles(lat, n=100)
    return (
        f"p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, "
        f"p99 {q[98] * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--heavy", type=int, default=4)
    parser.add_argument("--simple", type=int, default=200)
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    simple_latencies(base, 10)  # warm up
    idle = summary(simple_latencies(base, args.simple))
    print(f"0 heavy queries: {args.simple} simple queries: {idle}")
    results: list[tuple[int, float]] = []

    def heavy() -> None:
        start = time.perf_counter()
        with httpx.Client(base_url=base, timeout=120) as http:
            r = http.get("/sparql", params={"query": HEAVY}, headers=ACCEPT)
        results.append((r.status_code, time.perf_counter() - start))

    threads = [threading.Thread(target=heavy) for _ in range(args.heavy)]
    for t in threads:
        t.start()
    lat = simple_latencies(base, args.simple)
    for t in threads:
        t.join()
    print(f"{args.heavy} heavy queries: {args.simple} simple queries: {summary(lat)}")
    for status, seconds in results:
        print(f"  heavy query: {status} after {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
