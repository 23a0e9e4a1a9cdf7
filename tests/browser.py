"""A real browser for the tests: Debian's Chromium driven by Playwright, the app under uvicorn."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import httpx
import uvicorn

from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.web.app import create_app
from kgraph.web.server import BoundedHttpToolsProtocol
from tests.conftest import ROOT
from tests.servers import free_port, wait_until

ProfileFunction = Callable[[FrameType, str, Any], object]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# No connection leaves the machine: Chromium's own background traffic is switched off.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serve(
    settings: Settings,
    store: GraphStore,
    *,
    bounded: bool = False,
    profile: ProfileFunction | None = None,
) -> Iterator[str]:
    """The app over ``store`` under uvicorn on a free loopback port; yields its URL.
    ``bounded``: with kgraph's own HTTP protocol, as ``kgraph serve`` runs it;
    ``profile``: a profile hook for every call in the server's thread."""
    port = free_port()
    extra: dict[str, Any] = {}
    if bounded:
        BoundedHttpToolsProtocol.configure(settings)
        extra["http"] = BoundedHttpToolsProtocol
    config = uvicorn.Config(
        create_app(settings, store), host="127.0.0.1", port=port, log_level="warning",
        lifespan="on", **extra,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    if profile is not None:  # threads started from now on are profiled
        threading.setprofile(profile)
    try:
        thread.start()
    finally:
        if profile is not None:
            threading.setprofile(None)  # type: ignore[arg-type]
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert thread.is_alive(), "uvicorn stopped before it was ready"
        try:
            return httpx.get(url + "/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(ready, 20, "uvicorn ready")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
