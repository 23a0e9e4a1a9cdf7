"""The remote store's pure parts: result conversion, chunking, query forms, settings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kgraph.build.publish import remote_settings
from kgraph.errors import ConfigError, StoreError
from kgraph.formats import GRAPH_FORMATS, RDF_FORMATS, RESULT_FORMATS
from kgraph.settings import load_settings
from kgraph.store.chunks import prepare
from kgraph.store.http import HttpClient
from kgraph.store.remote import ACCEPT_GRAPH, ACCEPT_RESULTS, RemoteResult, RemoteStore, accept_for

# What Virtuoso 7.2 sends: SPARQL 1.0 "typed-literal" and nodeID:// blank nodes.
VIRTUOSO_JSON = json.dumps(
    {
        "head": {"link": [], "vars": ["s", "o"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "bnode", "value": "nodeID://b10000"},
                    "o": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
                        "value": "1.5",
                    },
                },
                {
                    "s": {"type": "uri", "value": "http://ex/a"},
                    "o": {"type": "bnode", "value": "nodeID://b10000"},
                },
            ]
        },
    }
).encode()


def test_select_result_converts_to_every_result_format() -> None:
    result = RemoteResult(VIRTUOSO_JSON, "application/sparql-results+json")
    assert result.kind == "select" and result.variables == ["s", "o"]
    rows = list(result.rows())
    assert rows[0]["o"].value == "1.5"
    assert rows[0]["s"] == rows[1]["o"]  # one blank node, the same in both rows
    for fmt in RESULT_FORMATS:
        buf = io.BytesIO()
        result.serialize(fmt, buf)
        assert b"1.5" in buf.getvalue(), fmt.name
    with pytest.raises(StoreError):
        result.serialize(GRAPH_FORMATS[0], io.BytesIO())


def test_ask_and_graph_results() -> None:
    ask = RemoteResult(b'{"head": {}, "boolean": false}', "application/sparql-results+json")
    assert ask.kind == "ask" and ask.boolean() is False
    nt = b'<http://ex/a> <http://ex/p> "x\\u00e5"@sv .\n_:b1 <http://ex/p> <http://ex/a> .\n'
    graph = RemoteResult(nt, "text/plain")  # Virtuoso's older N-Triples media type
    assert graph.kind == "graph"
    assert [r["o"].value for r in graph.rows()] == ["xå", "http://ex/a"]
    for fmt in RDF_FORMATS:
        buf = io.BytesIO()
        graph.serialize(fmt, buf)
        assert "http://ex/a" in buf.getvalue().decode(), fmt.name


def test_unexpected_media_type_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="text/html"):
        RemoteResult(b"<html>", "text/html")


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * {}", ACCEPT_RESULTS),
        ("prefix ex: <http://ex/construct#> ask { ?s ex:p ?o }", ACCEPT_RESULTS),
        ("# describe\nBASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", ACCEPT_GRAPH),
        ("PREFIX a: <http://x#select>\ndescribe <x>", ACCEPT_GRAPH),
    ],
)
def test_accept_follows_query_form(query: str, accept: str) -> None:
    assert accept_for(query) == accept


def test_chunks_keep_blank_node_groups_together(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    lines = [
        f'<http://ex/{i}> <http://ex/p> [ <http://ex/q> [ <http://ex/r> "{i}" ] ] .'
        for i in range(40)
    ]
    data.write_text("\n".join(lines) + '\n<http://ex/0> <http://ex/p> "dup" , "dup" .\n')
    up = prepare([data], base_iri="http://ex/", workdir=tmp_path, chunk_bytes=200)
    assert up.triples == 40 * 3 + 1  # the duplicate counted once
    assert len(up.chunks) > 10
    for chunk, _ in up.read():
        labels = [t for line in chunk.decode().splitlines() for t in line.split() if t[:2] == "_:"]
        # each blank node appears twice (object, then subject) within its own chunk
        assert all(labels.count(label) == 2 for label in labels if labels.count(label) > 1)
        assert all(labels.count(label) >= 2 for label in labels)


def test_settings_and_errors() -> None:
    base = load_settings(None, store="http://db:8890/sparql")
    store = RemoteStore.from_settings(base)
    assert store.endpoints.query == "http://db:8890/sparql" and store.endpoints.update is None
    with pytest.raises(ConfigError, match="update URL"):
        store.update("INSERT DATA { <a:a> <a:b> <a:c> }")
    s = remote_settings(base, to="http://db:8890/sparql-auth", auth="digest", user="dba")
    assert s.remote.query_url == "http://db:8890/sparql-auth"
    with pytest.raises(ConfigError, match="not an http"):
        remote_settings(base, to="ftp://db/update")
    with pytest.raises(ConfigError, match="remote_auth"):
        HttpClient(auth="kerberos")
    with pytest.raises(ConfigError, match="token"):
        HttpClient(auth="bearer")
