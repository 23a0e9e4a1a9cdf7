"""Screenshots of the main pages at 1280 and 375 px wide into docs/screenshots/.

`make screenshots` runs it.

The repository's data in a temporary store, the app under uvicorn on loopback, Debian's
Chromium through Playwright. Each page is taken in Swedish, full length.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser tests' helpers: one way to serve and launch

from tests.browser import ARGS, CHROMIUM, serve  # noqa: E402

from kgraph.settings import load_settings  # noqa: E402
from kgraph.shacl.reference import collect_rdf_files  # noqa: E402
from kgraph.store.embedded import EmbeddedStore  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PAGES = {
    "home": "/",
    "board": "/id/board/kalmar",
    "map": "/map",
    "timeline": "/timeline",
    "dataset": "/id/dataset/kvinnofrid",
}
WIDTHS = (1280, 375)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="kgraph-shots-"))
    try:
        settings = load_settings(None, store=str(tmp / "store"), dumps_dir=tmp / "dumps")
        base = settings.server.base_iri
        store = EmbeddedStore(settings.paths.store_path, writable=True)
        store.replace(collect_rdf_files([ROOT / "ontology", ROOT / "data"]), base_iri=base)
        OUT.mkdir(parents=True, exist_ok=True)
        with serve(settings, store) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900}, locale="sv-SE")
                for name, path in PAGES.items():
                    page.goto(url + path + "?lang=sv")
                    target = OUT / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(ROOT))
                page.close()
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
