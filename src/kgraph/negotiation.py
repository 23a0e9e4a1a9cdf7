"""Content negotiation: pure functions from what a request asks for to what it gets.

:func:`negotiate` is the one way from a ``format`` parameter and an ``Accept``
header to an offered :class:`~kgraph.formats.Format` or a 406; every route and
the CLI use it. :func:`choose` ranks media types; :func:`choose_language`
languages.

>>> from kgraph.formats import GRAPH_FORMATS, HTML
>>> negotiate(None, "text/html,*/*;q=0.8", (*GRAPH_FORMATS, HTML)).name
'html'
>>> negotiate("ttl", "text/html", GRAPH_FORMATS).name     # the parameter wins
'turtle'

>>> choose("text/turtle;q=0.5, application/ld+json", ["text/turtle", "application/ld+json"])
'application/ld+json'
>>> choose(None, ["text/html", "text/turtle"])
'text/html'
>>> choose("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kgraph.errors import NotAcceptable
from kgraph.formats import MEDIA_ALIASES, Format, by_name

if TYPE_CHECKING:  # werkzeug is imported where it is used: worker processes never need it
    from werkzeug.datastructures import MIMEAccept


def _normalise(accept: MIMEAccept) -> MIMEAccept:
    """Drop media-type parameters (``profile``, ``charset``: we offer one variant of
    each type) and add the canonical types that alias types (``application/json``...)
    stand for, just below the alias so that a real match wins a tie."""
    from werkzeug.datastructures import MIMEAccept

    values: list[tuple[str, float]] = []
    for value, q in accept:
        base = value.split(";", 1)[0].strip().lower()
        values.append((base, q))
        values.extend((target, q * 0.999) for target in MEDIA_ALIASES.get(base, ()))
    return MIMEAccept(values)


def choose(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or ``None`` if none is acceptable.

    An absent or empty header accepts anything: the first offered type wins.
    Ties in quality go to the more specific range, then to the order of
    ``offered`` (the server's preference). ``q=0`` excludes a type.
    """
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    parsed = _normalise(parse_accept_header(accept, MIMEAccept))
    if not parsed:  # unparseable: be lenient, as RFC 9110 allows
        return offered[0]
    best = parsed.best_match(offered)
    return best if best is not None and parsed.quality(best) > 0 else None


def choose_language(accept_language: str | None, offered: Sequence[str]) -> str:
    """The offered language the client prefers; the first offered one by default.

    A range matches a language if it is the language, ``*``, or either is a
    subtag-prefix of the other (``sv-SE`` stands for ``sv`` at its own quality).
    Ties go to the order of ``offered``.

    >>> choose_language("en-GB,en;q=0.9,sv;q=0.5", ["sv", "en"])
    'en'
    >>> choose_language("sv-SE, en;q=0.5", ["sv", "en"])
    'sv'
    """
    if not accept_language:
        return offered[0]
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    ranges = [(v.lower(), q) for v, q in parse_accept_header(accept_language, LanguageAccept)]

    def quality(lang: str) -> float:
        lang = lang.lower()
        return max(
            (
                q
                for r, q in ranges
                if r in ("*", lang) or r.startswith(lang + "-") or lang.startswith(r + "-")
            ),
            default=0.0,
        )

    scored = [(quality(lang), -i, lang) for i, lang in enumerate(offered)]
    best = max(scored)
    return best[2] if best[0] > 0 else offered[0]


def negotiate(format_param: str | None, accept: str | None, offered: Sequence[Format]) -> Format:
    """The format to answer with: a ``format`` parameter (a name, alias or media type)
    wins over ``Accept``; with neither, the first offered.

    Raises :class:`~kgraph.errors.NotAcceptable` (406) listing the offered media types.
    Remembers its answers (clients send the same few headers again and again).
    """
    return _negotiate(format_param or None, accept, tuple(offered))


@functools.lru_cache(maxsize=1024)
def _negotiate(format_param: str | None, accept: str | None, offered: tuple[Format, ...]) -> Format:
    if format_param is not None:
        return by_name(format_param, offered)
    media = choose(accept, [f.media_type for f in offered])
    if media is None:
        listed = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(
            f"no offered media type matches Accept: {accept}; offered: {listed}",
            [f.media_type for f in offered],
        )
    return next(f for f in offered if f.media_type == media)
