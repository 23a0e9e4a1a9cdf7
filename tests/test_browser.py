"""The pages in a real browser: headless Chromium driven by Playwright, over uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore
from tests.browser import ARGS, ARTIFACTS, CHROMIUM, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (scripts/install-system-deps.sh installs it)",
    ),
]


@pytest.fixture(scope="module")
def server_url(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[str]:
    with serve(repo_settings, repo_store) as url:
        yield url


def test_search_report_then_board(server_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="sv-SE", viewport={"width": 1200, "height": 900})
            page = context.new_page()
            blocked: list[str] = []  # what the Content-Security-Policy refused, if anything
            page.on(
                "console",
                lambda msg: (
                    blocked.append(msg.text) if "Content Security Policy" in msg.text else None
                ),
            )
            first_load = page.goto(server_url + "/")
            assert first_load is not None
            assert "default-src" in (first_load.headers.get("content-security-policy") or "")
            expect(page.locator("h1")).to_contain_text("Länsstyrelsernas arbete")
            expect(page.locator("html")).to_have_attribute("lang", "sv")
            expect(page.get_by_role("link", name="Ställ egna frågor med SPARQL")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

            page.get_by_label("Sök bland namn, titlar och nummer").fill("Rätten till ett eget liv")
            page.get_by_role("button", name="Sök", exact=True).click()
            page.wait_for_url("**/search?q=*")
            first = page.locator("ol.hits li a").first
            expect(first).to_contain_text("Rätten till ett eget liv")
            page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

            first.click()
            page.wait_for_url("**/id/publication/ratten-till-ett-eget-liv-2004-6?lang=sv")
            expect(page.locator("h1")).to_contain_text("Rätten till ett eget liv")
            creators = page.locator("#chart-creators")
            expect(creators).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "publication.png"), full_page=True)

            page.locator('dl.props a[href="/id/board/kalmar?lang=sv"]').first.click()
            page.wait_for_url("**/id/board/kalmar?lang=sv")
            expect(page.locator("h1")).to_have_text("Länsstyrelsen i Kalmar län")
            expect(page.locator("nav.crumbs")).to_contain_text("Länsstyrelse")
            years = page.locator("svg#chart-years")
            expect(years).to_be_visible()
            box = years.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
            assert years.locator("rect").count() >= 3
            expect(page.locator("svg#chart-coauthors")).to_be_visible()
            expect(page.locator("svg#chart-coauthors")).to_contain_text("Blekinge")
            expect(page.get_by_role("heading", name="Nämns i")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "board-kalmar.png"), full_page=True)

            page.get_by_role("link", name="In English").click()
            expect(page.locator("h1")).to_have_text("Kalmar County Administrative Board")
            expect(page.get_by_role("heading", name="Mentioned in")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "board-kalmar-en.png"), full_page=True)
            assert blocked == [], blocked  # the pages satisfy their own CSP
        finally:
            browser.close()
    for name in ("home", "search", "publication", "board-kalmar", "board-kalmar-en"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
