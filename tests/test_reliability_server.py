"""The real server under heavy queries and load: ``kgraph serve`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from tests.servers import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 4.0
HEAVY = "SELECT (COUNT(*) AS ?c) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 5"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("reliability-server")]


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.proc, self.base, self.log = proc, base, log

    def processes(self) -> list[psutil.Process]:
        me = psutil.Process(self.proc.pid)
        return [me, *me.children(recursive=True)]

    def cpu_seconds(self) -> float:
        total = 0.0
        for p in self.processes():
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("server")
    store = EmbeddedStore(tmp / "store", writable=True)
    store.replace(
        collect_rdf_files([ROOT / "ontology", ROOT / "data"]), base_iri="http://127.0.0.1:8000/"
    )
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "KGRAPH_QUERY_TIMEOUT_S": str(LIMIT_S),
        "KGRAPH_QUERIES_DIR": str(ROOT / "queries"),
        "KGRAPH_LOG_LEVEL": "warning",
        "KGRAPH_CLIENT_MAX_QUERIES": "64",  # the load script's 64 clients share one address
    }
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "serve", "--store", str(tmp / "store"),
             "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(base + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, 30, "the server's /healthz", proc=proc)
    except RuntimeError as exc:
        pytest.fail(f"{exc}: {log.read_text()}")
    try:
        yield Server(proc, base, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _client(address: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any of 127.0.0.0/8): the server
    tells clients apart by address."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_heavy_queries_are_cut_and_simple_ones_keep_answering(server: Server) -> None:
    """Four heavy queries from four clients hold every long slot; a fifth client's simple
    questions are answered at once the whole time (a short slot is kept for clients with
    nothing running); each heavy query ends 503 at its limit and its process stops."""
    with _client("127.0.0.6") as simple:
        first = simple.get(server.base + "/sparql", params={"query": SIMPLE}, headers=JSON_RESULTS)
        assert first.is_success, first.text + server.log.read_text()
    heavy: list[tuple[int, float, str]] = []
    workers_before = {p.pid for p in server.processes()}

    def run_heavy(address: str) -> None:
        with _client(address) as http:
            start = time.monotonic()
            query = f"{HEAVY} # from {address}"  # identical texts would be answered once
            r = http.get(server.base + "/sparql", params={"query": query}, headers=JSON_RESULTS)
            heavy.append((r.status_code, time.monotonic() - start, r.text))

    threads = [threading.Thread(target=run_heavy, args=(f"127.0.0.{i}",)) for i in range(2, 6)]
    for t in threads:
        t.start()
    wait_until(lambda: len(server.processes()) >= len(workers_before) + 3, 10, "heavy workers")
    latencies: list[float] = []
    with _client("127.0.0.6") as simple:
        while all(t.is_alive() for t in threads):
            start = time.monotonic()
            r = simple.get(server.base + "/sparql", params={"query": SIMPLE}, headers=JSON_RESULTS)
            latencies.append(time.monotonic() - start)
            assert r.status_code == 200, r.text
            assert len(r.json()["results"]["bindings"]) == 5
    for t in threads:
        t.join(60)
    ended = server.cpu_seconds()
    assert latencies, "no simple query ran while the heavy ones held their slots"
    p99 = sorted(latencies)[int(0.99 * (len(latencies) - 1))]
    assert p99 < 0.1, f"simple queries waited: p99 {p99 * 1000:.0f} ms over {len(latencies)}"
    assert len(heavy) == 4
    for status, seconds, text in heavy:
        assert status == 503, text
        assert f"time limit of {LIMIT_S:g} s" in text
        assert seconds >= LIMIT_S - 0.1, seconds  # never cut before its limit
    # Each ended at its limit by the server's own clock (the access log), and its process is
    # gone: the tree uses (almost) no CPU afterwards, however busy the machine is.
    logged = [
        json.loads(line) for line in server.log.read_text().splitlines() if '"status": 503' in line
    ]
    assert sorted(e["duration_ms"] for e in logged)[-4:][-1] < (LIMIT_S + 0.5) * 1000
    wait_until(lambda: len(server.processes()) <= len(workers_before) + 1, 10, "workers to go")
    threading.Event().wait(1.0)  # a measurement window: one second of the tree's CPU
    assert server.cpu_seconds() - ended < 0.3
    metrics = httpx.get(server.base + "/metrics").text
    assert "kgraph_query_timeouts_total 4.0" in metrics


def test_load_script_has_no_errors(server: Server) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), server.base,
         "--clients", "64", "--duration", "2", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] >= 64  # every client finished at least one
    assert result["p99_ms"] >= result["p50_ms"] > 0


def test_access_log_lines_are_json(server: Server) -> None:
    rid = "test-request-42"
    r = httpx.get(server.base + "/healthz", headers={"X-Request-ID": rid})
    assert r.headers["x-request-id"] == rid

    def logged() -> bool:
        return rid in server.log.read_text(errors="replace")

    wait_until(logged, 5, "the access-log line")
    line = next(ln for ln in server.log.read_text().splitlines() if rid in ln)
    entry = json.loads(line)
    assert entry["path"] == "/healthz" and entry["status"] == 200 and entry["method"] == "GET"
    assert {"time", "duration_ms", "bytes", "client"} <= entry.keys()
