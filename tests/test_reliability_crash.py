"""Crash safety: SIGKILL in the middle of a build leaves the previous version served;
a missing or corrupt store is one clear line at start-up, not a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from tests.conftest import make_settings
from tests.servers import wait_until

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8000/"
OLD = """@prefix ex: <http://example.org/> .
ex:old1 ex:p "one" . ex:old2 ex:p "two" . ex:old3 ex:p "three" .
"""

# Runs `kgraph build` with the store's file loader slowed down after the first file
# is loaded into the new version: the marker file says "kill me now".
KILLABLE_BUILD = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from kgraph import cli
    from kgraph.store import embedded

    marker = Path(sys.argv[1])
    load = embedded.load_file

    def slow_load(store, path, base_iri, into=None):
        load(store, path, base_iri, into)
        marker.write_text("loaded")
        threading.Event().wait()  # hold still, mid-build, until killed

    embedded.load_file = slow_load  # the embedded store's loader
    cli.main(sys.argv[2:])
    """
)


def _env(tmp: Path) -> dict[str, str]:
    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "KGRAPH_SHAPES_DIR": str(empty),  # validation passes quickly: this is about loading
        "KGRAPH_ONTOLOGY_DIR": str(empty),
        "KGRAPH_BASE_IRI": BASE,
    }


def _served(tmp: Path) -> tuple[int, bool]:
    """Restart: open the store afresh, as `kgraph serve` does, and ask the app."""
    store = EmbeddedStore(tmp / "store")
    with TestClient(create_app(make_settings(tmp, query_workers=0), store)) as client:
        triples = client.get("/readyz").json()["triples"]
        known = client.get(
            "/sparql",
            params={"query": 'ASK { <http://example.org/old2> <http://example.org/p> "two" }'},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["boolean"]
    return triples, known


@pytest.mark.integration
def test_sigkill_during_build_keeps_the_previous_version(tmp_path: Path) -> None:
    old = tmp_path / "old.ttl"
    old.write_text(OLD)
    EmbeddedStore(tmp_path / "store", writable=True).replace([old], base_iri=BASE)
    assert _served(tmp_path) == (3, True)
    new = tmp_path / "new.nt"
    new.write_text(
        "".join(f'<http://example.org/n{i}> <http://example.org/p> "{i}" .\n' for i in range(5000))
    )
    marker = tmp_path / "loaded"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_BUILD, str(marker),
         "build", "--store", str(tmp_path / "store"), str(new), str(new)],
        env=_env(tmp_path), stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until(marker.exists, 60, "the build to reach the load step", proc=proc)
    except RuntimeError as exc:
        pytest.fail(f"{exc}: {proc.stderr.read().decode() if proc.stderr else ''}")
    partial = list((tmp_path / "store" / "versions").glob(".tmp-*"))
    assert partial, "a new version was being written when the build was killed"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL
    if proc.stderr:
        proc.stderr.close()

    assert _served(tmp_path) == (3, True)  # the old data, whole

    # The next build completes and clears what the killed one left behind.
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "build", "--store", str(tmp_path / "store"), str(new)],
        env=_env(tmp_path), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not list((tmp_path / "store" / "versions").glob(".tmp-*"))
    assert EmbeddedStore(tmp_path / "store").info().triples == 5000


def _serve(tmp: Path, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgraph", "serve", "--store", str(store), "--port", "1"],
        env=_env(tmp), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_serve_with_a_missing_store_is_one_line(tmp_path: Path) -> None:
    out = _serve(tmp_path, tmp_path / "nonexistent")
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "kgraph build" in out.stderr and "nonexistent" in out.stderr


def test_serve_with_a_garbage_current_version_is_one_line(tmp_path: Path) -> None:
    version = tmp_path / "store" / "versions" / "v1"
    version.mkdir(parents=True)
    (version / "CURRENT").write_text("garbage\n")
    (version / "MANIFEST-000001").write_bytes(b"\x00junk")
    (tmp_path / "store" / "current").symlink_to(Path("versions") / "v1")
    out = _serve(tmp_path, tmp_path / "store")
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "corrupt" in out.stderr and "v1" in out.stderr
