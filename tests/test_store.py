"""The embedded store: atomic versions, failures that change nothing, clear errors."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from kgraph.errors import QuerySyntaxError, RdfSyntaxError, StoreUnavailable
from kgraph.formats import NQUADS, NTRIPLES, TURTLE
from kgraph.store import open_store
from kgraph.store.embedded import KEEP_VERSIONS, EmbeddedStore

from .conftest import BASE, make_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_replace_and_query(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s", writable=True)
    info = store.replace([write(tmp_path / "a.ttl", '<id/a> <p> "x" .')], base_iri=BASE)
    assert info.triples == 1
    rows = store.select("SELECT ?s WHERE { ?s ?p ?o }")
    assert rows[0]["s"].value == BASE + "id/a"
    assert store.info().version == info.version


def test_every_input_format_and_gzip(tmp_path: Path) -> None:
    files = [
        write(tmp_path / "a.ttl", "<id/a> <p> 1 ."),
        write(tmp_path / "b.nt", f'<{BASE}id/b> <{BASE}p> "2" .\n'),
        write(tmp_path / "c.nq", f'<{BASE}id/c> <{BASE}p> "3" <{BASE}g> .\n'),
        write(tmp_path / "d.trig", "<g2> { <id/d> <p> 4 . }"),
        write(tmp_path / "e.jsonld", f'{{"@id": "{BASE}id/e", "{BASE}p": 5}}'),
        write(
            tmp_path / "f.rdf",
            f"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
            xmlns:x="{BASE}"><rdf:Description rdf:about="{BASE}id/f"><x:p>6</x:p>
            </rdf:Description></rdf:RDF>""",
        ),
    ]
    gz = tmp_path / "g.ttl.gz"
    gz.write_bytes(gzip.compress(b"<id/g> <p> 7 ."))
    store = EmbeddedStore(tmp_path / "s", writable=True)
    assert store.replace([*files, gz], base_iri=BASE).triples == 7
    assert store.ask(f"ASK {{ GRAPH <{BASE}g2> {{ <{BASE}id/d> ?p 4 }} }}")


def test_failed_replace_keeps_the_old_version(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s", writable=True)
    old = store.replace([write(tmp_path / "a.ttl", "<id/a> <p> 1 .")], base_iri=BASE)
    bad = write(tmp_path / "bad.ttl", "<id/b> <p> 2 .\n<id/c> <p> ")
    with pytest.raises(RdfSyntaxError) as err:
        store.replace([tmp_path / "a.ttl", bad], base_iri=BASE)
    assert str(err.value).startswith(f"{bad}:2:")
    assert store.info().version == old.version and store.count() == 1
    assert not [p for p in (tmp_path / "s" / "versions").iterdir() if p.name.startswith(".tmp")]


def test_readers_follow_the_swap_and_old_versions_are_pruned(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "s", writable=True)
    writer.replace([write(tmp_path / "a.ttl", "<id/a> <p> 1 .")], base_iri=BASE)
    reader = EmbeddedStore(tmp_path / "s")
    assert reader.count() == 1
    for n in range(2, 6):
        text = " ".join(f"<id/x{i}> <p> {i} ." for i in range(n))
        writer.replace([write(tmp_path / "a.ttl", text)], base_iri=BASE)
        assert reader.count() == n
    versions = [p for p in (tmp_path / "s" / "versions").iterdir() if p.is_dir()]
    assert len(versions) == KEEP_VERSIONS


def test_a_reader_follows_a_store_folder_removed_and_built_again(tmp_path: Path) -> None:
    """The served version is read relative to the store's folder; a folder replaced under
    a running reader (``rm -r`` and a new build) is found again, not a 503 for good."""
    EmbeddedStore(tmp_path / "s", writable=True).replace(
        [write(tmp_path / "a.ttl", "<id/a> <p> 1 .")], base_iri=BASE
    )
    reader = EmbeddedStore(tmp_path / "s")
    assert reader.count() == 1 and reader.version_now() is not None
    shutil.rmtree(tmp_path / "s")
    assert reader.version_now() is None
    with pytest.raises(StoreUnavailable):
        reader.count()
    info = EmbeddedStore(tmp_path / "s", writable=True).replace(
        [write(tmp_path / "b.ttl", "<id/a> <p> 1 . <id/b> <p> 2 .")], base_iri=BASE
    )
    assert reader.version_now() == info.version
    assert reader.count() == 2


def test_update_makes_a_new_version(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s", writable=True)
    first = store.replace([write(tmp_path / "a.ttl", "<id/a> <p> 1 .")], base_iri=BASE)
    second = store.update(f"INSERT DATA {{ <{BASE}id/b> <{BASE}p> 2 }}")
    assert second.version != first.version and second.triples == 2
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA {")
    assert store.count() == 2


def test_dump(tmp_path: Path) -> None:
    import io

    store = EmbeddedStore(tmp_path / "s", writable=True)
    store.replace(
        [write(tmp_path / "a.trig", "<id/a> <p> 1 . <g> { <id/b> <p> 2 . }")], base_iri=BASE
    )
    # the default graph is the union (both triples); the dataset holds each once, in its graph
    for fmt, lines in ((NTRIPLES, 2), (NQUADS, 2)):
        out = io.BytesIO()
        store.dump(fmt, out)
        assert out.getvalue().decode().count("\n") == lines
    out = io.BytesIO()
    store.dump(NQUADS, out)
    assert out.getvalue().decode().count("<http://127.0.0.1:8000/g>") == 1
    out = io.BytesIO()
    store.dump(TURTLE, out)
    assert b"<http://127.0.0.1:8000/id/a>" in out.getvalue()


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="run `kgraph build` first"):
        open_store(make_settings(tmp_path, store=str(tmp_path / "nothing")))


def test_corrupt_version_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "s"
    (root / "versions" / "v1").mkdir(parents=True)
    (root / "versions" / "v1" / "CURRENT").write_text("garbage")
    (root / "current").symlink_to(Path("versions") / "v1")
    with pytest.raises(StoreUnavailable, match="cannot be opened"):
        EmbeddedStore(root)
