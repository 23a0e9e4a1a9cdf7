"""The SPARQL 1.1 Protocol, as pure functions over the parts of an HTTP request.

>>> parse_query_request("GET", None, [("query", "ASK {}")], b"").query
'ASK {}'
>>> parse_query_request("GET", None, [], b"") is None   # no query: service description
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from kgraph import formats
from kgraph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

FORM = formats.FORM.media_type
DIRECT = formats.SPARQL_QUERY.media_type
UPDATE_DIRECT = formats.SPARQL_UPDATE.media_type


@dataclass(frozen=True)
class QueryRequest:
    """A query operation: the query string and the RDF dataset the protocol names."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None  # the `format` parameter, overriding Accept


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode(body: bytes, charset: str | None, what: str) -> str:
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


def _graphs(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    graphs = [v.strip() for k, v in params if k == name]
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
    max_query_chars: int = 100_000,
) -> QueryRequest | None:
    """The query operation a request carries, or ``None`` if it carries none.

    Raises BadRequest (400: two queries, an update, bad encoding, bad graph IRI),
    UnsupportedMediaType (415: a POST that is neither form nor sparql-query),
    PayloadTooLarge (413: a query longer than ``max_query_chars``).
    """
    method = method.upper()
    if method in ("GET", "HEAD"):
        params = list(url_params)
        query = _one(params, "query")
        graph_params = params
    elif method == "POST":
        mtype, charset = _media_type(content_type)
        if mtype == FORM:
            text = _decode(body, charset, "the form body")
            params = parse_qsl(text, keep_blank_values=True)
            query = _one(params, "query")
            # graphs and format may come in the body or the URL
            graph_params = [*params, *url_params]
        elif mtype == DIRECT:
            query = _decode(body, charset, "the query")
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
    return QueryRequest(
        query=query,
        default_graphs=_graphs(graph_params, "default-graph-uri"),
        named_graphs=_graphs(graph_params, "named-graph-uri"),
        format=_one(graph_params, "format") or _one(graph_params, "output"),
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
