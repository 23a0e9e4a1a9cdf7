"""Property-based fuzzing: bad input is a clear 4xx (or a KgraphError), never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.errors import InputError
from kgraph.negotiation import choose
from kgraph.protocol import QueryRequest, parse_query_request
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
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
