"""The dataset as people read about it: one summary for the dataset page and the catalogue.

Everything the catalogue record says, in the reader's language and by name
(licence, themes, publisher type, counties), with the files to download. The
record itself (``kgraph.opendata.catalog``) stays the machine's version of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kgraph.formats import RDF_FORMATS, SPARQL_CSV, by_name
from kgraph.linkeddata.describe import Labels, href_for
from kgraph.opendata.catalog import counties, year_range
from kgraph.opendata.dumps import DumpFile, Manifest
from kgraph.opendata.tables import table_by_name
from kgraph.opendata.vocab import licence, theme_name, vocabulary_name
from kgraph.opendata.void import dataset_iri
from kgraph.settings import Settings
from kgraph.store.base import GraphStore


@dataclass(frozen=True)
class Download:
    """A file of the dump set, ready to list."""

    name: str
    href: str
    format: str  # the name people know it by: "Turtle", "CSV"
    media_type: str
    compressed: bool
    bytes: int
    sha256: str
    statements: int
    title: str  # what is in it


@dataclass(frozen=True)
class Place:
    label: str
    href: str
    lang: str | None


@dataclass
class DatasetSummary:
    """What the dataset page and the catalogue page say about the dataset."""

    iri: str
    href: str
    title: str
    description: str
    publisher: str
    publisher_kind: str
    contact_name: str
    contact_email: str
    licence_name: str
    licence_href: str
    licence_iri: str
    rights: str
    themes: list[str]
    keywords: list[str]
    years: tuple[int, int] | None
    counties: list[Place]
    modified: str
    issued: str
    endpoint: str
    downloads: list[Download] = field(default_factory=list)
    tables: list[Download] = field(default_factory=list)

    def citation(self, lang: str) -> str:
        """A reference to the dataset as a reader would cite it (author, year, title,
        kind and version, address)."""
        kind = "Datamängd" if lang == "sv" else "Dataset"
        return (
            f"{self.publisher} ({self.modified[:4]}). {self.title} [{kind}, "
            f"version {self.modified[:10]}]. {self.iri}"
        )


def _download(f: DumpFile, dataset_id: str, lang: str) -> Download:
    sv = lang == "sv"
    if f.format == SPARQL_CSV.name:
        fmt = SPARQL_CSV
        table = table_by_name(f.name.removeprefix(f"{dataset_id}-").removesuffix(".csv"))
        what = f.name if table is None else (table.title_sv if sv else table.title_en)
    else:
        fmt = by_name(f.format, RDF_FORMATS)
        what = ("Hela datamängden som " if sv else "The whole dataset as ") + fmt.label
        if f.dataset:
            what += " (alla grafer)" if sv else " (all graphs)"
    return Download(
        f.name,
        f"/dumps/{f.name}",
        fmt.label,
        f.media_type,
        f.compressed,
        f.bytes,
        f.sha256,
        f.statements,
        what,
    )


def summary(
    settings: Settings, store: GraphStore, manifest: Manifest | None, lang: str
) -> DatasetSummary:
    """The dataset of ``store`` as described by ``settings`` and ``manifest`` (the dump set;
    ``None``: no files listed), in ``lang``. Raises StoreError.
    """
    cat = settings.catalogue
    sv = lang == "sv"
    base = settings.server.base_iri
    lic = licence(cat.license_iri)
    places = counties(store)
    labels = Labels(lang, base)
    labels.load(store, [iri for iri, _, _ in places])
    county_list = []
    for iri, _, _ in places:
        text, tlang = labels.text(iri)
        county_list.append(Place(text, href_for(iri, base), tlang))
    county_list.sort(key=lambda p: p.label)
    modified = (manifest.modified or manifest.generated) if manifest else store.info().modified
    return DatasetSummary(
        iri=dataset_iri(settings),
        href=href_for(dataset_iri(settings), base),
        title=cat.dataset_title_sv if sv else cat.dataset_title_en,
        description=cat.dataset_description_sv if sv else cat.dataset_description_en,
        publisher=cat.publisher_name,
        publisher_kind=vocabulary_name(cat.publisher_type, lang) or cat.publisher_type,
        contact_name=cat.contact_name,
        contact_email=cat.contact_email,
        licence_name=lic.name(lang),
        licence_href=lic.deed,
        licence_iri=lic.iri,
        rights=cat.rights_sv if sv else cat.rights_en,
        themes=[theme_name(code, lang) for code in cat.dataset_themes],
        keywords=list(cat.dataset_keywords_sv if sv else cat.dataset_keywords_en),
        years=year_range(store),
        counties=county_list,
        modified=modified,
        issued=cat.dataset_issued or modified,
        endpoint=f"{base}sparql",
        downloads=[_download(f, cat.dataset_id, lang) for f in manifest.files] if manifest else [],
        tables=[_download(f, cat.dataset_id, lang) for f in manifest.tables] if manifest else [],
    )
