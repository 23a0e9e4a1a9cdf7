"""Syntax errors in words, as a table: each query goes through the engine, whose message
:func:`kgraph.query.syntax.explain` turns into what a person can act on."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph.query.syntax import explain

KG = {"kg": "http://127.0.0.1:8000/def/"}

# (query, kind, line, column, words the English message holds)
TABLE = [
    ("SELECT ?t WHERE { ?s dct:title ?t }", "undeclared_prefix", 1, 22,
     "PREFIX dct: <http://purl.org/dc/terms/>"),
    ("SELECT * WHERE {\n  ?r a kg:Report }", "undeclared_prefix", 2, 8,
     "PREFIX kg: <http://127.0.0.1:8000/def/>"),
    ("SELECT * WHERE { ?s zz:p ?o }", "undeclared_prefix", 1, 21, "'zz:' is not declared"),
    ("SELECT * WHERE { ?s ?p }", "no_object", 1, 18, "'?s ?p' has no object"),
    ("SELECT * WHERE { ?s ?p ?o ; ?q }", "no_object", 1, 29, "'?q' has no object"),
    ("SELECT * WHERE { ?s ?p ?o", "unclosed", 1, 16, "add a '}'"),
    ("SELECT * WHERE { ?s ?p ?o } }", "unmatched", 1, 29, "closes nothing"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1 }", "unmatched", 1, 41, "closes nothing"),
    ('PREFIX foo: <http://x/>\nSELECT *\nWHERE {\n  ?s foo:p "abc }', "unclosed_string", 4, 12,
     'add the closing "'),
    ("SELEC * WHERE { ?s ?p ?o }", "unknown_word", 1, 1, "did you mean SELECT?"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "unknown_word", 1, 29, "did you mean LIMIT?"),
    ("SELECT * WHERE { ?s ?p ?o . } ORDR BY ?s", "unknown_word", 1, 31, "did you mean ORDER?"),
    ("SELECT (COUNT(*) AS ?n) ?s WHERE { ?s ?p ?o }", "not_grouped", 1, 46, "GROUP BY"),
    ("SELECT * WHERE { ?s <http://x/a b> ?o }", "bad_iri", 1, 21, "IRI is not valid"),
    ("ASK { ?s ?p ?o } GROUP", "expected", 1, 23, "expected LATERAL, LIMIT, ORDER or SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", "expected", 1, 35, "expected BY, found '?s'"),
    # the engine names nothing it expected (a 500 once: Hypothesis found b"\x00")
    ("\x00", "expected", 1, 2, "ends before it is complete"),
    ("#", "expected", 1, 2, "ends before it is complete"),
]  # fmt: skip


def engine_message(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return str(exc.msg)
    raise AssertionError(f"the engine parsed {query!r}")


def test_the_table() -> None:
    assert len(TABLE) == 18
    assert {row[1] for row in TABLE} == {
        *("undeclared_prefix", "no_object", "unclosed", "unmatched", "unclosed_string"),
        *("unknown_word", "not_grouped", "bad_iri", "expected"),
    }


@pytest.mark.parametrize(("query", "kind", "line", "column", "words"), TABLE)
def test_explained(query: str, kind: str, line: int, column: int, words: str) -> None:
    problem = explain(query, engine_message(query), KG)
    assert problem is not None
    assert (problem.kind, problem.line, problem.column) == (kind, line, column), problem
    english = problem.message("en")
    assert english.startswith(f"line {line}, column {column}: ")
    assert words in english
    swedish = problem.message("sv")
    assert swedish.startswith(f"rad {line}, kolumn {column}: ") and swedish != english
    assert "\\u{" not in english and "..=" not in english  # no character classes


def test_not_the_engines_message() -> None:
    assert explain("ASK {", "the remote store rejected the query: 400") is None
