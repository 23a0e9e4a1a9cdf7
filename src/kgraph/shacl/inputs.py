"""Reading the inputs of a check: every syntax error at once; what the engine cannot hold."""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from pathlib import Path

from kgraph.errors import RdfSyntaxError
from kgraph.store.memory import MemoryStore, syntax_errors

__all__ = ["all_syntax_errors", "collapsed_datatypes", "load_checked"]

# The engine stores these as xsd:integer (and xsd:dateTime): sh:datatype cannot tell them.
_COLLAPSED = re.compile(
    rb"[#:](byte|short|int|long|unsigned(?:Byte|Short|Int|Long)|nonNegativeInteger"
    rb"|nonPositiveInteger|negativeInteger|positiveInteger|dateTimeStamp)\b"
)


def load_checked(
    store: MemoryStore, files: Sequence[Path], base_iri: str, graph_prefix: str | None = None
) -> int:
    """Load ``files`` into ``store``; on a syntax error, raise one RdfSyntaxError that
    lists every error of every file (each at its line), not only the first."""
    try:
        return store.load(files, base_iri=base_iri, graph_prefix=graph_prefix)
    except RdfSyntaxError as first:
        raise all_syntax_errors(files, base_iri, first) from first


def all_syntax_errors(
    files: Sequence[Path], base_iri: str, first: RdfSyntaxError
) -> RdfSyntaxError:
    """``first`` with the other syntax errors of ``files`` (as the engine's parser finds them)."""
    errors: list[RdfSyntaxError] = []
    for path in files:
        try:
            found = syntax_errors(path, base_iri)
        except (OSError, ValueError, SyntaxError):
            found = []
        if str(path) == first.file and not any(e.line is not None for e in found):
            found = [first]  # the parser that failed knows better where
        errors += found
    if not errors:
        return first
    head, *rest = errors
    return RdfSyntaxError(head.file, head.line, head.column, head.detail, also=rest)


def collapsed_datatypes(files: Sequence[Path]) -> str | None:
    for path in files:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        m = _COLLAPSED.search(raw)
        if m:
            return f"{path} has literals of xsd:{m.group(1).decode()}"
    return None
