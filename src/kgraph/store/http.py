"""HTTP for the remote store: credentials, timeouts, retries, and errors that name the URL.

One :class:`HttpClient` per remote store. It sends ``urllib`` requests (the
same library SPARQLWrapper builds them for) with basic, digest or bearer
credentials, retries with exponential backoff when the connection fails or
the server answers 5xx, and turns every failure into the kgraph error tree
with a one-line message naming the URL.

>>> client = HttpClient(timeout_s=1, retries=0)
>>> client.send(make_request("http://127.0.0.1:9/sparql"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.StoreUnavailable: remote store http://127.0.0.1:9/sparql is unreachable: ...
"""

from __future__ import annotations

import base64
import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from kgraph.errors import (
    ConfigError,
    QuerySyntaxError,
    RemoteStoreError,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)
AUTH_KINDS = ("basic", "digest", "bearer")
MAX_MESSAGE = 300  # characters of a server's error body quoted in a message
_READ = 256 * 1024


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def one_line(body: bytes | str, limit: int = MAX_MESSAGE) -> str:
    """A server's error body squeezed to one short line."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return parts._replace(netloc=host).geturl()


def make_request(
    url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None
) -> urllib.request.Request:
    """A GET (or, with ``data``, POST) request to an http(s) URL. Raises ConfigError otherwise."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"remote store URL {url!r} is not http(s)")
    method = "GET" if data is None else "POST"
    return urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)  # noqa: S310


class HttpClient:
    """Sends requests with credentials and retries; raises kgraph errors naming the URL.

    ``auth`` is ``basic`` (sent up front), ``digest`` (answered to the server's
    challenge) or ``bearer`` (``token`` in an ``Authorization`` header).
    Raises :class:`~kgraph.errors.ConfigError` for an unknown ``auth``.
    """

    def __init__(
        self,
        *,
        auth: str = "basic",
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 0.25,
    ) -> None:
        if auth not in AUTH_KINDS:
            raise ConfigError(f"setting 'remote_auth': {auth!r} is not one of {AUTH_KINDS}")
        if auth == "bearer" and not token:
            raise ConfigError("setting 'remote_token': bearer auth needs a token")
        self.auth, self.user, self.timeout_s = auth, user, timeout_s
        self.retries, self.backoff_s = retries, backoff_s
        self._headers: dict[str, str] = {}
        self._passwords: urllib.request.HTTPPasswordMgrWithDefaultRealm | None = None
        self._password = password or ""
        handlers: list[urllib.request.BaseHandler] = []
        if auth == "bearer":
            self._headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            if auth == "basic":
                pair = f"{user}:{password or ''}".encode()
                self._headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            else:
                self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                handlers.append(urllib.request.HTTPDigestAuthHandler(self._passwords))
        self._opener = urllib.request.build_opener(*handlers)

    def describe_auth(self) -> str:
        if self.auth == "bearer":
            return "bearer token"
        if self.user is None:
            return "no credentials"
        return f"{self.auth} auth as {self.user!r}"

    def send(
        self,
        request: urllib.request.Request,
        *,
        idempotent: bool = True,
        what: str = "request",
        out: IO[bytes] | None = None,
        timeout_error: type[StoreError] = StoreUnavailable,
    ) -> Response:
        """Send ``request``; return the 2xx response (body written to ``out`` if given).

        Connection failures and 5xx answers are retried (``retries`` times, with
        doubling pauses) when the request is ``idempotent``; a refused connection
        always is, since the request never arrived. Raises StoreUnavailable
        (unreachable, timed out), RemoteStoreError (credentials refused, the store
        refused ``what``), QuerySyntaxError (the store says the SPARQL is wrong).
        """
        for header, value in self._headers.items():
            request.add_unredirected_header(header, value)
        url = _strip_credentials(request.full_url)
        if self._passwords is not None:  # digest: answer challenges from this URL
            self._passwords.add_password(None, url, self.user or "", self._password)
        attempt = 0
        while True:
            try:
                return self._once(request, url, what, out, timeout_error)
            except _Retryable as exc:
                never_arrived = isinstance(exc.__cause__, ConnectionRefusedError)
                if attempt >= self.retries or not (idempotent or never_arrived):
                    raise exc.error from exc.__cause__
                pause = self.backoff_s * (2**attempt)
                log.warning("%s; retrying in %.2f s", exc.error, pause)
                time.sleep(pause)
                attempt += 1

    def _once(
        self,
        request: urllib.request.Request,
        url: str,
        what: str,
        out: IO[bytes] | None,
        timeout_error: type[StoreError],
    ) -> Response:
        try:
            with self._opener.open(request, timeout=self.timeout_s) as resp:
                headers = {k.lower(): v for k, v in resp.headers.items()}
                if out is None:
                    return Response(resp.status, headers, resp.read())
                while chunk := resp.read(_READ):
                    out.write(chunk)
                return Response(resp.status, headers, b"")
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp is not None else b""
            exc.close()
            raise self._status_error(url, what, exc.code, body) from None
        except TimeoutError as exc:
            raise timeout_error(
                f"remote store {url} did not answer within {self.timeout_s:g} s ({what})"
            ) from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            error = StoreUnavailable(f"remote store {url} is unreachable: {_reason(reason)}")
            if isinstance(reason, OSError):
                raise _Retryable(error) from reason
            raise error from exc
        except (http.client.HTTPException, ConnectionError) as exc:
            error = StoreUnavailable(f"remote store {url} dropped the connection: {_reason(exc)}")
            raise _Retryable(error) from exc

    def _status_error(self, url: str, what: str, status: int, body: bytes) -> Exception:
        detail = one_line(body)
        if status in (401, 403):
            verb = "refused the credentials" if status == 401 else "forbids"
            return RemoteStoreError(
                f"remote store {url} {verb} ({what}, HTTP {status}, {self.describe_auth()})"
                + (f": {detail}" if detail and status == 403 else "")
            )
        if status == 400 and what == "query":
            return QuerySyntaxError(f"the remote store rejected the query: {detail}")
        error = RemoteStoreError(
            f"remote store {url} refused the {what} (HTTP {status}): {detail or 'no message'}"
        )
        if status >= 500:
            return _Retryable(error)
        return error


class _Retryable(Exception):
    """Internal: a failure worth another attempt; ``error`` is what to raise after the last."""

    def __init__(self, error: StoreError) -> None:
        super().__init__(str(error))
        self.error = error


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


__all__ = ["AUTH_KINDS", "HttpClient", "Response", "make_request", "one_line"]
