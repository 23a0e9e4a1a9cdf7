"""RDF terms as plain data, and the IRIs that may be written into a query.

>>> is_safe_iri("http://127.0.0.1:8000/id/county/kalmar")
True
>>> is_safe_iri("http://x/> } DROP ALL #")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from kgraph.store.terms import kind_of
from kgraph.terms import RDF, XSD

# RFC 3987, as the store's SPARQL parser checks it: an IRI it would refuse (``%zz``,
# a second ``#``, a control or non-character code point) must never reach a query.
_UCS = (
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(p << 16)}-{chr((p << 16) | 0xFFFD)}" for p in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCHAR = "A-Za-z0-9\\-._~!$&'()*+,;=:@" + _UCS
_PCT = "%[0-9A-Fa-f]{2}"
_IRI_OK = re.compile(
    rf"^https?://(?:[{_PCHAR}\[\]]|{_PCT})*"
    rf"(?:[{_PCHAR}/]|{_PCT})*"
    rf"(?:\?(?:[{_PCHAR}{_PRIVATE}/?]|{_PCT})*)?"
    rf"(?:#(?:[{_PCHAR}/?]|{_PCT})*)?\Z"
)
PLAIN_TYPES = {XSD + "string", RDF + "langString"}


def is_safe_iri(iri: str) -> bool:
    """True if ``iri`` is an http(s) IRI that can be written as ``<iri>`` in SPARQL."""
    return bool(_IRI_OK.match(iri))


@dataclass(frozen=True)
class Term:
    """An RDF term as plain data."""

    kind: Literal["iri", "bnode", "literal"]
    value: str
    lang: str | None = None
    datatype: str | None = None  # None for plain and language-tagged strings


def to_term(t: Any) -> Term:
    """A store term (``.value``, ``.language``, ``.datatype``) as a :class:`Term`."""
    kind = kind_of(t)
    if kind == "iri":
        return Term("iri", t.value)
    if kind == "bnode":
        return Term("bnode", t.value)
    datatype = t.datatype.value if getattr(t, "datatype", None) is not None else None
    return Term(
        "literal",
        t.value,
        getattr(t, "language", None) or None,
        None if datatype in PLAIN_TYPES else datatype,
    )
