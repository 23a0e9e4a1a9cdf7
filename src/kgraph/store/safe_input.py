"""RDF input that no parser may be trusted with: refused before any parser sees it.

Two formats can make a parser reach out or blow up:

- **JSON-LD** names contexts by URL (``"@context": "https://schema.org/"``,
  ``@import``), which rdflib fetches: a file or request body could make kgraph
  call any address. Remote contexts are refused; inline the context instead.
- **RDF/XML** may declare entities in a DTD. External ones (``SYSTEM``,
  ``PUBLIC``, parameter entities) are refused; internal ones are allowed as long
  as the document stays under :data:`MAX_EXPANSION` characters once they are
  expanded (a "billion laughs" of 783 bytes grew the server to 17 GB).

Both checks read the document, never the network.

>>> check_rdf(b'{"@context": "https://schema.org/", "@id": "x"}', "x.jsonld")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.InputError: x.jsonld: a remote JSON-LD context is not fetched (https://schema.org/)...
>>> bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
>>> check_rdf(bomb + b"<r>" + b"&b;" * 10_000 + b"</r>", "x.rdf")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.InputError: x.rdf: its entities expand to ... characters; the limit is ...
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from kgraph.errors import InputError
from kgraph.formats import JSONLD, RDFXML, for_file

MAX_EXPANSION = 1_000_000 - 1  # characters an RDF/XML document may grow to by its entities
_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*(\[(?P<subset>.*?)\])?\s*>", re.DOTALL)
_ENTITY = re.compile(
    rb"<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s\"']+)\s+(?P<external>SYSTEM|PUBLIC)?"
    rb"[^\"']*(?P<value>\"[^\"]*\"|'[^']*')",
)
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")


def check_file(path: Path) -> None:
    """Refuse ``path`` (InputError naming it) if its format can reach out or blow up."""
    fmt = for_file(path)
    if fmt not in (JSONLD, RDFXML):
        return
    opener = gzip.open if path.name.endswith(".gz") else Path.open
    try:
        with opener(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return  # the loader says what is wrong with the file
    check_rdf(data, str(path))


def check_rdf(data: bytes, where: str) -> None:
    """Refuse ``data`` (an RDF document named ``where``) as :func:`check_file` does."""
    fmt = for_file(where)
    if fmt is JSONLD:
        _check_jsonld(data, where)
    elif fmt is RDFXML:
        _check_rdfxml(data, where)


def _check_jsonld(data: bytes, where: str) -> None:
    try:
        doc = json.loads(data)
    except ValueError:
        return  # not JSON: the parser reports it
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            raise InputError(
                                f"{where}: a remote JSON-LD context is not fetched ({ctx}); "
                                "put the context in the document"
                            )
                stack.append(value)


def _check_rdfxml(data: bytes, where: str) -> None:
    doctype = _DOCTYPE.search(data, 0, 64 * 1024)
    if doctype is None:
        return
    subset = doctype.group("subset") or b""
    if b"SYSTEM" in doctype.group(0).split(b"[")[0] or b"PUBLIC" in doctype.group(0).split(b"[")[0]:
        raise InputError(f"{where}: an external DTD is not read")
    values: dict[bytes, bytes] = {}
    for m in _ENTITY.finditer(subset):
        if m.group("param") or m.group("external"):
            raise InputError(f"{where}: external and parameter entities are not read")
        values[m.group("name")] = m.group("value")[1:-1]
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: frozenset[bytes]) -> int:
        if name in sizes:
            return sizes[name]
        if name in seen:
            raise InputError(f"{where}: entity {name.decode(errors='replace')} refers to itself")
        value = values.get(name, b"")
        total = len(_REFERENCE.sub(b"", value))
        for ref in _REFERENCE.findall(value):
            total += size(ref, seen | {name}) if ref in values else len(ref) + 2
            if total > MAX_EXPANSION:
                break
        sizes[name] = total
        return total

    body = data[doctype.end() :]
    grown = len(body)
    for ref in _REFERENCE.findall(body):
        if ref in values:
            grown += size(ref, frozenset()) - len(ref) - 2
            if grown > MAX_EXPANSION:
                raise InputError(
                    f"{where}: its entities expand to {grown} characters; "
                    f"the limit is {MAX_EXPANSION}"
                )
