"""Where a focus node is written: the file and line that describe it (both SHACL checks).

The one locator of kgraph. A resource is placed in the first file that gives it
a type, else the first file that describes it; inside that file, at the line
where a statement about it begins (Turtle, TriG, N-Triples, N-Quads, as written:
prefixes, ``@base``, strings, comments and TriG graph blocks followed). JSON-LD
and RDF/XML have a file but no line. A blank node is placed where the nearest
IRI that refers to it is.

>>> text = ("@prefix ex: <http://e/> .\\n\\nex:g {\\n  ex:a ex:p \'\'\'x\\n y\'\'\' .\\n"
...         "  ex:b ex:p 1 .\\n}\\n")
>>> statement_lines(text, "http://e/")
{'http://e/a': 4, 'http://e/b': 6}
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from kgraph.errors import RdfSyntaxError
from kgraph.shacl.report import rdf_format

__all__ = ["Location", "locate", "nearest_iris", "place_of", "read_text", "statement_lines"]

Location = tuple[str | None, int | None]
LINE_FORMATS = {"turtle", "nt", "nquads", "trig"}  # formats whose statements have a line
_NAME = r"[^\s.;,\[\](){}<>\"'#]+"
_TOKEN = re.compile(
    rf'''
    (?P<skip>\s+|\#[^\n]*)
  | (?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|'\''(?:[^'\\]|\\.|'(?!''))*'\''
           |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\s]*>)
  | (?P<punct>\^\^|[.;,\[\](){{}}])
  | (?P<word>{_NAME}(?:\.+{_NAME})*)
  | (?P<other>.)''',
    re.X | re.S,
)


def read_text(path: Path) -> str:
    """The text of an RDF file, gunzipped; RdfSyntaxError at the first byte that is not UTF-8."""
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise RdfSyntaxError(
            str(path), line, e.start - raw.rfind(b"\n", 0, e.start), "not UTF-8"
        ) from e


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _resolve(base: str, iri: str) -> str:
    """``iri`` against ``base``; an absolute IRI as written (urljoin drops an empty "#")."""
    return iri if _SCHEME.match(iri) else urljoin(base, iri)


def _subject_lines(text: str, base_iri: str) -> Iterator[tuple[str, int]]:
    """Yield (IRI, line) for each statement subject of a Turtle/TriG/N-Triples/N-Quads text."""
    prefixes: dict[str, str] = {}
    base, depth, expect, line, last = base_iri, 0, True, 1, 0
    pending: str | None = None
    held: tuple[str, int] | None = None  # a subject, unless a "{" shows it names a graph
    name = ""
    for m in _TOKEN.finditer(text):
        kind, tok = m.lastgroup, m.group()
        line += text.count("\n", last, m.start())
        last = m.start()
        if kind == "skip":
            continue
        if held is not None:
            if tok != "{":
                yield held
            held = None
        if pending == "prefix":
            name, pending = tok, "prefix-iri"
        elif pending in ("prefix-iri", "base"):
            iri = _resolve(base, tok[1:-1])
            if pending == "base":
                base = iri
            else:
                prefixes[name.rstrip(":")] = iri
            pending, expect = None, True
        elif kind == "word" and tok.lower() in ("@prefix", "prefix", "@base", "base"):
            pending = "prefix" if tok.lower().endswith("prefix") else "base"
        elif kind == "punct":
            if tok in "[(":
                depth, expect = depth + 1, False
            elif tok in "])":
                depth -= 1
            elif tok in "{}":
                depth, expect = 0, True
            elif tok == "." and depth == 0:
                expect = True
        elif expect and depth == 0:
            expect = kind == "word" and tok.upper() == "GRAPH"
            if kind == "iri":
                held = (_resolve(base, tok[1:-1]), line)
            elif kind == "word" and ":" in tok and not tok.startswith("_:"):
                prefix, local = tok.split(":", 1)
                if prefix in prefixes:
                    held = (prefixes[prefix] + re.sub(r"\\(.)", r"\1", local), line)
    if held is not None:
        yield held


def statement_lines(text: str, base_iri: str) -> dict[str, int]:
    """The first line where each IRI begins a statement (graph names of TriG excluded)."""
    found: dict[str, int] = {}
    for iri, line in _subject_lines(text, base_iri):
        found.setdefault(iri, line)
    return found


def locate(
    files: Sequence[Path],
    iris: set[str],
    base_iri: str,
    described: Callable[[int], tuple[set[str], set[str]]],
) -> dict[str, Location]:
    """Where each IRI in ``iris`` is described. ``described(k)`` gives the IRIs that are
    subjects in file number ``k`` and those of them it gives a type (both within ``iris``)."""
    where: dict[str, Location] = {}
    done_typed: set[str] = set()
    for k, path in enumerate(files):
        here, types_here = described(k)
        if not here:
            continue
        lines: dict[str, int] = {}
        if rdf_format(path) in LINE_FORMATS:
            lines = statement_lines(read_text(path), base_iri)
        for iri in sorted(here):
            if iri not in where or (iri in types_here and iri not in done_typed):
                where[iri] = (str(path), lines.get(iri))
        done_typed |= types_here
    return where


def nearest_iris(
    blanks: Iterable[Any],
    subjects_of: Callable[[Any], Iterable[Any]],
    iri_of: Callable[[Any], str | None],
) -> set[str]:
    """The IRIs that refer (through blank nodes) to the blank nodes given."""
    out: set[str] = set()
    todo, seen = list(blanks), set()
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        for s in subjects_of(b):
            name = iri_of(s)
            if name is not None:
                out.add(name)
            else:
                todo.append(s)
    return out


def place_of(
    focus: Any,
    located: dict[str, Location],
    subjects_of: Callable[[Any], Iterable[Any]],
    iri_of: Callable[[Any], str | None],
    seen: frozenset[Any] = frozenset(),
) -> Location:
    """Where ``focus`` is: its own place, or for a blank node its first referrer's."""
    name = iri_of(focus)
    if name is not None:
        return located.get(name, (None, None))
    for s in sorted(subjects_of(focus), key=str):
        if s not in seen:
            found = place_of(s, located, subjects_of, iri_of, seen | {focus})
            if found[0] is not None:
                return found
    return None, None
