"""Value tests as SPARQL expressions: well-formed literals, node kinds, ranges, constants.

>>> datatype_test("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "?v")
'(isLiteral(?v) && lang(?v) != "")'
"""

from __future__ import annotations

from typing import Any

from kgraph.shacl.shapes import RDF, RDFS, XSD
from kgraph.store.terms import is_blank, ntriples

__all__ = [
    "CHECKED_DATATYPES",
    "KINDS",
    "RANGE",
    "TYPE_OF",
    "Uncompilable",
    "const",
    "datatype_test",
]

TYPE_OF = f"<{RDF}type>/<{RDFS}subClassOf>*"
_CAST = {
    XSD + t
    for t in [
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "dateTime",
        "date",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    ]
}
_LEXICAL = {  # XSD types the engine keeps as written and does not cast: their lexical space
    XSD + "language": r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
    XSD + "hexBinary": r"^([0-9a-fA-F]{2})*$",
    XSD + "base64Binary": r"^([A-Za-z0-9+/] ?){4}*(([A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|"
    r"[A-Za-z0-9+/] ?[AQgw] ?= ?=)?$|^([A-Za-z0-9+/] ?){4}*$",
}
CHECKED_DATATYPES = frozenset(_CAST | set(_LEXICAL))  # whose lexical forms datatype_test checks
KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}
RANGE = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}


class Uncompilable(Exception):
    """The fast check cannot write this shape as SPARQL; ``str()`` says why."""


def const(term: Any) -> str:
    """A term as a SPARQL constant; a blank node cannot be one."""
    if is_blank(term):
        raise Uncompilable("a blank node used as a constant")
    return ntriples(term)


def datatype_test(datatype: str, v: str) -> str:
    """Is ``v`` a well-formed literal of ``datatype``? (A SPARQL expression.)"""
    if datatype == RDF + "langString":
        return f'(isLiteral({v}) && lang({v}) != "")'
    check = f"(isLiteral({v}) && datatype({v}) = <{datatype}>"
    if datatype in _CAST:
        check += f" && COALESCE(datatype(<{datatype}>(STR({v}))) = <{datatype}>, false)"
    elif datatype in _LEXICAL:
        check += f' && REGEX(STR({v}), "{_LEXICAL[datatype]}")'
    return check + ")"
