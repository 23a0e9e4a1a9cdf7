"""SHACL-SPARQL queries: the rules a query must follow, prefixes, pre-bound variables.

Both checks (pyshacl and the fast one) call :func:`check_query` on every
``sh:select``/``sh:ask`` first, so that an ill-formed shape stops with one line
naming it, never with a traceback from deep inside a validator.

>>> check_query("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }", ("this",))
Traceback (most recent call last):
...
kgraph.errors.ConfigError: SHACL-SPARQL does not allow MINUS
>>> substitute("SELECT ?x WHERE { $this <p> $PATH }", {"PATH": "<q>"})
'SELECT ?x WHERE { $this <p> <q> }'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from kgraph.errors import ConfigError
from kgraph.store.terms import ntriples

if TYPE_CHECKING:
    from kgraph.shacl.shapes import ShapesGraph

__all__ = ["check_prefixes", "check_query", "prefix_block", "select_with_focus", "substitute"]

SH = "http://www.w3.org/ns/shacl#"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_TOKEN = re.compile(
    r'''(?P<skip>\s+|\#[^\n]*)
  | (?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
           |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z_][\w]*)
  | (?P<word>[A-Za-z_][\w\-.]*(?::[\w\-.%]*)?|:[\w\-.%]*)
  | (?P<other>.)''',
    re.X | re.S,
)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "skip":
            yield m.lastgroup or "other", m.group(), m.start()


def substitute(text: str, bound: Mapping[str, str]) -> str:
    """Put constants in for the variables named in ``bound`` (outside strings and IRIs)."""
    out, last = [], 0
    for kind, tok, at in _tokens(text):
        if kind == "var" and tok[1:] in bound:
            out += [text[last:at], bound[tok[1:]]]
            last = at + len(tok)
    return "".join(out) + text[last:]


def select_with_focus(text: str, focus: str, also: Mapping[str, str] | None = None) -> str:
    """The SELECT query with its pre-bound variables put in, as SHACL says they are bound.

    ``focus`` (a pattern binding ``?this``) goes first in the WHERE clause and in
    every nested group that mentions ``$this``; each entry of ``also`` (variable
    name: a pattern binding it, e.g. a ``BIND``) in every group that mentions it.
    Groups inside EXISTS take the variables from the row and get nothing.

    >>> select_with_focus("SELECT $this WHERE { { FILTER ($this = <a>) } }", "F")
    'SELECT $this WHERE { F  { F  FILTER ($this = <a>) } }'
    """
    tokens = list(_tokens(text))
    starts = [
        i for i, (kind, tok, _) in enumerate(tokens) if kind == "word" and tok.upper() == "SELECT"
    ]
    if not starts:
        raise ConfigError("a SPARQL constraint that is no SELECT query")
    pieces = {"this": focus, **(also or {})}
    inject: list[tuple[int, str]] = []
    stack: list[bool] = []  # per open group: inside EXISTS?
    outer = True
    for i, (_, tok, at) in enumerate(tokens):
        if i < starts[0]:
            continue
        if tok == "{":
            prev = tokens[i - 1][1].upper() if i else ""
            in_exists = (bool(stack) and stack[-1]) or prev == "EXISTS"
            subquery = i + 1 < len(tokens) and tokens[i + 1][1].upper() == "SELECT"
            if not in_exists and not subquery:
                named = _mentioned(tokens, i)
                chosen = [v for k, v in pieces.items() if k in named or (outer and k == "this")]
                if chosen:
                    inject.append((at, " ".join(chosen)))
            if not subquery:
                outer = False
            stack.append(in_exists)
        elif tok == "}" and stack:
            stack.pop()
    out, last = [], 0
    for at, piece in inject:
        out += [text[last : at + 1], f" {piece} "]
        last = at + 1
    return "".join(out) + text[last:]


def _mentioned(tokens: list[tuple[str, str, int]], start: int) -> set[str]:
    """The variables used in the group that opens at ``start``."""
    depth, found = 0, set()
    for kind, tok, _ in tokens[start:]:
        depth += tok == "{"
        depth -= tok == "}"
        if kind == "var":
            found.add(tok[1:])
        if depth == 0:
            break
    return found


def check_query(text: str, prebound: tuple[str, ...]) -> None:
    """Raise ConfigError if ``text`` breaks SHACL-SPARQL's rules (SHACL 5.3.1, 6.2.3)."""
    tokens = list(_tokens(text))
    for i, (kind, tok, _) in enumerate(tokens):
        if kind == "word" and tok.upper() in ("MINUS", "SERVICE", "VALUES"):
            raise ConfigError(f"SHACL-SPARQL does not allow {tok.upper()}")
        if kind == "var" and tok[1:] in prebound and i and tokens[i - 1][1].upper() == "AS":
            raise ConfigError(f"SHACL-SPARQL does not allow binding the pre-bound {tok}")
    selects = [
        i for i, (kind, tok, _) in enumerate(tokens) if kind == "word" and tok.upper() == "SELECT"
    ]
    first = 0 if tokens and tokens[0][1].upper() != "ASK" and selects else None
    for n, i in enumerate(selects):
        if n == 0 and first is not None and not _inside_braces(tokens, i):
            continue
        projected, body = _subquery(tokens, i)
        wanted = [v for v in prebound if v in ("this", "value")]
        for name in wanted:
            if "*" in projected:
                if name not in _bound_outside_filters(body):
                    raise ConfigError(f"a subquery (SELECT *) that does not bind ${name}")
            elif name not in projected:
                raise ConfigError(f"a subquery that does not return ${name}")


def check_prefixes(text: str, declared: str) -> None:
    """Raise ConfigError for a prefixed name whose prefix neither ``declared`` (PREFIX
    lines) nor the query itself declares.

    >>> check_prefixes("SELECT $this WHERE { $this ex:p 1 }", "PREFIX ex: <http://e/>")
    >>> check_prefixes("SELECT $this WHERE { $this ex:p 1 }", "")
    Traceback (most recent call last):
    ...
    kgraph.errors.ConfigError: the SPARQL query uses the prefix ex: that no sh:prefixes declares
    """
    known = set(re.findall(r"(?i)\bPREFIX\s+([\w\-.]*):", declared + "\n" + text))
    for kind, tok, _ in _tokens(text):
        if kind == "word" and ":" in tok and not tok.startswith("_:"):
            prefix = tok.split(":", 1)[0]
            if prefix not in known:
                raise ConfigError(
                    f"the SPARQL query uses the prefix {prefix}: that no sh:prefixes declares"
                )


def _inside_braces(tokens: list[tuple[str, str, int]], index: int) -> bool:
    depth = 0
    for _, tok, _ in tokens[:index]:
        depth += tok == "{"
        depth -= tok == "}"
    return depth > 0


def _subquery(tokens: list[tuple[str, str, int]], i: int) -> tuple[set[str], list[tuple[str, str]]]:
    """What the SELECT at ``i`` projects (variable names, or "*") and its body's tokens."""
    projected: set[str] = set()
    j = i + 1
    while j < len(tokens) and tokens[j][1] != "{":
        kind, tok, _ = tokens[j]
        if tok == "*":
            projected.add("*")
        elif kind == "var" and (j + 1 >= len(tokens) or tokens[j - 1][1].upper() != "AS"):
            projected.add(tok[1:])
        j += 1
    depth, body = 0, []
    for kind, tok, _ in tokens[j:]:
        depth += tok == "{"
        depth -= tok == "}"
        body.append((kind, tok))
        if depth == 0:
            break
    return projected, body


def _bound_outside_filters(body: list[tuple[str, str]]) -> set[str]:
    """Variables of a group that appear outside its FILTER expressions."""
    found, skip, depth = set(), False, 0
    for kind, tok in body:
        if kind == "word" and tok.upper() == "FILTER":
            skip, depth = True, 0
            continue
        if skip:
            depth += tok == "("
            depth -= tok == ")"
            if depth == 0 and tok == ")":
                skip = False
            continue
        if kind == "var":
            found.add(tok[1:])
    return found


def prefix_block(g: ShapesGraph, holder: str) -> str:
    """PREFIX lines for the ``sh:prefixes`` of ``holder`` (each with its sh:declare)."""
    lines = []
    owners, seen = [ntriples(o) for o in g.objects(holder, SH + "prefixes")], set()
    while owners:  # the holders of sh:declare, and the ontologies they import
        owner = owners.pop(0)
        if owner in seen:
            continue
        seen.add(owner)
        owners += [ntriples(o) for o in g.objects(owner, OWL_IMPORTS)]
        for decl in g.objects(owner, SH + "declare"):
            prefix = g.one(ntriples(decl), SH + "prefix")
            namespace = g.one(ntriples(decl), SH + "namespace")
            if prefix is None or namespace is None:
                raise ConfigError("an sh:declare without sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
    return "\n".join(lines) + ("\n" if lines else "")
