"""RDF files: loading one into an engine store (the one loader), and what one holds,
graph by graph (for the build's named-graph check).

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "a.trig"
>>> _ = f.write_text('<g> { <a> <p> 1 . } <b> <p> 2 . <b> <p> 3 .')
>>> held = graph_census(f, "http://example.org/")
>>> held.named, held.outside
(1, ['http://example.org/b'])
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kgraph.errors import RdfSyntaxError, StoreError
from kgraph.store.engine import rdf_file_format
from kgraph.store.safe_input import check_file

DATASET_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
_BATCH = 100_000  # statements per transaction when a dataset's graphs are moved


def load_file(
    store: ox.Store,
    path: Path,
    base_iri: str,
    into: ox.NamedNode | ox.DefaultGraph | None = None,
) -> None:
    """Load the RDF file ``path`` (any format of the formats table, gzipped or not) into
    ``store``, checked first (:func:`kgraph.store.safe_input.check_file`). ``into=None``
    keeps each statement in the graph the file puts it in; a graph (the default graph
    too) takes every statement, a TriG or N-Quads file's named graphs merged into it.

    The caller drops its last reference to a store it wrote to close it (before its
    directory is renamed: RocksDB closing in a moved directory took a second at 1 M).
    Raises RdfSyntaxError (file:line:col), StoreError.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.trig"
    >>> _ = f.write_text('<g> { <a> <p> 1 . } <b> <p> 2 .')
    >>> kept, merged = ox.Store(), ox.Store()
    >>> load_file(kept, f, "http://example.org/")
    >>> sorted(str(q.graph_name) for q in kept)
    ['<http://example.org/g>', 'DEFAULT']
    >>> load_file(merged, f, "http://example.org/", into=ox.DefaultGraph())
    >>> sorted(str(q.graph_name) for q in merged)
    ['DEFAULT', 'DEFAULT']
    """
    check_file(path)
    fmt = rdf_file_format(path)
    to: dict[str, Any] = {} if into is None else {"to_graph": into}
    try:
        if into is not None and fmt in DATASET_FORMATS:
            with _open(path) as fh:
                batch: list[ox.Quad] = []
                for q in ox.parse(fh, format=fmt, base_iri=base_iri):
                    batch.append(ox.Quad(q.subject, q.predicate, q.object, into))
                    if len(batch) >= _BATCH:
                        store.extend(batch)
                        batch.clear()
                store.extend(batch)
        elif path.name.endswith(".gz"):
            with _open(path) as fh:
                store.bulk_load(fh, format=fmt, base_iri=base_iri, **to)
        else:  # the engine reads the file itself
            store.bulk_load(path=str(path), format=fmt, base_iri=base_iri, **to)
    except SyntaxError as exc:
        raise RdfSyntaxError(str(path), exc.lineno, exc.offset, exc.msg or str(exc)) from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise StoreError(f"{path}: cannot load: {exc}") from exc


def _open(path: Path) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb"))


@dataclass
class Census:
    """How many statements of a file are in named graphs, and the subjects (IRIs, or
    ``_:label``) of those that are not, each once, in the order they come."""

    named: int = 0
    outside: list[str] = field(default_factory=list)
    outside_statements: int = 0


def can_hold_graphs(path: Path) -> bool:
    """True for the file formats that can put statements in named graphs (TriG, N-Quads)."""
    return rdf_file_format(path) in DATASET_FORMATS


def graph_census(path: Path, base_iri: str) -> Census:
    """Read ``path`` and count its statements by graph. Raises RdfSyntaxError, StoreError."""
    check_file(path)
    fmt = rdf_file_format(path)
    census = Census()
    seen: set[str] = set()
    try:
        with _open(path) as fh:
            for q in ox.parse(fh, format=fmt, base_iri=base_iri):
                if isinstance(q.graph_name, ox.DefaultGraph):
                    census.outside_statements += 1
                    s = q.subject
                    subject = s.value if isinstance(s, ox.NamedNode) else str(s)
                    if subject not in seen:
                        seen.add(subject)
                        census.outside.append(subject)
                else:
                    census.named += 1
    except SyntaxError as exc:
        raise RdfSyntaxError(str(path), exc.lineno, exc.offset, exc.msg or str(exc)) from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise StoreError(f"{path}: cannot read: {exc}") from exc
    return census
