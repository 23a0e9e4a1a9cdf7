"""WCAG 2.1 AA in a real browser: axe-core over every page type in both languages, reflow at
320 px, and a language choice that holds while a reader follows links.

axe-core comes from the npm registry (package-lock.json, ``npm ci`` by ``make``) and is
evaluated in the page through the DevTools protocol, so the pages keep their own
Content-Security-Policy. Every ``<details>`` is opened first, so the data tables behind
the charts are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore
from tests.browser import ARGS, AXE, CHROMIUM, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
    pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (make runs npm ci)"),
]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SELECT = "SELECT ?c ?code WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?code }"
# every page type that is not a resource page
SITE_PAGES = [
    ("home", "/"),
    ("editor", "/sparql"),
    ("results", "/sparql?format=html&query=" + quote(SELECT)),
    ("search", "/search?q=kalmar"),
    ("search, page 2 of a kind", "/search?q=l&type=Publication&page=2"),
    ("search, nothing found", "/search?q=qqqzzzxx"),
    ("search, did you mean", "/search?q=kalmr"),
    ("catalogue", "/catalog"),
    ("downloads", "/dumps/"),
    ("VoID", "/.well-known/void"),
    ("dataset", "/id/dataset/kvinnofrid"),
    ("ontology", "/def/"),
    ("class", "/def/Report"),
    ("map", "/map"),
    ("map of activities", "/map?measure=activities"),
    ("timeline", "/timeline"),
    ("network", "/network"),
    ("about", "/about"),
    ("accessibility statement", "/accessibility"),
    ("404", "/id/no-such-thing"),
    ("error", "/search?q=a&limit=0"),
]
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"
RUN_AXE = (
    "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
    ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))"
    ".slice(0, 3)}))"
)


@pytest.fixture(scope="module")
def server_url(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[str]:
    with serve(repo_settings, repo_store) as url:
        yield url


@pytest.fixture(scope="module")
def pages(repo_settings: Settings, repo_store: EmbeddedStore) -> list[tuple[str, str]]:
    """The site's own pages and the first resource of every class in the data."""
    base = repo_settings.server.base_iri
    rows = repo_store.select(
        f"SELECT ?c (MIN(STR(?s)) AS ?first) WHERE {{ ?s a ?c "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }} GROUP BY ?c ORDER BY ?c'
    )
    resources = {r["first"].value for r in rows}
    assert len(rows) >= 35 and len(resources) >= 25, "a resource of every class"
    return SITE_PAGES + [
        (f"resource {iri[len(base) :]}", "/" + iri[len(base) :]) for iri in sorted(resources)
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_axe_finds_no_violation_on_any_page_type(
    browser: Any, server_url: str, pages: list[tuple[str, str]], lang: str
) -> None:
    axe = AXE.read_text(encoding="utf-8")
    context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB")
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}
    checked = 0
    for name, path in pages:
        sep = "&" if "?" in path else "?"
        page.goto(f"{server_url}{path}{sep}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang, name
        page.evaluate(OPEN_DETAILS)
        page.evaluate(axe + "\n;true")
        violations = page.evaluate(RUN_AXE, TAGS)
        if violations:
            found[name] = violations
        checked += 1
    context.close()
    assert checked == len(pages) >= 45
    assert found == {}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_page_scrolls_sideways_at_320_px(
    browser: Any, server_url: str, pages: list[tuple[str, str]], lang: str
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = {}
    for name, path in pages:
        sep = "&" if "?" in path else "?"
        page.goto(f"{server_url}{path}{sep}lang={lang}")
        page.evaluate(OPEN_DETAILS)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[name] = width
    context.close()
    assert too_wide == {}


def _lang(page: Any) -> str:
    lang: str = page.locator("html").get_attribute("lang")
    return lang


def test_the_language_chosen_holds_on_every_page_reached(browser: Any, server_url: str) -> None:
    """A Swedish browser switches to English and follows links of every kind (menu, search
    form, hits, resource links, chart links, footer); then types a URL without ``?lang=``
    (the cookie holds); an English browser switches to Swedish the same way."""
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(server_url + "/")
    assert _lang(page) == "sv"
    page.get_by_role("link", name="In English").click()
    page.wait_for_load_state()
    reached = [(page.url, _lang(page))]

    def follow(locator: Any) -> None:
        locator.first.click()
        page.wait_for_load_state()
        reached.append((page.url, _lang(page)))

    follow(page.locator("nav.site-nav").get_by_role("link", name="Search"))
    page.get_by_label("Search names, titles and numbers").fill("kalmar")
    follow(page.get_by_role("button", name="Search"))
    follow(page.locator("ol.hits a"))
    follow(page.locator('dl.props a[href^="/id/board/"]'))
    follow(page.locator(".chart-svg a[href^='/id/']"))
    follow(page.locator("nav.site-nav").get_by_role("link", name="Map"))
    follow(page.locator('.chart-svg a[href^="/id/county/"]'))
    for name in ("Data catalogue", "Downloads", "SPARQL", "Timeline", "Co-authorship"):
        follow(page.locator("nav.site-nav").get_by_role("link", name=name, exact=True))
    follow(page.locator("footer").get_by_role("link", name="Accessibility"))
    page.goto(server_url + "/id/board/kalmar")  # typed: no ?lang=, the cookie holds
    reached.append((page.url, _lang(page)))
    assert page.locator("h1").inner_text() == "Kalmar County Administrative Board"
    context.close()
    assert len(reached) == 15
    assert [url for url, lang in reached if lang != "en"] == []

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(server_url + "/id/county/kalmar")
    assert _lang(page) == "en"
    page.get_by_role("link", name="På svenska").click()
    page.wait_for_load_state()
    swedish = [_lang(page)]
    for name in ("Sök", "Karta", "Tidslinje", "Datakatalog"):
        page.locator("nav.site-nav").get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state()
        swedish.append(_lang(page))
    page.goto(server_url + "/sparql")
    swedish.append(_lang(page))
    context.close()
    assert swedish == ["sv"] * 6


def test_keyboard_focus_is_visible_from_the_skip_link_on(browser: Any, server_url: str) -> None:
    """Tab from the top: the skip link appears and moves focus to the content; every
    focused link, button and map county shows an outline of at least 2 px."""
    page = browser.new_page()
    page.goto(server_url + "/map?lang=sv")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link is on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    seen, kinds = 0, set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName.toLowerCase(), s.outlineStyle, parseFloat(s.outlineWidth),"
            " !!e.closest('footer')]; }"
        )
        tag, style, width, in_footer = focused
        if in_footer:
            break
        assert style != "none" and width >= 2, focused
        kinds.add(tag)
        seen += 1
    page.close()
    assert seen >= 21 and {"a", "summary"} <= kinds, kinds  # the 21 counties, the table
