"""The example queries in ``queries/*.rq``: a title, a description and the text.

Each file starts with comment lines ``# title: ...`` and ``# description: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str
    query: str


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
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            key, sep, value = line.lstrip("# ").partition(":")
            if sep and key.strip().lower() in ("title", "description"):
                meta[key.strip().lower()] = value.strip()
        out.append(
            Example(path.stem, meta.get("title", path.stem), meta.get("description", ""), text)
        )
    return out
