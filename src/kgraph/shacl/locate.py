"""Where a focus node is written: the file and line that describe it.

(The fast path's locator; the reference path has its own in
:mod:`kgraph.shacl.reference`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kgraph.shacl.report import _format
from kgraph.store.memory import MemoryStore
from kgraph.store.terms import is_iri, ntriples

FILE_GRAPH = "urn:kgraph:fastshacl:file:"  # data is loaded one graph per file, numbered
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


_LOCAL = re.compile(r"[A-Za-z_][\w\-.]*\Z")


def shorten(term_text: str, names: dict[str, str]) -> str:
    """``<iri>`` as ``prefix:local`` when a prefix fits (like rdflib's ``n3(names)``)."""
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


def statement_lines(path: Path, iris: set[str], base_iri: str) -> dict[str, int]:
    """The first line of ``path`` where each IRI begins a statement (as written)."""
    found: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    in_string = False
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            started_in_string = in_string
            if line.count('"""') % 2:
                in_string = not in_string
            if started_in_string:
                continue
            m = re.match(r"\s*@?prefix\s+(\S*):\s*<([^>]*)>", line, re.I)
            if m:
                ns = m.group(2)
                prefixes[m.group(1)] = ns if "://" in ns else base_iri + ns
                continue
            m = re.match(r"(?:<([^>]*)>|([\w\-]*):(\S+))", line)
            if not m:
                continue
            if m.group(1) is not None:
                iri = m.group(1) if "://" in m.group(1) else base_iri + m.group(1)
            elif m.group(2) in prefixes:
                iri = prefixes[m.group(2)] + m.group(3).rstrip(";,.")
            else:
                continue
            if iri in iris and iri not in found:
                found[iri] = number
    return found


def locate(
    files: Sequence[Path], iris: set[str], base_iri: str, data: MemoryStore
) -> dict[str, tuple[str, int | None]]:
    """Where each IRI is described: like the reference, the first file that gives it a
    type, else the first file that describes it; the line where it begins a statement."""
    values = " ".join(f"<{i}>" for i in sorted(iris))
    described: dict[int, set[str]] = {}
    typed: dict[int, set[str]] = {}
    q = (
        f"SELECT DISTINCT ?s ?g ?typed WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"BIND (?p = <{RDF_TYPE}> AS ?typed) }}"
    )
    for r in data.select(q):
        k = int(r["g"].value.removeprefix(FILE_GRAPH))
        described.setdefault(k, set()).add(r["s"].value)
        if r["typed"].value == "true":
            typed.setdefault(k, set()).add(r["s"].value)
    where: dict[str, tuple[str, int | None]] = {}
    done_typed: set[str] = set()
    for k, path in enumerate(files):
        here = described.get(k, set())
        if not here:
            continue
        lines: dict[str, int] = {}
        if _format(path) in ("turtle", "nt", "nquads", "trig") and not path.name.endswith(".gz"):
            lines = statement_lines(path, here, base_iri)
        types_here = typed.get(k, set())
        for iri in here:
            if iri not in where or (iri in types_here and iri not in done_typed):
                where[iri] = (str(path), lines.get(iri))
        done_typed |= types_here
    return where


def place_of(
    data: MemoryStore,
    focus: Any,
    located: dict[str, tuple[str, int | None]],
    seen: frozenset[str] = frozenset(),
) -> tuple[str | None, int | None]:
    if is_iri(focus):
        return located.get(focus.value, (None, None))
    key = ntriples(focus)
    for s in sorted(data.subjects_of(focus), key=lambda t: t.value):
        if ntriples(s) not in seen:
            found = place_of(data, s, located, seen | {key})
            if found[0] is not None:
                return found
    return None, None


def referrers(data: MemoryStore, blanks: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    todo, seen = list(blanks), set()
    while todo:
        b = todo.pop()
        if ntriples(b) in seen:
            continue
        seen.add(ntriples(b))
        for s in data.subjects_of(b):
            if is_iri(s):
                out.add(s.value)
            else:
                todo.append(s)
    return out
