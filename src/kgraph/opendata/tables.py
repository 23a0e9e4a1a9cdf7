"""The main tables of the dataset as CSV files, for people and tools that do not use RDF.

Each table is one SPARQL SELECT over the standard terms of the interop profile
(so it reads the same data the endpoint serves) written as CSV (RFC 4180,
UTF-8, a header row): one row per resource, several values in one cell joined
by `` | ``, labels in Swedish where there are any. The dump set holds them
beside the RDF files (:mod:`kgraph.opendata.dumps`) and the catalogue record
describes each as a distribution.

>>> [t.name for t in TABLES]
['publications', 'boards', 'grants', 'activities']
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kgraph.store.base import GraphStore

_PREFIXES = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
JOIN = " | "
# the Swedish label of ?x as ?x_label (any label when there is no Swedish one)
_LABEL = (
    "OPTIONAL {{ {v} rdfs:label ?{n}_sv FILTER(LANGMATCHES(LANG(?{n}_sv), 'sv')) }} "
    "OPTIONAL {{ {v} rdfs:label ?{n}_any }} BIND(COALESCE(?{n}_sv, ?{n}_any) AS ?{n})"
)


def _label(var: str, name: str) -> str:
    return _LABEL.format(v=var, n=name)


@dataclass(frozen=True)
class Table:
    """One CSV table: its file stem, titles, columns and the query that fills it."""

    name: str
    title_sv: str
    title_en: str
    columns: tuple[str, ...]
    query: str


TABLES: tuple[Table, ...] = (
    Table(
        "publications",
        "Publikationer: titel, år, nummer, författande länsstyrelser och ämnen",
        "Publications: title, year, numbers, authoring boards and topics",
        ("iri", "title", "year", "identifiers", "creators", "topics", "sources"),
        _PREFIXES
        + f"""SELECT ?iri (SAMPLE(?t) AS ?title) (SAMPLE(STR(?issued)) AS ?year)
  (GROUP_CONCAT(DISTINCT ?id; separator="{JOIN}") AS ?identifiers)
  (GROUP_CONCAT(DISTINCT ?creator; separator="{JOIN}") AS ?creators)
  (GROUP_CONCAT(DISTINCT ?topic; separator="{JOIN}") AS ?topics)
  (GROUP_CONCAT(DISTINCT STR(?src); separator="{JOIN}") AS ?sources)
WHERE {{
  ?iri a dct:BibliographicResource .
  OPTIONAL {{ ?iri dct:title ?t }}
  OPTIONAL {{ ?iri dct:issued ?issued }}
  OPTIONAL {{ ?iri dct:identifier ?id }}
  OPTIONAL {{ ?iri dct:creator ?c . {_label("?c", "creator")} }}
  OPTIONAL {{ ?iri dct:subject ?s . ?s skos:prefLabel ?topic
              FILTER(LANGMATCHES(LANG(?topic), 'sv')) }}
  OPTIONAL {{ ?iri prov:wasDerivedFrom ?src }}
}} GROUP BY ?iri ORDER BY ?year ?title""",
    ),
    Table(
        "boards",
        "Länsstyrelser: namn, län, länskod, webbplats och antal publikationer",
        "County administrative boards: name, county, county code, website and publications",
        ("iri", "name_sv", "name_en", "county", "county_code", "homepage", "publications"),
        _PREFIXES
        + """SELECT ?iri (SAMPLE(?sv) AS ?name_sv) (SAMPLE(?en) AS ?name_en)
  (SAMPLE(?county_label) AS ?county) (SAMPLE(?code) AS ?county_code)
  (SAMPLE(STR(?home)) AS ?homepage) (COUNT(DISTINCT ?pub) AS ?publications)
WHERE {
  ?iri a schema:GovernmentOrganization ; schema:areaServed ?c .
  ?c skos:notation ?code FILTER(REGEX(STR(?code), '^[0-9]{2}$'))
  OPTIONAL { ?iri rdfs:label ?sv FILTER(LANGMATCHES(LANG(?sv), 'sv')) }
  OPTIONAL { ?iri rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), 'en')) }
  OPTIONAL { ?c rdfs:label ?county_label FILTER(LANGMATCHES(LANG(?county_label), 'sv')) }
  OPTIONAL { ?iri foaf:homepage ?home }
  OPTIONAL { ?pub dct:creator ?iri }
} GROUP BY ?iri ORDER BY ?county_code ?name_sv""",
    ),
    Table(
        "grants",
        "Bidrag: vem som ger, vad som får, belopp och år",
        "Grants: who gives, what receives, amount and years",
        ("iri", "label", "funder", "funded", "amount", "currency", "start", "end"),
        _PREFIXES
        + f"""SELECT ?iri (SAMPLE(?l) AS ?label)
  (GROUP_CONCAT(DISTINCT ?funder; separator="{JOIN}") AS ?funder)
  (GROUP_CONCAT(DISTINCT ?funded; separator="{JOIN}") AS ?funded)
  (SAMPLE(STR(?value)) AS ?amount) (SAMPLE(?cur) AS ?currency)
  (SAMPLE(STR(?s)) AS ?start) (SAMPLE(STR(?e)) AS ?end)
WHERE {{
  ?iri a schema:MonetaryGrant .
  {_label("?iri", "l")}
  OPTIONAL {{ ?iri schema:funder ?f . {_label("?f", "funder")} }}
  OPTIONAL {{ ?iri schema:fundedItem ?x . {_label("?x", "funded")} }}
  OPTIONAL {{ ?iri schema:amount ?m . ?m schema:value ?value
              OPTIONAL {{ ?m schema:currency ?cur }} }}
  OPTIONAL {{ ?iri schema:startDate ?s }}
  OPTIONAL {{ ?iri schema:endDate ?e }}
}} GROUP BY ?iri ORDER BY ?start ?label""",
    ),
    Table(
        "activities",
        "Tillsyner och kartläggningar: vad, vem som gjorde dem, var och när",
        "Supervisions and mappings: what, who carried them out, where and when",
        ("iri", "label", "boards", "places", "start", "end", "reports"),
        _PREFIXES
        + f"""SELECT ?iri (SAMPLE(?l) AS ?label)
  (GROUP_CONCAT(DISTINCT ?board; separator="{JOIN}") AS ?boards)
  (GROUP_CONCAT(DISTINCT ?place; separator="{JOIN}") AS ?places)
  (SAMPLE(STR(?s)) AS ?start) (SAMPLE(STR(?e)) AS ?end)
  (GROUP_CONCAT(DISTINCT ?report; separator="{JOIN}") AS ?reports)
WHERE {{
  ?iri a prov:Activity .
  {_label("?iri", "l")}
  OPTIONAL {{ ?iri prov:wasAssociatedWith ?b . {_label("?b", "board")} }}
  OPTIONAL {{ ?iri schema:location ?p . {_label("?p", "place")} }}
  OPTIONAL {{ ?iri schema:startDate ?s }}
  OPTIONAL {{ ?iri schema:endDate ?e }}
  OPTIONAL {{ ?iri prov:generated ?r . ?r dct:title ?report }}
}} GROUP BY ?iri ORDER BY ?start ?label""",
    ),
)


def table_by_name(name: str) -> Table | None:
    """The table whose file stem is ``name``."""
    return next((t for t in TABLES if t.name == name), None)


def write_csv(store: GraphStore, table: Table) -> tuple[bytes, int]:
    """``table`` as CSV bytes (UTF-8, CRLF line ends) and its number of rows.

    Raises StoreError.
    """
    rows = store.select(table.query)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in rows:
        writer.writerow([row[c].value if c in row else "" for c in table.columns])
    return out.getvalue().encode("utf-8"), len(rows)
