"""Find resources by label and title, ignoring case and diacritics, ranked.

The index is derived data: built from the store on first use and rebuilt when
the store's version changes (``info().version``). Ranking, best first: the
whole label equals the query, the label starts with it, it matches whole
words, it occurs anywhere.

>>> normalise("  Örebro LÄN: \\"Rätten\\" ")
'orebro lan ratten'
>>> match_rank("ratten till", normalise('"Rätten till ett eget liv". Hot'))
1
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from kgraph.linkeddata.describe import href_for, to_term
from kgraph.store.base import GraphStore
from kgraph.terms import DCT, LABEL_PROPERTIES, SKOS

SEARCHED = (*LABEL_PROPERTIES, DCT + "alternative", SKOS + "altLabel")
MATCH_NAMES = ("exact", "prefix", "word", "substring")
_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, no diacritics, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain.casefold()).replace("_", " ").strip()


def match_rank(query: str, text: str) -> int | None:
    """0 exact, 1 prefix, 2 whole words, 3 substring, ``None``: no match (both normalised)."""
    if not query:
        return None
    if text == query:
        return 0
    if text.startswith(query):
        return 1
    padded = f" {text} "
    if f" {query} " in padded or set(query.split()) <= set(text.split()):
        return 2
    if query in text:
        return 3
    return None


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    href: str
    label: str
    lang: str | None
    types: tuple[str, ...]  # labels of its classes in the ontology
    match: str  # exact | prefix | word | substring
    matched: str  # the label or title that matched

    def as_json(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label": self.label,
            "lang": self.lang,
            "types": list(self.types),
            "match": self.match,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class _Entry:
    iri: str
    text: str
    lang: str | None
    norm: str


class _Index:
    def __init__(self, store: GraphStore, base_iri: str) -> None:
        values = " ".join(f"<{p}>" for p in SEARCHED)
        rows = store.select(
            f"SELECT ?s ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?l "
            f'FILTER(isIRI(?s) && isLiteral(?l) && STRSTARTS(STR(?s), "{base_iri}")) }}'
        )
        self.entries: list[_Entry] = []
        self.labels: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        for r in rows:
            s, p, lit = r["s"].value, r["p"].value, to_term(r["l"])
            self.entries.append(_Entry(s, lit.value, lit.lang, normalise(lit.value)))
            rank = LABEL_PROPERTIES.index(p) if p in LABEL_PROPERTIES else 9
            self.labels[s].append((rank, lit.value, lit.lang))
        self.types: dict[str, list[str]] = defaultdict(list)
        ns = base_iri + "def/"
        for r in store.select(
            f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER(isIRI(?s) && "
            f'STRSTARTS(STR(?t), "{ns}")) }} ORDER BY ?t'
        ):
            self.types[r["s"].value].append(r["t"].value)

    def label(self, iri: str, lang: str) -> tuple[str, str | None]:
        cands = self.labels.get(iri)
        if not cands:
            return iri, None
        best = min(cands, key=lambda c: (0 if c[2] == lang else 1 if not c[2] else 2, c[0]))
        return best[1], best[2]


class Searcher:
    """Label and title search over a store, with an index per store version.

    >>> Searcher().search  # doctest: +ELLIPSIS
    <bound method Searcher.search of ...>
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str, str] | None = None
        self._index: _Index | None = None

    def _index_for(self, store: GraphStore, base_iri: str) -> _Index:
        key = (id(store), store.info().version, base_iri)
        with self._lock:
            if self._index is None or self._key != key:
                self._index = _Index(store, base_iri)
                self._key = key
            return self._index

    def search(
        self, store: GraphStore, query: str, *, base_iri: str, lang: str, limit: int = 50
    ) -> list[Hit]:
        """Resources whose label or title matches ``query``, best first. Raises StoreError."""
        q = normalise(query)
        if not q:
            return []
        index = self._index_for(store, base_iri)
        best: dict[str, tuple[int, int, str, _Entry]] = {}
        for e in index.entries:
            rank = match_rank(q, e.norm)
            if rank is None:
                continue
            key = (rank, len(e.norm), e.text, e)
            if e.iri not in best or key[:3] < best[e.iri][:3]:
                best[e.iri] = key
        ordered = sorted(best.values(), key=lambda k: (k[0], k[1], k[2]))[:limit]
        hits = []
        for rank, _len, _text, e in ordered:
            label, llang = index.label(e.iri, lang)
            types = tuple(index.label(t, lang)[0] for t in index.types.get(e.iri, ()))
            hits.append(
                Hit(
                    e.iri, href_for(e.iri, base_iri), label, llang, types, MATCH_NAMES[rank], e.text
                )
            )
        return hits
