"""Conditional requests (RFC 9110 §13): validators of the served version, and 304s.

>>> etag_matches('W/"a", "b"', '"a"')
True
>>> etag_matches(None, '"a"')
False
>>> http_date("2026-11-24T05:12:00+00:00")
'Tue, 24 Nov 2026 05:12:00 GMT'
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib

from starlette.requests import Request

from kgraph.store.base import GraphStore


def http_date(iso: str) -> str | None:
    """An ISO 8601 timestamp as an HTTP date (UTC assumed without a zone); None if unreadable."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def not_modified(request: Request, etag: str, last_modified: str | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match first; If-Modified-Since only without it."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        return etag_matches(inm, etag)
    ims = request.headers.get("if-modified-since")
    if ims and last_modified:
        try:
            since = email.utils.parsedate_to_datetime(ims)
            modified = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return modified <= since
    return False


def validators(store: GraphStore, *parts: str) -> tuple[str, str | None, str]:
    """ETag and Last-Modified of a page of the served version (``parts`` name the page's
    variant); the version."""
    info = store.info()
    digest = hashlib.sha256("\x1f".join((info.version, *parts)).encode()).hexdigest()[:32]
    return f'"{digest}"', http_date(info.modified), info.version
