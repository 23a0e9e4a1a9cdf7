"""The one place where the error tree becomes HTTP status codes.

Errors of the caller (:class:`~kgraph.errors.InputError`) are 4xx with their
message; store failures are 5xx; anything else is a bug: logged with its
traceback, answered 500 with a request id and no details.
"""

from __future__ import annotations

import json
import logging
import uuid
from html import escape

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from kgraph.errors import (
    KgraphError,
    NotAcceptable,
    PayloadTooLarge,
    QueryMemoryExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
    StoreUnavailable,
    Unauthorized,
    UriTooLong,
)
from kgraph.formats import HTML, JSON, PLAIN_TEXT
from kgraph.negotiation import negotiate
from kgraph.web.i18n import render

log = logging.getLogger("kgraph.web")

_ERROR_FORMATS = (PLAIN_TEXT, JSON, HTML)


def error_response(request: Request, status: int, message: str, **extra: object) -> Response:
    """An error body in the format the client prefers (plain text by default)."""
    try:
        fmt = negotiate(None, request.headers.get("accept"), _ERROR_FORMATS)
    except NotAcceptable:
        fmt = PLAIN_TEXT
    headers = {"Vary": "Accept"}
    if fmt is JSON:
        body = json.dumps({"status": status, "error": message, **extra}, ensure_ascii=False)
        return Response(body, status, headers, JSON.content_type)
    if fmt is HTML:
        return _html_error(request, status, message, headers)
    return Response(message + "\n", status, headers, PLAIN_TEXT.content_type)


def _html_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    """The error as a page of the site in the reader's language, with its navigation (a bare
    page where the site's templates cannot be had, as in an app without them)."""
    app = request.scope.get("app")
    state = getattr(app, "state", None)
    templates = getattr(state, "templates", None)
    if templates is not None and hasattr(state, "settings"):
        context = {"status": status, "message": message}
        return render(
            templates, request, "error.html", context, status_code=status, headers=headers
        )
    page = (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{status}</title>'
        f'<link rel="stylesheet" href="/static/style.css"><main><h1>{status}</h1>'
        f'<p>{escape(message)}</p><p><a href="/">Home</a></p></main></html>'
    )
    return Response(page, status, headers, HTML.content_type)


def response_for(request: Request, exc: KgraphError) -> Response:
    """The answer to ``exc``: its status, message and the headers its kind needs."""
    status = exc.status_code
    if status >= 500:
        log.error("%s %s -> %d: %s", request.method, request.url.path, status, exc)
    extra: dict[str, object] = {}
    if isinstance(exc, NotAcceptable):
        extra["offered"] = exc.offered
    if isinstance(exc, QuerySyntaxError) and exc.line is not None:
        extra.update(line=exc.line, column=exc.column, explained=exc.explained)
    response = error_response(request, status, exc.message, **extra)
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="kgraph"'
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, PayloadTooLarge | UriTooLong):
        response.headers["Connection"] = "close"  # the rest of the request is not read
    return response


_CUT = (QueryTimeout, QueryMemoryExceeded, ServerBusy, StoreUnavailable)


class CutAnswers(logging.Filter):
    """A query stopped at a limit (time, memory, shutdown) after its answer's head was sent
    can only end the connection, and uvicorn logs what ended it as "Exception in ASGI
    application" with a traceback: no bug, so one warning line instead.

    >>> import sys
    >>> try:
    ...     raise QueryTimeout("stopped at the time limit of 1 s")
    ... except QueryTimeout:
    ...     record = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0,
    ...                                "Exception in ASGI application", (), sys.exc_info())
    >>> CutAnswers().filter(record), record.levelname, record.getMessage(), record.exc_info
    (True, 'WARNING', 'answer cut after its head was sent: stopped at the time limit of 1 s', None)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, _CUT):
            record.msg, record.args = "answer cut after its head was sent: %s", (exc.message,)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def install_cut_answers_filter() -> None:
    """Put :class:`CutAnswers` on uvicorn's error logger (once)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, CutAnswers) for f in logger.filters):
        logger.addFilter(CutAnswers())


def install_error_handlers(app: FastAPI) -> None:
    """The error tree's answers on ``app``; and answers cut at a limit as warnings."""
    install_cut_answers_filter()

    @app.exception_handler(KgraphError)
    async def _kgraph(request: Request, exc: KgraphError) -> Response:
        return response_for(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "query")
            parts.append(f"{where}: {err.get('msg')}")
        return error_response(request, 400, "bad request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_response(request, exc.status_code, str(exc.detail))
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        rid = uuid.uuid4().hex[:12]
        log.exception("unhandled error %s in %s %s", rid, request.method, request.url.path)
        return error_response(request, 500, f"internal server error (request id {rid})")
