"""SHACL property paths: read from any RDF graph, written as SPARQL or for people.

A path is read once into a small tree (:data:`PathExpr`) through three callbacks
(so that pyoxigraph's and rdflib's terms both work), then written out:
:func:`sparql` for the fast check's queries, :func:`display` for reports.

>>> p = Sequence((Predicate("http://e/a"), Inverse(Predicate("http://e/b"))))
>>> sparql(p)
'(<http://e/a>/^<http://e/b>)'
>>> display(p, {"ex": "http://e/"})
'ex:a/^ex:b'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kgraph.errors import ConfigError

__all__ = [
    "Alternative",
    "Inverse",
    "PathExpr",
    "Predicate",
    "Repeat",
    "Sequence",
    "display",
    "parse_path",
    "shorten",
    "sparql",
]

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Predicate:
    iri: str


@dataclass(frozen=True)
class Inverse:
    path: PathExpr


@dataclass(frozen=True)
class Sequence:
    steps: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Alternative:
    options: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Repeat:
    path: PathExpr
    mark: str  # "*", "+" or "?"


PathExpr = Predicate | Inverse | Sequence | Alternative | Repeat
_REPEATS = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}


def parse_path(
    node: Any,
    *,
    iri: Callable[[Any], str | None],
    one: Callable[[Any, str], Any],
    items: Callable[[Any], list[Any] | None],
) -> PathExpr:
    """The path whose node is ``node``; ``iri(n)`` is n's IRI or None, ``one(n, p)`` the
    object of ``n p``, ``items(n)`` the RDF list at n or None.

    Raises ConfigError for a node that is no well-formed SHACL path.
    """

    def read(n: Any, depth: int) -> PathExpr:
        if depth > 50:
            raise ConfigError("a path that never ends (a cycle of blank nodes)")
        name = iri(n)
        if name is not None:
            return Predicate(name)
        members = items(n)
        if members is not None:
            if len(members) < 2:
                raise ConfigError("a sequence path needs at least two members")
            return Sequence(tuple(read(m, depth + 1) for m in members))
        inverse = one(n, SH + "inversePath")
        if inverse is not None:
            return Inverse(read(inverse, depth + 1))
        options = one(n, SH + "alternativePath")
        if options is not None:
            listed = items(options)
            if not listed or len(listed) < 2:
                raise ConfigError("sh:alternativePath needs a list of at least two paths")
            return Alternative(tuple(read(m, depth + 1) for m in listed))
        for name, mark in _REPEATS.items():
            inner = one(n, SH + name)
            if inner is not None:
                return Repeat(read(inner, depth + 1), mark)
        raise ConfigError("a blank node that is no SHACL path")

    return read(node, 0)


def sparql(path: PathExpr) -> str:
    """The SPARQL property path (full IRIs, parenthesised)."""
    if isinstance(path, Predicate):
        return f"<{path.iri}>"
    if isinstance(path, Inverse):
        return f"^{sparql(path.path)}"
    if isinstance(path, Sequence):
        return "(" + "/".join(sparql(s) for s in path.steps) + ")"
    if isinstance(path, Alternative):
        return "(" + "|".join(sparql(s) for s in path.options) + ")"
    return f"({sparql(path.path)}){path.mark}"


def display(path: PathExpr, names: dict[str, str]) -> str:
    """The path as a person reads it: prefixed names, SPARQL's operators."""

    def text(p: PathExpr, inner: bool) -> str:
        if isinstance(p, Predicate):
            return shorten(f"<{p.iri}>", names)
        if isinstance(p, Inverse):
            return "^" + text(p.path, True)
        if isinstance(p, Repeat):
            return text(p.path, True) + p.mark
        glue = "/" if isinstance(p, Sequence) else "|"
        parts = p.steps if isinstance(p, Sequence) else p.options
        joined = glue.join(text(s, True) for s in parts)
        return f"({joined})" if inner else joined

    return text(path, False)


_LOCAL = re.compile(r"[A-Za-z_][\w\-.]*\Z")


def shorten(term_text: str, names: dict[str, str]) -> str:
    """``<iri>`` as ``prefix:local`` when a prefix fits (like rdflib's ``n3(names)``).

    >>> shorten("<http://e/a>", {"ex": "http://e/"}), shorten('"x"', {})
    ('ex:a', '"x"')
    """
    if not term_text.startswith("<"):
        return term_text
    iri = term_text[1:-1]
    best = max((ns for ns in names.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best) :]
        if _LOCAL.match(local) and not local.endswith("."):
            prefix = next(k for k, v in names.items() if v == best)
            return f"{prefix}:{local}"
    return term_text
