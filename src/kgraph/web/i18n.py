"""The site's two languages: choosing one for a page, and the interface texts in each.

>>> TEXT["en"]["search"], TEXT["sv"]["search"]
('Search', 'Sök')
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from kgraph.negotiation import choose_language

LANGS = ("sv", "en")

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "home": "Start",
        "type": "Typ",
        "properties": "Egenskaper",
        "incoming": "Refereras av",
        "more": "och {n} till – visa alla",
        "sources": "Källor",
        "formats": "Andra format",
        "other_lang": "In English",
        "instances": "Instanser",
        "sort_label": "Namn",
        "sort_year": "År",
        "page": "Sida",
        "of": "av",
        "previous": "Föregående",
        "next": "Nästa",
        "search": "Sök",
        "search_label": "Sök bland namn och titlar",
        "results": "träffar",
        "no_results": "Inga träffar.",
        "not_found": "Hittades inte",
        "not_found_text": "Det finns ingen beskrivning av",
        "classes": "Klasser",
        "properties_list": "Egenskaper",
        "counties": "Län",
        "publications": "Publikationer",
        "links": "Länkar",
        "count": "Antal",
        "triples": "tripler",
        "updated": "uppdaterad",
        "pubs_by_year": "Publikationer per år",
        "coauthors": "Medförfattare",
        "coauthoring_boards": "Medförfattande organisationer",
        "shared": "gemensamma publikationer",
        "ontology": "Ontologi",
        "dataset_intro": "Länsstyrelsernas arbete mot mäns våld mot kvinnor som länkade data: "
        "länsstyrelser, län och kommuner, publikationer, uppdrag, projekt, bidrag, "
        "tillsyn och siffror – med källsidorna de kommer från.",
        "explore": "Utforska",
        "sparql": "SPARQL-redigerare",
        "dumps": "Nedladdningar",
        "catalog": "Datakatalog",
        "ontology_link": "Ontologin",
    },
    "en": {
        "home": "Home",
        "type": "Type",
        "properties": "Properties",
        "incoming": "Referred to by",
        "more": "and {n} more – show all",
        "sources": "Sources",
        "formats": "Other formats",
        "other_lang": "På svenska",
        "instances": "Instances",
        "sort_label": "Name",
        "sort_year": "Year",
        "page": "Page",
        "of": "of",
        "previous": "Previous",
        "next": "Next",
        "search": "Search",
        "search_label": "Search names and titles",
        "results": "results",
        "no_results": "No results.",
        "not_found": "Not found",
        "not_found_text": "There is no description of",
        "classes": "Classes",
        "properties_list": "Properties",
        "counties": "Counties",
        "publications": "Publications",
        "links": "Links",
        "count": "Count",
        "triples": "triples",
        "updated": "updated",
        "pubs_by_year": "Publications per year",
        "coauthors": "Co-authors",
        "coauthoring_boards": "Co-authoring organisations",
        "shared": "shared publications",
        "ontology": "Ontology",
        "dataset_intro": "The county administrative boards' work against men's violence "
        "against women as linked data: boards, counties and municipalities, publications, "
        "mandates, projects, grants, supervision and figures – with the source pages they "
        "come from.",
        "explore": "Explore",
        "sparql": "SPARQL editor",
        "dumps": "Downloads",
        "catalog": "Data catalogue",
        "ontology_link": "The ontology",
    },
}


def page_lang(request: Request) -> str:
    """``?lang=`` (sv|en) if given, else from ``Accept-Language``; Swedish by default."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    return choose_language(request.headers.get("accept-language"), LANGS)


def lang_toggle(request: Request, lang: str) -> str:
    """The URL of this page in the other language."""
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "sv" else "sv"
    return f"{request.url.path}?{urlencode(params)}"


def page_context(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
    """The template context every page gets: its language, texts and the language switch."""
    return {"lang": lang, "t": TEXT[lang], "toggle_href": lang_toggle(request, lang), **extra}
