"""A GET /sparql goes through at most six kgraph files, measured on a real server.

The stages are measured (:mod:`request_path`: the kgraph files on the call stack when
the request reaches the engine, and the HTTP protocol before it), not listed by hand;
docs/architecture.md names them, and is checked against the measurement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from kgraph.query.protocol import QueryRequest
from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore
from tests.browser import serve
from tests.request_path import COUNT, Trace, lookup, measure, worker_stages

pytestmark = pytest.mark.xdist_group("request_path")

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
MAX_FILES = 6


@pytest.fixture(scope="module")
def server(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[tuple[str, Trace]]:
    trace = Trace()
    with serve(repo_settings, repo_store, bounded=True, profile=trace.hook) as url:
        yield url, trace


def documented(label: str, part: int = 0) -> list[str]:
    """The files docs/architecture.md names, in order, in its list item for ``label``: the
    stages (``part`` 0), or the files they consult (1, in brackets)."""
    item = re.search(rf"^- \*\*{re.escape(label)}\*\*(.*?)(?=^- |^$)", DOC.read_text(), re.M | re.S)
    assert item is not None, f"docs/architecture.md has no item for {label!r}"
    parts = [*item.group(1).split("(consulted"), ""]
    return re.findall(r"`([a-z_/]+\.py)`", parts[part])


def test_a_lookup_answered_in_process(server: tuple[str, Trace], repo_settings: Settings) -> None:
    url, trace = server
    measure(url, trace, lookup(repo_settings.server.base_iri, "warm"))  # lazy imports, first worker
    got = measure(url, trace, lookup(repo_settings.server.base_iri, "inline"))
    assert got.status == 200
    assert got.stages[0] == "web/server.py" and got.stages[-1] == "store/embedded.py"
    assert len(got.stages) <= MAX_FILES, got.stages
    assert got.stages == documented("in-process")
    assert set(documented("in-process", 1)) <= got.ran - set(got.stages)


def test_a_query_sent_to_a_worker(server: tuple[str, Trace]) -> None:
    url, trace = server
    measure(url, trace, "/sparql?query=" + quote(COUNT + " #warm"))
    got = measure(url, trace, "/sparql?query=" + quote(COUNT))
    assert got.status == 200
    assert got.stages[-1] == "query/process.py"  # the pipe to the worker
    assert len(got.stages) <= MAX_FILES, got.stages
    assert got.stages == documented("to a worker")
    assert set(documented("to a worker", 1)) <= got.ran - set(got.stages)


def test_in_the_worker(repo_store: EmbeddedStore) -> None:
    stages = worker_stages(repo_store.root, QueryRequest(COUNT))
    assert stages[-1] == "store/embedded.py"
    assert len(stages) <= MAX_FILES, stages
    assert stages == documented("in the worker")


def test_a_repeated_query_stops_at_the_front(
    server: tuple[str, Trace], repo_settings: Settings
) -> None:
    url, trace = server
    path = lookup(repo_settings.server.base_iri, "repeated")
    first = measure(url, trace, path)
    again = measure(url, trace, path)
    assert first.status == again.status == 200
    # (the worker pool's watchdog may tick meanwhile: query/pool.py is no evidence)
    query_path = {"web/routes/sparql.py", "query/protocol.py", "query/executor.py"}
    assert query_path <= first.ran
    assert not query_path & again.ran, again.ran
    assert again.stages == []  # the engine was never reached


def test_the_measure_sees_a_deeper_path(
    server: tuple[str, Trace], repo_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage put in the way (here: the executor answering through an extra kgraph
    function of another file) shows up: the test can fail."""
    import kgraph.query.lane as lane
    from kgraph.query.executor import ProcessExecutor

    inline = ProcessExecutor._inline

    def through_lane(req: QueryRequest, store: EmbeddedStore) -> object:
        return lane_call(lambda: inline(req, store))

    exec(  # a function whose code lives in query/lane.py, as a new layer's would
        compile("def lane_call(f):\n    return f()\n", lane.__file__, "exec"), lane.__dict__
    )
    lane_call = lane.__dict__.pop("lane_call")
    monkeypatch.setattr(ProcessExecutor, "_inline", staticmethod(through_lane))
    url, trace = server
    got = measure(url, trace, lookup(repo_settings.server.base_iri, "deeper"))
    assert got.status == 200
    assert "query/lane.py" in got.stages
    assert got.stages != documented("in-process")
