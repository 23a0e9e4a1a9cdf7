"""Which kgraph files one request goes through, measured on a real server.

With the app under uvicorn (``tests.browser.serve(..., bounded=True, profile=trace.hook)``:
kgraph's own HTTP protocol, :class:`kgraph.web.server.BoundedHttpToolsProtocol`, in a
thread whose every call a :class:`Trace` sees), :func:`measure` sends one request and
reports:

- ``stages``: the kgraph files on the call stack at the moment the request reaches
  the engine (a pyoxigraph query) or, for a query sent to a worker process, the pipe to
  it; outermost first, each once. The HTTP protocol (``web/server.py``) runs on its own
  stack (uvicorn starts the app in a task of its own) and comes first when its code ran.
  These are the files a request goes *through*: each calls the next and gets the answer
  back.
- ``ran``: every kgraph file any of whose code ran for the request, the stages and the
  helpers they consult (the formats table, the guard, the lane, the error tree...); not
  what other tasks of the event loop did meanwhile (the worker pool's watchdog).

Run as a script it prints both for the common requests::

    python -m tests.request_path
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

import httpx

from kgraph.query import framing
from kgraph.query.protocol import QueryRequest
from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from tests.browser import serve
from tests.conftest import ROOT, make_settings

SRC = Path(__file__).resolve().parent.parent / "src" / "kgraph"
_PREFIX = str(SRC) + "/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # unbounded: a worker's
ACCEPT = {"Accept": "application/sparql-results+json"}


def lookup(base_iri: str, salt: str = "") -> str:
    """The path of a query bounded before it runs (answered in-process); ``salt``, a
    comment, makes it a request the replay has not seen."""
    query = f"SELECT ?p ?o WHERE {{ <{base_iri}id/county/kalmar> ?p ?o }}"
    return "/sparql?query=" + quote(f"{query} #{salt}" if salt else query)


def _rel(filename: str) -> str | None:
    return filename[len(_PREFIX) :] if filename.startswith(_PREFIX) else None


def stack_files(frame: FrameType | None) -> list[str]:
    """The kgraph files on the stack ending at ``frame``, outermost first, each once."""
    files: list[str] = []
    while frame is not None:
        rel = _rel(frame.f_code.co_filename)
        if rel is not None:
            files.append(rel)
        frame = frame.f_back
    return list(dict.fromkeys(reversed(files)))


def _is_engine_call(fn: Any, pipe: bool) -> bool:
    """A query to pyoxigraph, or (``pipe``) the write of a request to a worker's pipe."""
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", "")
    if name == "query" and type(owner).__module__ == "pyoxigraph":
        return True
    return pipe and name == "write" and type(owner).__name__ == "BufferedWriter"


@dataclass
class Trace:
    on: bool = False
    ran: set[str] = field(default_factory=set)
    engine: list[str] | None = None  # the stack at the first engine call
    pipe: bool = True  # a write to a pipe counts as the engine call (in the server)
    task: object = None  # the request's task, once the front has run in it

    def hook(self, frame: FrameType, event: str, arg: Any) -> None:
        if not self.on:
            return
        if event == "call":
            rel = _rel(frame.f_code.co_filename)
            if rel is not None and self._in_request(rel):
                self.ran.add(rel)
        elif event == "c_call" and self.engine is None and _is_engine_call(arg, self.pipe):
            self.engine = stack_files(frame)

    def _in_request(self, rel: str) -> bool:
        """Whether a call runs for the request: in its task (the one the front runs in), in
        the HTTP protocol's callbacks, in a thread it hands work to; not in what the loop
        does meanwhile for others (the worker pool's watchdog, a spare worker's pipe)."""
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no loop in this thread
            return True
        if task is None:
            return rel == "web/server.py"
        if self.task is None and rel == "web/front.py":
            self.task = task
        return task is self.task


@dataclass(frozen=True)
class RequestPath:
    stages: list[str]
    ran: set[str]
    status: int


def measure(url: str, trace: Trace, path: str, headers: dict[str, str] = ACCEPT) -> RequestPath:
    """The stages and the files that ran for one GET of ``path``."""
    trace.ran, trace.engine, trace.task = set(), None, None
    trace.on = True
    try:
        status = httpx.get(url + path, headers=headers, timeout=30).status_code
    finally:
        trace.on = False
    stages = list(trace.engine or [])  # empty: the request never reached the engine
    if stages and "web/server.py" in trace.ran:
        stages.insert(0, "web/server.py")
    return RequestPath(stages, set(trace.ran), status)


# Run in a worker process of its own: the worker's main under a profile hook, fed one
# request on stdin; the stack at the engine call printed on stderr as JSON.
_WORKER_SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from tests.request_path import Trace
from kgraph.query.worker import worker_main
trace = Trace(on=True, pipe=False)
sys.setprofile(trace.hook)
try:
    worker_main([{store!r}])
finally:
    sys.setprofile(None)
    sys.stderr.write("STAGES " + json.dumps(trace.engine) + "\\n")
"""


def worker_stages(store_root: Path, req: QueryRequest) -> list[str]:
    """The kgraph files on the worker's stack when it runs ``req`` on its engine."""
    script = _WORKER_SCRIPT.format(root=str(SRC.parent.parent), store=str(store_root))
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=framing.request(req.to_json()),
        capture_output=True,
        timeout=60,
        check=True,
    )
    line = next(x for x in done.stderr.decode().splitlines() if x.startswith("STAGES "))
    stages: list[str] = json.loads(line.removeprefix("STAGES "))
    return stages


def main() -> None:  # pragma: no cover - a report for people
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp))
        store = EmbeddedStore(settings.paths.store_path, writable=True)
        files = collect_rdf_files([ROOT / "ontology", ROOT / "data"])
        store.replace(files, base_iri=settings.server.base_iri)
        trace = Trace()
        base = settings.server.base_iri
        counts = "/sparql?query=" + quote(COUNT)
        with serve(settings, store, bounded=True, profile=trace.hook) as url:
            for name, warm, path in (
                ("lookup (inline)", lookup(base, "warm"), lookup(base)),
                ("count (worker)", counts + quote(" #warm"), counts),
            ):
                measure(url, trace, warm)
                got = measure(url, trace, path)
                print(f"{name}: {got.status}, {len(got.stages)} stages")
                for rel in got.stages:
                    print("   ", rel)
                print(f"  {len(got.ran)} files ran:", " ".join(sorted(got.ran)))
            replayed = measure(url, trace, lookup(base))
            print(f"replayed: {replayed.status}; files ran:", " ".join(sorted(replayed.ran)))
        req = QueryRequest(COUNT)
        print("in the worker:", " ".join(worker_stages(store.root, req)))
        store.close()


if __name__ == "__main__":
    main()
