"""Every fact the five source pages state is in the named graph of its page, in standard terms.

The facts are listed in tests/source_facts.py (one pattern each); what the pages do not say
(tests/source_facts.py WRONG) is nowhere in the dataset. rdflib only; the data is read with
a fixed base IRI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from .source_facts import FACTS, PREFIXES, WRONG

REPO = Path(__file__).resolve().parent.parent
BASE = "http://example.org/"
GRAPHS = {
    "000": "id/graph/nck-lansstyrelsen-kalmar",
    "001": "id/graph/nck-lansstyrelsen-blekinge",
    "002": "id/graph/lansstyrelsen-kalmar-mans-vald-mot-kvinnor",
    "003": "id/graph/nck-lansstyrelsen-vastmanland",
    "004": "id/graph/nck-lansstyrelsen-orebro",
}
_ID = re.compile(r"id:((?:[\w.-]|\\/)+)")


def sparql(pattern: str) -> str:
    """``id:a\\/b`` written as ``<base>id/a/b`` (rdflib's parser is strict about escapes)."""
    return _ID.sub(lambda m: f"<{BASE}id/{m.group(1).replace(chr(92), '')}>", pattern)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    dataset = Dataset()
    files = sorted((REPO / "ontology").glob("*.trig")) + sorted((REPO / "data").glob("*.trig"))
    for f in files:
        dataset.parse(f, format="trig", publicID=BASE)
    return dataset


def test_fact_counts() -> None:
    counts = {seed: sum(1 for s, _, _ in FACTS if s == seed) for seed in GRAPHS}
    assert counts == {"000": 30, "001": 27, "002": 13, "003": 32, "004": 27}
    assert len(WRONG) == 30


@pytest.mark.parametrize(("seed", "what", "pattern"), FACTS, ids=[f"{s}-{w}" for s, w, _ in FACTS])
def test_the_page_states_it(ds: Dataset, seed: str, what: str, pattern: str) -> None:
    query = f"{PREFIXES} ASK {{ GRAPH <{BASE}{GRAPHS[seed]}> {{ {sparql(pattern)} }} }}"
    assert ds.query(query).askAnswer, f"page {seed} graph lacks: {what}"


@pytest.fixture(scope="module")
def union(ds: Dataset) -> Graph:
    """Every graph's statements together, as the endpoint's default graph."""
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize(("what", "pattern"), WRONG, ids=[w for w, _ in WRONG])
def test_nothing_the_pages_do_not_say(union: Graph, what: str, pattern: str) -> None:
    assert not union.query(f"{PREFIXES} ASK {{ {sparql(pattern)} }}").askAnswer, what
