"""Property-based fuzzing: bad input is a clear 4xx (or a KgraphError), never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.errors import InputError
from kgraph.formats import HTML, TURTLE, Format
from kgraph.linkeddata.describe import is_safe_iri
from kgraph.negotiation import choose
from kgraph.query.protocol import QueryRequest, parse_query_request
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from kgraph.web.routes.pages import OFFERED as PAGE_FORMATS
from kgraph.web.routes.pages import _doc_href, _split_suffix
from tests.conftest import make_settings

OFFERED = ["application/sparql-results+json", "text/csv", "text/turtle", "text/html"]
media = st.sampled_from([*OFFERED, "*/*", "text/*", "application/*", "image/png", "a/b+json"])
q = st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=1.5", ";q=x", ";level=1"])
accept_header = st.one_of(
    st.text(max_size=80),
    st.lists(st.tuples(media, q).map("".join), max_size=5).map(", ".join),
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(accept_header)
def test_choose_returns_an_offered_type_or_none(accept: str) -> None:
    chosen = choose(accept, OFFERED)
    assert chosen is None or chosen in OFFERED


sparql_bits = st.sampled_from(
    ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "PREFIX x: <http://x/>", "{", "}",
     "?s", "?p", "?o", "<http://e/a>", "'x'", "LIMIT 1", "#", "\n", "\x00", "é", "WHERE"]
)  # fmt: skip
params = st.lists(
    st.tuples(
        st.sampled_from(["query", "update", "default-graph-uri", "named-graph-uri", "format", "x"]),
        st.one_of(st.text(max_size=40), st.lists(sparql_bits, max_size=8).map(" ".join)),
    ),
    max_size=4,
)


@FUZZ
@given(
    st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE"]),
    st.one_of(
        st.none(),
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "application/sparql-query",
                "application/sparql-query; charset=latin-1",
                "application/sparql-update",
                "text/plain",
                "",
            ]
        ),
        st.text(max_size=30),
    ),
    params,
    st.binary(max_size=200),
)
def test_parse_query_request_raises_only_input_errors(
    method: str, content_type: str | None, url_params: list[tuple[str, str]], body: bytes
) -> None:
    try:
        req = parse_query_request(method, content_type, url_params, body, max_query_chars=100)
    except InputError as exc:
        assert 400 <= exc.status_code < 500 and exc.message
        return
    assert req is None or (isinstance(req, QueryRequest) and 0 < len(req.query) <= 100)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("fuzz")
    ttl = tmp / "d.ttl"
    ttl.write_text('<http://e/a> <http://e/p> "x"@sv . <http://e/a> <http://e/q> <http://e/b> .')
    store = EmbeddedStore(tmp / "store", writable=True)
    store.replace([ttl], base_iri="http://127.0.0.1:8000/")
    settings_ = make_settings(tmp, query_workers=0, query_timeout_s=5, write_token="t0ken")
    with TestClient(create_app(settings_, store), raise_server_exceptions=False) as c:
        yield c


@FUZZ
@given(
    st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    st.sampled_from(["/sparql", "/update", "/store", "/metrics", "/healthz", "/nope"]),
    params,
    accept_header,
    st.sampled_from(
        [
            "application/sparql-query",
            "application/x-www-form-urlencoded",
            "application/sparql-update",
            "text/turtle",
            "text/plain",
        ]
    ),
    st.one_of(st.binary(max_size=100), st.lists(sparql_bits, max_size=8).map(" ".join)),
    st.sampled_from(["", "Bearer t0ken", "Bearer x", "Basic eDp5"]),
)
def test_the_app_never_answers_5xx(
    fuzz_client: TestClient,
    method: str,
    path: str,
    url_params: list[tuple[str, str]],
    accept: str,
    content_type: str,
    body: bytes | str,
    auth: str,
) -> None:
    headers = {"Content-Type": content_type}
    if accept.isprintable() and accept.isascii():
        headers["Accept"] = accept
    if auth:
        headers["Authorization"] = auth
    r = fuzz_client.request(method, path, params=url_params, headers=headers, content=body)
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if r.status_code >= 400:
        assert r.text.strip(), "an error needs a message"


# FastAPI warns about routes with several methods (GET+HEAD) sharing an operation id;
# pytest would turn that warning into a 500 here, which production never sees.
def test_schemathesis_style_smoke_over_openapi_paths(fuzz_client: TestClient) -> None:
    """Every path in the OpenAPI document answers a bare GET without a 5xx."""
    spec = fuzz_client.get("/api/openapi.json").json()
    paths = [p for p in spec["paths"] if "{" not in p]
    assert {"/sparql", "/update", "/store", "/metrics"} <= set(paths)
    for path in paths:
        assert fuzz_client.get(path).status_code < 500, path


# -- the IRI <-> document URL mapping of the linked-data pages ---------------------

SUFFIXES = [f".{f.suffix}" for f in PAGE_FORMATS]
segment_text = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),  # any code point a str can hold
        st.sampled_from(list('%./#?<>"{} \t\r\n\x00\x7f\ue000\ufffe')),
    ),
    max_size=12,
)
segment = st.one_of(
    segment_text,
    st.sampled_from(["", ".", "..", "index", "indexindex", "a.b", "%25", "%zz", "%0a"]),
    st.tuples(segment_text, st.sampled_from([*SUFFIXES, ".", ".xyz", ".ttl.ttl"])).map("".join),
)
iri_path = st.lists(segment, max_size=4).map("/".join)


@FUZZ
@given(iri_path, st.sampled_from(PAGE_FORMATS))
def test_document_urls_map_back_to_their_resource(path: str, fmt: Format) -> None:
    href = _doc_href(path, fmt)
    assert href.startswith("/") and href.isascii() and href.isprintable()  # fit for a header
    assert _split_suffix(unquote(href)[1:]) == (path, fmt)


def test_document_url_mapping_regressions() -> None:
    # A resource named "index" used to share its documents with the folder it is in.
    assert _doc_href("id/index", TURTLE) == "/id/indexindex.ttl"
    assert _split_suffix("id/indexindex.ttl") == ("id/index", TURTLE)
    assert _split_suffix("def/index.ttl") == ("def/", TURTLE)
    assert _split_suffix("index.html") == ("", HTML)
    # "id/.ttl" is the IRI id/.ttl, not a document of id/.
    assert _split_suffix("id/.ttl") == ("id/.ttl", None)
    # Document URLs used to carry raw non-ASCII, spaces and "<>" into headers.
    assert _doc_href("id/skåne <x>", TURTLE) == "/id/sk%C3%A5ne%20%3Cx%3E.ttl"


def test_iris_the_store_would_refuse_are_not_safe() -> None:
    for bad in ["%", "%zz", "a#b#c", "\x7f", "\x85", "\ue000", "\ufdd0", "\U0001fffe", "a\n"]:
        assert not is_safe_iri(f"http://127.0.0.1:8000/def/{bad}"), bad
    for good in ["%41", "a?b?c#d?e", "sk\u00e5ne", "?\ue000", "a(b)!$&'*+,;=:@~"]:
        assert is_safe_iri(f"http://127.0.0.1:8000/def/{good}"), good


def _encode(part: str) -> str:
    """Raw %-escapes as they are (``%0a``, ``%zz``); everything else (and a "%" followed by
    what no URL may hold raw, like ``%\x1f``) %-encoded."""
    raw = part.startswith("%") and part.isascii() and part.isprintable() and " " not in part
    return part if raw else quote(part, safe="/")


page_accept = st.one_of(
    st.none(),
    st.lists(
        st.tuples(
            st.sampled_from(
                [f.media_type for f in PAGE_FORMATS]
                + ["*/*", "text/*", "application/*", "image/png", "application/json", "x"]
            ),
            q,
        ).map("".join),
        max_size=4,
    ).map(", ".join),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)


@FUZZ
@given(
    st.sampled_from(["/id/", "/def/"]),
    st.lists(st.one_of(segment, st.sampled_from(["%0a", "%0d", "%2F", "%C3%A4", "%2e%2e"])),
             max_size=4).map(lambda parts: "/".join(map(_encode, parts))),
    st.sampled_from(["", *SUFFIXES]),
    page_accept,
)  # fmt: skip
def test_resource_urls_never_fail_and_negotiate_back_to_the_iri(
    client: TestClient, prefix: str, tail: str, suffix: str, accept: str | None
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    r = client.get(prefix + tail + suffix, headers=headers)
    assert r.status_code < 500, (r.status_code, r.text[:300])
    seen = unquote(r.request.url.raw_path.decode("ascii").partition("?")[0])
    if not seen.startswith(("/id/", "/def/")) or "\n" in seen.rstrip("\n"):
        return  # ".." took it elsewhere, or no route matches: only "no 5xx" applies
    assert r.status_code in (200, 404, 406), (r.status_code, r.text[:300])
    requested, fmt = _split_suffix(seen[1:])
    if fmt is not None:
        assert r.status_code != 406
        assert "content-location" not in r.headers
    elif r.status_code != 406:
        location = r.headers["content-location"]
        assert location.isascii()
        back, negotiated = _split_suffix(unquote(location)[1:])
        assert back == requested and negotiated is not None
        assert r.headers["content-type"].startswith(negotiated.media_type)
    if r.status_code == 200:
        assert is_safe_iri("http://127.0.0.1:8000/" + requested)
