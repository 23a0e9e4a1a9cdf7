"""Content negotiation as a table: Accept headers, q-values, wildcards, aliases, 406."""

from __future__ import annotations

import pytest

from kgraph.errors import NotAcceptable
from kgraph.formats import GRAPH_FORMATS, HTML, JSON, MEDIA_ALIASES, RESULT_FORMATS, Format
from kgraph.negotiation import choose, choose_language, negotiate

RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPHS = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
PAGES = ["text/html", *GRAPHS]

TABLE = [
    # (accept, offered, expected)
    (None, RESULTS, "application/sparql-results+json"),
    ("", GRAPHS, "text/turtle"),
    ("*/*", GRAPHS, "text/turtle"),
    ("text/csv", RESULTS, "text/csv"),
    ("text/*", RESULTS, "text/csv"),
    (
        "application/sparql-results+xml, application/sparql-results+json;q=0.9",
        RESULTS,
        "application/sparql-results+xml",
    ),
    (
        "application/sparql-results+xml;q=0.5, application/sparql-results+json",
        RESULTS,
        "application/sparql-results+json",
    ),
    ("text/tab-separated-values;q=1, */*;q=0.1", RESULTS, "text/tab-separated-values"),
    ("text/csv;q=0, */*;q=0.1", RESULTS, "application/sparql-results+json"),
    ("application/json", RESULTS, "application/sparql-results+json"),
    ("application/json", GRAPHS, "application/ld+json"),
    ("application/xml", RESULTS, "application/sparql-results+xml"),
    ("application/xml", GRAPHS, "application/rdf+xml"),
    ("text/plain", GRAPHS, "application/n-triples"),
    ("application/x-turtle", GRAPHS, "text/turtle"),
    ("text/xml", RESULTS, "application/sparql-results+xml"),
    ("text/n3", GRAPHS, "text/turtle"),
    ("text/rdf+n3", GRAPHS, "text/turtle"),
    ("application/turtle", GRAPHS, "text/turtle"),
    ("application/n3", GRAPHS, "text/turtle"),  # SPARQLWrapper's N3
    ("application/x-json+ld", GRAPHS, "application/ld+json"),  # SPARQLWrapper's JSON-LD
    (
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
        GRAPHS,
        "application/ld+json",
    ),
    ("text/turtle;q=0.5, application/ld+json", GRAPHS, "application/ld+json"),
    # a browser
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", PAGES, "text/html"),
    # curl
    ("*/*", PAGES, "text/html"),
    # nothing acceptable
    ("image/png", RESULTS, None),
    ("text/turtle", RESULTS, None),
    ("application/sparql-results+json;q=0", RESULTS, None),
]


@pytest.mark.parametrize(("accept", "offered", "expected"), TABLE)
def test_choose(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert choose(accept, offered) == expected


def test_the_table_covers_every_format_and_alias_of_the_one_table() -> None:
    """Every result and graph format is an answer of some row, every alias media type
    that formats.MEDIA_ALIASES knows is sent by some row, and every row that expects an
    answer names an offered type (so a format added to the table needs a row here)."""
    answers = {expected for _, _, expected in TABLE if expected}
    assert {f.media_type for f in (*RESULT_FORMATS, *GRAPH_FORMATS)} <= answers
    sent = {(accept or "").split(";")[0].strip() for accept, _, _ in TABLE}
    assert set(MEDIA_ALIASES) <= sent
    assert all(expected in offered for _, offered, expected in TABLE if expected)
    assert [f.media_type for f in RESULT_FORMATS] == RESULTS
    assert [f.media_type for f in GRAPH_FORMATS] == GRAPHS


@pytest.mark.parametrize(
    ("format_param", "accept", "offered", "expected"),
    [
        (None, None, GRAPH_FORMATS, "turtle"),
        ("ttl", "application/ld+json", GRAPH_FORMATS, "turtle"),  # the parameter wins
        ("application/ld+json", None, GRAPH_FORMATS, "jsonld"),
        ("json", None, RESULT_FORMATS, "json"),
        ("json", None, GRAPH_FORMATS, "jsonld"),
        ("n3", None, GRAPH_FORMATS, "turtle"),
        ("rdf+xml", None, GRAPH_FORMATS, "rdfxml"),
        ("rdf xml", None, GRAPH_FORMATS, "rdfxml"),  # a '+' decoded as a space
        ("json-ld", None, GRAPH_FORMATS, "jsonld"),
        ("text/turtle", None, GRAPH_FORMATS, "turtle"),
        ("text/turtle; charset=utf-8", None, GRAPH_FORMATS, "turtle"),
        ("application/sparql-results json", None, RESULT_FORMATS, "json"),
        ("application/ld+json,application/x-json+ld", None, GRAPH_FORMATS, "jsonld"),
        ("image/png, text/csv", None, RESULT_FORMATS, "csv"),  # the first offered of a list
        (None, "text/html,*/*;q=0.8", (*GRAPH_FORMATS, HTML), "html"),
        (None, "application/json", (HTML, JSON), "json"),
    ],
)
def test_negotiate(
    format_param: str | None, accept: str | None, offered: tuple[Format, ...], expected: str
) -> None:
    assert negotiate(format_param, accept, offered).name == expected


@pytest.mark.parametrize(
    ("format_param", "accept"), [("png", None), (None, "image/png"), ("csv", "text/csv")]
)
def test_negotiate_refuses_with_what_is_offered(
    format_param: str | None, accept: str | None
) -> None:
    with pytest.raises(NotAcceptable) as refused:
        negotiate(format_param, accept, GRAPH_FORMATS)
    assert refused.value.offered == [f.media_type for f in GRAPH_FORMATS]


def test_nothing_offered() -> None:
    assert choose("*/*", []) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "sv"),
        ("", "sv"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("de-DE", "sv"),
        ("en;q=0.5, sv;q=0.4", "en"),
        ("*", "sv"),
        ("sv-SE, en;q=0.5", "sv"),
        ("en-US", "en"),
        ("en;q=0, sv;q=0", "sv"),
    ],
)
def test_choose_language(header: str | None, expected: str) -> None:
    assert choose_language(header, ["sv", "en"]) == expected
