"""RDF files → one N-Triples file cut into upload-sized chunks.

A remote store is filled by many requests, and a blank node label means the
same node only within one request. So the triples are first merged into a
scratch pyoxigraph store (which also removes duplicates, giving the exact
count the remote graph must end up with), then written as N-Triples with every
group of triples connected through blank nodes kept inside a single chunk.
Quads in named graphs are flattened into the one published graph.

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.ttl").write_text('<a> <p> [ <q> "x" ] . <a> <p> <b> . <a> <p> <b> .')
>>> up = prepare([tmp / "a.ttl"], base_iri="http://example.org/", workdir=tmp, chunk_bytes=10)
>>> up.triples, len(up.chunks)
(3, 2)
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgraph.errors import RdfSyntaxError, StoreError
from kgraph.store.embedded import rdf_file_format
from kgraph.store.safe_input import check_file

QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
_BATCH = 100_000


@dataclass(frozen=True)
class Upload:
    """A prepared upload: an N-Triples file, its chunks as byte ranges, the triple count."""

    path: Path
    chunks: list[tuple[int, int]]
    triples: int

    @property
    def total_bytes(self) -> int:
        return self.chunks[-1][1] if self.chunks else 0

    def read(self) -> Iterator[tuple[bytes, int]]:
        """Each chunk's bytes with the byte offset reached after it."""
        with self.path.open("rb") as fh:
            for start, end in self.chunks:
                fh.seek(start)
                yield fh.read(end - start), end


def prepare(files: Sequence[Path], *, base_iri: str, workdir: Path, chunk_bytes: int) -> Upload:
    """Parse ``files`` into ``workdir``/upload.nt cut into chunks of about ``chunk_bytes``.

    Raises RdfSyntaxError (file:line:col) for a file that does not parse, StoreError.
    """
    scratch = ox.Store(str(workdir / "scratch"))
    for path in files:
        _load(scratch, path, base_iri)
    triples = len(scratch)
    out = workdir / "upload.nt"
    writer = _ChunkWriter(out, chunk_bytes)
    unit = max(1, min(1000, chunk_bytes // 150))  # triples serialised at once
    plain: list[Any] = []
    linked: list[Any] = []
    for quad in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            linked.append(triple)
            continue
        plain.append(triple)
        if len(plain) >= unit:
            writer.add(_nt(plain))
            plain.clear()
    if plain:
        writer.add(_nt(plain))
    for group in _connected(linked):
        writer.add(_nt(group))
    del scratch
    return Upload(out, writer.close(), triples)


def _nt(triples: list[Any]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _load(store: ox.Store, path: Path, base_iri: str) -> None:
    check_file(path)
    fmt = rdf_file_format(path)
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                _load_from(store, fh, None, fmt, base_iri)
        else:
            _load_from(store, None, str(path), fmt, base_iri)
    except SyntaxError as exc:
        raise RdfSyntaxError(str(path), exc.lineno, exc.offset, exc.msg or str(exc)) from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise StoreError(f"{path}: cannot load: {exc}") from exc


def _load_from(store: ox.Store, fh: Any, path: str | None, fmt: Any, base_iri: str) -> None:
    if fmt not in QUAD_FORMATS:
        store.bulk_load(fh, path=path, format=fmt, base_iri=base_iri)
        return
    batch: list[Any] = []
    for q in ox.parse(fh, path=path, format=fmt, base_iri=base_iri):
        batch.append(ox.Quad(q.subject, q.predicate, q.object))
        if len(batch) >= _BATCH:
            store.extend(batch)
            batch.clear()
    store.extend(batch)


def _connected(triples: list[Any]) -> list[list[Any]]:
    """Group triples so that triples sharing a blank node fall in the same group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def nodes(t: Any) -> list[str]:
        return [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]

    for t in triples:
        first, *rest = nodes(t)
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[str, list[Any]] = {}
    for t in triples:
        groups.setdefault(find(nodes(t)[0]), []).append(t)
    return list(groups.values())


class _ChunkWriter:
    """Appends units (never split) to a file, closing a chunk once it passes the size."""

    def __init__(self, path: Path, chunk_bytes: int) -> None:
        self._fh = path.open("wb")
        self._size = chunk_bytes
        self._start = self._pos = 0
        self._ranges: list[tuple[int, int]] = []

    def add(self, data: bytes) -> None:
        self._fh.write(data)
        self._pos += len(data)
        if self._pos - self._start >= self._size:
            self._ranges.append((self._start, self._pos))
            self._start = self._pos

    def close(self) -> list[tuple[int, int]]:
        self._fh.close()
        if self._pos > self._start:
            self._ranges.append((self._start, self._pos))
        return self._ranges
