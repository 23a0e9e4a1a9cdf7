"""Real SPARQL servers for the remote-store tests: Oxigraph server and Virtuoso.

Both are started by the fixtures on free loopback ports in temporary
directories, and waited for by polling their query endpoints. Oxigraph comes
from the ``oxigraph`` package of the dev extra, Virtuoso from the Debian package
installed by scripts/install-system-deps.sh.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kgraph.settings import Settings
from tests.conftest import make_settings
from tests.servers import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "valid" / "places-and-boards.ttl"
READY_TIMEOUT_S = 60.0


@dataclass
class Server:
    """A server process and its URLs; ``stop()`` kills it (idempotent)."""

    name: str
    proc: subprocess.Popen[bytes]
    base: str
    log: Path
    urls: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def wait_ready(self, probe: str) -> None:
        """Poll ``probe`` until it answers; fail with the server's log if it dies or stalls."""

        def answers() -> bool:
            try:
                with urllib.request.urlopen(probe, timeout=1):
                    return True
            except urllib.error.HTTPError:
                return True  # it answers: ready
            except OSError:
                return False

        try:
            wait_until(answers, READY_TIMEOUT_S, self.name, proc=self.proc)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise RuntimeError(
                f"{self.name} did not start:\n{self.log.read_text()[-2000:]}"
            ) from None


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(location: Path, port: int | None = None) -> Server:
    """An Oxigraph server whose default graph is the union of its graphs (the way
    docs/scaling-out.md runs it); kgraph names the graphs it reads in every query."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("oxigraph server not installed (pip install -e '.[dev]')")
    port = port or free_port()
    location.mkdir(parents=True, exist_ok=True)
    log = location.parent / f"{location.name}.log"
    proc = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", proc, base, log)
    server.urls = {"query": f"{base}/query", "update": f"{base}/update", "store": f"{base}/store"}
    server.wait_ready(f"{base}/query?query=ASK%7B%7D")
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def start_virtuoso(workdir: Path, max_rows: int = 1_000_000) -> Server:
    """A private Virtuoso: its own ini, database and loopback ports; ``dba``/``dba``."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t not installed (scripts/install-system-deps.sh)")
    workdir.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(d=workdir, sql_port=sql_port, http_port=http_port, max_rows=max_rows)
    )
    log = workdir / "stdout.log"
    proc = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=workdir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    server = Server("virtuoso", proc, base, log)
    server.urls = {
        "sparql": f"{base}/sparql",
        "sparql-auth": f"{base}/sparql-auth",
        "crud-auth": f"{base}/sparql-graph-crud-auth",
        "sql_port": str(sql_port),
    }
    server.wait_ready(f"{base}/sparql?query=ASK%7B%7D")
    # Anonymous /sparql stays read-only: writes go through the digest-protected endpoints.
    return server


def synthetic(path: Path, n: int, tag: str = "v1") -> Path:
    """About ``n`` triples of plain data, with blank-node chains, that pass the shapes."""
    lines = ["@prefix ex: <http://example.org/synth/> ."]
    for i in range(max(1, n // 6)):  # six triples each
        lines.append(
            f'ex:item{i} ex:label "item {i} {tag}"@sv ; ex:rank {i} ; '
            f'ex:part [ ex:name "part {i}" ; ex:sub [ ex:value "{tag}" ] ] .'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def remote_settings(tmp: Path, query_url: str, **overrides: object) -> Settings:
    """Settings for the app over a remote store; a fresh graph unless one is given."""
    values: dict[str, object] = {
        "store": query_url,
        "remote_graph": f"urn:test:{uuid.uuid4().hex}",
        "remote_retries": 0,
        "remote_timeout_s": 20.0,
    }
    values.update(overrides)
    return make_settings(tmp, **values)
