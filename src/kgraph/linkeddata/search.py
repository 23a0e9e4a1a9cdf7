"""Find resources by name, title, code or number: tolerant of case, diacritics, typos and
compound words, ranked, with counts per kind.

The index is derived data: built from the store on first use and rebuilt when
the store's version changes (``info().version``). It holds every label, title,
alternative name, code (``skos:notation``) and number (``dct:identifier`` and
the ontology's sub-properties of either) of the resources under the base.

Ranking, best first: the whole text equals the query, starts with it, has its
words, contains it; then a compound typed as one word whose parts begin words
of the text ("hedersvåld" finds "hedersrelaterat våld"); then, when nothing
matches, texts that match after each unknown word of the query is replaced by
the most similar word in the index (rapidfuzz), offered as "did you mean".

>>> normalise("  Örebro LÄN: \\"Rätten\\" ")
'orebro lan ratten'
>>> match_rank("ratten till", normalise('"Rätten till ett eget liv". Hot'))
1
>>> compound_match("hedersvald", "hedersrelaterat vald och fortryck".split())
True
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from kgraph.linkeddata.describe import href_for, to_term
from kgraph.store.base import GraphStore
from kgraph.terms import DCT, LABEL_PROPERTIES, RDFS, SKOS

SEARCHED = (
    *LABEL_PROPERTIES,
    DCT + "alternative",
    SKOS + "altLabel",
    SKOS + "notation",
    DCT + "identifier",
)
MATCH_NAMES = ("exact", "prefix", "word", "substring", "compound", "similar")
SIMILAR_CUTOFF = 75  # rapidfuzz ratio (0-100) a replacement word must reach
_NON_WORD = re.compile(r"[^\w]+")
_MIN_PART = 3  # shortest part of a compound


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


def compound_match(token: str, words: Sequence[str]) -> bool:
    """True if ``token`` splits into two parts that each begin a word of ``words``
    (a compound typed as one word), or is itself part of a word."""
    if any(token in w for w in words):
        return True
    for cut in range(_MIN_PART, len(token) - _MIN_PART + 1):
        head, tail = token[:cut], token[cut:]
        if any(w.startswith(head) for w in words) and any(w.startswith(tail) for w in words):
            return True
    return False


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    href: str
    label: str
    lang: str | None
    types: tuple[str, ...]  # labels of its classes in the ontology
    match: str  # exact | prefix | word | substring | compound | similar
    matched: str  # the text that matched
    matched_lang: str | None = None

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
class Facet:
    """A kind of resource among the hits: its key (the class's local name), name, count."""

    key: str
    label: str
    count: int
    href: str = ""

    def with_href(self, href: str) -> Facet:
        return replace(self, href=href)


@dataclass(frozen=True)
class Found:
    """The hits for a query (all of them, best first), counts per kind, and a suggestion."""

    hits: list[Hit]
    facets: list[Facet]
    suggestion: str | None = None


@dataclass(frozen=True)
class _Entry:
    iri: str
    text: str
    lang: str | None
    norm: str
    words: tuple[str, ...]


class _Index:
    def __init__(self, store: GraphStore, base_iri: str) -> None:
        props = " ".join(f"<{p}>" for p in SEARCHED)
        rows = store.select(
            f"SELECT ?s ?p ?l WHERE {{ {{ VALUES ?p {{ {props} }} ?s ?p ?l }} UNION "
            f"{{ ?p <{RDFS}subPropertyOf>+ ?top FILTER(?top IN (<{DCT}identifier>, "
            f"<{SKOS}notation>)) ?s ?p ?l }} "
            f'FILTER(isIRI(?s) && isLiteral(?l) && STRSTARTS(STR(?s), "{base_iri}")) }}'
        )
        self.entries: list[_Entry] = []
        self.labels: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        seen: set[tuple[str, str]] = set()
        for r in rows:
            s, p, lit = r["s"].value, r["p"].value, to_term(r["l"])
            if (s, lit.value) in seen:
                continue
            seen.add((s, lit.value))
            norm = normalise(lit.value)
            self.entries.append(_Entry(s, lit.value, lit.lang, norm, tuple(norm.split())))
            if p in LABEL_PROPERTIES:
                self.labels[s].append((LABEL_PROPERTIES.index(p), lit.value, lit.lang))
            for word in _NON_WORD.split(lit.value):
                if len(word) >= _MIN_PART:
                    forms[normalise(word)][word] += 1
        # every word of the index, and the form to show it in when suggesting it
        self.display = {w: c.most_common(1)[0][0] for w, c in forms.items() if w}
        self.vocabulary = sorted(self.display)
        self.types: dict[str, list[str]] = defaultdict(list)
        ns = base_iri + "def/"
        for r in store.select(
            f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER(isIRI(?s) && "
            f'STRSTARTS(STR(?t), "{ns}")) }} ORDER BY ?t'
        ):
            self.types[r["s"].value].append(r["t"].value)
        for r in store.select(
            f"SELECT ?t ?l WHERE {{ ?t <{RDFS}label> ?l "
            f'FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{ns}")) }}'
        ):
            lit = to_term(r["l"])
            self.labels[r["t"].value].append((1, lit.value, lit.lang))

    def label(self, iri: str, lang: str) -> tuple[str, str | None]:
        cands = self.labels.get(iri)
        if not cands:
            return iri, None
        best = min(cands, key=lambda c: (0 if c[2] == lang else 1 if not c[2] else 2, c[0]))
        return best[1], best[2]

    def rank(self, q: str, tokens: list[str], e: _Entry) -> int | None:
        rank = match_rank(q, e.norm)
        if rank is not None:
            return rank
        if len(tokens) > 0 and all(
            any(w.startswith(t) for w in e.words) or compound_match(t, e.words) for t in tokens
        ):
            return 4
        return None

    def correct(self, tokens: list[str]) -> list[str]:
        """Each token not in the index replaced by the most similar word that is."""
        known = set(self.vocabulary)
        out = []
        for tok in tokens:
            if tok in known or len(tok) < _MIN_PART or any(w.startswith(tok) for w in known):
                out.append(tok)
                continue
            best = process.extractOne(
                tok, self.vocabulary, scorer=fuzz.ratio, score_cutoff=SIMILAR_CUTOFF
            )
            out.append(best[0] if best else tok)
        return out


class Searcher:
    """Search over a store, with an index per store version.

    >>> Searcher().find  # doctest: +ELLIPSIS
    <bound method Searcher.find of ...>
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

    def _matches(self, index: _Index, q: str, floor: int = 0) -> dict[str, tuple[int, _Entry]]:
        tokens = q.split()
        best: dict[str, tuple[int, _Entry]] = {}
        for e in index.entries:
            rank = index.rank(q, tokens, e)
            if rank is None:
                continue
            rank = max(rank, floor)
            old = best.get(e.iri)
            if old is None or (rank, len(e.norm), e.text) < (old[0], len(old[1].norm), old[1].text):
                best[e.iri] = (rank, e)
        return best

    def find(
        self, store: GraphStore, query: str, *, base_iri: str, lang: str, kind: str | None = None
    ) -> Found:
        """Every resource matching ``query``, best first; ``kind`` keeps those of one class
        (its local name or IRI). Raises StoreError."""
        q = normalise(query)
        if not q:
            return Found([], [])
        index = self._index_for(store, base_iri)
        best = self._matches(index, q)
        suggestion = None
        if not best:
            corrected = " ".join(index.correct(q.split()))
            if corrected != q:
                best = self._matches(index, corrected, floor=5)
                if best:
                    suggestion = " ".join(index.display.get(w, w) for w in corrected.split())
        ordered = sorted(best.values(), key=lambda k: (k[0], len(k[1].norm), k[1].text))
        counts: Counter[str] = Counter()
        for _, e in ordered:
            counts.update(set(index.types.get(e.iri, ())))
        ns = base_iri + "def/"
        facets = sorted(
            (Facet(t[len(ns) :], _capital(index.label(t, lang)[0]), n) for t, n in counts.items()),
            key=lambda f: (-f.count, f.label),
        )
        if kind:
            want = kind if kind.startswith(("http://", "https://")) else ns + kind
            ordered = [(r, e) for r, e in ordered if want in index.types.get(e.iri, ())]
        hits = []
        for rank, e in ordered:
            label, llang = index.label(e.iri, lang)
            types = tuple(_capital(index.label(t, lang)[0]) for t in index.types.get(e.iri, ()))
            hits.append(
                Hit(
                    e.iri,
                    href_for(e.iri, base_iri),
                    label,
                    llang,
                    types,
                    MATCH_NAMES[rank],
                    e.text,
                    e.lang,
                )
            )
        return Found(hits, facets, suggestion)

    def search(
        self, store: GraphStore, query: str, *, base_iri: str, lang: str, limit: int = 50
    ) -> list[Hit]:
        """The first ``limit`` hits of :meth:`find`. Raises StoreError."""
        return self.find(store, query, base_iri=base_iri, lang=lang).hits[:limit]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
