"""SPARQL 1.1 results writers for rows held in memory (used when a result is capped).

The engine serialises whole results itself; a result cut at ``max_result_rows``
is a list of rows, written here in the four SPARQL results formats.

>>> import io, pyoxigraph as ox
>>> out = io.BytesIO()
>>> write_select(["s"], [{"s": ox.NamedNode("http://example.org/a")}], SPARQL_CSV, out)
>>> out.getvalue()
b's\\r\\nhttp://example.org/a\\r\\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from kgraph.errors import StoreError
from kgraph.formats import SPARQL_CSV, SPARQL_JSON, SPARQL_TSV, SPARQL_XML, Format
from kgraph.store.terms import kind_of

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term: Any) -> dict[str, Any]:
    kind = kind_of(term)
    if kind == "iri":
        return {"type": "uri", "value": term.value}
    if kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if kind == "literal":
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if kind == "triple":
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise StoreError(f"cannot write a {kind} in SPARQL results")


_json_str = json.encoder.encode_basestring  # the C escaper


def _json_term_text(term: Any) -> str:
    """``json.dumps(_json_term(term))`` (with ensure_ascii=False), written directly."""
    kind = kind_of(term)
    if kind == "iri":
        return '{"type":"uri","value":' + _json_str(term.value) + "}"
    if kind == "literal":
        value = _json_str(term.value)
        if term.language:
            return (
                '{"type":"literal","value":'
                + value
                + ',"xml:lang":'
                + _json_str(term.language)
                + "}"
            )
        dtype = term.datatype
        if dtype is not None and dtype.value != XSD_STRING:
            return (
                '{"type":"literal","value":' + value + ',"datatype":' + _json_str(dtype.value) + "}"
            )
        return '{"type":"literal","value":' + value + "}"
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


def _xml_term(term: Any) -> str:
    kind = kind_of(term)
    if kind == "iri":
        return f"<uri>{escape(term.value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if kind == "literal":
        attr = ""
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        return f"<literal{attr}>{escape(term.value)}</literal>"
    if kind == "triple":
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise StoreError(f"cannot write a {kind} in SPARQL results")


def _csv_field(term: Any) -> str:
    if term is None:
        return ""
    kind = kind_of(term)
    if kind == "bnode":
        text = f"_:{term.value}"
    else:
        text = str(term) if kind == "triple" else str(term.value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return str(text)


def write_select(
    variables: Sequence[str], rows: Iterable[dict[str, Any]], fmt: Format, out: IO[bytes]
) -> None:
    """Write SELECT ``rows`` (var -> term) as SPARQL results in ``fmt``.

    Raises StoreError for a format that is not a SPARQL results format.
    """
    if fmt is SPARQL_JSON:
        head = json.dumps({"head": {"vars": list(variables)}}, separators=(",", ":"))
        out.write(head.encode()[:-1])
        out.write(b',"results":{"bindings":[')
        keys = {v: _json_str(v) + ":" for v in variables}
        batch: list[str] = []
        sep = ""
        for row in rows:
            batch.append("{" + ",".join(keys[v] + _json_term_text(t) for v, t in row.items()) + "}")
            if len(batch) == 512:
                out.write((sep + ",".join(batch)).encode())
                batch.clear()
                sep = ","
        if batch:
            out.write((sep + ",".join(batch)).encode())
        out.write(b"]}}")
    elif fmt is SPARQL_XML:
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.write(
            b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            + f"<head>{head}</head><results>".encode()
        )
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in row.items()
            )
            out.write(f"<result>{cells}</result>".encode())
        out.write(b"</results></sparql>")
    elif fmt is SPARQL_CSV:
        out.write((",".join(variables) + "\r\n").encode())
        for row in rows:
            out.write((",".join(_csv_field(row.get(v)) for v in variables) + "\r\n").encode())
    elif fmt is SPARQL_TSV:
        out.write(("\t".join("?" + v for v in variables) + "\n").encode())
        for row in rows:
            tsv = [str(row[v]) if v in row else "" for v in variables]
            out.write(("\t".join(tsv) + "\n").encode())
    else:
        raise StoreError(f"{fmt.label} is not a SPARQL results format")
