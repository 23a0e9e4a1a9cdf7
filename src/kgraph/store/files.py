"""What an RDF file holds, graph by graph (for the build's named-graph check).

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
from typing import IO, cast

import pyoxigraph as ox

from kgraph.errors import RdfSyntaxError, StoreError
from kgraph.store.engine import rdf_file_format
from kgraph.store.safe_input import check_file

DATASET_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)


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
        with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as fh:
            for q in ox.parse(cast(IO[bytes], fh), format=fmt, base_iri=base_iri):
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
