"""SPARQL results writers for rows held in memory (used when a result is capped).

The engine serialises whole results itself; a result cut at ``max_result_rows``
is a list of rows, written here in the four SPARQL results formats so that the
engine's parsers and rdflib's read back every term as it was:

- JSON and XML carry a literal's base direction (RDF 1.2, ``"a"@en--ltr``) as
  ``its:dir``, as the engine's writers do;
- XML writes a carriage return, and whitespace at either end of a literal, as
  character references (a parser normalises line ends and may trim the ends),
  and refuses (406) a value holding a character that XML 1.0 cannot carry
  (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF), which no
  escape can carry either: JSON, CSV and TSV carry them;
- TSV and CSV write triple terms as ``<<( s p o )>>`` (SPARQL 1.2 CSV/TSV).

>>> import io, pyoxigraph as ox
>>> out = io.BytesIO()
>>> write_select(["s"], [{"s": ox.NamedNode("http://example.org/a")}], SPARQL_CSV, out)
>>> out.getvalue()
b's\\r\\nhttp://example.org/a\\r\\n'
>>> _xml_text("  two spaces\\r\\n")
'&#32;&#32;two spaces&#13;&#10;'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from kgraph.errors import NotAcceptable, StoreError
from kgraph.formats import SPARQL_CSV, SPARQL_JSON, SPARQL_TSV, SPARQL_XML, Format
from kgraph.store.terms import kind_of

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
ITS = "http://www.w3.org/2005/11/its"


def _direction(term: Any) -> str | None:
    """A literal's base direction (``ltr``, ``rtl``) or None."""
    direction = term.direction
    return None if direction is None else str(direction)


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
            if (direction := _direction(term)) is not None:
                out["its:dir"] = direction
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
            direction = _direction(term)
            return (
                '{"type":"literal","value":'
                + value
                + ',"xml:lang":'
                + _json_str(term.language)
                + ("" if direction is None else ',"its:dir":' + _json_str(direction))
                + "}"
            )
        dtype = term.datatype
        if dtype is not None and dtype.value != XSD_STRING:
            return (
                '{"type":"literal","value":' + value + ',"datatype":' + _json_str(dtype.value) + "}"
            )
        return '{"type":"literal","value":' + value + "}"
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_SPACE = " \t\n"


def _xml_text(value: str) -> str:
    """``value`` as XML character data that every parser reads back unchanged."""
    text = value.translate(_XML_ESCAPES)
    core = text.strip(_XML_SPACE)
    if core == text:
        return text
    start = len(text) - len(text.lstrip(_XML_SPACE))
    lead = "".join(f"&#{ord(c)};" for c in text[:start])
    trail = "".join(f"&#{ord(c)};" for c in text[start + len(core) :])
    return lead + core + trail


def _xml_term(term: Any) -> str:
    kind = kind_of(term)
    if kind == "iri":
        return f"<uri>{_xml_text(term.value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if kind == "literal":
        attr = ""
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
            if (direction := _direction(term)) is not None:
                attr += f' its:dir="{direction}" xmlns:its="{ITS}" its:version="2.0"'
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        return f"<literal{attr}>{_xml_text(term.value)}</literal>"
    if kind == "triple":
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise StoreError(f"cannot write a {kind} in SPARQL results")


def _refuse_what_xml_cannot_carry(rows: Sequence[dict[str, Any]]) -> None:
    """Raise NotAcceptable (before anything is written) if a value holds a character
    that XML 1.0 cannot carry, not even as a character reference."""
    for number, row in enumerate(rows, 1):
        for var, term in row.items():
            for text in _texts(term):
                if found := _NOT_XML.search(text):
                    offered = [SPARQL_JSON, SPARQL_CSV, SPARQL_TSV]
                    raise NotAcceptable(
                        f"row {number}, ?{var} holds U+{ord(found.group()):04X}, which XML 1.0 "
                        f"cannot carry; ask for {', '.join(f.label for f in offered)}",
                        [f.media_type for f in offered],
                    )


def _texts(term: Any) -> Iterable[str]:
    if kind_of(term) == "triple":
        for part in (term.subject, term.predicate, term.object):
            yield from _texts(part)
    else:
        yield term.value


def _csv_text(term: Any, *, nested: bool = False) -> str:
    """A term as CSV text before field quoting: values bare, triple terms as
    ``<<( s p o )>>`` with a literal object in quotes (SPARQL 1.2 CSV)."""
    kind = kind_of(term)
    if kind == "bnode":
        return f"_:{term.value}"
    if kind == "triple":
        parts = (_csv_text(t, nested=True) for t in (term.subject, term.predicate, term.object))
        return "<<( " + " ".join(parts) + " )>>"
    if nested and kind == "literal":
        return '"' + str(term.value).replace('"', '""') + '"'
    return str(term.value)


# Quoted: RFC 4180's specials, and what line splitters take for a line break (rdflib
# reads CSV through a stream that splits lines at NEL, LS... before its csv reader).
_CSV_QUOTED = re.compile('[,"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')


def _csv_field(term: Any) -> str:
    if term is None:
        return ""
    text = _csv_text(term)
    if _CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


# Turtle's escapes where TSV needs them, and \u escapes for what line splitters
# (Python's str.splitlines, rdflib's TSV reader) take for a line break; the rest raw.
_TSV_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        '"': '\\"',
        "\t": "\\t",
        "\n": "\\n",
        "\r": "\\r",
        "\f": "\\f",
        **{c: f"\\u{ord(c):04X}" for c in "\x0b\x1c\x1d\x1e\x85\u2028\u2029"},
    }
)


def _tsv_term(term: Any) -> str:
    """A term in SPARQL/Turtle syntax; triple terms as ``<<( s p o )>>``.

    >>> import pyoxigraph as ox
    >>> _tsv_term(ox.Literal("a\\tb", language="en", direction=ox.BaseDirection.LTR))
    '"a\\\\tb"@en--ltr'
    """
    kind = kind_of(term)
    if kind == "triple":
        parts = (_tsv_term(t) for t in (term.subject, term.predicate, term.object))
        return "<<( " + " ".join(parts) + " )>>"
    if kind != "literal":
        return str(term)
    text = '"' + str(term.value).translate(_TSV_ESCAPES) + '"'
    if term.language:
        direction = _direction(term)
        return f"{text}@{term.language}" + ("" if direction is None else "--" + direction)
    if term.datatype is not None and term.datatype.value != XSD_STRING:
        return f"{text}^^<{term.datatype.value}>"
    return text


def write_select(
    variables: Sequence[str], rows: Iterable[dict[str, Any]], fmt: Format, out: IO[bytes]
) -> None:
    """Write SELECT ``rows`` (var -> term) as SPARQL results in ``fmt``.

    Raises NotAcceptable (XML, a character XML cannot carry: nothing written),
    StoreError for a format that is not a SPARQL results format.
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
        held = rows if isinstance(rows, list) else list(rows)
        _refuse_what_xml_cannot_carry(held)
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.write(
            b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            + f"<head>{head}</head><results>".encode()
        )
        for row in held:
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
            tsv = [_tsv_term(row[v]) if v in row else "" for v in variables]
            out.write(("\t".join(tsv) + "\n").encode())
    else:
        raise StoreError(f"{fmt.label} is not a SPARQL results format")
