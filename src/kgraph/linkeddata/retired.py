"""Retired IRIs: published once, answering still (Cool URIs don't change).

The record is part of the data (``data/retired.trig``, the graph
``<base>id/graph/retired``), so every build knows it: a ``kg:MergedResource``
is the same thing as the resource it was merged into (``owl:sameAs``,
``dct:isReplacedBy``) and answers 301 to it; a ``kg:RemovedResource`` answers
410 Gone with a page saying why (``dct:description``).

>>> Retirement("http://h/id/org/x", "merged", "http://h/id/project/x").kind
'merged'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kgraph.linkeddata.describe import is_safe_iri
from kgraph.store.base import GraphStore

DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Retirement:
    """Why an IRI no longer describes a resource of its own, and where to go instead."""

    iri: str
    kind: Literal["merged", "removed"]
    kept: str | None = None  # merged: the resource kept
    why: str = ""  # the record's description or editorial note
    why_lang: str | None = None
    date: str = ""


def retirement(
    store: GraphStore, iri: str, *, base_iri: str, lang: str = "sv"
) -> Retirement | None:
    """The record of ``iri`` if it is retired, else ``None``. Raises StoreError."""
    if not is_safe_iri(iri):
        return None
    kg = base_iri + "def/"
    rows = store.select(
        f"SELECT ?type ?kept ?why ?date {{ <{iri}> a ?type "
        f"FILTER(?type IN (<{kg}MergedResource>, <{kg}RemovedResource>)) "
        f"OPTIONAL {{ <{iri}> <{DCT}isReplacedBy> ?kept }} "
        f"OPTIONAL {{ <{iri}> <{DCT}description>|<{SKOS}editorialNote> ?why }} "
        f"OPTIONAL {{ <{iri}> <{DCT}date> ?date }} }}"
    )
    if not rows:
        return None
    rows.sort(key=lambda r: getattr(r.get("why"), "language", None) != lang)  # the reader's first
    row = rows[0]
    merged = row["type"].value.endswith("MergedResource") and "kept" in row
    return Retirement(
        iri=iri,
        kind="merged" if merged else "removed",
        kept=row["kept"].value if merged else None,
        why=row["why"].value if "why" in row else "",
        why_lang=getattr(row.get("why"), "language", None) or None,
        date=row["date"].value if "date" in row else "",
    )
