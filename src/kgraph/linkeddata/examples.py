"""The example queries in ``queries/*.rq``: titles and descriptions in both languages, the text.

Each file starts with comment lines ``# title: ...`` and ``# description: ...``
(untagged: the title in Swedish, the description in English, as the files have
always had them), then ``# title@en: ...`` and ``# description@sv: ...``; a
tagged line wins for its language, the untagged one stands for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Example:
    slug: str
    title: str  # in the first language given (the file's own default)
    description: str
    query: str
    titles: dict[str, str] = field(default_factory=dict)  # language -> title
    descriptions: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else the untagged or first one.

        >>> Example("x", "Län", "", "", {"sv": "Län", "en": "Counties"}).title_in("en")
        'Counties'
        """
        return self.titles.get(lang, self.title)

    def description_in(self, lang: str) -> str:
        return self.descriptions.get(lang, self.description)


def _header(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The titles and descriptions by language (``""``: untagged) of a query's header."""
    found: dict[str, dict[str, str]] = {"title": {}, "description": {}}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        name, _, lang = key.strip().lower().partition("@")
        if sep and name in found:
            found[name][lang] = value.strip()
    return found["title"], found["description"]


def load_examples(folder: Path) -> list[Example]:
    """Every ``*.rq`` in ``folder``, sorted by file name; ``[]`` if there is no folder.

    >>> load_examples(Path("/nonexistent"))
    []
    """
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        titles, descriptions = _header(text)
        title = titles.get("") or next(iter(titles.values()), path.stem)
        description = descriptions.get("") or next(iter(descriptions.values()), "")
        out.append(
            Example(
                path.stem,
                title,
                description,
                text,
                {k: v for k, v in titles.items() if k},
                {k: v for k, v in descriptions.items() if k},
            )
        )
    return out
