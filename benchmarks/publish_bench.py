"""How long publishing to an Oxigraph server takes: 100k and 1M synthetic triples by default.

Starts a private ``oxigraph serve`` on a free loopback port, writes N synthetic
triples of the domain's shapes (``kgraph.build.synth``, as ``kgraph synth``), then
times :meth:`RemoteStore.replace`: parse and chunk, upload to a staging graph
(Graph Store Protocol), count check, MOVE. The SHACL gate of ``kgraph publish``
is left out: it is the same for every store and is measured elsewhere.

    python benchmarks/publish_bench.py                  # 100k and 1M
    python benchmarks/publish_bench.py --triples 1000   # a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from kgraph.build.synth import synth_file
from kgraph.store.http import HttpClient
from kgraph.store.remote import CHUNK_BYTES, Endpoints, RemoteStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_oxigraph(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = Path(sys.executable).parent / "oxigraph"
    found = str(binary) if binary.exists() else shutil.which("oxigraph")
    if found is None:
        sys.exit("oxigraph server not installed: pip install -e '.[dev]'")
    port = free_port()
    proc = subprocess.Popen(
        [found, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # poll until it answers
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("oxigraph server did not start")
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--chunk-bytes", type=int, default=CHUNK_BYTES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kgraph-bench-") as tmp:
        proc, base = start_oxigraph(Path(tmp) / "db")
        try:
            store = RemoteStore(
                Endpoints(
                    query=f"{base}/query", update=f"{base}/update", graph_store=f"{base}/store"
                ),
                HttpClient(retries=0, timeout_s=600),
                chunk_bytes=args.chunk_bytes,
            )
            print(f"{'triples':>10} {'MB (nt)':>8} {'chunks':>7} {'seconds':>8} {'triples/s':>10}")
            for n in args.triples:
                data = Path(tmp) / f"bench-{n}.nt"
                written = synth_file(data, triples=n, base_iri="http://127.0.0.1:8000/")
                chunks: list[int] = []
                store.on_chunk = lambda number, total, seen=chunks: seen.append(number)
                start = time.perf_counter()
                info = store.replace([data], base_iri="http://example.org/")
                seconds = time.perf_counter() - start
                assert info.triples == written, (info.triples, written)
                mb = data.stat().st_size / 1e6
                print(
                    f"{written:>10} {mb:>8.1f} {len(chunks):>7} {seconds:>8.2f} "
                    f"{written / seconds:>10.0f}"
                )
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
