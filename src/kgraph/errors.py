"""The one exception tree of kgraph.

Services raise these; only the web layer (``kgraph.web.app``) maps them to HTTP
status codes and only the CLI maps them to exit codes. Anything else that
escapes is a bug: the web layer logs it and answers 500.

::

    KgraphError
    ├── ConfigError              bad settings (exit 2; never reaches HTTP)
    ├── InputError               the caller's fault (4xx)
    │   ├── QuerySyntaxError         400, with the parser's message and position
    │   ├── BadRequest               400, any other malformed request
    │   ├── UnsupportedMediaType     415
    │   ├── NotAcceptable            406, lists what is offered
    │   ├── PayloadTooLarge          413
    │   ├── UriTooLong               414
    │   ├── NotFound                 404
    │   ├── Unauthorized             401
    │   ├── Forbidden                403
    │   ├── TooManyRequests          429, with the seconds to wait
    │   ├── RdfSyntaxError           a data file does not parse (file:line:col)
    │   └── ValidationFailed         data does not conform to the shapes
    └── StoreError               the store failed (5xx)
        ├── StoreUnavailable         503: not built, corrupt, unreachable
        ├── QueryTimeout             503: the query ran past the time limit
        ├── QueryMemoryExceeded      503: the query needed more memory than it may use
        ├── ServerBusy               503: no capacity for this query now (Retry-After)
        └── RemoteStoreError         502: a remote store answered with an error
"""

from __future__ import annotations

from collections.abc import Sequence


class KgraphError(Exception):
    """Root of every error kgraph raises on purpose."""

    status_code: int = 500
    retry_after: int | None = None  # seconds, when trying again later may succeed

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(KgraphError):
    """A setting is missing or malformed."""


class InputError(KgraphError):
    """The request or the input files are wrong: the caller can fix it."""

    status_code = 400


class BadRequest(InputError):
    status_code = 400


class QuerySyntaxError(InputError):
    """A SPARQL query does not parse; ``message`` carries the position; once put in words
    (:mod:`kgraph.query.syntax`), ``line`` and ``column`` (1-based) and ``explained``."""

    status_code = 400

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        explained: dict[str, str] | None = None,  # the message in words, by language
    ) -> None:
        super().__init__(message)
        self.line, self.column, self.explained = line, column, explained or {}


class UnsupportedMediaType(InputError):
    status_code = 415


class NotAcceptable(InputError):
    """No offered media type satisfies the ``Accept`` header."""

    status_code = 406

    def __init__(self, message: str, offered: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.offered = list(offered)


class PayloadTooLarge(InputError):
    status_code = 413


class UriTooLong(InputError):
    status_code = 414


class NotFound(InputError):
    status_code = 404


class Unauthorized(InputError):
    status_code = 401


class Forbidden(InputError):
    status_code = 403


class TooManyRequests(InputError):
    """The client sent more than its share; ``retry_after`` says when to try again."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after: int | None = retry_after


class RdfSyntaxError(InputError):
    """An RDF file does not parse. ``str()`` is ``file:line:col: message``."""

    def __init__(
        self,
        file: str,
        line: int | None,
        column: int | None,
        message: str,
        also: Sequence[RdfSyntaxError] = (),
    ) -> None:
        self.file, self.line, self.column, self.detail = file, line, column, message
        self.also = tuple(also)  # the other errors found (in this file or others), in order
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        text = "\n".join([f"{where}: {message}", *(str(e) for e in self.also)])
        super().__init__(text)

    @property
    def errors(self) -> tuple[RdfSyntaxError, ...]:
        """This error and the others found with it."""
        return (self, *self.also)


class ValidationFailed(InputError):
    """The data does not conform; ``report`` holds the full validation report."""

    status_code = 422

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class StoreError(KgraphError):
    status_code = 500


class StoreUnavailable(StoreError):
    status_code = 503


class QueryTimeout(StoreError):
    status_code = 503


class QueryMemoryExceeded(StoreError):
    status_code = 503


class ServerBusy(StoreError):
    """No capacity for this query now; ``retry_after`` says when to try again."""

    status_code = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after: int | None = retry_after


class RemoteStoreError(StoreError):
    status_code = 502
