"""Which kgraph files one request goes through, measured on a real server.

:func:`trace` serves the app under uvicorn (with kgraph's own HTTP protocol,
:class:`kgraph.web.server.BoundedHttpToolsProtocol`) in a thread whose every call is
seen by a profile hook, sends one request, and reports:

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
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from kgraph.query import framing
from kgraph.query.protocol import QueryRequest
from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from tests.browser import serve

SRC = Path(__file__).resolve().parent.parent / "src" / "kgraph"
_PREFIX = str(SRC) + "/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # unbounded: a worker's


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
    seen: set[str] = set()
    ordered = []
    for rel in reversed(files):
        if rel not in seen:
            seen.add(rel)
            ordered.append(rel)
    return ordered


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
class Path_:
    stages: list[str]
    ran: set[str]
    status: int


def measure(url: str, trace: Trace, path: str, headers: dict[str, str]) -> Path_:
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
    return Path_(stages, set(trace.ran), status)


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
    import tempfile
    from urllib.parse import quote

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import ROOT, make_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp))
        store = EmbeddedStore(settings.paths.store_path, writable=True)
        files = collect_rdf_files([ROOT / "ontology", ROOT / "data"])
        store.replace(files, base_iri=settings.server.base_iri)
        trace = Trace()
        accept = {"Accept": "application/sparql-results+json"}
        lookup = f"SELECT ?p ?o WHERE {{ <{settings.server.base_iri}id/county/kalmar> ?p ?o }}"
        with serve(settings, store, bounded=True, profile=trace.hook) as url:
            for name, query in (("lookup (inline)", lookup), ("count (worker)", COUNT)):
                measure(url, trace, "/sparql?query=" + quote(query + " #warm"), accept)
                got = measure(url, trace, "/sparql?query=" + quote(query), accept)
                print(f"{name}: {got.status}, {len(got.stages)} stages")
                for rel in got.stages:
                    print("   ", rel)
                print(f"  {len(got.ran)} files ran:", " ".join(sorted(got.ran)))
            replayed = measure(url, trace, "/sparql?query=" + quote(lookup), accept)
            print(f"replayed: {replayed.status}; files ran:", " ".join(sorted(replayed.ran)))
        req = QueryRequest(COUNT)
        print("in the worker:", " ".join(worker_stages(store.root, req)))
        store.close()


if __name__ == "__main__":
    main()
