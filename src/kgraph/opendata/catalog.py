"""The DCAT-AP-SE catalogue record: a small rdflib graph built from settings, store and dumps.

The record has one ``dcat:Catalog`` with one ``dcat:Dataset`` (the published
data), one ``dcat:Distribution`` per dump file and a ``dcat:DataService`` for
the SPARQL endpoint. Publisher, contact point, licence and texts come from
settings; temporal and spatial coverage are computed from the data; sizes and
checksums come from the dump manifest. Catalogue, dataset, distributions, data
service, publisher and contact point have IRIs (no blank nodes), as the Swedish
data portal requires; every node the DCAT-AP range shapes check is typed.

Spatial coverage: Sweden by the EU country authority IRI, and each county in
the data by its NUTS 3 IRI (``http://data.europa.eu/nuts/code/SE...``: in Sweden
the NUTS 3 regions are exactly the 21 län), found from the county's two-digit
code; a county whose code is not in the table is listed by its own IRI.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, SKOS

from kgraph.formats import GZIP, RDF_FORMATS, SPARQL_CSV, by_name
from kgraph.opendata.dumps import DumpFile, Manifest
from kgraph.opendata.tables import table_by_name
from kgraph.opendata.vocab import THEMES, vocabulary_name
from kgraph.opendata.vocab import licence as licence_of
from kgraph.opendata.void import dataset_iri
from kgraph.settings import Settings
from kgraph.store.base import GraphStore

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
NUTS = "http://data.europa.eu/nuts/code/"
SWEDEN = f"{EU}country/SWE"
STABLE = URIRef(f"{EU}planned-availability/STABLE")


# The two-digit SCB county code -> NUTS 2021 level-3 code of the same county.
NUTS3_BY_COUNTY_CODE = {
    "01": "SE110", "03": "SE121", "04": "SE122", "05": "SE123", "06": "SE211",
    "07": "SE212", "08": "SE213", "09": "SE214", "10": "SE221", "12": "SE224",
    "13": "SE231", "14": "SE232", "17": "SE311", "18": "SE124", "19": "SE125",
    "20": "SE312", "21": "SE313", "22": "SE321", "23": "SE322", "24": "SE331",
    "25": "SE332",
}  # fmt: skip


def catalog_iri(settings: Settings) -> str:
    return f"{settings.server.base_iri}id/catalog/{settings.catalogue.dataset_id}"


def publisher_iri(settings: Settings) -> str:
    return settings.catalogue.publisher_iri or f"{settings.server.base_iri}id/agent/publisher"


def distribution_iri(settings: Settings, dump: DumpFile) -> str:
    return f"{settings.server.base_iri}id/distribution/{dump.name.replace('.', '-')}"


def year_range(store: GraphStore) -> tuple[int, int] | None:
    """The smallest and largest ``xsd:gYear`` value in the default graph, or ``None``."""
    rows = store.select(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
        "SELECT (MIN(?y) AS ?min) (MAX(?y) AS ?max) "
        "{ ?s ?p ?o FILTER(isLiteral(?o) && DATATYPE(?o) = xsd:gYear) "
        "  BIND(xsd:integer(SUBSTR(STR(?o), 1, 4)) AS ?y) }"
    )
    if not rows or "min" not in rows[0]:
        return None
    return int(rows[0]["min"].value), int(rows[0]["max"].value)


def counties(store: GraphStore) -> list[tuple[str, str, str]]:
    """(county IRI, two-digit code, Swedish label) of each county in the data."""
    rows = store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX schema: <https://schema.org/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?c (SAMPLE(?code) AS ?n) (SAMPLE(?label) AS ?l) "
        "{ ?c a schema:AdministrativeArea ; skos:notation ?code "
        "  FILTER(REGEX(STR(?code), '^[0-9]{2}$')) "
        "  OPTIONAL { ?c rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), 'sv')) } } "
        "GROUP BY ?c ORDER BY ?n"
    )
    return [(r["c"].value, r["n"].value, r["l"].value if "l" in r else "") for r in rows]


def _texts(g: Graph, node: URIRef, pred: URIRef, sv: str, en: str) -> None:
    g.add((node, pred, Literal(sv, lang="sv")))
    g.add((node, pred, Literal(en, lang="en")))


def build_catalog(
    settings: Settings, store: GraphStore, manifest: Manifest, *, profile: str = "3.0.1"
) -> Graph:
    """The DCAT-AP-SE record for the dump set ``manifest`` of ``store``. Raises StoreError.

    ``profile="2.1.1"`` writes the two things DCAT-AP 2 wants differently:
    ``dcat:byteSize`` as ``xsd:decimal`` and a SHA-1 checksum (the 2.1.1 shapes
    allow no other algorithm). The default is DCAT-AP(-SE) 3.0.1.
    """
    dcat2 = profile.startswith("2.")
    base = settings.server.base_iri
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
        ("spdx", SPDX), ("skos", SKOS), ("adms", ADMS), ("dcatap", DCATAP),
    ):  # fmt: skip
        g.bind(prefix, ns)

    catalog = URIRef(catalog_iri(settings))
    dataset = URIRef(dataset_iri(settings))
    service = URIRef(f"{base}id/service/sparql")
    publisher = URIRef(publisher_iri(settings))
    contact = URIRef(f"{base}id/contact/{settings.catalogue.dataset_id}")
    lic = licence_of(settings.catalogue.license_iri)
    licence_node = URIRef(lic.iri)
    rights = URIRef(f"{base}id/rights/{settings.catalogue.dataset_id}")
    swedish = URIRef(f"{EU}language/SWE")
    english = URIRef(f"{EU}language/ENG")
    homepage = URIRef(base)
    modified = Literal(manifest.modified or manifest.generated, datatype=XSD.dateTime)
    issued_text = settings.catalogue.dataset_issued
    issued = (
        Literal(issued_text, datatype=XSD.date if len(issued_text) == 10 else XSD.dateTime)
        if issued_text
        else modified
    )

    # shared nodes, typed for the range shapes
    licence = licence_node
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, DCTERMS.type, URIRef(settings.catalogue.license_type)))
    g.add((licence, SKOS.prefLabel, Literal(lic.name_sv, lang="sv")))
    g.add((licence, SKOS.prefLabel, Literal(lic.name_en, lang="en")))
    if lic.deed != lic.iri:
        g.add((licence, FOAF.page, URIRef(lic.deed)))
    _concept(g, settings.catalogue.license_type)
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    _texts(g, rights, RDFS.label, settings.catalogue.rights_sv, settings.catalogue.rights_en)
    for language in (swedish, english):
        g.add((language, RDF.type, DCTERMS.LinguisticSystem))
    g.add((homepage, RDF.type, FOAF.Document))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.catalogue.publisher_name)))
    g.add((publisher, DCTERMS.type, URIRef(settings.catalogue.publisher_type)))
    _concept(g, settings.catalogue.publisher_type)
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.catalogue.contact_name)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.catalogue.contact_email}")))

    # the catalogue
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(
        g,
        catalog,
        DCTERMS.title,
        settings.catalogue.catalog_title_sv,
        settings.catalogue.catalog_title_en,
    )
    _texts(
        g,
        catalog,
        DCTERMS.description,
        settings.catalogue.catalog_description_sv,
        settings.catalogue.catalog_description_en,
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.language, swedish))
    g.add((catalog, DCTERMS.language, english))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCTERMS.spatial, URIRef(SWEDEN)))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    themes = URIRef(f"{EU}data-theme")
    g.add((catalog, DCAT.themeTaxonomy, themes))
    g.add((themes, RDF.type, SKOS.ConceptScheme))
    g.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))

    # the dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(
        g,
        dataset,
        DCTERMS.title,
        settings.catalogue.dataset_title_sv,
        settings.catalogue.dataset_title_en,
    )
    _texts(
        g,
        dataset,
        DCTERMS.description,
        settings.catalogue.dataset_description_sv,
        settings.catalogue.dataset_description_en,
    )
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.license, licence))
    access = URIRef(f"{EU}access-right/PUBLIC")
    g.add((dataset, DCTERMS.accessRights, access))
    g.add((access, RDF.type, DCTERMS.RightsStatement))
    g.add((dataset, DCTERMS.language, swedish))
    g.add((dataset, DCTERMS.language, english))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, DCTERMS.conformsTo, URIRef(f"{base}def/")))
    g.add((URIRef(f"{base}def/"), RDF.type, DCTERMS.Standard))
    for code in settings.catalogue.dataset_themes:
        theme = URIRef(f"{EU}data-theme/{code}")
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.inScheme, themes))
        names = THEMES.get(code, (code, code))
        g.add((theme, SKOS.prefLabel, Literal(names[0], lang="sv")))
        g.add((theme, SKOS.prefLabel, Literal(names[1], lang="en")))
        for node in (dataset, service):
            g.add((node, DCAT.theme, theme))
    keywords = (
        ("sv", settings.catalogue.dataset_keywords_sv),
        ("en", settings.catalogue.dataset_keywords_en),
    )
    for lang, words in keywords:
        for word in words:
            for node in (dataset, service):
                g.add((node, DCAT.keyword, Literal(word, lang=lang)))
    _spatial(g, dataset, store)
    years = year_range(store)
    if years is not None:
        period = BNode()
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        # whole years as dates: DCAT-AP 2.1.1 accepts only xsd:date/dateTime here
        g.add((period, DCAT.startDate, Literal(f"{years[0]:04d}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{years[1]:04d}-12-31", datatype=XSD.date)))

    # one distribution per dump file and per table
    for dump in (*manifest.files, *manifest.tables):
        dist = URIRef(distribution_iri(settings, dump))
        g.add((dataset, DCAT.distribution, dist))
        _distribution(g, dist, dump, settings, licence, modified, dcat2=dcat2)
        g.add((dist, DCTERMS.rights, rights))
        g.add((dist, DCTERMS.issued, issued))

    # the SPARQL endpoint
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL-ändpunkt", lang="sv")))
    g.add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(f"{base}sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(f"{base}sparql")))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    return g


def _spatial(g: Graph, dataset: URIRef, store: GraphStore) -> None:
    sweden = URIRef(SWEDEN)
    g.add((dataset, DCTERMS.spatial, sweden))
    g.add((sweden, RDF.type, DCTERMS.Location))
    g.add((sweden, SKOS.prefLabel, Literal("Sverige", lang="sv")))
    for iri, code, label in counties(store):
        nuts = NUTS3_BY_COUNTY_CODE.get(code)
        place = URIRef(f"{NUTS}{nuts}") if nuts else URIRef(iri)
        g.add((dataset, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
        if label:
            g.add((place, SKOS.prefLabel, Literal(label, lang="sv")))
        if nuts:
            g.add((place, SKOS.exactMatch, URIRef(iri)))


def _distribution(
    g: Graph,
    dist: URIRef,
    dump: DumpFile,
    settings: Settings,
    licence: URIRef,
    modified: Literal,
    *,
    dcat2: bool,
) -> None:
    base = settings.server.base_iri
    g.add((dist, RDF.type, DCAT.Distribution))
    fmt = by_name(dump.format, (*RDF_FORMATS, SPARQL_CSV))
    label = fmt.label
    packed = " (gzip)" if dump.compressed else ""
    table = table_by_name(
        dump.name.removeprefix(f"{settings.catalogue.dataset_id}-").removesuffix(".csv")
    )
    if fmt is SPARQL_CSV and table is not None:
        g.add((dist, DCTERMS.title, Literal(f"{table.title_sv} (CSV)", lang="sv")))
        g.add((dist, DCTERMS.title, Literal(f"{table.title_en} (CSV)", lang="en")))
    elif dump.dataset:  # TriG, N-Quads: every statement in the named graph of its source
        g.add(
            (
                dist,
                DCTERMS.title,
                Literal(
                    f"Hela datamängden med sina namngivna grafer som {label}{packed}", lang="sv"
                ),
            )
        )
        g.add(
            (
                dist,
                DCTERMS.title,
                Literal(f"The whole dataset with its named graphs as {label}{packed}", lang="en"),
            )
        )
    else:  # the default graph: the union of all graphs
        g.add((dist, DCTERMS.title, Literal(f"Hela datamängden som {label}{packed}", lang="sv")))
        g.add((dist, DCTERMS.title, Literal(f"The whole dataset as {label}{packed}", lang="en")))
    g.add((dist, DCAT.accessURL, URIRef(f"{base}dumps/")))
    g.add((dist, DCAT.downloadURL, URIRef(f"{base}dumps/{dump.name}")))
    media = URIRef(IANA + dump.media_type)
    g.add((dist, DCAT.mediaType, media))
    g.add((media, RDF.type, DCTERMS.MediaType))
    if dump.compressed:
        gz = URIRef(IANA + GZIP.media_type)
        g.add((dist, DCAT.compressFormat, gz))
        g.add((gz, RDF.type, DCTERMS.MediaType))
    file_type = URIRef(f"{EU}file-type/{fmt.eu_file_type}")
    g.add((dist, DCTERMS.format, file_type))
    g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    size = (
        Literal(Decimal(dump.bytes), datatype=XSD.decimal)
        if dcat2
        else Literal(dump.bytes, datatype=XSD.nonNegativeInteger)
    )
    g.add((dist, DCAT.byteSize, size))
    checksum = BNode()
    algorithm, digest = (
        (SPDX.checksumAlgorithm_sha1, dump.sha1)
        if dcat2
        else (SPDX.checksumAlgorithm_sha256, dump.sha256)
    )
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, algorithm))
    g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    g.add((dist, DCATAP.availability, STABLE))
    g.add((STABLE, RDF.type, SKOS.Concept))
    g.add((STABLE, SKOS.prefLabel, Literal("stable", lang="en")))
    if table is not None and fmt is SPARQL_CSV:
        sv = (
            f"En rad per resurs, kolumnerna {', '.join(table.columns)}; flera värden i en cell "
            "skiljs med ' | '. Skriven från samma version som SPARQL-ändpunkten svarar från."
        )
        en = (
            f"One row per resource, columns {', '.join(table.columns)}; several values in a cell "
            "are separated by ' | '. Written from the same version the SPARQL endpoint answers "
            "from."
        )
    elif dump.dataset:
        sv = (
            "Alla påståenden i datamängden, vart och ett i den namngivna graf som säger var "
            f"det kommer ifrån (en graf per källa), som {label}{packed}, skrivna från samma "
            "version som SPARQL-ändpunkten svarar från."
        )
        en = (
            "Every statement of the dataset, each in the named graph that says where it comes "
            f"from (one graph per source), as {label}{packed}, written from the same version "
            "the SPARQL endpoint answers from."
        )
    else:
        sv = (
            f"Alla tripplar i datamängden (unionen av alla grafer) som {label}{packed}, skrivna "
            "från samma version som SPARQL-ändpunkten svarar från."
        )
        en = (
            f"Every triple of the dataset (the union of all graphs) as {label}{packed}, written "
            "from the same version the SPARQL endpoint answers from."
        )
    g.add((dist, DCTERMS.description, Literal(sv, lang="sv")))
    g.add((dist, DCTERMS.description, Literal(en, lang="en")))
    g.add((dist, DCTERMS.license, licence))
    g.add((dist, DCTERMS.modified, modified))


def _concept(g: Graph, iri: str) -> None:
    """Type a vocabulary IRI as a skos:Concept with its names (for the range shapes)."""
    g.add((URIRef(iri), RDF.type, SKOS.Concept))
    for lang in ("sv", "en"):
        name = vocabulary_name(iri, lang) or iri.rsplit("/", 1)[-1]
        g.add((URIRef(iri), SKOS.prefLabel, Literal(name, lang=lang)))
