"""Synthetic data of the domain's shapes, at any size, for benchmarks and load tests.

The output has the real graph's structure (docs/model.md, the interop profile)
and conforms to shapes/: all 21 counties (real names and codes), 290
municipalities (generated names, valid codes that start with the county code,
the real number per county), the 21 boards, the Government, a topic scheme,
mandates, source pages, then publications (1–3 creators, report numbers,
years, topics, some attachments), projects with grants and amounts,
supervisions and mappings with places, and stated figures, repeated until
the requested number of triples is reached. Written as N-Triples with
absolute IRIs under ``base_iri``, streamed (nothing is kept in memory but the
fixed part's IRIs), deterministic: the same seed gives byte-identical output.

>>> import io
>>> out = io.StringIO()
>>> n = write_synthetic(out, triples=2000, base_iri="http://example.org/", seed=1)
>>> n >= 2000, out.getvalue().count("\\n") == n
(True, True)

Raises ValueError for a negative size or a base IRI that does not end in ``/``.
"""

from __future__ import annotations

import gzip
import io
import random
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kgraph.terms import DCT, FOAF, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

__all__ = ["COUNTIES", "MUNICIPALITIES_PER_COUNTY", "synth_file", "write_synthetic"]


# (code, slug, Swedish name, English name, number of municipalities)
COUNTIES: tuple[tuple[str, str, str, str, int], ...] = (
    ("01", "stockholm", "Stockholms län", "Stockholm County", 26),
    ("03", "uppsala", "Uppsala län", "Uppsala County", 8),
    ("04", "sodermanland", "Södermanlands län", "Södermanland County", 9),
    ("05", "ostergotland", "Östergötlands län", "Östergötland County", 13),
    ("06", "jonkoping", "Jönköpings län", "Jönköping County", 13),
    ("07", "kronoberg", "Kronobergs län", "Kronoberg County", 8),
    ("08", "kalmar", "Kalmar län", "Kalmar County", 12),
    ("09", "gotland", "Gotlands län", "Gotland County", 1),
    ("10", "blekinge", "Blekinge län", "Blekinge County", 5),
    ("12", "skane", "Skåne län", "Skåne County", 33),
    ("13", "halland", "Hallands län", "Halland County", 6),
    ("14", "vastra-gotaland", "Västra Götalands län", "Västra Götaland County", 49),
    ("17", "varmland", "Värmlands län", "Värmland County", 16),
    ("18", "orebro", "Örebro län", "Örebro County", 12),
    ("19", "vastmanland", "Västmanlands län", "Västmanland County", 10),
    ("20", "dalarna", "Dalarnas län", "Dalarna County", 15),
    ("21", "gavleborg", "Gävleborgs län", "Gävleborg County", 10),
    ("22", "vasternorrland", "Västernorrlands län", "Västernorrland County", 7),
    ("23", "jamtland", "Jämtlands län", "Jämtland County", 8),
    ("24", "vasterbotten", "Västerbottens län", "Västerbotten County", 15),
    ("25", "norrbotten", "Norrbottens län", "Norrbotten County", 14),
)
MUNICIPALITIES_PER_COUNTY = {c[0]: c[4] for c in COUNTIES}  # 290 in all

_HEADS = (
    "Björk",
    "Ek",
    "Sjö",
    "Berg",
    "Al",
    "Lind",
    "Gran",
    "Hög",
    "Ny",
    "Öster",
    "Väster",
    "Norr",
    "Söder",
    "Stor",
    "Lill",
    "Mal",
    "Sand",
    "Strand",
    "Fors",
    "Bro",
    "Hags",
    "Ås",
    "Gull",
    "Rön",
    "Tall",
    "Vall",
    "Kvarn",
    "Mo",
    "Ljus",
    "Frö",
)
_TAILS = (
    "by",
    "holm",
    "sund",
    "köping",
    "hamn",
    "ås",
    "berga",
    "stad",
    "vik",
    "torp",
    "fors",
    "näs",
    "dal",
    "hult",
    "ryd",
    "tuna",
    "lunda",
    "sjö",
    "åker",
    "bo",
    "skog",
    "mark",
)
_TOPICS = (
    ("mans-vald-mot-kvinnor", "Mäns våld mot kvinnor", "Men's violence against women"),
    ("vald-i-nara-relationer", "Våld i nära relationer", "Violence in close relationships"),
    ("hedersrelaterat-vald", "Hedersrelaterat våld och förtryck", "Honour-related violence"),
    (
        "prostitution-och-manniskohandel",
        "Prostitution och människohandel",
        "Prostitution and human trafficking",
    ),
    ("barn-som-bevittnat-vald", "Barn som bevittnat våld", "Children who witnessed violence"),
    ("tillsyn-av-socialtjansten", "Tillsyn av socialtjänsten", "Supervision of social services"),
    ("stod-till-valdsutsatta", "Stöd till våldsutsatta", "Support for victims of violence"),
    ("samverkan", "Samverkan", "Cooperation"),
    ("kompetensutveckling", "Kompetensutveckling", "Professional development"),
    ("jamstalldhet", "Jämställdhet", "Gender equality"),
    ("sexuellt-vald", "Sexuellt våld", "Sexual violence"),
    ("valdsforebyggande-arbete", "Våldsförebyggande arbete", "Violence prevention"),
)
_KINDS = (
    "Report",
    "Report",
    "Report",
    "Strategy",
    "ActionPlan",
    "Handbook",
    "Brochure",
    "Agreement",
)
_TITLE_A = (
    "Kartläggning av",
    "Tillsyn av",
    "Handlingsplan mot",
    "Strategi mot",
    "Rapport om",
    "Handbok om",
    "Samverkan kring",
    "Uppföljning av",
    "Arbetet mot",
    "Stöd vid",
)
_TITLE_B = (
    "mäns våld mot kvinnor",
    "våld i nära relationer",
    "hedersrelaterat våld",
    "kvinnofrid",
    "prostitution och människohandel",
    "socialtjänstens insatser",
    "skyddat boende",
    "barn som bevittnat våld",
    "sexuellt våld",
    "stödet till kvinnor",
)
_MEASURES = (
    ("anmälda misshandelsfall per år", "reported assault cases per year"),
    ("flickor i riskzonen", "girls at risk"),
    ("granskade kommuner", "municipalities supervised"),
    ("platser i skyddat boende", "places in sheltered housing"),
)


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(plain.lower().split())


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@' + lang


def _typed(value: object, dtype: str) -> str:
    return f'"{value}"^^<{XSD}{dtype}>'


def _municipality_names(rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < sum(MUNICIPALITIES_PER_COUNTY.values()):
        name = rng.choice(_HEADS) + rng.choice(_TAILS)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


class _Writer:
    """Formats N-Triples lines into a list; a unit at a time goes to the output."""

    def __init__(self, base: str) -> None:
        self.lines: list[str] = []
        self.base = base

    def iri(self, path: str) -> str:
        return f"<{self.base}{path}>"

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} <{p}> {o} .\n")

    def typed(self, s: str, *classes: str) -> None:
        for c in classes:
            self.lines.append(f"{s} <{RDF}type> <{c}> .\n")

    def take(self) -> str:
        text = "".join(self.lines)
        self.lines.clear()
        return text


def _fixed(w: _Writer, rng: random.Random) -> dict[str, list[str]]:
    """Places, organisations, topics, mandates and source pages: the graph's backbone."""
    kg = w.base + "def/"
    w.typed(
        gov := w.iri("id/org/regeringen"), ORG + "Organization", SCHEMA + "GovernmentOrganization"
    )
    w.t(gov, RDFS + "label", _lit("Regeringen", "sv"))
    w.t(gov, RDFS + "label", _lit("The Swedish Government", "en"))
    scheme = w.iri("id/scheme/topics")
    w.typed(scheme, SKOS + "ConceptScheme")
    w.t(scheme, SKOS + "prefLabel", _lit("Ämnen", "sv"))
    w.t(scheme, SKOS + "prefLabel", _lit("Topics", "en"))
    topics: list[str] = []
    for slug, sv, en in _TOPICS:
        topic = w.iri(f"id/topic/{slug}")
        topics.append(topic)
        w.typed(topic, SKOS + "Concept")
        w.t(topic, SKOS + "prefLabel", _lit(sv, "sv"))
        w.t(topic, SKOS + "prefLabel", _lit(en, "en"))
        w.t(topic, SKOS + "inScheme", scheme)
    mandates: list[str] = []
    for year in range(1998, 2024, 2):
        mandate = w.iri(f"id/mandate/{year}-uppdrag-kvinnofrid")
        w.typed(mandate, kg + "Mandate", PROV + "Plan")
        w.t(mandate, RDFS + "label", _lit(f"Regeringsuppdrag om kvinnofrid {year}", "sv"))
        w.t(mandate, DCT + "issued", _typed(year, "gYear"))
        w.t(mandate, DCT + "publisher", gov)
        w.t(mandate, DCT + "subject", rng.choice(topics))
        if mandates:
            w.t(mandate, PROV + "wasRevisionOf", mandates[-1])
        mandates.append(mandate)
    names = iter(_municipality_names(rng))
    counties: list[str] = []
    boards: list[str] = []
    municipalities: list[str] = []
    pages: list[str] = []
    for code, slug, sv, en, n in COUNTIES:
        county = w.iri(f"id/county/{slug}")
        counties.append(county)
        w.typed(county, kg + "County", SCHEMA + "AdministrativeArea")
        w.t(county, RDFS + "label", _lit(sv, "sv"))
        w.t(county, RDFS + "label", _lit(en, "en"))
        w.t(county, SKOS + "notation", f'"{code}"')
        w.t(county, kg + "countyCode", f'"{code}"')
        for i in range(n):
            name = next(names)
            mcode = f"{code}{10 + i * (89 // n):02d}"
            muni = w.iri(f"id/municipality/{_slug(name)}")
            municipalities.append(muni)
            w.typed(muni, kg + "Municipality", SCHEMA + "AdministrativeArea")
            w.t(muni, RDFS + "label", _lit(name, "sv"))
            w.t(muni, SKOS + "notation", f'"{mcode}"')
            w.t(muni, kg + "municipalityCode", f'"{mcode}"')
            w.t(muni, SCHEMA + "containedInPlace", county)
        board = w.iri(f"id/board/{slug}")
        boards.append(board)
        w.typed(board, kg + "CountyBoard", ORG + "Organization", SCHEMA + "GovernmentOrganization")
        w.t(board, RDFS + "label", _lit(f"Länsstyrelsen i {sv}", "sv"))
        w.t(board, RDFS + "label", _lit(f"{en} Administrative Board", "en"))
        w.t(board, SCHEMA + "areaServed", county)
        w.t(board, FOAF + "homepage", f"<http://www.lansstyrelsen.se/{slug}>")
        for mandate in rng.sample(mandates, 2):
            w.t(board, kg + "carriesOut", mandate)
            w.t(board, PROV + "wasInfluencedBy", mandate)
        for k in range(3):
            page = w.iri(f"id/page/nck-lansstyrelsen-{slug}-{k + 1}")
            pages.append(page)
            w.typed(page, kg + "SourcePage", FOAF + "Document")
            w.t(page, DCT + "title", _lit(f"Länsstyrelsen i {sv}, sida {k + 1}", "sv"))
            w.t(
                page,
                DCT + "modified",
                _typed(f"20{10 + k + rng.randrange(10)}-0{1 + k}-15", "date"),
            )
            w.t(page, kg + "aboutBoard", board)
            w.t(page, FOAF + "primaryTopic", board)
    return {
        "boards": boards,
        "municipalities": municipalities,
        "pages": pages,
        "topics": topics,
        "counties": counties,
        "gov": [gov],
    }


def _units(w: _Writer, rng: random.Random, fx: dict[str, list[str]]) -> Iterator[str]:
    """Endless stream of units (a publication and, now and then, a grant, an activity...)."""
    kg = w.base + "def/"
    boards, pages, topics, munis = fx["boards"], fx["pages"], fx["topics"], fx["municipalities"]
    gov = fx["gov"][0]
    title, dct_id, report_no = DCT + "title", DCT + "identifier", kg + "reportNumber"
    i = 0
    last_pub = ""
    while True:
        i += 1
        year = 1995 + rng.randrange(29)
        pub = w.iri(f"id/publication/p{i}-{year}")
        kind = _KINDS[rng.randrange(len(_KINDS))]
        is_attachment = i % 20 == 0 and bool(last_pub)
        w.typed(
            pub,
            DCT + "BibliographicResource",
            kg + "Publication",
            kg + ("Attachment" if is_attachment else kind),
        )
        text = f"{rng.choice(_TITLE_A)} {rng.choice(_TITLE_B)} i länet {year} ({i})"
        w.t(pub, title, _lit(text, "sv"))
        w.t(pub, RDFS + "label", _lit(text, "sv"))
        for board in rng.sample(boards, 1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
            w.t(pub, DCT + "creator", board)
        w.t(pub, DCT + "issued", _typed(year, "gYear"))
        number = f'"{year}:{i % 1000}"'
        w.t(pub, dct_id, number)
        w.t(pub, report_no, number)
        if i % 7 == 0:
            reg = f'"{100 + i % 900}-{1000 + i % 9000}-{year % 100:02d}"'
            w.t(pub, dct_id, reg)
            w.t(pub, kg + "registryNumber", reg)
        for topic in rng.sample(topics, 1 + rng.randrange(3)):
            w.t(pub, DCT + "subject", topic)
        w.t(pub, PROV + "wasDerivedFrom", pages[rng.randrange(len(pages))])
        if is_attachment:
            w.t(pub, DCT + "isPartOf", last_pub)
        else:
            last_pub = pub
        if i % 4 == 0:
            start = 1995 + rng.randrange(25)
            proj = w.iri(f"id/project/projekt-{i}")
            w.typed(proj, kg + "Project", SCHEMA + "Project")
            w.t(proj, RDFS + "label", _lit(f"Projekt mot {rng.choice(_TITLE_B)} {i}", "sv"))
            w.t(proj, SCHEMA + "startDate", _typed(start, "gYear"))
            w.t(proj, SCHEMA + "endDate", _typed(start + rng.randrange(4), "gYear"))
            grant = w.iri(f"id/grant/bidrag-{i}")
            w.typed(grant, kg + "Grant", SCHEMA + "MonetaryGrant")
            w.t(grant, SCHEMA + "funder", boards[rng.randrange(len(boards))] if i % 8 else gov)
            w.t(grant, SCHEMA + "fundedItem", proj)
            w.t(grant, SCHEMA + "startDate", _typed(start, "gYear"))
            amount = f"_:amount{i}"
            w.t(grant, SCHEMA + "amount", amount)
            w.typed(amount, SCHEMA + "MonetaryAmount")
            w.t(amount, SCHEMA + "value", _typed(f"{rng.randrange(10, 5000) * 1000}.00", "decimal"))
            w.t(amount, SCHEMA + "currency", '"SEK"')
        if i % 5 == 0:
            start = 2000 + rng.randrange(23)
            act = w.iri(f"id/activity/aktivitet-{i}")
            w.typed(act, kg + ("Supervision" if i % 10 else "Mapping"), PROV + "Activity")
            w.t(act, RDFS + "label", _lit(f"Tillsyn {start} nr {i}", "sv"))
            w.t(act, PROV + "wasAssociatedWith", boards[rng.randrange(len(boards))])
            for muni in rng.sample(munis, 1 + rng.randrange(3)):
                w.t(act, SCHEMA + "location", muni)
            w.t(act, SCHEMA + "startDate", _typed(start, "gYear"))
            w.t(act, SCHEMA + "endDate", _typed(start + 1, "gYear"))
        if i % 8 == 0:
            fig = w.iri(f"id/figure/uppgift-{i}")
            sv, en = _MEASURES[i % len(_MEASURES)]
            w.typed(fig, kg + "StatedFigure", SCHEMA + "Observation")
            w.t(fig, RDFS + "label", _lit(f"{sv} {year}", "sv"))
            w.t(fig, SCHEMA + "value", _typed(rng.randrange(1, 5000), "integer"))
            w.t(fig, SCHEMA + "variableMeasured", _lit(sv, "sv"))
            w.t(fig, SCHEMA + "variableMeasured", _lit(en, "en"))
            w.t(fig, SCHEMA + "observationAbout", boards[rng.randrange(len(boards))])
            w.t(fig, DCT + "date", _typed(year, "gYear"))
            w.t(fig, PROV + "wasDerivedFrom", pages[rng.randrange(len(pages))])
        yield w.take()


def write_synthetic(out: IO[str], *, triples: int, base_iri: str, seed: int = 0) -> int:
    """Write at least ``triples`` triples (whole units: a few more) to ``out``; return the count.

    The fixed part (places, organisations, topics, mandates, pages: about
    3,400 triples) is always written in full, whatever ``triples`` says.
    """
    if triples < 0:
        raise ValueError(f"triples must be >= 0, not {triples}")
    if not base_iri.endswith("/"):
        raise ValueError(f"the base IRI must end with '/': {base_iri}")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    w = _Writer(base_iri)
    fixed = _fixed(w, rng)
    count = len(w.lines)
    out.write(w.take())
    batch: list[str] = []
    for unit in _units(w, rng, fixed):
        if count >= triples:
            break
        count += unit.count("\n")
        batch.append(unit)
        if len(batch) >= 500:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    return count


def synth_file(path: Path, *, triples: int, base_iri: str, seed: int = 0) -> int:
    """:func:`write_synthetic` to a file (gzipped, reproducibly, if it ends in ``.gz``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        with (
            path.open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        ):
            text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
            n = write_synthetic(text, triples=triples, base_iri=base_iri, seed=seed)
            text.flush()
            text.detach()
            return n
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        return write_synthetic(fh, triples=triples, base_iri=base_iri, seed=seed)
