"""The inline lane: queries whose cost is bounded before they run, answered in-process.

Most questions a linked-data site gets are lookups: ``DESCRIBE <iri>``, the
labels of a resource, ``<iri> ?p ?o``. Sending them to a worker process costs
more than answering them. A query may skip the worker pool when its cost can
be bounded *before* it runs, from the data itself:

1. :func:`anchors` reads the query's tokens (the guard's tokenizer) and accepts
   only queries in which **every triple pattern is bounded by a constant**: its
   subject is an IRI (or a variable a ``VALUES`` of IRIs binds), or else its
   object is; with no property paths, no subqueries, no aggregates, no
   ``EXISTS``, ``SERVICE`` or blank-node property lists, and ``DESCRIBE`` of IRIs
   only. Anything it does not understand is simply not admitted (the worker pool
   answers it, as before).
2. :func:`within` then asks the store how many triples each anchor has: the rows a
   pattern can produce are at most its anchor's triples, and a query's at most the
   product over its patterns. Only when that bound is within ``fast_lane_rows``
   is the query run inline.

So an inline query's time and memory are bounded by the data, whatever it
asks: the guarantees of the worker pool (a query past its limits ends alone)
need no process for it.

>>> anchors("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
...         "SELECT ?l WHERE { <http://x/a> rdfs:label ?l ; a ?t }")
[(('s', ('http://x/a',)), 2)]
>>> anchors("DESCRIBE <http://x/a>")
[(('s', ('http://x/a',)), 1)]
>>> anchors("SELECT ?x ?l { VALUES ?x { <http://x/a> <http://x/b> } ?x ?p ?l }")
[(('s', ('http://x/a', 'http://x/b')), 1)]
>>> anchors("SELECT ?s { ?s a <http://x/C> }")       # bounded by its object
[(('o', ('http://x/C',)), 1)]
>>> anchors("SELECT * WHERE { ?s ?p ?o }") is None    # a variable subject: unbounded
True
>>> anchors("SELECT * WHERE { <http://x/a> <http://x/p>+ ?o }") is None  # a path
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from urllib.parse import urljoin

from kgraph.query.guard import tokens, unescape

Token = tuple[str | None, str]
# Words that make a query's cost depend on more than its patterns' rows. (Aggregates,
# grouping and ordering do not: they work on rows already bounded.)
_REFUSED = frozenset(
    (
        "SERVICE", "EXISTS", "LOAD", "INSERT", "DELETE", "WITH", "CLEAR", "DROP", "CREATE",
        "COPY", "MOVE", "ADD",
    )
)  # fmt: skip
_FORMS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))
_GROUP_WORDS = frozenset(("OPTIONAL", "UNION", "MINUS", "GRAPH"))


class _NotBounded(Exception):
    pass


Anchor = tuple[str, tuple[str, ...]]  # ("s" or "o", the IRIs the pattern's subject/object is)


def anchors(text: str, base_iri: str | None = None) -> list[tuple[Anchor, int]] | None:
    """What bounds each of ``text``'s triple patterns (its constant subject or object, or the
    IRIs a VALUES gives its subject) with how many patterns each bounds; None when the query
    is not of the bounded kind (see the module)."""
    try:
        return _Reader(list(tokens(unescape(text))), base_iri).read()
    except (_NotBounded, IndexError):
        return None


class _Reader:
    def __init__(self, toks: list[Token], base_iri: str | None) -> None:
        self.toks, self.i = toks, 0
        self.base, self.prefixes = base_iri, {}  # type: ignore[var-annotated]
        self.found: dict[Anchor, int] = {}  # anchor -> the patterns it bounds
        self.values: dict[str, tuple[str, ...]] = {}  # VALUES ?v { <iri> ... }
        self.bound: set[str] = set()  # variables a bounded pattern gives values to

    def peek(self, ahead: int = 0) -> Token:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else (None, "")

    def take(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def word(self, ahead: int = 0) -> str:
        kind, value = self.peek(ahead)
        return value.upper() if kind == "word" else ""

    def iri(self, tok: Token) -> str:
        kind, value = tok
        if kind == "iri":
            return urljoin(self.base, value[1:-1]) if self.base else value[1:-1]
        if kind == "pname" and not value.startswith("_:"):
            prefix, _, local = value.partition(":")
            if prefix in self.prefixes and not local.endswith("."):
                return str(self.prefixes[prefix] + local)
        raise _NotBounded

    def read(self) -> list[tuple[Anchor, int]]:
        if any(k == "word" and v.upper() in _REFUSED for k, v in self.toks):
            raise _NotBounded
        while self.word() in ("PREFIX", "BASE"):
            if self.take()[1].upper() == "PREFIX":
                name, iri = self.take(), self.take()
                if iri[0] != "iri" or not name[1].endswith(":"):
                    raise _NotBounded
                self.prefixes[name[1][:-1]] = iri[1][1:-1]
            else:
                self.base = self.iri(self.take())
        form = self.word()
        if form not in _FORMS:
            raise _NotBounded
        self.take()
        if form == "DESCRIBE":
            while self.peek()[0] in ("iri", "pname"):
                self._count(("s", (self.iri(self.take()),)))
            if not self.found or self.peek()[0] is not None:
                raise _NotBounded  # DESCRIBE ?x WHERE ...: not by its subjects
            return list(self.found.items())
        self._skip_until_where(form)
        self._group()
        return list(self.found.items())

    def _skip_until_where(self, form: str) -> None:
        """Past the projection (or CONSTRUCT's template) and FROM clauses, to WHERE's '{'."""
        if form == "CONSTRUCT" and self.peek()[1] == "{":
            self._balanced()  # the template: its size times the rows
        while True:
            kind, value = self.peek()
            if kind is None:
                raise _NotBounded
            if value == "{":
                return
            if self.word() == "SELECT":
                raise _NotBounded  # a subquery
            self.i += 1

    def _balanced(self) -> None:
        """Skip one bracketed span (the current token opens it)."""
        depth = 0
        while True:
            kind, _ = self.take()
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    return
            elif kind is None:
                raise _NotBounded

    def _group(self) -> None:
        """A group graph pattern ``{ ... }``: triples, FILTER/BIND, nested groups."""
        if self.take()[1] != "{":
            raise _NotBounded
        while True:
            kind, value = self.peek()
            if value == "}":
                self.i += 1
                return
            if kind is None:
                raise _NotBounded
            upper = value.upper() if kind == "word" else ""
            if value == "{":
                if self.word(1) == "SELECT":
                    raise _NotBounded
                self._group()
            elif upper in ("FILTER", "BIND"):
                self.i += 1
                if self.peek()[1] != "(":
                    self.i += 1  # FILTER regex(...): a function name first
                self._balanced()
            elif upper in _GROUP_WORDS:
                self.i += 1
                if upper == "GRAPH":
                    self.i += 1  # the graph: an IRI or a variable, bounded either way
            elif upper == "VALUES":
                self._values()
            elif value == ".":
                self.i += 1
            else:
                self._triples()

    def _count(self, anchor: Anchor) -> None:
        self.found[anchor] = self.found.get(anchor, 0) + 1

    def _values(self) -> None:
        """``VALUES ?v { <iri> ... }``: ``?v`` is one of those IRIs (other data blocks: no)."""
        self.i += 1
        var = self.take()
        if var[0] != "var" or self.take()[1] != "{":
            raise _NotBounded
        iris: list[str] = []
        while self.peek()[1] != "}":
            iris.append(self.iri(self.take()))
        self.i += 1
        if not iris:
            raise _NotBounded
        self.values[var[1][1:]] = tuple(iris)

    def _triples(self) -> None:
        """One subject with its predicate-object lists, up to '.' or '}'. Each pattern is
        bounded by a constant subject, a subject from VALUES, or else a constant object."""
        kind, value = self.peek()
        subject: Anchor | None = None
        subject_var = None
        if kind == "var":
            self.i += 1
            subject_var = value[1:]
            if subject_var in self.values:
                subject = ("s", self.values[subject_var])
            elif subject_var in self.bound:
                subject = ("S", ())  # its values come from a bounded pattern
        else:
            subject = ("s", (self.iri(self.take()),))
        while True:
            predicate = self.take()
            if predicate[0] not in ("iri", "pname", "var") and predicate[1] != "a":
                raise _NotBounded
            while self.peek()[1] == "|" and self.peek(1)[0] in ("iri", "pname"):
                self.i += 2  # p|q: one of several predicates, no more rows than ?p
            if self.peek()[0] == "op" and self.peek()[1] != "^^":
                raise _NotBounded  # a path: p/q, ^p, p*, p+
            while True:
                start = self.i
                constant = self._object()
                if subject is not None:
                    self._count(subject)
                elif constant is not None:
                    self._count(("o", (constant,)))
                else:
                    raise _NotBounded  # ?s ?p ?o: nothing bounds it
                self.bound.update(v[1:] for k, v in self.toks[start : self.i] if k == "var")
                if subject_var is not None:
                    self.bound.add(subject_var)
                    if subject is None:  # later patterns of this subject: bounded by it
                        subject = ("S", ())
                if predicate[0] == "var":
                    self.bound.add(predicate[1][1:])
                if self.peek()[1] != ",":
                    break
                self.i += 1
            if self.peek()[1] != ";":
                break
            self.i += 1
            if self.peek()[1] in (".", "}"):
                break  # a trailing ';'
        if self.peek()[1] == ".":
            self.i += 1

    def _object(self) -> str | None:
        """Read one object: its IRI if it is a constant IRI, else None (a variable, a
        literal with its tag or datatype, a number)."""
        kind, value = self.take()
        if kind == "open":  # [ ... ] or ( ... ): blank nodes, collections
            raise _NotBounded
        if kind == "iri" or (kind == "pname" and not value.startswith("_:")):
            return self.iri((kind, value))
        if kind == "string":
            if self.peek()[1] == "@" or self.peek()[1] == "^^":
                self.i += 2
            return None
        if kind == "other" or (kind == "op" and value in "+-"):  # a number, maybe signed
            while self.peek()[0] == "other" and self.peek()[1] not in (",", ";", ".", "}"):
                self.i += 1
            while self.peek()[1] == "." and self.peek(1)[0] == "other":
                self.i += 2  # a decimal's point
                while self.peek()[0] == "other" and self.peek()[1] not in (",", ";", ".", "}"):
                    self.i += 1
        return None


def count_up_to(items: Iterator[object], cap: int) -> int:
    """How many ``items`` there are, counting no further than ``cap + 1``."""
    return sum(1 for _ in itertools.islice(items, cap + 1))


# (position, IRI, cap) -> triples, counted up to cap + 1: "s" with the IRI as subject, "o" as
# object, "S" the most any subject has (for a variable a bounded pattern gives values to)
Degree = Callable[[str, str, int], int]


def within(found: list[tuple[Anchor, int]], degree: Degree, limit: int) -> bool:
    """Whether the product over patterns of the triples their anchors have is at most
    ``limit`` (a VALUES set counts the sum over its IRIs), asking ``degree`` to count no
    further than needed."""
    bound = 1.0
    for (position, iris), patterns in found:
        room = limit / bound
        cap = math.floor(room ** (1 / patterns)) if room >= 1 else 0
        triples = 0
        for iri in iris or ("",):  # "S": no IRI, the store's largest subject
            triples += degree(position, iri, cap - triples)
            if triples > cap:
                return False
        bound *= max(1, triples) ** patterns
    return bound <= limit
