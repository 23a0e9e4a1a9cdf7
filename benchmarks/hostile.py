"""Replay the attacks of issue 18 against a kgraph server on loopback, and print what held.

    python benchmarks/hostile.py                 # 100 k synthetic triples, this checkout
    python benchmarks/hostile.py --kgraph /path/to/other/.venv/bin/kgraph   # another build

It builds a store from ``kgraph synth`` data (once, under --workdir), starts
``kgraph serve`` on a free loopback port with a write token, and runs, one
phase after another, each bounded in requests and seconds:

- ssrf: SERVICE (plain, SILENT, prefixed, escaped) and LOAD to a loopback listener;
  the listener counts every connection it gets;
- memory: 32 concurrent COUNT over a 3-way cross product, then 8 DISTINCT/GROUP BY
  over a 2-way one; the tree's peak memory and how each ended;
- fairness: 32 heavy queries from 8 client addresses at once while a ninth client
  asks ``ASK { ?s ?p ?o }`` in a loop; its p50/p99/max and how many were refused;
- crashes: 4 clients looping queries nested 10,000 deep for a few seconds; worker
  processes that died, and the simple client's latency meanwhile;
- small: %FF in a query, a 1 MiB header, a 70 KB URL, HEAD /, SERVICE ?x, file://.

Peak memory is the highest sum of RSS over the server's process tree, sampled every
50 ms. Everything goes to 127.0.0.1 (and other 127.0.0.0/8 addresses as clients).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "hostile-bench-token"
JSON = {"Accept": "application/sparql-results+json"}
COUNT3 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DISTINCT2 = "SELECT DISTINCT ?a ?c ?d ?f WHERE { ?a ?b ?c . ?d ?e ?f }"
GROUP2 = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?c"
ASK = "ASK { ?s ?p ?o }"
DEEP = [
    "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }",
    "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10_000) + ") }",
]


class Listener:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port, self.calls, self.stop = self.sock.getsockname()[1], 0, False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.calls += 1
            conn.close()


class Server:
    def __init__(self, kgraph: str, store: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [kgraph, "serve", "--store", str(store), "--port", str(self.port)],
                env={**os.environ, "KGRAPH_WRITE_TOKEN": TOKEN, **env},
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        raise SystemExit("the server did not start")

    def tree(self) -> list[psutil.Process]:
        try:
            me = psutil.Process(self.proc.pid)
            return [me, *me.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> int:
        total = 0
        for p in self.tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PeakMemory:
    def __init__(self, server: Server) -> None:
        self.server, self.peak, self.running = server, 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.server.rss())
            time.sleep(0.05)

    def done(self) -> int:
        self.running = False
        self.thread.join(2)
        return self.peak


def client(address: str = "127.0.0.1", timeout: float = 60) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def timed(fn: Callable[[], httpx.Response]) -> tuple[int, float, str]:
    start = time.monotonic()
    try:
        r = fn()
        return r.status_code, time.monotonic() - start, r.text[:120].strip()
    except httpx.HTTPError as exc:
        return 0, time.monotonic() - start, f"{type(exc).__name__}: {exc}"[:120]


def burst(server: Server, queries: list[tuple[str, str]]) -> list[tuple[int, float, str]]:
    """Send (client address, query) all at once; (status, seconds, text) of each."""
    out: list[tuple[int, float, str]] = [(0, 0.0, "")] * len(queries)

    def one(i: int, address: str, query: str) -> None:
        with client(address) as c:
            out[i] = timed(
                lambda: c.get(server.base + "/sparql", params={"query": query}, headers=JSON)
            )

    threads = [threading.Thread(target=one, args=(i, a, q)) for i, (a, q) in enumerate(queries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


def simple_loop(
    server: Server, address: str, until: Callable[[], bool], limit_s: float
) -> list[tuple[int, float]]:
    results: list[tuple[int, float]] = []
    end = time.monotonic() + limit_s
    with client(address, timeout=30) as c:
        while not until() and time.monotonic() < end:
            status, seconds, _ = timed(
                lambda: c.get(server.base + "/sparql", params={"query": ASK}, headers=JSON)
            )
            results.append((status, seconds))
    return results


def summary(times: list[float]) -> dict[str, float]:
    if not times:
        return {}
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def endings(results: list[tuple[int, float, str]]) -> dict[str, Any]:
    by_status: dict[str, int] = {}
    for status, _, _ in results:
        by_status[str(status)] = by_status.get(str(status), 0) + 1
    return {
        "statuses": by_status,
        "ended_s": [round(s, 2) for _, s, _ in sorted(results, key=lambda r: r[1])],
        "sample": sorted({text for _, _, text in results})[:3],
    }


def phase_ssrf(server: Server) -> dict[str, Any]:
    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://127.0.0.1:{listener.port}/> "
        "SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {{ ?s ?p ?o }} }}",
    ]
    statuses = []
    with client() as c:
        for q in queries:
            statuses.append(
                timed(
                    lambda q=q: c.get(server.base + "/sparql", params={"query": q}, headers=JSON)
                )[0]
            )
        auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
        statuses.append(
            timed(
                lambda: c.post(
                    server.base + "/update", content=f"LOAD <{url}>".encode(), headers=auth
                )
            )[0]
        )
    time.sleep(0.5)
    listener.stop = True
    return {"statuses": statuses, "listener_calls": listener.calls}


def phase_memory(server: Server) -> dict[str, Any]:
    peak = PeakMemory(server)
    counts = burst(server, [(f"127.0.1.{i % 8 + 1}", f"{COUNT3} #{i}") for i in range(32)])
    big = burst(
        server, [(f"127.0.2.{i + 1}", f"{(DISTINCT2, GROUP2)[i % 2]} #{i}") for i in range(8)]
    )
    return {
        "peak_rss_mib": round(peak.done() / 2**20),
        "count3": endings(counts),
        "distinct_group": endings(big),
    }


def phase_fairness(server: Server) -> dict[str, Any]:
    peak = PeakMemory(server)
    heavy: list[tuple[int, float, str]] = []
    done = threading.Event()

    def run_heavy() -> None:
        heavy.extend(
            burst(server, [(f"127.0.3.{i % 8 + 1}", f"{COUNT3} #f{i}") for i in range(32)])
        )
        done.set()

    threading.Thread(target=run_heavy, daemon=True).start()
    simple = simple_loop(server, "127.0.4.1", done.is_set, 60)
    ok = [s for status, s in simple if status == 200]
    return {
        "peak_rss_mib": round(peak.done() / 2**20),
        "simple": summary(ok),
        "simple_refused": sum(1 for status, _ in simple if status != 200),
        "heavy": endings(heavy),
    }


def phase_crashes(server: Server, seconds: float = 8) -> dict[str, Any]:
    stop = time.monotonic() + seconds
    statuses: dict[str, int] = {}
    before = {p.pid for p in server.tree()}
    died: set[int] = set()

    def attacker(n: int) -> None:
        with client(f"127.0.5.{n + 1}") as c:
            while time.monotonic() < stop:
                body = DEEP[n % len(DEEP)].encode()
                status = timed(
                    lambda body=body: c.post(  # type: ignore[misc]
                        server.base + "/sparql",
                        content=body,
                        headers={**JSON, "Content-Type": "application/sparql-query"},
                    )
                )[0]
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(4)]
    for t in threads:
        t.start()
    seen = set(before)
    simple = simple_loop(server, "127.0.6.1", lambda: time.monotonic() >= stop, seconds + 5)
    for t in threads:
        t.join(30)
    seen |= {p.pid for p in server.tree()}
    died = {pid for pid in seen if not psutil.pid_exists(pid)}
    return {
        "attack_statuses": statuses,
        "processes_gone": len(died),
        "simple": summary([s for st, s in simple if st == 200]),
    }


def raw_status(server: Server, head: bytes) -> int:
    """The status of a request sent as raw bytes (httpx refuses to send some of them)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        with contextlib.suppress(OSError):
            s.sendall(head + b"\r\nHost: x\r\n\r\n")
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n" not in data:
                part = s.recv(4096)
                if not part:
                    break
                data += part
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else 0


def phase_small(server: Server) -> dict[str, Any]:
    base = server.base
    with client() as c:
        checks: dict[str, Callable[[], int]] = {
            "percent_ff": lambda: c.get(base + "/sparql?query=ASK%20%7B%7D%FF%FE").status_code,
            "header_1mib": lambda: raw_status(server, b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 2**20),
            "url_70kb": lambda: raw_status(
                server, b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1"
            ),
            "head_root": lambda: c.head(base + "/").status_code,
            "service_var": lambda: (
                c.get(
                    base + "/sparql", params={"query": "SELECT * { SERVICE ?x { ?s ?p ?o } }"}
                ).status_code
            ),
            "service_file": lambda: (
                c.get(
                    base + "/sparql",
                    params={"query": "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"},
                ).status_code
            ),
        }
        out: dict[str, Any] = {}
        for name, check in checks.items():
            try:
                out[name] = check()
            except httpx.HTTPError as exc:
                out[name] = f"{type(exc).__name__}"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--kgraph", default=shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--phases", default="ssrf,memory,fairness,crashes,small")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kgraph-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    data, store = work / f"synth-{args.triples}.nt", work / f"store-{args.triples}"
    mine = str(Path(sys.executable).with_name("kgraph"))
    if not data.exists():
        subprocess.run(
            [mine, "synth", "--triples", str(args.triples), "--out", str(data)], check=True
        )
    if not (store / "current").exists():
        subprocess.run(
            [mine, "build", "--store", str(store), str(ROOT / "ontology"), str(data)],
            check=True,
            cwd=ROOT,
        )
    server = Server(args.kgraph, store, {}, work / "server.log")
    report: dict[str, Any] = {"kgraph": args.kgraph, "triples": args.triples}
    phases = {
        "ssrf": phase_ssrf,
        "memory": phase_memory,
        "fairness": phase_fairness,
        "crashes": phase_crashes,
        "small": phase_small,
    }
    try:
        report["idle_rss_mib"] = round(server.rss() / 2**20)
        for name in args.phases.split(","):
            started = time.monotonic()
            report[name] = phases[name](server)
            report[name]["seconds"] = round(time.monotonic() - started, 1)
            if not args.json:
                print(f"{name}: {json.dumps(report[name], ensure_ascii=False)}", flush=True)
    finally:
        server.stop()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
