"""Publishing to and serving from a real Oxigraph server."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kgraph.build.publish import publish, remote_settings
from kgraph.cli import main
from kgraph.errors import StoreUnavailable
from kgraph.formats import NTRIPLES, RDF_FORMATS, RESULT_FORMATS
from kgraph.settings import Settings
from kgraph.store.remote import META_GRAPH, STAGING_PREFIX, Endpoints, RemoteStore
from kgraph.web.app import create_app
from tests.servers import wait_until

from .servers import FIXTURE, ROOT, Server, free_port, start_oxigraph, synthetic
from .servers import remote_settings as app_settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("remote")]


def ox_settings(tmp: Path, server: Server, **kw: object) -> Settings:
    s = app_settings(tmp, server.urls["query"], **kw)
    return remote_settings(s, to=server.urls["update"], graph_store_url=server.urls["store"])


def publish_cli(server: Server, graph: str, *paths: Path, extra: tuple[str, ...] = ()) -> None:
    main(
        [
            "publish",
            *map(str, paths),
            "--to",
            server.urls["update"],
            "--graph-store-url",
            server.urls["store"],
            "--graph",
            graph,
            *extra,
        ]
    )


def graphs(store: RemoteStore) -> set[str]:
    rows = store._run("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows()
    return {r["g"].value for r in rows}


def test_publish_then_republish_changed_data(
    oxigraph: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ox_settings(tmp_path, oxigraph)
    graph = settings.remote.graph
    assert graph is not None
    v1 = synthetic(tmp_path / "v1.ttl", 300, "v1")
    publish_cli(oxigraph, graph, FIXTURE, v1)
    out = capsys.readouterr().out
    store = RemoteStore.from_settings(settings)
    first = store.info()
    assert f"published {first.triples} triples into <{graph}>" in out
    assert first.triples == 34 + 300
    assert store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value == "334"
    # blank-node chains survived the chunked upload intact
    chains = store.select(
        "PREFIX ex: <http://example.org/synth/> "
        "SELECT (COUNT(*) AS ?n) { ?i ex:part/ex:sub/ex:value ?v }"
    )
    assert chains[0]["n"].value == "50"

    v2 = synthetic(tmp_path / "v2.ttl", 120, "v2")
    publish_cli(oxigraph, graph, v2, extra=("--query-url", oxigraph.urls["query"]))
    second = store.info()
    assert second.version != first.version
    assert second.triples == 120
    assert not store.ask('ASK { ?s ?p "v1" }')
    assert store.ask('ASK { ?s ?p "v2" }')
    assert {graph, META_GRAPH} <= graphs(store)
    assert not any(g.startswith(STAGING_PREFIX) for g in graphs(store))


def test_publish_without_graph_store_uses_insert_data(oxigraph: Server, tmp_path: Path) -> None:
    base = app_settings(tmp_path, oxigraph.urls["query"], remote_chunk_bytes=2000)
    settings = remote_settings(base, to=oxigraph.urls["update"])
    assert settings.remote.graph_store_url is None
    chunks: list[int] = []
    result = publish(
        settings, [synthetic(tmp_path / "d.ttl", 600)], on_chunk=lambda n, _: chunks.append(n)
    )
    assert result.info.triples == 600
    assert len(chunks) > 5  # really chunked
    store = RemoteStore.from_settings(settings)
    assert (
        store.select(
            "PREFIX ex: <http://example.org/synth/> "
            "SELECT (COUNT(*) AS ?n) { ?i ex:part/ex:sub ?b }"
        )[0]["n"].value
        == "100"
    )


def test_server_killed_mid_upload_leaves_old_graph(tmp_path: Path) -> None:
    port = free_port()
    server = start_oxigraph(tmp_path / "db", port)
    try:
        settings = ox_settings(tmp_path, server, remote_chunk_bytes=1500, remote_retries=1)
        publish(settings, [synthetic(tmp_path / "old.ttl", 60, "old")])
        before = RemoteStore.from_settings(settings).info()

        def kill_after_two(n: int, total: int) -> None:
            assert total > 3
            if n == 2:
                server.stop()

        with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}"):
            publish(
                settings, [synthetic(tmp_path / "new.ttl", 600, "new")], on_chunk=kill_after_two
            )
        server = start_oxigraph(tmp_path / "db", port)
        store = RemoteStore.from_settings(settings)
        assert store.info() == before
        assert store.ask('ASK { ?s ?p "old" }') and not store.ask('ASK { ?s ?p "new" }')
        leftovers = [g for g in graphs(store) if g.startswith(STAGING_PREFIX)]
        assert len(leftovers) == 1  # the dead run could not clean up...

        publish(settings, [synthetic(tmp_path / "new.ttl", 600, "new")])  # ...a re-run does
        assert store.info().triples == 600
        assert not any(g.startswith(STAGING_PREFIX) for g in graphs(store))
    finally:
        server.stop()


# Runs `kgraph publish` with the chunk upload held after the second chunk has reached
# the staging graph: the marker file (holding the staging graph's name) says "kill me now".
KILLABLE_PUBLISH = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from kgraph import cli
    from kgraph.store.remote import RemoteStore

    marker = Path(sys.argv[1])
    upload = RemoteStore._upload_chunk
    sent = []

    def held_upload(store, staging, data):
        upload(store, staging, data)
        sent.append(len(data))
        if len(sent) == 2:
            marker.write_text(staging)
            threading.Event().wait()  # hold still, mid-upload, until killed

    RemoteStore._upload_chunk = held_upload
    cli.main(sys.argv[2:])
    """
)


def test_sigkill_during_publish_keeps_the_previous_version(
    oxigraph: Server, tmp_path: Path
) -> None:
    settings = ox_settings(tmp_path, oxigraph)
    graph = settings.remote.graph
    assert graph is not None
    old = synthetic(tmp_path / "a.ttl", 120, "vA")
    new = synthetic(tmp_path / "b.ttl", 600, "vB")
    a = publish(settings, [old]).info
    assert a.triples == 120
    store = RemoteStore.from_settings(settings)
    only_a = 'ASK { ?s ?p "item 3 vA"@sv }'
    only_b = 'ASK { ?s ?p "item 3 vB"@sv }'
    marker = tmp_path / "uploading"
    argv = [
        "publish", str(new), "--to", oxigraph.urls["update"],
        "--graph-store-url", oxigraph.urls["store"], "--graph", graph,
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "KGRAPH_REMOTE_CHUNK_BYTES": "2000",  # B goes up in many requests
        "KGRAPH_REMOTE_RETRIES": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_PUBLISH, str(marker), *argv],
        env=env, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until(marker.exists, 60, "the publish to upload two chunks", proc=proc)
    except RuntimeError as exc:
        pytest.fail(f"{exc}: {proc.stderr.read().decode() if proc.stderr else ''}")
    staging = marker.read_text()
    assert staging.startswith(STAGING_PREFIX)
    assert staging in graphs(store)  # B was half-way up when the publisher died
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL
    if proc.stderr:
        proc.stderr.close()

    # Graph G still holds exactly version A.
    assert store.info() == a
    live = store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value
    assert int(live) == a.triples
    assert store.ask(only_a) and not store.ask(only_b)
    # An app restarted over the remote store serves A.
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz").json()
        assert (ready["version"], ready["triples"]) == (a.version, a.triples)
        r = client.get(
            "/sparql",
            params={"query": only_b},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200 and r.json()["boolean"] is False

    # Publishing B again succeeds, drops the dead run's staging graph and serves B whole.
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", *argv],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    b = store.info()
    assert b.version != a.version and b.triples == 600
    live = store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value
    assert int(live) == 600
    assert store.ask(only_b) and not store.ask(only_a)
    assert not any(g.startswith(STAGING_PREFIX) for g in graphs(store))
    named = store._run("SELECT DISTINCT ?g { GRAPH ?g {} }").rows()  # empty ones too
    assert not any(r["g"].value.startswith(STAGING_PREFIX) for r in named)
    assert not store._run(f"ASK {{ GRAPH <{META_GRAPH}> {{ ?g ?p <{graph}> }} }}").boolean()
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz").json()
        assert (ready["version"], ready["triples"]) == (b.version, 600)


def test_rejected_upload_is_one_line_and_keeps_graph(
    oxigraph: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ox_settings(tmp_path, oxigraph)
    graph = settings.remote.graph
    assert graph is not None
    publish(settings, [FIXTURE])
    before = RemoteStore.from_settings(settings).info()
    wrong = oxigraph.urls["query"]  # not a graph store: the upload is refused
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "publish",
                str(FIXTURE),
                "--to",
                oxigraph.urls["update"],
                "--graph-store-url",
                wrong,
                "--graph",
                graph,
            ]
        )
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("kgraph: error: remote store ")
    assert wrong in err and "data upload" in err
    store = RemoteStore.from_settings(settings)
    assert store.info() == before
    assert not any(g.startswith(STAGING_PREFIX) for g in graphs(store))


def test_bad_file_is_refused_before_upload(
    oxigraph: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('<a> <b> "c" .\n<a> <b> .\n')
    graph = "urn:test:bad-file"
    with pytest.raises(SystemExit) as exc:
        publish_cli(oxigraph, graph, bad)
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"{bad}:2" in err
    store = RemoteStore.from_settings(ox_settings(tmp_path, oxigraph, remote_graph=graph))
    assert store.info().triples == 0


@pytest.mark.parametrize("command", ["query", "publish"])
def test_unreachable_store(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KGRAPH_REMOTE_RETRIES", "0")
    url = f"http://127.0.0.1:{free_port()}/query"
    argv = (
        ["query", "--store", url, "ASK {}"]
        if command == "query"
        else ["publish", str(FIXTURE), "--to", url.replace("/query", "/update")]
    )
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"remote store {url} is unreachable" in err


def test_app_over_oxigraph(oxigraph: Server, tmp_path: Path) -> None:
    settings = ox_settings(tmp_path, oxigraph)
    publish(settings, [FIXTURE])
    expected = RemoteStore.from_settings(settings).info()
    with TestClient(create_app(settings)) as client:
        r = client.get("/readyz")
        assert r.status_code == 200, r.text
        q = "SELECT ?label WHERE { <id/county/blekinge> rdfs:label ?label } ORDER BY ?label"
        q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + q
        r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/json"})
        assert r.status_code == 200, r.text
        labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
        assert labels == ["Blekinge County", "Blekinge län"]
        for fmt in RESULT_FORMATS:
            r = client.get("/sparql", params={"query": q, "format": fmt.name})
            assert r.status_code == 200 and "Blekinge" in r.text, fmt
        d = f"DESCRIBE <{settings.server.base_iri}id/county/kalmar>"
        for fmt in RDF_FORMATS:
            r = client.post(
                "/sparql",
                content=d,
                headers={"Content-Type": "application/sparql-query", "Accept": fmt.media_type},
            )
            assert r.status_code == 200 and "Kalmar" in r.text, fmt
        # only the published graph is visible, whatever the query asks for
        r = client.get(
            "/sparql",
            params={
                "query": f"SELECT * {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}",
                "format": "json",
            },
        )
        assert r.json()["results"]["bindings"] == []
        r = client.get(
            "/sparql",
            params={
                "query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
                "default-graph-uri": META_GRAPH,
                "format": "json",
            },
        )
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"
        r = client.get("/sparql", params={"query": "SELEKT * {}"})
        assert r.status_code == 400 and "rejected the query" in r.text
    store = RemoteStore.from_settings(settings)
    assert store.info() == expected
    dumped = tmp_path / "dump.nt"
    with dumped.open("wb") as fh:
        store.dump(NTRIPLES, fh)
    assert len(dumped.read_bytes().splitlines()) == expected.triples
    assert json.loads(store.describe(f"{settings.server.base_iri}id/county/kalmar", RDF_FORMATS[3]))


def test_repository_data_publishes_whole(
    oxigraph: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kgraph publish` with no paths: ontology/ and data/, validated, nothing lost."""
    from kgraph.shacl.reference import collect_rdf_files
    from kgraph.store.embedded import EmbeddedStore

    graph = "urn:test:repository"
    publish_cli(oxigraph, graph)
    assert "published" in capsys.readouterr().out
    local = EmbeddedStore(tmp_path / "store", writable=True)
    files = collect_rdf_files([ROOT / "ontology", ROOT / "data"])
    built = local.replace(files, base_iri="http://127.0.0.1:8000/")
    remote = RemoteStore.from_settings(ox_settings(tmp_path, oxigraph, remote_graph=graph))
    assert remote.info().triples == built.triples > 100
    for q in (
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",  # the union: each statement once
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",  # each graph's statements
    ):
        assert remote.select(q)[0]["n"].value == local.select(q)[0]["n"].value, q
    # who says what: the same answers, graph by graph
    per_graph = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    answer = [(r["g"].value, r["n"].value) for r in local.select(per_graph)]
    assert [(r["g"].value, r["n"].value) for r in remote.select(per_graph)] == answer
    assert len(answer) == 12
    who = (
        "SELECT ?g WHERE { GRAPH ?g { ?b <http://xmlns.com/foaf/0.1/homepage> "
        "<http://www.lansstyrelsen.se/kalmar> } }"
    )
    assert [r["g"].value for r in remote.select(who)] == [
        "http://127.0.0.1:8000/id/graph/nck-lansstyrelsen-kalmar"
    ]
    outside = "ASK { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    assert not remote.ask(outside) and not local.ask(outside)


SOURCES = """@prefix ex: <http://example.org/> .
ex:page1 { ex:report ex:title "Rapport" ; ex:year 2004 ; ex:part [ ex:n 1 ] . }
ex:page2 { ex:report ex:title "Rapport" . ex:other ex:name "Örebro" . }
ex:editorial { ex:report ex:topic ex:violence . }
"""
GRAPH_QUERIES = [
    "SELECT ?s ?p ?o { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    'SELECT ?g { GRAPH ?g { <http://example.org/report> ?p "Rapport" } }',
    "SELECT ?g ?s { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } }",
    "SELECT ?o FROM <http://example.org/page2> { ?s ?p ?o }",
    "SELECT ?g ?o FROM NAMED <http://example.org/editorial> { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?o FROM NAMED <http://example.org/editorial> { ?s ?p ?o }",  # no default graph
    "SELECT ?s { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }",
    "SELECT ?n { ?r <http://example.org/part> [ <http://example.org/n> ?n ] }",
]


def test_named_graphs_answer_as_on_the_embedded_store(oxigraph: Server, tmp_path: Path) -> None:
    from kgraph.store.embedded import EmbeddedStore

    data = tmp_path / "sources.trig"
    data.write_text(SOURCES, encoding="utf-8")
    settings = ox_settings(tmp_path, oxigraph, remote_graph="urn:test:sources")
    publish(settings, [data])
    local = EmbeddedStore(tmp_path / "local", writable=True)
    local.replace([data], base_iri=settings.server.base_iri)
    remote = RemoteStore.from_settings(settings)

    def answer(store: object, q: str, **kw: object) -> list[tuple[str, ...]]:
        rows = store.query(q, **kw).rows()  # type: ignore[attr-defined]
        return sorted(tuple(str(t.value) for t in r.values()) for r in rows)

    for q in GRAPH_QUERIES:
        assert answer(remote, q) == answer(local, q), q
    one = ["http://example.org/page1"]
    q = "SELECT ?o { ?s ?p ?o FILTER(!isBlank(?o)) }"
    assert answer(remote, q, default_graphs=one) == answer(local, q, default_graphs=one)
    assert remote.info().triples == local.info().triples == 7
    assert set(remote.named_graphs()) == {
        "http://example.org/page1", "http://example.org/page2", "http://example.org/editorial",
    }  # fmt: skip
    # nothing outside the publication: not the meta graph, not another publication
    assert answer(remote, f"SELECT * FROM <{META_GRAPH}> {{ ?s ?p ?o }}") == []
    # dumps: the dataset formats hold the graphs, the graph formats the union
    from kgraph.formats import NQUADS

    nq = io.BytesIO()
    remote.dump(NQUADS, nq)
    quads = list(ox.parse(nq.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 7 and {q.graph_name.value for q in quads} == set(remote.named_graphs())
    # the server itself, asked without a dataset, answers from its union default graph
    direct = RemoteStore(Endpoints(query=oxigraph.urls["query"]), remote.client)
    raw = direct._run('ASK { <http://example.org/other> ?p "Örebro" }')
    assert raw.boolean() is True

    # republishing without a graph drops it; readers see the old or the new set whole
    data.write_text(SOURCES.split("ex:editorial")[0], encoding="utf-8")
    publish(settings, [data])
    assert "http://example.org/editorial" not in graphs(remote)
    assert answer(remote, "SELECT ?o { ?s <http://example.org/topic> ?o }") == []
    remote.info()  # what every request does first: the graph list is read again with it
    assert len(remote.named_graphs()) == 2


def test_every_web_feature_over_oxigraph(oxigraph: Server, tmp_path: Path) -> None:
    """Pages, search, VoID, catalogue and dumps work unchanged over the remote store."""
    from kgraph.shacl.reference import collect_rdf_files

    settings = ox_settings(tmp_path, oxigraph, remote_graph="urn:test:web")
    publish(settings, collect_rdf_files([ROOT / "ontology", ROOT / "data"]))
    with TestClient(create_app(settings)) as client:
        home = client.get("/", headers={"Accept": "text/html"})
        assert home.status_code == 200 and "Kalmar" in home.text
        hits = client.get("/search", params={"q": "ratten till ett eget liv", "format": "json"})
        assert hits.status_code == 200, hits.text
        assert any("ratten-till-ett-eget-liv" in str(h) for h in hits.json()["results"])
        board = client.get("/id/board/kalmar", headers={"Accept": "text/html"})
        assert board.status_code == 200 and "<svg" in board.text
        ttl = client.get("/id/board/kalmar.ttl")
        assert ttl.status_code == 200 and "Kalmar County Administrative Board" in ttl.text
        assert client.get("/id/board/atlantis.ttl").status_code == 404
        import rdflib

        # the union (the default graph): each statement once, whatever graphs state it
        remote = RemoteStore.from_settings(settings)
        expected = int(remote.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value)
        assert expected < remote.info().triples  # some statements are made by several pages
        void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert void.status_code == 200
        vg = rdflib.Graph().parse(data=void.text, format="turtle")
        dataset = rdflib.URIRef(settings.server.base_iri + "id/dataset/kvinnofrid")
        assert int(vg.value(dataset, rdflib.VOID.triples)) == expected
        catalog = client.get("/catalog.rdf")
        assert catalog.status_code == 200
        cg = rdflib.Graph().parse(data=catalog.text, format="xml")
        assert (None, rdflib.RDF.type, rdflib.DCAT.Catalog) in cg
        index = client.get("/dumps/", headers={"Accept": "application/json"})
        assert index.status_code == 200, index.text
        names = [d["name"] for d in index.json()["files"]]
        assert any(n.endswith(".nt.gz") for n in names)
        assert {"kvinnofrid.trig", "kvinnofrid.nq.gz"} <= set(names)  # the graphs, kept
        nt = client.get("/dumps/" + next(n for n in names if n.endswith(".nt.gz")))
        import gzip

        lines = gzip.decompress(nt.content).splitlines()
        assert len(lines) == expected
