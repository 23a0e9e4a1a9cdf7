"""Hostile requests against the real server (``kgraph serve`` in a subprocess, loopback).

What only a real HTTP server shows: header and URL bounds in the HTTP layer, HEAD,
and a graceful shutdown that answers running queries and leaves no worker behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from kgraph.store.embedded import EmbeddedStore
from tests.servers import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?c) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("hostile-server")]


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc, self.port, self.log = proc, port, log
        self.base = f"http://127.0.0.1:{port}"

    def tree(self) -> list[psutil.Process]:
        me = psutil.Process(self.proc.pid)
        return [me, *me.children(recursive=True)]


def start(tmp: Path, **env: str) -> Server:
    store = tmp / "store"
    if not (store / "current").exists():
        ttl = tmp / "d.ttl"
        ttl.write_text(
            "".join(f"<http://example.org/s{i}> <http://example.org/p> {i} .\n" for i in range(300))
        )
        EmbeddedStore(store, writable=True).replace([ttl], base_iri="http://127.0.0.1:8000/")
    port = free_port()
    log = tmp / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "serve", "--store", str(store), "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
            stdout=out, stderr=subprocess.STDOUT, cwd=tmp,
        )  # fmt: skip
    server = Server(proc, port, log)

    def healthy() -> bool:
        try:
            return httpx.get(server.base + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, 30, "the server's /healthz", proc=proc)
    return server


def stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start(tmp_path_factory.mktemp("hostile"), KGRAPH_MAX_HEADER_BYTES="16384")
    yield s
    stop(s)


def raw(server: Server, request: bytes, *, read: int = 65536) -> tuple[bytes, float]:
    """Send ``request`` bytes as they are; the status line of the answer and the seconds."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(request)  # the server may close early: it answered first
        data = b""
        while not data.endswith(b"\n") or b"\r\n\r\n" not in data:
            try:
                part = s.recv(read)
            except ConnectionResetError:
                break
            if not part:
                break
            data += part
    return data.split(b"\r\n", 1)[0], time.monotonic() - start


def test_a_url_over_the_limit_is_414(server: Server) -> None:
    line, _ = raw(server, b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert line == b"HTTP/1.1 414 URI Too Long"


@pytest.mark.parametrize("size", [20_000, 1_000_000, 32 * 2**20])
def test_headers_over_the_limit_are_431_before_they_are_all_read(server: Server, size: int) -> None:
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
    cpu = psutil.Process(server.proc.pid).cpu_times()
    line, _ = raw(server, request)
    assert line == b"HTTP/1.1 431 Request Header Fields Too Large"
    after = psutil.Process(server.proc.pid).cpu_times()
    assert after.user + after.system - cpu.user - cpu.system < 0.5  # not parsed to the end
    ok = httpx.get(server.base + "/healthz", timeout=5)  # the server is not held up
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sparql?query=ASK%20%7B%7D",
        "/id/x",
        "/search?q=a",
        "/dumps/",
        "/catalog",
        "/.well-known/void",
        "/healthz",
    ],
)
def test_head_answers_wherever_get_does(server: Server, path: str) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as one_connection:
        head = one_connection.head(path)
        get = one_connection.get(path)  # the same keep-alive connection goes on after a HEAD
    assert head.status_code == get.status_code != 405, (path, get.status_code)
    assert head.content == b""
    assert head.headers.get("content-type") == get.headers.get("content-type")


def test_sigterm_answers_running_queries_503_and_leaves_no_worker(tmp_path: Path) -> None:
    server = start(tmp_path, KGRAPH_QUERY_TIMEOUT_S="60")
    try:
        answers: list[tuple[int, str]] = []

        def heavy(address: str) -> None:
            transport = httpx.HTTPTransport(local_address=address)
            with httpx.Client(transport=transport, timeout=30) as c:
                r = c.get(
                    server.base + "/sparql", params={"query": f"{HEAVY} #{address}"}, headers=JSON
                )
                answers.append((r.status_code, r.text))

        threads = [threading.Thread(target=heavy, args=(f"127.0.0.{i}",)) for i in (2, 3)]
        for t in threads:
            t.start()
        wait_until(lambda: len(server.tree()) >= 4, 20, "two queries running", proc=server.proc)
        pids = [p.pid for p in server.tree()]
        sent = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(10)
        took = time.monotonic() - sent
        for t in threads:
            t.join(10)
        assert took < 3.0, f"the server took {took:.1f} s to stop"
        assert [status for status, _ in answers] == [503, 503], answers
        assert all("shutting down" in text for _, text in answers)
        assert not [
            p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
        ]
    finally:
        stop(server)


@pytest.mark.parametrize("workers", ["1", "0"])  # worker processes; threads
def test_an_answer_cut_at_the_time_limit_is_one_warning_not_a_traceback(
    tmp_path: Path, workers: str
) -> None:
    """Once the head is sent, a query past its limit can only end the connection: the client
    sees an incomplete answer (never a complete-looking one), the log one warning line."""
    server = start(
        tmp_path,
        KGRAPH_QUERY_TIMEOUT_S="2",
        KGRAPH_MAX_RESULT_ROWS="0",
        KGRAPH_QUERY_WORKERS=workers,
    )
    try:
        endless = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 27 M
        # a worker ready first: on a loaded machine its start could eat the whole limit
        # (counted from arrival) and the answer would be a 503 before any byte was sent
        warm = httpx.get(server.base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert warm.status_code == 200
        got = 0
        with (
            httpx.Client(timeout=30) as c,
            c.stream(
                "GET",
                server.base + "/sparql",
                params={"query": endless},
                headers={"Accept": "application/n-triples"},
            ) as r,
        ):
            assert r.status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):  # no final chunk
                for part in r.iter_bytes():
                    got += len(part)
        assert got > 0
        assert httpx.get(server.base + "/healthz", timeout=5).status_code == 200
        log = server.log.read_text()
        assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]
        assert "ERROR" not in log, log[-3000:]  # a limit is no error of the server
        cut = [line for line in log.splitlines() if "answer cut" in line]
        assert len(cut) == 1 and "time limit" in cut[0], log[-3000:]
    finally:
        stop(server)
