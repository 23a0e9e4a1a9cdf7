"""Refusing dangerous query and update texts before any engine sees them.

The engine (pyoxigraph 0.5) parses and evaluates recursively: a query nested a
few thousand levels deep, or a chain of a few thousand operators, overflows its
stack and kills the process. And its ``SERVICE`` and ``LOAD`` make the server
send requests to any address it can reach. :func:`check` reads the text as the
SPARQL grammar's tokens (``\\u`` escapes undone first, as SPARQL 1.1 §19.2 says
the parser does; strings, IRIs and comments skipped) and raises
:class:`~kgraph.errors.BadRequest`, naming the limit and its setting, for:

- brackets ``( { [`` nested deeper than ``max_depth``;
- more than ``max_operators`` operators (``&& || ! = != < > <= >= + - * / | ^``
  and ``UNION OPTIONAL MINUS``), since each is a level of the engine's recursion;
- ``SERVICE`` (and, in updates, ``LOAD``) unless its IRI starts with one of the
  ``allowed`` prefixes; ``SERVICE ?variable`` never.

>>> check("SELECT * WHERE { ?s ?p ?o }", Guard())
>>> check("SELECT * { SERVICE <http://10.0.0.1/q> { ?s ?p ?o } }", Guard())  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.BadRequest: SERVICE <http://10.0.0.1/q> is not allowed: ...
>>> check("SELECT * WHERE " + "{" * 200 + "}" * 200, Guard())  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.BadRequest: the query nests more than 128 levels deep; the limit is 128 ...
>>> check('SELECT ("SERVICE { {{{" AS ?x) {}', Guard())   # words in strings are not keywords
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from kgraph.errors import BadRequest

if TYPE_CHECKING:  # the worker process imports this module: no pydantic at start-up
    from kgraph.settings import Settings


@dataclass(frozen=True)
class Guard:
    """The limits :func:`check` holds a text to."""

    max_depth: int = 128
    max_operators: int = 1000
    allowed: tuple[str, ...] = ()  # URL prefixes SERVICE and LOAD may call
    base_iri: str | None = None


def guard_for(settings: Settings) -> Guard:
    """The guard ``settings`` describe (``max_query_depth``, ``max_query_operators``,
    ``outbound_allow``, the base IRI for relative SERVICE IRIs)."""
    limits = settings.limits
    return Guard(
        limits.max_query_depth,
        limits.max_query_operators,
        tuple(limits.outbound_allow),
        settings.server.base_iri,
    )


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>(?:[A-Za-z_\u00c0-\U000effff][\w.\-\u00b7\u00c0-\U000effff]*)?:[^\s(){}\[\],;]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<op>&&|\|\||!=|<=|>=|\^\^|[=<>+\-*/!|^])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPERATOR_WORDS = frozenset(("UNION", "OPTIONAL", "MINUS"))
_PREFIX_DECL = re.compile(r"([\w.\-]*):")


def unescape(text: str) -> str:
    r"""The text with SPARQL's ``\u``/``\U`` escapes replaced by what they stand for.

    >>> unescape(r"SERVIC\u0045")
    'SERVICE'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str) -> Iterator[tuple[str | None, str]]:
    """The SPARQL tokens of ``text`` (escapes already undone), as (kind, text), without
    spaces and comments; kinds: string, iri, var, pname, word, open, close, op, other."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("space", "comment"):
            yield m.lastgroup, m.group()


def check(text: str, guard: Guard, *, update: bool = False) -> None:
    """Raise BadRequest if ``text`` (a query, or an update) goes past ``guard``.

    It stops at the first limit passed, so that a hostile text costs little to refuse.
    """
    what = "update" if update else "query"
    depth = operators = 0
    prefixes: dict[str, str] = {}
    base = guard.base_iri
    stream = tokens(unescape(text))
    ahead: deque[tuple[str | None, str]] = deque()

    def peek(n: int) -> list[tuple[str | None, str]]:
        """The next ``n`` tokens, left to be read (``(None, "")`` past the end)."""
        ahead.extend(itertools.islice(stream, max(0, n - len(ahead))))
        return [*itertools.islice(ahead, n), *[(None, "")] * (n - len(ahead))]

    while True:
        if ahead:
            kind, value = ahead.popleft()
        else:
            token = next(stream, None)
            if token is None:
                return
            kind, value = token
        if kind == "open":
            depth += 1
            if depth > guard.max_depth:
                raise BadRequest(
                    f"the {what} nests more than {guard.max_depth} levels deep; "
                    f"the limit is {guard.max_depth} (setting max_query_depth)"
                )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif (kind == "op" and value != "^^") or (
            kind == "word" and value.upper() in _OPERATOR_WORDS
        ):
            operators += 1
            if operators > guard.max_operators:
                raise BadRequest(
                    f"the {what} has more than {guard.max_operators} operators; "
                    f"the limit is {guard.max_operators} (setting max_query_operators)"
                )
        elif kind == "word":
            word = value.upper()
            if word == "PREFIX":
                name, iri = peek(2)
                if name[1].endswith(":") and iri[0] == "iri":
                    prefixes[name[1][:-1]] = iri[1][1:-1]
            elif word == "BASE":
                iri = peek(1)[0]
                if iri[0] == "iri":
                    base = _resolve(iri[1][1:-1], base)
            elif word == "SERVICE" or (update and word == "LOAD"):
                _check_outbound(word, peek(3), prefixes, base, guard)


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _check_outbound(
    word: str,
    rest: list[tuple[str | None, str]],
    prefixes: dict[str, str],
    base: str | None,
    guard: Guard,
) -> None:
    if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
        rest = rest[1:]
    kind, value = rest[0] if rest else (None, "")
    if kind == "var":
        raise BadRequest(f"{word} {value} is not allowed: the endpoint it calls must be named")
    if kind == "iri":
        target = _resolve(value[1:-1], base)
    elif kind == "pname" and value.split(":", 1)[0] in prefixes:
        name, local = value.split(":", 1)
        target = _resolve(prefixes[name] + local, base)
    else:
        target = value  # not an IRI: the engine's parser will say what is wrong
    if not any(target.startswith(prefix) for prefix in guard.allowed):
        allowed = ", ".join(guard.allowed) or "none"
        raise BadRequest(
            f"{word} <{target}> is not allowed: this endpoint calls no other servers "
            f"(allowed: {allowed}; setting outbound_allow)"
        )
