"""The HTTP server: uvicorn, with the request line and headers bounded before the app.

uvicorn's httptools parser keeps whatever a client sends before the blank line
that ends the headers (a 96 MiB header held the server's CPU for 9.6 s), and
answers an over-long URL with a bare 400. :class:`BoundedHttpToolsProtocol`
counts those bytes as they arrive and answers 414 (URL over ``max_url_chars``)
or 431 (request line and headers over ``max_header_bytes``) and closes the
connection, before anything is parsed further. :func:`serve` runs the app with
it, and with a graceful shutdown bounded to :data:`SHUTDOWN_S` seconds.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kgraph.settings import SETTINGS_ENV, Settings, settings_from_environment
from kgraph.store.base import GraphStore

SHUTDOWN_S = 2  # after SIGTERM: running queries are answered 503 and the server exits
_REASONS = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """httptools with a bound on the URL and on the request line and headers together."""

    limits: ClassVar[tuple[int, int] | None] = None  # (max URL, max head bytes); None: settings

    @staticmethod
    def configure(settings: Settings) -> tuple[int, int]:
        """Bound every connection from now on by the limits of ``settings``."""
        limits = (settings.limits.max_url_chars, settings.limits.max_header_bytes)
        BoundedHttpToolsProtocol.limits = limits
        return limits

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = BoundedHttpToolsProtocol.limits
        if limits is None:  # a worker of `serve --workers N`
            limits = BoundedHttpToolsProtocol.configure(settings_from_environment())
        self._max_url, self._max_head = limits
        self._head_bytes = 0  # of the headers parsed so far
        self._received = 0  # bytes received while the head is not complete
        self._in_head = True

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes, self._received, self._in_head = 0, 0, True

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self._max_url:
            raise _Refused(
                414, f"the URL is over {self._max_url} characters; the limit is {self._max_url}"
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes += len(name) + len(value) + 4
        if self._head_bytes > self._max_head:
            raise _Refused(431, self._head_message())
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def _head_message(self) -> str:
        return (
            f"the request's headers are over {self._max_head} bytes; the limit is {self._max_head}"
        )

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._received += len(data)
        try:
            self._feed(data)
        except _Refused as refused:
            self._refuse(refused.status, refused.message)
            return
        # Still inside the head after this many bytes: refuse before httptools keeps more.
        if self._in_head and self._received > self._max_head + self._max_url:
            self._refuse(431, self._head_message())

    def _feed(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            if isinstance(exc.__context__, _Refused):
                raise exc.__context__ from None
            self._bad_request()
        except httptools.HttpParserError:
            self._bad_request()
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def _bad_request(self) -> None:
        msg = "Invalid HTTP request received."
        self.logger.warning(msg)
        self.send_400_response(msg)

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        head = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])]
        head += [
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        ]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def serve(settings: Settings, store: GraphStore, workers: int) -> None:
    """Run the app over ``store`` (or, with several workers, each worker over its own)."""
    from kgraph.web.app import configure_logging, create_app

    BoundedHttpToolsProtocol.configure(settings)
    common: dict[str, Any] = {
        "host": settings.server.host,
        "port": settings.server.port,
        "log_level": settings.server.log_level,
        "access_log": not settings.server.access_log,
        "http": BoundedHttpToolsProtocol,
        "timeout_graceful_shutdown": SHUTDOWN_S,
    }
    if workers > 1:  # each uvicorn worker builds the app itself, from the same settings
        os.environ[SETTINGS_ENV] = settings.model_dump_json()
        uvicorn.run("kgraph.web.app:app_from_environment", factory=True, workers=workers, **common)
        return
    configure_logging(settings)
    uvicorn.run(create_app(settings, store), **common)
