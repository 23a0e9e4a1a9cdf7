"""The site's two languages: choosing one for a request, keeping it, and writing in it.

A page is in one language, chosen once: ``?lang=sv|en`` if the URL names one
(and then remembered in a cookie), else the cookie, else ``Accept-Language``,
else Swedish. Every link to another page carries the language on (``l``
filter), so a choice also holds without cookies; every page names its
canonical URL and its alternates in both languages (``hreflang``).

Numbers, dates, sizes and counts are written with the language's conventions
(Babel, from the Unicode CLDR): ``12 297`` and ``1 december 2026`` in
Swedish, ``12,297`` and ``1 December 2026`` in English, with the right plural.

>>> text("search", "en"), text("search", "sv")
('Search', 'Sök')
>>> count("results", 1, "sv"), count("results", 2, "en")
('1 träff', '2 results')
>>> with_lang("/id/county/kalmar", "en"), with_lang("/dumps/kvinnofrid.ttl", "en")
('/id/county/kalmar?lang=en', '/dumps/kvinnofrid.ttl')
>>> number(12297, "en"), date("2009-03", "sv"), size(12_345, "en")
('12,297', 'mars 2009', '12.3 kB')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import Locale
from babel.lists import format_list
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import Response

from kgraph.linkeddata.formatting import LOCALES as _LOCALES
from kgraph.linkeddata.formatting import date, date_time, number, size
from kgraph.negotiation import choose_language
from kgraph.opendata.vocab import licence
from kgraph.settings import Settings
from kgraph.web.texts import COUNTS, TEXTS

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Links to these are files or machine answers, not pages: they carry no language.
_NOT_PAGES = ("/static/", "/api/", "/metrics", "/healthz", "/readyz")
_FILE_SUFFIX = re.compile(r"\.(?:ttl|jsonld|rdf|nt|nq|gz|csv|xml|txt|svg|ico|png|json)$")

TEXT: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in TEXTS.items()} for i, lang in enumerate(LANGS)
}


def text(key: str, lang: str) -> str:
    """The interface text ``key`` in ``lang``. Raises KeyError for an unknown key."""
    return TEXT[lang][key]


@dataclass(frozen=True)
class LangChoice:
    """The language of a page and what chose it."""

    lang: str
    source: Literal["param", "cookie", "header", "default"]


def choose(request: Request) -> LangChoice:
    """``?lang=``, then the ``lang`` cookie, then ``Accept-Language``, then Swedish."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return LangChoice(asked, "param")
    kept = request.cookies.get(COOKIE)
    if kept in LANGS:
        return LangChoice(kept, "cookie")
    header = request.headers.get("accept-language")
    if header:
        return LangChoice(choose_language(header, LANGS), "header")
    return LangChoice(DEFAULT_LANG, "default")


def asked_lang(request: Request) -> bool:
    """True if the URL names the page's language (``?lang=sv|en``)."""
    return request.query_params.get("lang") in LANGS


def page_lang(request: Request) -> str:
    """The language of the page answering ``request`` (see :func:`choose`)."""
    return choose(request).lang


# ------------------------------------------------------------------ links


def is_page_link(href: str) -> bool:
    """True for a link to one of this site's HTML pages (not a file, not elsewhere).

    >>> is_page_link("/id/x"), is_page_link("https://x.se/"), is_page_link("/catalog.rdf")
    (True, False, False)
    """
    if not href.startswith("/") or href.startswith("//"):
        return False
    parts = urlsplit(href)
    if parts.path.startswith(_NOT_PAGES) or _FILE_SUFFIX.search(parts.path):
        return False
    fmt = dict(parse_qsl(parts.query)).get("format")
    return fmt in (None, "html")


def with_lang(href: str, lang: str) -> str:
    """``href`` with ``lang=`` set, if it links to a page of this site; else unchanged."""
    if not is_page_link(href):
        return href
    parts = urlsplit(href)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    params.append(("lang", lang))
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.path}?{urlencode(params)}{fragment}"


def _page_url(request: Request, lang: str | None) -> str:
    """This page's path and query, with ``lang`` set (or removed, for ``None``)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang is not None:
        params.append(("lang", lang))
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def other_lang(lang: str) -> str:
    return "en" if lang == "sv" else "sv"


# ------------------------------------------------------- numbers and dates

# number, date, date_time and size come from kgraph.linkeddata.formatting


def count(key: str, n: int, lang: str) -> str:
    """``n`` and the noun ``key`` in the plural form ``n`` takes in ``lang``."""
    form = Locale.parse(_LOCALES[lang]).plural_form(n)
    forms = COUNTS[key][LANGS.index(lang)]
    return forms[0 if form == "one" else 1].format(n=number(n, lang))


def join(items: list[str], lang: str) -> str:
    """``a, b och c`` / ``a, b and c``."""
    return format_list(items, locale=_LOCALES[lang]) if items else ""


# --------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Site:
    """What the chrome of every page says about the site, in one language."""

    name: str
    publisher: str
    licence_name: str
    licence_href: str


def site(settings: Settings, lang: str) -> Site:
    """The site's name, publisher and licence from ``settings``, in ``lang``."""
    lic = licence(settings.catalogue.license_iri)
    name = settings.site.site_name_sv if lang == "sv" else settings.site.site_name_en
    return Site(name, settings.catalogue.publisher_name, lic.name(lang), lic.deed)


def page_context(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
    """What every page's template gets: its language and texts, the switch, its URLs."""
    settings: Settings = request.app.state.settings
    base = settings.server.base_iri.rstrip("/")
    alternates = [(lang_, base + _page_url(request, lang_)) for lang_ in LANGS]
    alternates.append(("x-default", base + _page_url(request, None)))
    return {
        "lang": lang,
        "t": TEXT[lang],
        "other_lang": other_lang(lang),
        "toggle_href": _page_url(request, other_lang(lang)),
        # self-referential: the language's own URL, or the negotiated one it was asked by
        "canonical": base + _page_url(request, lang if asked_lang(request) else None),
        "alternates": alternates,
        "current_path": request.url.path,
        "site": site(settings, lang),
        **extra,
    }


def render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    lang: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page in its language: the template with :func:`page_context`, ``Content-Language``,
    ``Vary`` naming what chose the language, and the cookie when ``?lang=`` chose it."""
    choice = choose(request)
    lang = lang or choice.lang
    out = dict(headers or {})
    vary = [v.strip() for v in out.get("Vary", "").split(",") if v.strip()]
    for name_ in ("Accept-Language", "Cookie"):
        if name_ not in vary:
            vary.append(name_)
    out["Vary"] = ", ".join(vary)
    out["Content-Language"] = lang
    response = templates.TemplateResponse(
        request,
        name,
        page_context(request, lang, **context),
        status_code=status_code,
        headers=out,
    )
    if choice.source == "param" and request.cookies.get(COOKIE) != choice.lang:
        response.set_cookie(COOKIE, choice.lang, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")
    return response


@pass_context
def _l(ctx: Context, href: str) -> str:
    return with_lang(href, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _num(ctx: Context, value: float | int | str) -> str:
    return number(value, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _date(ctx: Context, value: str) -> str:
    return date(value, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _datetime(ctx: Context, value: str) -> str:
    return date_time(value, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _size(ctx: Context, value: int) -> str:
    return size(value, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _count(ctx: Context, n: int, key: str) -> str:
    return count(key, n, ctx.get("lang", DEFAULT_LANG))


@pass_context
def _join(ctx: Context, items: list[str]) -> str:
    return join(list(items), ctx.get("lang", DEFAULT_LANG))


def install(env: Environment) -> None:
    """The template filters: ``l`` (a link in the page's language), ``num``, ``date``,
    ``datetime``, ``size``, ``count(key)``, ``and_list``."""
    env.filters.update(
        l=_l, num=_num, date=_date, datetime=_datetime, size=_size, count=_count, and_list=_join
    )
