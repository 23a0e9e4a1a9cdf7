"""Screenshots of the main pages at 1280 and 375 px wide into docs/screenshots/ (`make screenshots`).

The repository's data in a temporary store, the app under uvicorn on loopback, Debian's
Chromium through Playwright. Each page is taken in Swedish, full length.
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from kgraph.settings import load_settings
from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = {
    "home": "/",
    "board": "/id/board/kalmar",
    "map": "/map",
    "timeline": "/timeline",
    "dataset": "/id/dataset/kvinnofrid",
}
WIDTHS = (1280, 375)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def main() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    tmp = Path(tempfile.mkdtemp(prefix="kgraph-shots-"))
    try:
        settings = load_settings(None, base_iri=base, store=str(tmp / "store"),
                                 dumps_dir=tmp / "dumps")  # fmt: skip
        store = EmbeddedStore(settings.paths.store_path, writable=True)
        store.replace(collect_rdf_files([ROOT / "ontology", ROOT / "data"]), base_iri=base)
        server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1",
                                               port=port, log_level="warning"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        OUT.mkdir(parents=True, exist_ok=True)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900}, locale="sv-SE")
                for name, path in PAGES.items():
                    page.goto(base.rstrip("/") + path + "?lang=sv")
                    target = OUT / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(ROOT))
                page.close()
            browser.close()
        server.should_exit = True
        thread.join(10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
