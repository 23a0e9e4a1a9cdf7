"""How kgraph writes its requests to a remote store: Accept headers, IRIs and strings,
which graphs a query may see, and the query's own dataset clauses.

A publication on a remote store is its union graph (``Endpoints.graph``, the
default graph of every query) and its named graphs (one per source, under their
own IRIs), listed in the meta graph. Every query is sent with
``default-graph-uri`` and ``named-graph-uri`` naming only graphs of the
publication, so no query reaches another graph of the store (another
publication, the meta graph, the server's own). The protocol parameters
override ``FROM``/``FROM NAMED`` in the query text, so those clauses are read
here and sent as parameters instead, kept to the publication's graphs.

>>> dataset_clauses("PREFIX g: <http://x/g/> SELECT * FROM g:a FROM NAMED <b> { ?s ?p ?o }",
...                 "http://x/")
(['http://x/g/a'], ['http://x/b'])
>>> dataset_clauses('SELECT * { ?s ?p "FROM <x>" } # FROM <y>', None)
([], [])
>>> scoped(None, fallback=["urn:u"], allowed={"urn:u", "urn:g"}, empty="urn:e")
['urn:u']
>>> scoped(["urn:g", "urn:other"], fallback=["urn:u"], allowed={"urn:u", "urn:g"}, empty="urn:e")
['urn:g']
>>> scoped(["urn:other"], fallback=["urn:u"], allowed={"urn:u"}, empty="urn:e")
['urn:e']
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from urllib.parse import urljoin

from SPARQLWrapper import SPARQLWrapper

from kgraph.errors import ConfigError, QueryTimeout
from kgraph.formats import NTRIPLES, RDFXML, SPARQL_JSON, SPARQL_XML, TURTLE
from kgraph.store.http import HttpClient, Response

ACCEPT_RESULTS = f"{SPARQL_JSON.media_type}, {SPARQL_XML.media_type};q=0.8"
ACCEPT_GRAPH = f"{NTRIPLES.media_type}, {TURTLE.media_type};q=0.9, {RDFXML.media_type};q=0.5"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)

# strings (long and short), IRIs, comments: what may hide a "FROM" that is not a keyword
_LEXEMES = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)",
)
_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_BASE = re.compile(r"\bBASE\s*<([^<>\s]*)>", re.IGNORECASE)
_FROM = re.compile(
    r"\bFROM\s+(NAMED\s+)?(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:((?:[\w.-]|%[0-9A-Fa-f]{2})*))",
    re.IGNORECASE,
)


def _blank_strings_and_comments(sparql: str) -> str:
    """``sparql`` with strings and comments blanked out (IRIs kept, same length)."""

    def blank(m: re.Match[str]) -> str:
        return m.group(0) if m.lastgroup == "iri" else " " * len(m.group(0))

    return _LEXEMES.sub(blank, sparql)


def dataset_clauses(sparql: str, base_iri: str | None) -> tuple[list[str], list[str]]:
    """The IRIs of the query's ``FROM`` and ``FROM NAMED`` clauses (prefixed names and
    relative IRIs resolved), in order."""
    text = _blank_strings_and_comments(sparql)
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX.finditer(text)}
    found_base = _BASE.search(text)
    base = urljoin(base_iri or "", found_base.group(1)) if found_base else (base_iri or "")
    default: list[str] = []
    named: list[str] = []
    for m in _FROM.finditer(text):
        if m.group(2) is not None:
            iri = urljoin(base, m.group(2)) if base else m.group(2)
        else:
            iri = prefixes.get(m.group(3) or "", "") + m.group(4)
        (named if m.group(1) else default).append(iri)
    return default, named


def scoped(
    asked: Sequence[str] | None, *, fallback: Sequence[str], allowed: Collection[str], empty: str
) -> list[str]:
    """The graphs to send: ``fallback`` when nothing is asked, else the asked graphs the
    publication has, else ``empty`` (a graph that holds nothing)."""
    if asked is None:
        return list(fallback) or [empty]
    kept = [g for g in dict.fromkeys(asked) if g in allowed]
    return kept or [empty]


def sparql_iri(value: str) -> str:
    """``<value>``, or ConfigError if ``value`` cannot be written as a SPARQL IRI."""
    if not value or any(c in value for c in '<>"{}|^`\\ \n'):
        raise ConfigError(f"not an IRI: {value!r}")
    return f"<{value}>"


def accept_for(sparql: str) -> str:
    """The Accept header for a query: graph formats for CONSTRUCT/DESCRIBE, results otherwise.

    Some stores (Virtuoso) answer a CONSTRUCT in a results format if asked to.

    >>> accept_for("PREFIX a: <http://x#select> # ask\\nDESCRIBE <x>") == ACCEPT_GRAPH
    True
    """
    prologue_free = re.sub(r"#[^\n]*", " ", re.sub(r"<[^<>\"\s]*>", " ", sparql))
    found = _FORM.search(prologue_free)
    graph = found is not None and found.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
    return ACCEPT_GRAPH if graph else ACCEPT_RESULTS


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal."""
    return json.dumps(value, ensure_ascii=False)  # a valid SPARQL string literal


class Wrapper(SPARQLWrapper):
    """SPARQLWrapper building the protocol request; our client sends it (auth, retries)."""

    def __init__(self, endpoint: str, client: HttpClient) -> None:
        super().__init__(endpoint)
        self._client = client

    def _parseQueryType(self, query: str) -> str:
        # The query form is learnt from the answer's media type; SPARQLWrapper's
        # guess only picks an Accept header (ours replaces it) and warns on
        # queries it cannot classify.
        return "SELECT"

    def send(self) -> Response:
        request = self._createRequest()
        return self._client.send(request, what="query", timeout_error=QueryTimeout)
