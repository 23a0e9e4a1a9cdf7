"""Shared fixtures: settings, a store built from the repository's data, the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.settings import Settings, load_settings
from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8000/"
VALUE_QUERY = "SELECT ?o WHERE { <http://example.org/a> <http://example.org/p> ?o }"


def load_value(store: EmbeddedStore, tmp: Path, value: str) -> None:
    """Replace ``store``'s data with the one triple VALUE_QUERY finds, its object ``value``."""
    ttl = tmp / f"{value}.ttl"
    ttl.write_text(f'<http://example.org/a> <http://example.org/p> "{value}" .', encoding="utf-8")
    store.replace([ttl], base_iri=BASE)


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings for a test: repository folders, a store under ``tmp``, no config file."""
    values: dict[str, object] = {
        "base_iri": BASE,
        "store": str(tmp / "store"),
        "ontology_dir": ROOT / "ontology",
        "data_dir": ROOT / "data",
        "shapes_dir": ROOT / "shapes",
        "queries_dir": ROOT / "queries",
        "dumps_dir": tmp / "dumps",
    }
    values.update(overrides)
    return load_settings(None, **values)


@pytest.fixture(scope="session")
def repo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="session")
def repo_store(repo_settings: Settings) -> EmbeddedStore:
    """The repository's ontology and data, loaded (without validation) once per session."""
    store = EmbeddedStore(repo_settings.paths.store_path, writable=True)
    files = collect_rdf_files([ROOT / "ontology", ROOT / "data"])
    store.replace(files, base_iri=repo_settings.server.base_iri)
    return store


@pytest.fixture(scope="session")
def client(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[TestClient]:
    """An in-process client of the app over the repository's data."""
    with TestClient(create_app(repo_settings, repo_store)) as c:
        yield c


@pytest.fixture(autouse=True)
def _client_forgets_cookies(request: pytest.FixtureRequest) -> Iterator[None]:
    """The shared client starts each test without the language cookie an earlier one set."""
    yield
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()


@pytest.fixture
def small_store(tmp_path: Path) -> EmbeddedStore:
    """A store with a few triples in the default graph and two named graphs."""
    ttl = tmp_path / "small.trig"
    ttl.write_text(
        """@prefix ex: <http://example.org/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:a rdfs:label "A"@sv ; ex:p ex:b .
        ex:b rdfs:label "B <b>&amp;"@en .
        <http://example.org/g1> { ex:g1s a ex:Thing . }
        <http://example.org/g2> { ex:g2s a ex:Thing . }
        """,
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store", writable=True)
    store.replace([ttl], base_iri=BASE)
    return store
