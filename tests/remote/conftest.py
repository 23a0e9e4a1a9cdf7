"""Fixtures: one Oxigraph server and one Virtuoso per test session (see servers.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .servers import ROOT, Server, start_oxigraph, start_virtuoso


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_kgraph_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI runs in these tests must not pick up the developer's KGRAPH_* settings."""
    for name in list(os.environ):
        if name.startswith("KGRAPH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT)
