"""The SPARQL 1.1 Protocol, as pure functions over the parts of an HTTP request.

A request is parsed once, here, into a :class:`QueryRequest`: the query, the
dataset the protocol names, the formats negotiated for each kind of result
(the kind is only known once the engine has parsed the query), the base IRI
and the row cap. That one value goes to the executor (over a pipe to a worker
process when there is one) and comes back as an answer.

>>> parse_query_request("GET", None, [("query", "ASK {}")], b"").query
'ASK {}'
>>> parse_query_request("GET", None, [], b"") is None   # no query: service description
True
>>> req = parse_query_request("GET", "", [("query", "ASK {}")], b"", accept="text/csv")
>>> req.formats.select.name, req.formats.ask
('csv', None)
>>> QueryRequest.from_json(req.to_json()) == req
True
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kgraph import formats
from kgraph.errors import BadRequest, NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from kgraph.formats import BOOLEAN_FORMATS, HTML, RDF_FORMATS, RESULT_FORMATS, Format
from kgraph.negotiation import negotiate
from kgraph.query.guard import Guard, check
from kgraph.store.base import QueryKind

FORM = formats.FORM.media_type
DIRECT = formats.SPARQL_QUERY.media_type
UPDATE_DIRECT = formats.SPARQL_UPDATE.media_type


OFFERED: dict[QueryKind, tuple[Format, ...]] = {
    "select": RESULT_FORMATS,
    "ask": BOOLEAN_FORMATS,
    "graph": RDF_FORMATS,
}


@dataclass(frozen=True)
class FormatChoice:
    """The format negotiated for each kind of result; None where nothing offered fits."""

    select: Format | None
    ask: Format | None
    graph: Format | None
    html: bool = False  # HTML was offered too (the query editor)
    refused: str = ""  # the 406 message for a kind with no format

    def for_kind(self, kind: QueryKind) -> Format:
        """The format for a result of ``kind``. Raises NotAcceptable (406)."""
        fmt: Format | None = getattr(self, kind)
        if fmt is None:
            offered = [f.media_type for f in offered_formats(kind, html=self.html)]
            raise NotAcceptable(f"{self.refused}; offered: {', '.join(offered)}", offered)
        return fmt


def offered_formats(kind: QueryKind, *, html: bool = False) -> tuple[Format, ...]:
    """What a result of ``kind`` can be written as, in order of preference."""
    return (*OFFERED[kind], HTML) if html else OFFERED[kind]


FORMAT_PARAMETERS = ("format", "output")  # Virtuoso's name and Joseki's (SPARQLWrapper sends both)


def format_values(params: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The non-empty ``format`` and ``output`` values of a request, in order.

    Clients repeat them (SPARQLWrapper sends its format name and then the media
    type, or an empty value): :func:`choose_formats` reconciles them.

    >>> format_values([("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "")])
    ('tsv', 'text/tab-separated-values')
    """
    return tuple(v.strip() for k, v in params if k in FORMAT_PARAMETERS and v.strip())


def _pick(values: tuple[str, ...], accept: str | None, offered: tuple[Format, ...]) -> Format:
    """The one format that ``values`` name among ``offered`` (or by ``Accept`` if none).

    Values that name nothing offered are passed over if another one does. Raises
    NotAcceptable (none names an offered format), BadRequest (they name two).
    """
    if not values:
        return negotiate(None, accept, offered)
    picked: dict[Format, str] = {}
    refused: NotAcceptable | None = None
    for value in values:
        try:
            picked.setdefault(negotiate(value, accept, offered), value)
        except NotAcceptable as exc:
            refused = refused or exc
    if len(picked) > 1:
        named = ", ".join(f"{v!r} ({f.label})" for f, v in picked.items())
        raise BadRequest(f"the format parameters ask for different formats: {named}")
    if not picked:
        assert refused is not None
        raise refused
    return next(iter(picked))


@functools.lru_cache(maxsize=512)
def choose_formats(
    format_param: str | tuple[str, ...] | None, accept: str | None, html: bool
) -> FormatChoice:
    """Negotiate once for every kind of result (:func:`kgraph.negotiation.negotiate`).

    ``format_param``: the ``format`` values (:func:`format_values`); several that
    agree, or that each fit a different kind of result, are one choice.

    >>> choose_formats(("rdf+xml", "application/rdf+xml"), None, False).graph.name
    'rdfxml'
    >>> choose_formats(("json",), None, False).graph.name   # JSON for a graph: JSON-LD
    'jsonld'

    Raises NotAcceptable when no kind of result could be answered at all,
    BadRequest when the values ask for two formats for the same kind.
    """
    values = (format_param,) if isinstance(format_param, str) else (format_param or ())
    chosen: dict[str, Format | None] = {}
    refused = ""
    for kind in OFFERED:
        try:
            chosen[kind] = _pick(values, accept, offered_formats(kind, html=html))
        except NotAcceptable as exc:
            chosen[kind], refused = None, exc.message.split("; offered:")[0]
    if not any(chosen.values()):
        every = [f.media_type for f in (*RESULT_FORMATS, *RDF_FORMATS, *((HTML,) if html else ()))]
        raise NotAcceptable(f"{refused}; offered: {', '.join(every)}", every)
    return FormatChoice(chosen["select"], chosen["ask"], chosen["graph"], html, refused)


DEFAULT_FORMATS = choose_formats(None, None, False)
DEFAULT_GUARD = Guard()


@dataclass(frozen=True)
class QueryRequest:
    """A query operation and how to answer it: the one value that reaches the engine."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: FormatChoice = DEFAULT_FORMATS
    base_iri: str | None = None
    max_rows: int = 100_000  # 0: no cap (the engine streams the whole result)

    def to_json(self) -> bytes:
        """The request as JSON (for a worker process); formats by media type."""
        f = self.formats
        return json.dumps(
            [
                self.query,
                self.default_graphs,
                self.named_graphs,
                [x.media_type if x else None for x in (f.select, f.ask, f.graph)],
                f.html,
                f.refused,
                self.base_iri,
                self.max_rows,
            ]
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> QueryRequest:
        query, default, named, media, html, refused, base, max_rows = json.loads(data)
        chosen = [formats.by_media_type(m) if m else None for m in media]
        choice = FormatChoice(chosen[0], chosen[1], chosen[2], html, refused)
        return cls(query, tuple(default), tuple(named), choice, base, max_rows)


def media_type_of(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return parts[0].lower(), charset


def decode_body(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"{what} must be UTF-8 (got charset={charset})")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{what} is not valid UTF-8 (byte {exc.start})") from exc


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadRequest(f"exactly one {name!r} parameter is allowed; got {len(values)}")
    return values[0] if values else None


def graph_iris(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The values of parameter ``name``, each an absolute IRI. Raises BadRequest."""
    graphs = tuple(v.strip() for k, v in params if k == name)
    for g in graphs:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", g):
            raise BadRequest(f"{name} {g!r} is not an absolute IRI")
    return graphs


def parse_query_request(
    method: str,
    content_type: str | None,
    url_params: Sequence[tuple[str, str]],
    body: bytes,
    *,
    accept: str | None = None,
    html: bool = False,
    base_iri: str | None = None,
    max_rows: int = 100_000,
    max_query_chars: int = 100_000,
    guard: Guard = DEFAULT_GUARD,
) -> QueryRequest | None:
    """The query operation a request carries, or ``None`` if it carries none.

    ``accept`` and the ``format`` parameter choose the formats (``html``: the
    editor's HTML table is offered too). Raises BadRequest (400: two queries,
    an update, bad encoding, bad graph IRI), UnsupportedMediaType (415: a POST
    that is neither form nor sparql-query), PayloadTooLarge (413: a query longer
    than ``max_query_chars``), NotAcceptable (406: no result could be answered).
    """
    method = method.upper()
    if method in ("GET", "HEAD"):
        params = list(url_params)
        query = _one(params, "query")
        graph_params = params
    elif method == "POST":
        mtype, charset = media_type_of(content_type)
        if mtype == FORM:
            text = decode_body(body, charset, "the form body")
            try:
                params = parse_qsl(text, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError as exc:
                raise BadRequest(
                    f"the form body is not valid UTF-8 once percent-decoded (byte {exc.start})"
                ) from None
            query = _one(params, "query")
            # graphs and format may come in the body or the URL
            graph_params = [*params, *url_params]
        elif mtype == DIRECT:
            query = decode_body(body, charset, "the query")
            params = list(url_params)
            if _one(params, "query") is not None:
                raise BadRequest("a direct POST carries the query in its body, not in ?query=")
            graph_params = params
        elif mtype == UPDATE_DIRECT:
            raise BadRequest(
                f"this is the query endpoint: it runs no updates (Content-Type {UPDATE_DIRECT})"
            )
        elif mtype is None:
            raise UnsupportedMediaType(
                f"a POST needs Content-Type {FORM} or {DIRECT}; none was sent"
            )
        else:
            raise UnsupportedMediaType(
                f"unsupported Content-Type {mtype!r}; use {FORM} or {DIRECT}"
            )
    else:
        raise BadRequest(f"method {method} is not allowed; use GET or POST")

    if _one(graph_params, "update") is not None:
        raise BadRequest("this is the query endpoint: it runs no updates (parameter 'update')")
    if query is None:
        if method == "POST":
            raise BadRequest("the request has no 'query'")
        return None
    if len(query) > max_query_chars:
        raise PayloadTooLarge(
            f"the query is {len(query)} characters; the limit is {max_query_chars}"
        )
    if not query.strip():
        raise BadRequest("the query is empty")
    check(query, guard)
    return QueryRequest(
        query=query,
        default_graphs=graph_iris(graph_params, "default-graph-uri"),
        named_graphs=graph_iris(graph_params, "named-graph-uri"),
        formats=choose_formats(format_values(graph_params), accept, html),
        base_iri=base_iri,
        max_rows=max_rows,
    )


_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"(?m)(?:^|(?<=\s))#[^\n]*")  # not a '#' inside an IRI


def looks_like_update(query: str) -> bool:
    """True if ``query`` is a SPARQL Update rather than a query (after its prologue).

    >>> looks_like_update("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }")
    True
    >>> looks_like_update("PREFIX r: <http://x/ns#> # note\\nINSERT DATA { r:a r:b r:c }")
    True
    >>> looks_like_update("SELECT * { ?s ?p ?o }")
    False
    """
    return bool(_UPDATE_START.match(_COMMENT.sub(" ", query)))
