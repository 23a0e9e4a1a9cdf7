"""What the query editor (YASGUI) needs to know about this graph: its prefixes, a first
query that declares them, the example queries in the page's language, and the queries
that answer class and property autocompletion from the graph itself.

>>> prefixes = graph_prefixes("http://127.0.0.1:8000/")
>>> prefixes["kg"], prefixes["dct"]
('http://127.0.0.1:8000/def/', 'http://purl.org/dc/terms/')
>>> print(starting_query({"dct": "http://purl.org/dc/terms/"}))
PREFIX dct: <http://purl.org/dc/terms/>
<BLANKLINE>
SELECT ?thing ?title WHERE {
  ?thing dct:title ?title .
}
LIMIT 10
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kgraph import terms
from kgraph.linkeddata.examples import Example
from kgraph.query.protocol import OFFERED

# Class and property autocompletion: every class used with rdf:type, every property used.
CLASSES_QUERY = "SELECT DISTINCT ?class WHERE { [] a ?class FILTER(isIRI(?class)) }"
PROPERTIES_QUERY = "SELECT DISTINCT ?property WHERE { [] ?property [] }"
# Texts the editor's script shows (keys of kgraph.web.texts).
SCRIPT_TEXTS = (
    *("editor_tab", "syntax_error", "query_failed", "next", "previous", "dt_search"),
    *("dt_length", "dt_info", "dt_info_empty", "dt_info_filtered", "dt_zero", "query"),
    "rows_per_page",
)


def graph_prefixes(base_iri: str) -> dict[str, str]:
    """The graph's own vocabulary (``kg:``, under the base IRI) and the standard ones it uses."""
    return {"kg": base_iri + "def/", **terms.PREFIXES}


def starting_query(prefixes: Mapping[str, str]) -> str:
    """A first query for the editor: every prefix declared, then titles of things."""
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in prefixes.items()]
    return "\n".join(
        [*lines, "", "SELECT ?thing ?title WHERE {", "  ?thing dct:title ?title .", "}", "LIMIT 10"]
    )


def editor_config(
    base_iri: str, examples: Sequence[Example], lang: str, texts: Mapping[str, str]
) -> dict[str, Any]:
    """The editor's configuration, as the page hands it to its script (JSON)."""
    prefixes = graph_prefixes(base_iri)
    return {
        "endpoint": "/sparql",
        "lang": lang,
        "baseIri": base_iri,
        "prefixes": prefixes,
        "startQuery": starting_query(prefixes),
        "classesQuery": CLASSES_QUERY,
        "propertiesQuery": PROPERTIES_QUERY,
        "labelProperties": list(terms.LABEL_PROPERTIES),
        "examples": [
            {
                "slug": ex.slug,
                "title": ex.title_in(lang),
                "description": ex.description_in(lang),
                "query": ex.query,
            }
            for ex in examples
        ],
        "downloads": {
            kind: [{"name": f.name, "label": f.label, "suffix": f.suffix} for f in formats]
            for kind, formats in OFFERED.items()
        },
        "texts": {key: texts[key] for key in SCRIPT_TEXTS},
    }
