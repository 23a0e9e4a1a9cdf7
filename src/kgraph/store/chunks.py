"""RDF files → N-Triples files cut into upload-sized chunks, one per graph.

A remote store is filled by many requests, and a blank node label means the
same node only within one request. So the triples are first merged into a
scratch pyoxigraph store (which also removes duplicates, giving the exact
count the remote graph must end up with), then written as N-Triples with every
group of triples connected through blank nodes kept inside a single chunk.

:func:`prepare` flattens everything into one graph; :func:`prepare_dataset`
gives the union (the published graph, which queries use as their default
graph) and one upload per named graph, under its own name.

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.ttl").write_text('<a> <p> [ <q> "x" ] . <a> <p> <b> . <a> <p> <b> .')
>>> up = prepare([tmp / "a.ttl"], base_iri="http://example.org/", workdir=tmp, chunk_bytes=10)
>>> up.triples, len(up.chunks)
(3, 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgraph.errors import BadRequest
from kgraph.store.files import load_file
from kgraph.store.union import add_union, has_named_graphs


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
        if not self.chunks:
            return
        with self.path.open("rb") as fh:
            for start, end in self.chunks:
                fh.seek(start)
                yield fh.read(end - start), end


def prepare(files: Sequence[Path], *, base_iri: str, workdir: Path, chunk_bytes: int) -> Upload:
    """Parse ``files`` into ``workdir``/upload.nt cut into chunks of about ``chunk_bytes``;
    quads in named graphs are flattened into the one graph.

    Raises RdfSyntaxError (file:line:col) for a file that does not parse, StoreError.
    """
    scratch = ox.Store(str(workdir / "scratch"))
    for path in files:
        load_file(scratch, path, base_iri, into=ox.DefaultGraph())
    upload = _write(scratch, ox.DefaultGraph(), workdir / "upload.nt", chunk_bytes)
    del scratch
    return upload


@dataclass(frozen=True)
class Prepared:
    """A dataset ready to upload: its union and each named graph (by IRI)."""

    union: Upload
    graphs: dict[str, Upload]
    statements: int  # what the dataset holds: the named graphs' quads, or the union's triples

    @property
    def uploads(self) -> list[Upload]:
        return [self.union, *self.graphs.values()]


def prepare_dataset(
    files: Sequence[Path], *, base_iri: str, workdir: Path, chunk_bytes: int
) -> Prepared:
    """Parse ``files`` keeping their named graphs: ``workdir``/upload.nt holds the union of
    everything, ``graph-<n>.nt`` each named graph.

    Raises RdfSyntaxError, StoreError, and BadRequest when the files put statements both
    in named graphs and outside them (a remote store keeps no third kind of graph).
    """
    scratch = ox.Store(str(workdir / "scratch"))
    for path in files:
        load_file(scratch, path, base_iri)
    graphs: dict[str, Upload] = {}
    statements = len(scratch)
    if has_named_graphs(scratch):
        outside = sum(1 for _ in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if outside:
            raise BadRequest(
                f"{outside} statement(s) outside every named graph, beside named graphs: "
                "a remote store publishes either one graph or named graphs and their union"
            )
        for n, graph in enumerate(sorted(scratch.named_graphs(), key=lambda g: g.value)):
            graphs[graph.value] = _write(scratch, graph, workdir / f"graph-{n}.nt", chunk_bytes)
        # The union is not uploaded: the remote store adds the named graphs together
        # (a blank node stays one node in its graph and in the union); only its size.
        add_union(scratch)
        union_size = sum(1 for _ in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        union = Upload(workdir / "upload.nt", [], union_size)
    else:
        union = _write(scratch, ox.DefaultGraph(), workdir / "upload.nt", chunk_bytes)
    del scratch
    return Prepared(union, graphs, statements)


def _write(scratch: ox.Store, graph: Any, out: Path, chunk_bytes: int) -> Upload:
    """``graph`` of ``scratch`` as N-Triples chunks (blank-node groups kept whole)."""
    writer = _ChunkWriter(out, chunk_bytes)
    unit = max(1, min(1000, chunk_bytes // 150))  # triples serialised at once
    plain: list[Any] = []
    bnode_triples: list[Any] = []
    triples = 0
    for quad in scratch.quads_for_pattern(None, None, None, graph):
        triples += 1
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            bnode_triples.append(triple)
            continue
        plain.append(triple)
        if len(plain) >= unit:
            writer.add(_nt(plain))
            plain.clear()
    if plain:
        writer.add(_nt(plain))
    for group in _connected(bnode_triples):
        writer.add(_nt(group))
    return Upload(out, writer.close(), triples)


def _nt(triples: list[Any]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


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
