"""Numbers, dates and sizes as each language writes them (Babel, from the Unicode CLDR).

>>> number(12297, "sv") == "12\\xa0297", number(12297, "en")
(True, '12,297')
>>> date("2009-03", "sv"), date("2026-12-01", "en"), size(12_345, "en")
('mars 2009', '1 December 2026', '12.3 kB')
>>> literal("70", "http://www.w3.org/2001/XMLSchema#integer", "en")
'70'
"""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.units import format_unit

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                               "nonNegativeInteger", "positiveInteger", "short")}  # fmt: skip
_DATES = {XSD + t for t in ("date", "dateTime", "gYearMonth", "gYear", "dateTimeStamp")}


def number(value: float | int | str, lang: str) -> str:
    """A number as the language writes it (thousands separators, decimal mark)."""
    try:
        return format_decimal(value, locale=LOCALES[lang])
    except (ValueError, ArithmeticError):
        return str(value)


def date(value: str, lang: str) -> str:
    """An ISO date, year-month, year or date-time as the language writes it (the date only)."""
    value = value.strip()
    locale = LOCALES[lang]
    try:
        if re.fullmatch(r"-?\d{4}", value):
            return value
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return format_date(dt.date.fromisoformat(value + "-01"), "LLLL y", locale=locale)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return format_date(dt.date.fromisoformat(value), "long", locale=locale)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return format_date(moment.date(), "long", locale=locale)
    except ValueError:
        return value


def date_time(value: str, lang: str) -> str:
    """An ISO date-time with its time of day (as stored, no time zone shift)."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_datetime(moment.replace(tzinfo=None), "d MMMM y HH:mm", locale=LOCALES[lang])


def size(n_bytes: int, lang: str) -> str:
    """A file size in bytes, kB or MB (powers of 1,000, as the units say)."""
    locale = LOCALES[lang]
    if n_bytes < 1000:
        return format_unit(n_bytes, "digital-byte", length="short", locale=locale)
    unit, value = "digital-kilobyte", n_bytes / 1000
    if n_bytes >= 1_000_000:
        unit, value = "digital-megabyte", n_bytes / 1_000_000
    return format_unit(round(value, 1), unit, length="short", locale=locale, format="#,##0.#")


def literal(value: str, datatype: str | None, lang: str) -> str:
    """A typed literal for reading: numbers and dates in the language's way, the rest as is."""
    if datatype in _NUMBERS:
        return number(value, lang)
    if datatype in _DATES:
        return date(value, lang)
    return value
