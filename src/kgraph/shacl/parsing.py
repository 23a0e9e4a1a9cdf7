"""Reading RDF files with rdflib for the reference check: positions of syntax errors,
literals as written, and which file describes what (for the shared locator).
"""

from __future__ import annotations

import contextlib
import json
import xml.sax
from collections.abc import Iterator, Sequence
from pathlib import Path

import rdflib
from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from kgraph.errors import RdfSyntaxError
from kgraph.shacl.inputs import all_syntax_errors
from kgraph.shacl.locate import read_text
from kgraph.shacl.report import rdf_format
from kgraph.store.safe_input import check_file

__all__ = ["DataFiles", "iri_of", "parse_files"]


def _syntax_error(path: Path, text: str, fmt: str, err: Exception) -> RdfSyntaxError:
    """Turn a parser's exception into ``file:line:col: message``."""
    if isinstance(err, BadSyntax):
        i = min(err._i, len(text))  # the parser's index into the text it was given
        line = text.count("\n", 0, i) + 1
        return RdfSyntaxError(str(path), line, i - text.rfind("\n", 0, i), err._why)
    if isinstance(err, xml.sax.SAXParseException):
        column = err.getColumnNumber()
        return RdfSyntaxError(
            str(path), err.getLineNumber(), None if column is None else column + 1, err.getMessage()
        )
    if isinstance(err, json.JSONDecodeError):
        return RdfSyntaxError(str(path), err.lineno, err.colno, err.msg)
    if fmt in ("nt", "nquads"):  # the line-based parsers do not say which line: find it
        for number, line_text in enumerate(text.splitlines(), 1):
            try:
                Dataset().parse(data=line_text, format=fmt)
            except (ParserError, SyntaxError, ValueError):
                return RdfSyntaxError(str(path), number, 1, str(err))
    return RdfSyntaxError(str(path), None, None, str(err))


@contextlib.contextmanager
def _as_written() -> Iterator[None]:
    """rdflib keeps literals as written (it would write "4.0"^^xsd:decimal as "4")."""
    before, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def _parse_one(path: Path, base_iri: str) -> tuple[str, Graph]:
    check_file(path)  # no remote JSON-LD context, no entity bomb reaches rdflib
    fmt = rdf_format(path) or "turtle"
    text = read_text(path)
    part = Dataset() if fmt in ("nquads", "trig", "json-ld") else Graph()
    try:
        with _as_written():
            part.parse(data=text, format=fmt, publicID=base_iri)
    except (SyntaxError, ParserError, ValueError, xml.sax.SAXException) as e:
        raise _syntax_error(path, text, fmt, e) from e
    return text, part


class DataFiles:
    """The data files parsed one by one: the union graph, and what each file describes."""

    def __init__(self, files: Sequence[Path], base_iri: str) -> None:
        self.graph = Graph()
        self.parts: list[Graph | Dataset] = []
        for path in files:
            try:
                text, part = _parse_one(path, base_iri)
            except RdfSyntaxError as first:
                raise all_syntax_errors(files, base_iri, first) from first
            del text
            if isinstance(part, Dataset):
                for s, p, o, _ in part.quads((None, None, None, None)):
                    self.graph.add((s, p, o))
            else:
                self.graph += part
            self.parts.append(part)

    def described(self, k: int, iris: set[str]) -> tuple[set[str], set[str]]:
        part = self.parts[k]
        quads = (
            part.quads((None, None, None, None))
            if isinstance(part, Dataset)
            else ((s, p, o, None) for s, p, o in part)
        )
        here, typed = set(), set()
        for s, p, _, _ in quads:  # every graph of a TriG or N-Quads file
            if isinstance(s, URIRef) and str(s) in iris:
                here.add(str(s))
                if p == RDF.type:
                    typed.add(str(s))
        return here, typed

    def subjects_of(self, node: Node) -> list[Node]:
        return list(dict.fromkeys(self.graph.subjects(None, node)))


def iri_of(node: Node) -> str | None:
    return str(node) if isinstance(node, URIRef) else None


def parse_files(files: Sequence[Path], base_iri: str) -> Graph:
    """Parse RDF files (gzipped or not) into one graph; relative IRIs resolve against ``base_iri``.

    >>> parse_files([Path("shapes/kgraph-shapes.ttl")], "http://example.org/")
    <Graph identifier=... (<class 'rdflib.graph.Graph'>)>

    Named graphs are merged into one. Raises :class:`RdfSyntaxError` with
    ``file:line:col`` for every error when files do not parse (line and column are
    None when the parser cannot tell) and OSError when a file cannot be read.
    """
    return DataFiles(files, base_iri).graph
