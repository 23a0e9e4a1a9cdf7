#!/usr/bin/env python3
"""Benchmark kgraph against Oxigraph server and rdflib-endpoint on the same synthetic data.

For each size: write synthetic data (``kgraph synth``), load it into each
server, start the servers on free loopback ports, wait for readiness by
polling, then measure

* load time (kgraph: validation, store load and the whole ``kgraph build``),
  start-up time on the loaded store, and the resident memory (the PSS sum of
  the server's process tree, sampled from /proc) idle and at its peak;
* the latency of a query mix (median and p99 over repetitions, a unique
  comment appended to each request so that no result cache helps);
* throughput with ``wrk`` at 16 concurrent connections for a lookup, a
  DESCRIBE and (kgraph only) an HTML resource page, with unique query texts
  and with the same text repeated; wrk's p50/p99 latency;
* dump time: CONSTRUCT of the whole graph as N-Triples over HTTP.

Prints one table per size with the ratios to Oxigraph server, and writes the
figures as JSON (``--json``) and Markdown (``--markdown``).

    python benchmarks/run.py --sizes 100000,1000000
    python benchmarks/run.py --quick          # 2,000 triples, 1 s per phase

Oxigraph server and rdflib-endpoint come from the ``bench`` extra
(``pip install .[bench]``; ``make bench`` does it); wrk from Debian. A server
or tool that is missing is left out of the table with a note, not an error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8000/"
SERVERS = ("kgraph", "oxigraph", "rdflib-endpoint")
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
PREFIXES = (
    "PREFIX dct: <http://purl.org/dc/terms/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    f"PREFIX kg: <{BASE}def/> "
)
BOARD = f"<{BASE}id/board/kalmar>"

# name -> (query, Accept)
QUERY_MIX: dict[str, tuple[str, str]] = {
    "label lookup": (f"SELECT ?label WHERE {{ {BOARD} rdfs:label ?label }}", JSON_RESULTS),
    "board's publications": (
        f"SELECT ?p ?title WHERE {{ ?p dct:creator {BOARD} ; dct:title ?title }}",
        JSON_RESULTS,
    ),
    "count per year": (
        "SELECT ?year (COUNT(?p) AS ?n) WHERE { ?p a dct:BibliographicResource ; "
        "dct:issued ?year } GROUP BY ?year ORDER BY ?year",
        JSON_RESULTS,
    ),
    "co-authored reports": (
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:Report ; dct:creator ?a, ?b "
        "FILTER (?a != ?b) }",
        JSON_RESULTS,
    ),
    "DESCRIBE": (f"DESCRIBE {BOARD}", TURTLE),
    "CONSTRUCT": (
        f"CONSTRUCT {{ ?p dct:title ?t ; dct:issued ?y }} WHERE {{ ?p dct:creator {BOARD} ; "
        "dct:title ?t ; dct:issued ?y }",
        TURTLE,
    ),
    "text scan": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?p dct:title ?t "
        'FILTER (CONTAINS(LCASE(?t), "heders") || REGEX(?t, "skyddat", "i")) }',
        JSON_RESULTS,
    ),
}
HEAVY = ("board's publications", "count per year", "co-authored reports", "CONSTRUCT", "text scan")
THROUGHPUT = ("label lookup", "DESCRIBE")


def q(name: str) -> str:
    return PREFIXES + QUERY_MIX[name][0]


# -- processes and memory ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_memory(pid: int) -> int:
    """Memory of ``pid`` and all its descendants, from /proc: the sum of their PSS.

    PSS (proportional set size) counts a page shared by n processes as 1/n in
    each, so a process tree's sum is what it really holds; summing RSS would
    count the shared libraries once per worker process. Where smaps_rollup is
    missing (old kernels), RSS.
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            try:
                text = Path(f"/proc/{p}/smaps_rollup").read_text()
                m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
            except OSError:
                text = Path(f"/proc/{p}/status").read_text()
                m = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            total += int(m.group(1)) * 1024 if m else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo += [int(c) for c in children]
        except (OSError, ValueError):
            continue
    return total


class Sampler:
    """Samples a process tree's memory (PSS) every 50 ms on a thread; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_memory(self.pid))
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Server:
    name: str
    port: int
    path: str  # the query endpoint path
    proc: subprocess.Popen[bytes]
    log: Path
    sampler: Sampler
    started: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(
    name: str, cmd: list[str], path: str, port: int, log: Path, env: dict[str, str]
) -> Server:
    fh = log.open("wb")
    proc = subprocess.Popen(
        cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env, start_new_session=True
    )
    return Server(name, port, path, proc, log, Sampler(proc.pid), time.perf_counter())


def wait_ready(server: Server, timeout: float) -> float:
    """Poll with a tiny ASK until it answers 200; the seconds since the process started."""
    deadline = time.monotonic() + timeout
    query = urllib.parse.quote("ASK { ?s ?p ?o }")
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited: see {server.log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", f"{server.path}?query={query}", headers={"Accept": JSON_RESULTS})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status == 200:
                return time.perf_counter() - server.started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{server.name} not ready after {timeout} s: see {server.log}")


def timed(cmd: list[str], env: dict[str, str], log: Path) -> float:
    t0 = time.perf_counter()
    with log.open("ab") as fh:
        subprocess.run(cmd, check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    return time.perf_counter() - t0


# -- measurements ----------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def get(conn: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept": accept})
    resp = conn.getresponse()
    return resp.status, resp.read()


def latency(server: Server, reps: int) -> dict[str, dict[str, float]]:
    """Median and p99 (ms) per query of the mix, each request's text unique."""
    out: dict[str, dict[str, float]] = {}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    for name, (_, accept) in QUERY_MIX.items():
        times: list[float] = []
        for i in range(reps + 1):
            text = f"{q(name)}\n# {server.name} {name} {i} {time.time_ns()}"
            path = f"{server.path}?query={urllib.parse.quote(text)}"
            t0 = time.perf_counter()
            status, body = get(conn, path, accept)
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                raise RuntimeError(f"{server.name} {name}: HTTP {status}: {body[:300]!r}")
            if i:  # the first is a warm-up
                times.append(elapsed)
        out[name] = {"p50": statistics.median(times), "p99": percentile(times, 99)}
    conn.close()
    return out


WRK_LUA = """
local counter = 0
local tid = 0
local threads = {{}}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
end
request = function()
  counter = counter + 1
  local path = "{path}"
  if {unique} then
    path = path .. "{sep}" .. tid .. "-" .. counter
  end
  return wrk.format("GET", path, {{ ["Accept"] = "{accept}" }})
end
"""


def wrk(
    url_path: str,
    port: int,
    accept: str,
    unique: str | None,
    seconds: float,
    connections: int,
    workdir: Path,
) -> dict[str, float]:
    """Requests/s and p50/p99 (ms) from wrk; ``unique`` is the separator of a per-request id."""
    script = workdir / f"wrk-{port}-{abs(hash((url_path, unique)))}.lua"
    script.write_text(
        WRK_LUA.format(
            path=url_path, unique="true" if unique else "false", sep=unique or "", accept=accept
        )
    )
    cmd = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock_errors = re.search(r"Socket errors:.*", text)

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale

    total = re.search(r"(\d+) requests in", text)
    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
        "requests": float(total.group(1)) if total else 0.0,
        "socket_errors": 1.0 if sock_errors else 0.0,
    }


def throughput(
    server: Server, seconds: float, connections: int, workdir: Path, html_path: str | None
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name in THROUGHPUT:
        _, accept = QUERY_MIX[name]
        path = f"{server.path}?query={urllib.parse.quote(q(name))}"
        out[f"{name} unique"] = wrk(
            path, server.port, accept, "%0A%23", seconds, connections, workdir
        )
        out[f"{name} repeated"] = wrk(
            path, server.port, accept, None, seconds, connections, workdir
        )
    if html_path:
        sep = "&_=" if "?" in html_path else "?_="
        out["HTML page unique"] = wrk(
            html_path, server.port, "text/html", sep, seconds, connections, workdir
        )
        out["HTML page repeated"] = wrk(
            html_path, server.port, "text/html", None, seconds, connections, workdir
        )
    return out


def dump_over_http(server: Server, triples: int) -> float:
    """Seconds to CONSTRUCT the whole graph as N-Triples; every triple must come back."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} # {time.time_ns()}"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1800)
    t0 = time.perf_counter()
    try:
        status, body = get(
            conn, f"{server.path}?query={urllib.parse.quote(text)}", "application/n-triples"
        )
    except (OSError, http.client.HTTPException) as exc:  # e.g. cut at a limit mid-stream
        raise RuntimeError(f"{server.name} dump: {exc!r:.200}") from None
    elapsed = time.perf_counter() - t0
    conn.close()
    if status != 200:
        raise RuntimeError(f"{server.name} dump: HTTP {status}: {body[:200]!r}")
    lines = body.count(b"\n")
    if lines < triples:
        raise RuntimeError(f"{server.name} dump: {lines} of {triples} triples came back")
    return elapsed


# -- one size --------------------------------------------------------------------


@dataclass
class Figures:
    size: int
    triples: int = 0
    figures: dict[str, dict[str, float]] = field(default_factory=dict)  # row -> server -> value
    notes: list[str] = field(default_factory=list)

    def put(self, row: str, server: str, value: float) -> None:
        self.figures.setdefault(row, {})[server] = value


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def tool(name: str) -> str | None:
    """A console script next to this Python (the venv), else on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def run_size(size: int, args: argparse.Namespace, work: Path) -> Figures:
    fig = Figures(size)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "KGRAPH_BASE_IRI": BASE,
        "KGRAPH_LOG_LEVEL": "warning",
        # The load comes from one address (wrk on loopback): the per-client limits, meant
        # to keep one client from holding every worker, would refuse most of it.
        "KGRAPH_CLIENT_MAX_QUERIES": "1024",
        "KGRAPH_CLIENT_QUERY_SECONDS": "0",
    }
    py = [sys.executable, "-m", "kgraph"]
    data = work / f"synth-{size}.nt"
    log = work / "commands.log"
    t = timed([*py, "synth", "--triples", str(size), "--out", str(data)], env, log)
    fig.triples = sum(1 for _ in data.open("rb"))
    print(f"  synth: {fig.triples} triples in {t:.2f} s", flush=True)
    servers: list[str] = [s for s in args.servers.split(",") if s]
    reps = 3 if args.quick else args.reps
    seconds = 1.0 if args.quick else args.seconds

    def measure(srv: Server, html_path: str | None, dump: bool = True) -> None:
        name = srv.name
        fig.put("start-up on the loaded store (s)", name, wait_ready(srv, args.ready_timeout))
        time.sleep(0.2)  # let the start-up garbage settle before the idle reading
        fig.put("memory idle, loaded (MiB PSS)", name, tree_memory(srv.proc.pid) / 2**20)
        print(f"  {name}: ready", flush=True)
        for qname, v in latency(srv, reps).items():
            fig.put(f"latency {qname} p50 (ms)", name, v["p50"])
            fig.put(f"latency {qname} p99 (ms)", name, v["p99"])
        if have("wrk"):
            for row, v in throughput(srv, seconds, args.connections, work, html_path).items():
                if v["errors"] >= v["requests"]:  # e.g. a 404: no figure, only the note
                    fig.notes.append(f"{name} {row}: every response was an error")
                    continue
                fig.put(f"throughput {row} (req/s)", name, v["rps"])
                fig.put(f"  {row} p50 / p99 (ms)", name, v["p50"])
                fig.put(f"  {row} p99 (ms)", name, v["p99"])
                if v["errors"] or v["socket_errors"]:
                    fig.notes.append(
                        f"{name} {row}: {int(v['errors'])} non-2xx responses "
                        f"of {int(v['requests'])}, socket errors: "
                        f"{bool(v['socket_errors'])}"
                    )
        if dump:
            fig.put("dump over HTTP, N-Triples (s)", name, dump_over_http(srv, fig.triples))
        fig.put("memory peak (MiB PSS)", name, srv.sampler.peak / 2**20)

    if args.validation_only:
        servers = [s for s in servers if s == "kgraph"]
    for name in servers:
        try:
            if name == "kgraph":
                store = work / f"kgraph-{size}"
                shutil.rmtree(store, ignore_errors=True)
                kenv = {**env, "KGRAPH_STORE": str(store)}
                # the gate as `kgraph build` runs it: the file alone, no data/ as context
                validation = timed([*py, "validate", "--no-context", str(data)], kenv, log)
                fig.put("validation (s)", name, validation)
                fig.put(
                    "build = validate + load (s)", name, timed([*py, "build", str(data)], kenv, log)
                )
                load_only = timed(
                    [sys.executable, "-c", LOAD_ONLY, str(store) + "-load", str(data), BASE],
                    kenv,
                    log,
                )
                fig.put("load (s)", name, load_only)
                fig.put("validation / load (x)", name, validation / load_only)
                print(f"  validation {validation:.2f} s, load {load_only:.2f} s", flush=True)
                if args.validation_only:
                    continue
                port = free_port()
                cmd = [*py, "serve", "--port", str(port), *args.kgraph_args.split()]
                srv = start(name, cmd, "/sparql", port, work / "kgraph.log", kenv)
                try:
                    measure(srv, "/id/board/kalmar", dump=False)
                finally:
                    srv.stop()
                    srv.sampler.stop()
                # The whole graph in one answer needs the row cap (100,000) off.
                port = free_port()
                cmd = [*py, "serve", "--port", str(port), *args.kgraph_args.split()]
                # ... and, at 1 M, more than one query's memory (512 MiB) and time (10 s)
                # limits: the dump measures the serialiser, not the endpoint's limits.
                nocap = {
                    **kenv,
                    "KGRAPH_MAX_RESULT_ROWS": "0",
                    "KGRAPH_QUERY_MEMORY_MB": "0",
                    "KGRAPH_QUERY_MEMORY_BUDGET_MB": "0",
                    "KGRAPH_QUERY_TIMEOUT_S": str(args.ready_timeout),
                }
                srv = start(name, cmd, "/sparql", port, work / "kgraph-nocap.log", nocap)
                try:
                    wait_ready(srv, args.ready_timeout)
                    fig.put("dump over HTTP, N-Triples (s)", name, dump_over_http(srv, fig.triples))
                finally:
                    srv.stop()
                    srv.sampler.stop()
            elif name == "oxigraph":
                exe = tool("oxigraph")
                if exe is None:
                    fig.notes.append("oxigraph: not installed (pip install .[bench])")
                    continue
                store = work / f"oxigraph-{size}"
                shutil.rmtree(store, ignore_errors=True)
                fig.put(
                    "load (s)",
                    name,
                    timed([exe, "load", "--location", str(store), "--file", str(data)], env, log),
                )
                port = free_port()
                cmd = [
                    exe,
                    "serve-read-only",
                    "--location",
                    str(store),
                    "--bind",
                    f"127.0.0.1:{port}",
                ]
                srv = start(name, cmd, "/query", port, work / "oxigraph.log", env)
                try:
                    measure(srv, None)
                finally:
                    srv.stop()
                    srv.sampler.stop()
                out = work / "oxigraph-dump.nq"
                fig.put(
                    "dump, CLI (s)",
                    name,
                    timed([exe, "dump", "--location", str(store), "--file", str(out)], env, log),
                )
                out.unlink(missing_ok=True)
            elif name == "rdflib-endpoint":
                exe = tool("rdflib-endpoint")
                if exe is None:
                    fig.notes.append("rdflib-endpoint: not installed (pip install .[bench])")
                    continue
                port = free_port()
                cmd = [exe, "serve", "--host", "127.0.0.1", "--port", str(port), str(data)]
                srv = start(name, cmd, "/", port, work / "rdflib-endpoint.log", env)
                try:
                    t = wait_ready(srv, args.ready_timeout)
                    fig.put("load (s)", name, t)
                    measure(srv, None)
                finally:
                    srv.stop()
                    srv.sampler.stop()
            else:
                raise SystemExit(f"unknown server {name!r}: choose from {', '.join(SERVERS)}")
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            fig.notes.append(f"{name}: failed: {exc}")
            print(f"  {name}: FAILED: {exc}", file=sys.stderr, flush=True)
    if not have("wrk"):
        fig.notes.append("wrk not installed: no throughput figures (apt-get install wrk)")
    return fig


LOAD_ONLY = """
import sys
from pathlib import Path
from kgraph.store.embedded import EmbeddedStore
EmbeddedStore(Path(sys.argv[1]), writable=True).replace([Path(sys.argv[2])], base_iri=sys.argv[3])
"""


# -- the table ---------------------------------------------------------------------


def fmt(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return "–"
    return f"{a / b:.2f}×"


def geomean(values: list[float]) -> float | None:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def table(fig: Figures) -> str:
    rows = dict(fig.figures)
    for who in SERVERS:  # geometric mean of the mix's medians
        medians = [
            v[who]
            for k, v in fig.figures.items()
            if k.startswith("latency ") and k.endswith("p50 (ms)") and who in v
        ]
        if len(medians) == len(QUERY_MIX):
            rows.setdefault("latency, geometric mean of p50s (ms)", {})[who] = geomean(medians) or 0
    head = (
        "| measure | kgraph | Oxigraph server | rdflib-endpoint | kgraph / Oxigraph "
        "| rdflib-endpoint / Oxigraph |\n|---|--:|--:|--:|--:|--:|"
    )
    lines = [f"**{fig.triples:,} triples**", "", head]
    for row, v in rows.items():
        k, o, r = v.get("kgraph"), v.get("oxigraph"), v.get("rdflib-endpoint")
        label = row.replace("  ", "&nbsp;&nbsp;") if row.startswith("  ") else row
        if row.startswith("  ") and row.endswith("p50 / p99 (ms)"):
            p99 = rows.get(row.replace("p50 / p99", "p99"), {})
            cells = [f"{fmt(v.get(s))} / {fmt(p99.get(s))}" if s in v else "–" for s in SERVERS]
            lines.append(f"| {label} | {' | '.join(cells)} | | |")
            continue
        if row.startswith("  ") and row.endswith(" p99 (ms)"):
            continue
        lines.append(
            f"| {label} | {fmt(k)} | {fmt(o)} | {fmt(r)} | {ratio(k, o)} | {ratio(r, o)} |"
        )
    lines += [""] + [f"- {n}" for n in fig.notes]
    return "\n".join(lines)


# -- the targets (issue 19) ----------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One target: a figure of kgraph's, alone or divided by Oxigraph server's."""

    name: str
    rows: tuple[str, ...]  # kgraph's figure: the geometric mean of these rows
    relative: bool  # divided by Oxigraph's same figure
    at_most: bool  # the figure must be <= limit (else >= limit)
    limit: float
    sizes: tuple[int, ...] = ()  # only at these sizes (empty: every size)


def _lat(names: tuple[str, ...], pct: str = "p50") -> tuple[str, ...]:
    return tuple(f"latency {n} {pct} (ms)" for n in names)


TARGETS = (
    Target(
        "unique label lookups ≥ 0.5× Oxigraph",
        ("throughput label lookup unique (req/s)",),
        True,
        False,
        0.5,
    ),
    Target(
        "unique DESCRIBE ≥ 0.5× Oxigraph", ("throughput DESCRIBE unique (req/s)",), True, False, 0.5
    ),
    Target(
        "repeated label lookups ≥ 1× Oxigraph",
        ("throughput label lookup repeated (req/s)",),
        True,
        False,
        1.0,
    ),
    Target(
        "repeated DESCRIBE ≥ 1× Oxigraph",
        ("throughput DESCRIBE repeated (req/s)",),
        True,
        False,
        1.0,
    ),
    Target("latency mix, geometric mean ≤ 1.3× Oxigraph", _lat(tuple(QUERY_MIX)), True, True, 1.3),
    Target("heavy queries, geometric mean ≤ 1.1× Oxigraph", _lat(HEAVY), True, True, 1.1),
    Target("peak memory under load ≤ 150 MiB", ("memory peak (MiB PSS)",), False, True, 150),
    Target("idle memory ≤ 150 MiB", ("memory idle, loaded (MiB PSS)",), False, True, 150),
    Target(
        "HTML page, first view ≥ 200 req/s at 1 M",
        ("throughput HTML page unique (req/s)",),
        False,
        False,
        200,
        (1_000_000,),
    ),
    Target("load ≤ 1.2× Oxigraph", ("load (s)",), True, True, 1.2),
    Target("validation ≤ 3× load", ("validation / load (x)",), False, True, 3.0),
    Target("start-up ≤ 1 s", ("start-up on the loaded store (s)",), False, True, 1.0),
)


def _gm(fig: Figures, rows: tuple[str, ...], who: str) -> float | None:
    values = [fig.figures.get(r, {}).get(who) for r in rows]
    if not values or any(v is None or v <= 0 for v in values):
        return None
    known = [v for v in values if v is not None]
    return known[0] if len(known) == 1 else geomean(known)


def targets(fig: Figures) -> list[tuple[str, float | None, str]]:
    """Each target with kgraph's figure (or ratio) and 'met', 'missed' or 'not measured'.

    >>> f = Figures(100_000)
    >>> f.put("start-up on the loaded store (s)", "kgraph", 0.5)
    >>> f.put("load (s)", "kgraph", 3.0); f.put("load (s)", "oxigraph", 2.0)
    >>> [t for t in targets(f) if t[2] != "not measured"]
    [('load ≤ 1.2× Oxigraph', 1.5, 'missed'), ('start-up ≤ 1 s', 0.5, 'met')]
    """
    out: list[tuple[str, float | None, str]] = []
    for t in TARGETS:
        if t.sizes and fig.size not in t.sizes:
            continue
        value = _gm(fig, t.rows, "kgraph")
        if value is not None and t.relative:
            base = _gm(fig, t.rows, "oxigraph")
            value = value / base if base else None
        if value is None:
            out.append((t.name, None, "not measured"))
            continue
        ok = value <= t.limit if t.at_most else value >= t.limit
        out.append((t.name, value, "met" if ok else "missed"))
    # p99 ≤ 10× p50, for every query of the mix
    tails = [
        p99 / p50
        for n in QUERY_MIX
        if (p50 := fig.figures.get(f"latency {n} p50 (ms)", {}).get("kgraph"))
        and (p99 := fig.figures.get(f"latency {n} p99 (ms)", {}).get("kgraph"))
    ]
    if tails:
        worst = max(tails)
        out.append(
            ("p99 ≤ 10× p50 (worst query of the mix)", worst, "met" if worst <= 10 else "missed")
        )
    return out


def targets_table(fig: Figures) -> str:
    lines = [
        f"**Targets at {fig.triples:,} triples**",
        "",
        "| target | kgraph | |",
        "|---|--:|---|",
    ]
    for name, value, verdict in targets(fig):
        shown = "–" if value is None else (f"{value:.2f}×" if "×" in name else fmt(value))
        lines.append(f"| {name} | {shown} | {verdict} |")
    return "\n".join(lines)


def report(header: str, results: list[Figures]) -> str:
    parts = [header] + [f"{table(f)}\n\n{targets_table(f)}" for f in results]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100000,1000000", help="triples, comma-separated")
    p.add_argument("--quick", action="store_true", help="2,000 triples, 1 s per phase, 3 reps")
    p.add_argument("--servers", default=",".join(SERVERS))
    p.add_argument("--seconds", type=float, default=10.0, help="per wrk phase")
    p.add_argument("--reps", type=int, default=30, help="repetitions per query of the mix")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--ready-timeout", type=float, default=900.0)
    p.add_argument("--kgraph-args", default="", help="extra `kgraph serve` arguments")
    p.add_argument(
        "--validation-only",
        action="store_true",
        help="only kgraph's validation, build and load (no servers)",
    )
    p.add_argument("--workdir", type=Path, help="where data and stores go (default: a temp dir)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--markdown", type=Path, help="write the tables here")
    p.add_argument(
        "--from-json",
        type=Path,
        help="print (and --markdown) the tables and targets of figures written before",
    )
    args = p.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        old = [Figures(**r) for r in saved["results"]]
        text = report(saved["header"], old)
        print(text, end="")
        if args.markdown:
            args.markdown.write_text(text)
        return 0
    sizes = [2000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    header = (
        f"kgraph benchmark, {stamp}, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, wrk -c {args.connections}, "
        f"{'quick' if args.quick else f'{args.seconds:g} s per wrk phase, {args.reps} reps'}"
    )
    with contextlib.ExitStack() as stack:
        work = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        results: list[Figures] = []
        for size in sizes:
            print(f"== {size:,} triples (work in {work})", flush=True)
            results.append(run_size(size, args, work))
            print(table(results[-1]), flush=True)
            print(targets_table(results[-1]), flush=True)
            # written after every size, so that a later size that fails loses only itself
            if args.markdown:
                args.markdown.write_text(report(header, results))
            if args.json:
                saved = {"header": header, "results": [f.__dict__ for f in results]}
                args.json.write_text(json.dumps(saved, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
