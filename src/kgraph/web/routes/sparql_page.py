"""The query editor's page: the plain form (which works without JavaScript), the
answer as a table, errors on the same page with the query kept, the example queries,
and YASGUI's configuration for this graph (:mod:`kgraph.linkeddata.editor`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from kgraph.errors import KgraphError, QuerySyntaxError
from kgraph.linkeddata.editor import editor_config
from kgraph.linkeddata.examples import load_examples
from kgraph.settings import Settings
from kgraph.web.i18n import TEXT, page_lang, render


def editor_page(
    request: Request,
    settings: Settings,
    templates: Jinja2Templates,
    query: str,
    *,
    answer: dict[str, Any] | None = None,
    error: KgraphError | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The editor with ``query`` in it, and its ``answer`` (see :func:`results_table`)
    or its ``error`` (answered with the error's status)."""
    lang = page_lang(request)
    examples = load_examples(settings.paths.queries_dir)
    config = editor_config(settings.server.base_iri, examples, lang, TEXT[lang])
    context: dict[str, Any] = {
        "query": query,
        "examples": examples,
        "yasgui": settings.paths.yasgui_dir.is_dir(),
        "editor_config": config,
        **(answer or {}),
    }
    status = 200
    if error is not None:
        context["error"] = error_context(error, query, lang)
        status = error.status_code
    return render(templates, request, "sparql.html", context, status_code=status, headers=headers)


def error_context(error: KgraphError, query: str, lang: str) -> dict[str, Any]:
    """An error for the page: a heading and text in ``lang`` (a syntax error in words, with
    the line it is on and a caret under the column), else the server's message (English)."""
    t = TEXT[lang]
    if isinstance(error, QuerySyntaxError) and error.explained and error.line:
        lines = query.split("\n")
        line = lines[error.line - 1] if error.line <= len(lines) else ""
        caret = " " * ((error.column or 1) - 1) + "^"
        return {
            "title": t["syntax_error"],
            "text": error.explained.get(lang, error.message),
            "lang": lang,
            "snippet": f"{line}\n{caret}",
            "line": error.line,
            "column": error.column,
        }
    return {"title": t["query_failed"], "text": error.message, "lang": "en"}


def results_table(results_json: bytes, base_iri: str) -> dict[str, Any]:
    """The editor's table of a SPARQL JSON result: variables, and rows of cells
    (text, a link for IRIs under the base, language or datatype for literals).

    >>> doc = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://x/id/a"}}]}}'
    >>> results_table(doc, "http://x/")["rows"]
    [[{'text': 'http://x/id/a', 'href': '/id/a'}]]
    """
    doc = json.loads(results_json)
    if "boolean" in doc:
        return {"boolean": doc["boolean"], "variables": [], "rows": []}
    variables: list[str] = doc["head"]["vars"]
    rows = [[_cell(b.get(v), base_iri) for v in variables] for b in doc["results"]["bindings"]]
    return {"variables": variables, "rows": rows}


def _cell(term: dict[str, Any] | None, base_iri: str) -> dict[str, Any]:
    if term is None:
        return {"text": ""}
    value = str(term["value"]) if term["type"] != "triple" else _triple_text(term["value"])
    if term["type"] == "uri":
        href = "/" + value[len(base_iri) :] if value.startswith(base_iri) else value
        return {"text": value, "href": href}
    if term["type"] == "literal":
        return {"text": value, "lang": term.get("xml:lang"), "datatype": term.get("datatype")}
    if term["type"] == "bnode":
        return {"text": "_:" + value}
    return {"text": value}


def _triple_text(triple: dict[str, Any]) -> str:
    parts = (_cell(triple[k], "")["text"] for k in ("subject", "predicate", "object"))
    return "<< " + " ".join(parts) + " >>"
