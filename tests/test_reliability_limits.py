"""Time limit, result cap, request limits, headers, logs and metrics, in-process."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient

from kgraph.query.executor import ProcessExecutor, ThreadExecutor
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from kgraph.web.gate import TokenBuckets
from tests.conftest import make_settings
from tests.servers import wait_until

ROOT = Path(__file__).resolve().parent.parent
CAP = 10
HEAVY = "SELECT (COUNT(*) AS ?c) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ALL = "SELECT * WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def app_client(
    tmp_path_factory: pytest.TempPathFactory, repo_store: EmbeddedStore
) -> Iterator[TestClient]:
    settings = make_settings(
        tmp_path_factory.mktemp("limits"),
        query_timeout_s=1.0,
        max_result_rows=CAP,
        max_url_chars=2000,
        max_body_bytes=5000,
        max_query_chars=3000,
    )
    with TestClient(create_app(settings, repo_store)) as c:
        yield c


def test_query_past_the_limit_is_killed_and_answered_503(app_client: TestClient) -> None:
    executor = app_client.app.state.executor  # type: ignore[attr-defined]
    assert isinstance(executor, ProcessExecutor)
    before = set(executor.pids())
    r = app_client.get("/sparql", params={"query": HEAVY})
    assert r.status_code == 503
    assert "time limit of 1 s" in r.text
    gone = before - set(executor.pids())

    def reaped() -> bool:
        try:
            return all(
                not psutil.pid_exists(p) or psutil.Process(p).status() == "zombie" for p in gone
            )
        except psutil.NoSuchProcess:
            return True

    wait_until(reaped, 10, "the killed worker to exit")
    metrics = app_client.get("/metrics").text
    assert re.search(r"^kgraph_query_timeouts_total [1-9]", metrics, re.M)
    # the pool recovers: the next query is answered
    r = app_client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"}
    )
    assert r.json()["boolean"] is True


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_results_are_cut_at_the_cap_with_a_header(app_client: TestClient, fmt: str) -> None:
    r = app_client.get("/sparql", params={"query": ALL, "format": fmt})
    assert r.status_code == 200
    assert r.headers["x-kgraph-result-truncated"] == f"rows={CAP}"
    if fmt == "json":
        rows = r.json()["results"]["bindings"]
    elif fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        rows = ET.fromstring(r.content).findall(f"{ns}results/{ns}result")
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.text)))[1:]
    else:
        rows = r.text.splitlines()[1:]
    assert len(rows) == CAP


def test_capped_json_matches_the_engine_for_the_same_rows(
    app_client: TestClient, repo_store: EmbeddedStore
) -> None:
    query = (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?s ?label"
    )
    r = app_client.get("/sparql", params={"query": query, "format": "json"})
    expected = repo_store.select(query)[:CAP]
    got = r.json()["results"]["bindings"]
    assert [b["s"]["value"] for b in got] == [row["s"].value for row in expected]
    assert [b["label"].get("xml:lang") for b in got] == [row["label"].language for row in expected]


def test_construct_is_cut_too_and_small_results_are_not(app_client: TestClient) -> None:
    r = app_client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert r.headers["x-kgraph-result-truncated"] == f"rows={CAP}"
    assert len(r.text.strip().splitlines()) == CAP
    r = app_client.get("/sparql", params={"query": ALL + " LIMIT 3", "format": "json"})
    assert "x-kgraph-result-truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == 3


def test_no_cap_streams_whole_results_from_the_engine(
    tmp_path: Path, repo_store: EmbeddedStore
) -> None:
    settings = make_settings(tmp_path, max_result_rows=0)
    with TestClient(create_app(settings, repo_store)) as client:
        r = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/n-triples"},
        )
        rows = client.get("/sparql", params={"query": ALL, "format": "json"})
    assert r.status_code == rows.status_code == 200
    assert "x-kgraph-result-truncated" not in r.headers
    assert len(r.text.strip().splitlines()) == len(repo_store.select(ALL)) > 2000
    assert len(rows.json()["results"]["bindings"]) == len(repo_store.select(ALL))


def test_request_size_limits(app_client: TestClient) -> None:
    r = app_client.get("/sparql", params={"query": "ASK {} #" + "x" * 3000})
    assert r.status_code == 414 and "limit is 2000" in r.text
    r = app_client.post(
        "/sparql",
        content="ASK {}" + " " * 6000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413 and "limit of 5000" in r.text
    r = app_client.post(
        "/sparql",
        content="ASK {}" + " " * 3500,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413 and "3000" in r.text


def test_html_pages_carry_security_headers_that_the_page_satisfies(app_client: TestClient) -> None:
    r = app_client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"},
                       headers={"Accept": "text/html"})  # fmt: skip
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]
    # what the CSP forbids is not in the page: inline styles and executable inline scripts
    assert " style=" not in r.text and "<style" not in r.text
    for script in re.findall(r"<script[^>]*>", r.text):
        assert 'type="application/ld+json"' in script or "src=" in script
    assert app_client.get("/static/style.css").status_code == 200
    json_answer = app_client.get("/healthz")
    assert "content-security-policy" not in json_answer.headers
    assert json_answer.headers["x-content-type-options"] == "nosniff"


def test_templates_need_nothing_the_csp_forbids() -> None:
    templates = sorted((ROOT / "src" / "kgraph" / "web" / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle\s*=", text), f"{path.name}: inline style attribute"
        assert "<style" not in text, f"{path.name}: <style> element"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path.name}: inline event handler"
        for script in re.findall(r"<script[^>]*>", text):  # a script file, or JSON-LD data
            data = 'type="{{ formats_table.JSONLD.media_type }}"' in script
            assert "src=" in script or data, f"{path.name}: {script}"


def test_request_id_is_echoed_or_generated(app_client: TestClient) -> None:
    assert (
        app_client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = app_client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])


def test_access_log_is_one_json_line_per_request(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kgraph.access"):
        app_client.get("/healthz", headers={"X-Request-ID": "log-me"})
    entries = [json.loads(r.getMessage()) for r in caplog.records if r.name == "kgraph.access"]
    entry = next(e for e in entries if e["request_id"] == "log-me")
    assert entry["method"] == "GET" and entry["path"] == "/healthz" and entry["status"] == 200
    assert entry["bytes"] > 0 and entry["duration_ms"] >= 0 and entry["client"]


def test_server_bugs_are_500_without_a_traceback(
    tmp_path: Path, small_store: EmbeddedStore
) -> None:
    app = create_app(make_settings(tmp_path, query_workers=0), small_store)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom-for-test", boom)
    app.router.routes.insert(0, app.router.routes.pop())  # before the pages' catch-all

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom-for-test")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert "request id" in r.text


def test_metrics_by_route_template_and_per_app_registries(
    app_client: TestClient, tmp_path: Path, small_store: EmbeddedStore
) -> None:
    app_client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
    text = app_client.get("/metrics").text
    assert re.search(
        r'kgraph_http_requests_total\{method="GET",route="/sparql",status="200"\} \d', text
    )
    assert "kgraph_http_request_duration_seconds_bucket" in text
    assert re.search(r"^kgraph_store_triples [1-9]", text, re.M)
    other = create_app(make_settings(tmp_path, query_workers=0), small_store)
    with TestClient(other) as c:
        fresh = c.get("/metrics").text
    assert f"\nkgraph_store_triples {small_store.info().triples:.1f}\n" in fresh
    assert 'route="/sparql"' not in fresh


def test_rate_limit_answers_429_with_retry_after(
    tmp_path: Path, small_store: EmbeddedStore
) -> None:
    settings = make_settings(tmp_path, query_workers=0, rate_limit_per_minute=3)
    with TestClient(create_app(settings, small_store)) as c:
        codes = [c.get("/sparql", headers={"Accept": "text/turtle"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/sparql", headers={"Origin": "https://portal.example"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.headers["access-control-allow-origin"] == "*"  # a browser client can read it
        assert "3 a minute" in r.text
        assert c.get("/healthz").status_code == 200  # probes are not limited
        metrics = c.app.state.metrics.render().decode()  # type: ignore[attr-defined]
        assert "kgraph_rate_limited_total 2.0" in metrics


def test_token_buckets_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, 2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # per client
    now[0] = 1.0
    assert buckets.take("a") == 0.0


def test_remote_or_zero_workers_use_threads(tmp_path: Path, small_store: EmbeddedStore) -> None:
    app = create_app(make_settings(tmp_path, query_workers=0), small_store)
    assert isinstance(app.state.executor, ThreadExecutor)
