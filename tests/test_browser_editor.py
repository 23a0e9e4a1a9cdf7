"""The SPARQL editor (YASGUI) in a real browser: Chromium driven by Playwright, over uvicorn.

It types a query and runs it with Ctrl+Enter, sees rows in a sortable, paged table whose
IRIs link to the site's pages by their labels; makes a syntax error and sees it marked at
its line and column, the query kept; runs every example query from the page; and records
every request the page makes: none goes to another origin, and nothing breaks the CSP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kgraph.linkeddata.examples import load_examples
from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore
from tests.browser import ARGS, ARTIFACTS, CHROMIUM, serve
from tests.conftest import ROOT

YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
    pytest.mark.skipif(not YASGUI.is_file(), reason="YASGUI is not installed (make runs npm ci)"),
]

WATCH_CSP = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
)
EDITOR_VALUE = "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


@pytest.fixture(scope="module")
def server_url(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[str]:
    with serve(repo_settings, repo_store) as url:
        yield url


def type_query(page: object, text: str) -> None:
    editor = page.locator(".tabPanel.active .CodeMirror textarea")  # type: ignore[attr-defined]
    editor.focus()
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.press("Delete")  # type: ignore[attr-defined]
    page.keyboard.insert_text(text)  # type: ignore[attr-defined]


def test_the_editor(server_url: str, repo_settings: Settings) -> None:
    from playwright.sync_api import expect, sync_playwright

    examples = load_examples(repo_settings.paths.queries_dir)
    assert len(examples) == 17
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 1000})
            context.add_init_script(WATCH_CSP)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server_url + "/sparql")
            expect(page.locator(".tabPanel.active .CodeMirror")).to_be_visible()
            expect(page.locator("#plain-editor")).to_be_hidden()  # the form gives way
            assert "PREFIX kg: <" in page.evaluate(EDITOR_VALUE)  # the graph's prefixes

            # a query, Ctrl+Enter, rows in a paged table
            base = repo_settings.server.base_iri
            type_query(
                page,
                "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
                f'FILTER(STRSTARTS(STR(?s), "{base}id/")) }} LIMIT 120',
            )
            page.keyboard.press("Control+Enter")
            expect(page.locator(ROWS)).to_have_count(50)  # the first page of 50
            expect(page.locator(".tabPanel.active .dt-info")).to_contain_text("av 120")
            # IRIs: links to the site's pages, shown by their labels
            link = page.locator(f"{ROWS} a.iri").first
            expect(link).to_have_attribute("href", re.compile(r"^/id/"))
            expect(link).not_to_contain_text("http")
            assert (link.get_attribute("title") or "").startswith(base + "id/")
            page.locator(".tabPanel.active .dt-paging button.next").click()
            expect(page.locator(".tabPanel.active .dt-info")).to_contain_text("Rad 51–100")
            header = page.locator(".tabPanel.active .yasr thead th").nth(1)
            header.click()  # sortable
            expect(header).to_have_attribute("aria-sort", "ascending")
            downloads = page.locator("#editor-tools .downloads a")
            expect(downloads).to_have_count(4)
            assert "format=csv" in (downloads.nth(2).get_attribute("href") or "")
            share = page.locator("#editor-tools a.share").get_attribute("href") or ""
            assert share.startswith(server_url + "/sparql?query=SELECT")
            page.screenshot(path=str(ARTIFACTS / "editor-rows.png"), full_page=True)

            # a syntax error: marked at its line and column, the query kept
            broken = "SELECT * WHERE {\n  ?s ?p\n}"
            type_query(page, broken)
            page.keyboard.press("Control+Enter")
            mark = page.locator(".tabPanel.active .kg-error-mark")
            expect(mark).to_be_visible()
            assert (mark.get_attribute("data-line"), mark.get_attribute("data-column")) == (
                "2",
                "3",
            )
            expect(page.locator(".tabPanel.active .kg-query-error")).to_contain_text(
                "rad 2, kolumn 3: trippelmönstret '?s ?p' saknar objekt"
            )
            assert page.evaluate(EDITOR_VALUE) == broken
            page.screenshot(path=str(ARTIFACTS / "editor-error.png"), full_page=True)

            # every example query from the page, each in its own tab
            for example in examples:
                page.locator(f'a[data-example="{example.slug}"]').click()
                tab = page.locator(".tabsList .tab.active")
                expect(tab).to_contain_text(example.title_in("sv")[:20])
                expect(page.locator(ROWS).first).to_be_visible(timeout=20_000)
                assert page.locator(".tabPanel.active .kg-query-error").count() == 0, example
            page.screenshot(path=str(ARTIFACTS / "editor-examples.png"), full_page=True)
            assert page.evaluate("window.__csp") == []
            assert errors == []
        finally:
            browser.close()
    others = [u for u in requests if u.startswith("http") and not u.startswith(server_url)]
    assert requests and others == []  # no request to another origin
