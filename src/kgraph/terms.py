"""Standard vocabulary terms: prefixes and human labels (sv, en) for the pages.

The project's own terms (``kg:``) carry their labels in the ontology; the
standard terms consumers know are labelled here, so a page never shows a raw
IRI where a label exists.

>>> curie("http://purl.org/dc/terms/title")
'dct:title'
>>> term_label("http://purl.org/dc/terms/title", "sv")
'Titel'
>>> term_label("https://schema.org/funder", "en")
'Funder'
>>> term_label("http://example.org/unknown", "en") is None
True
"""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"

PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dct": DCT,
    "org": ORG,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "foaf": FOAF,
    "void": VOID,
    "dcat": DCAT,
}

RDF_TYPE = RDF + "type"
# Properties that name a resource, best first.
LABEL_PROPERTIES: tuple[str, ...] = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    FOAF + "name",
    SCHEMA + "name",
)
PROVENANCE = PROV + "wasDerivedFrom"

_LABELS: dict[str, tuple[str, str]] = {
    RDF + "type": ("Typ", "Type"),
    RDFS + "label": ("Namn", "Label"),
    RDFS + "comment": ("Beskrivning", "Comment"),
    RDFS + "subClassOf": ("Underklass till", "Subclass of"),
    RDFS + "subPropertyOf": ("Underegenskap till", "Subproperty of"),
    RDFS + "domain": ("Domän", "Domain"),
    RDFS + "range": ("Värdemängd", "Range"),
    RDFS + "isDefinedBy": ("Definieras av", "Defined by"),
    RDFS + "Class": ("Klass", "Class"),
    OWL + "Class": ("Klass", "Class"),
    OWL + "ObjectProperty": ("Objektegenskap", "Object property"),
    OWL + "DatatypeProperty": ("Dataegenskap", "Datatype property"),
    OWL + "Ontology": ("Ontologi", "Ontology"),
    OWL + "versionInfo": ("Version", "Version"),
    OWL + "versionIRI": ("Versions-IRI", "Version IRI"),
    DCT + "title": ("Titel", "Title"),
    DCT + "alternative": ("Alternativ titel", "Alternative title"),
    DCT + "description": ("Beskrivning", "Description"),
    DCT + "creator": ("Upphov", "Creator"),
    DCT + "publisher": ("Utgivare", "Publisher"),
    DCT + "issued": ("Utgiven", "Issued"),
    DCT + "modified": ("Ändrad", "Modified"),
    DCT + "date": ("Datum", "Date"),
    DCT + "identifier": ("Identifierare", "Identifier"),
    DCT + "subject": ("Ämne", "Subject"),
    DCT + "isPartOf": ("Del av", "Part of"),
    DCT + "hasPart": ("Har del", "Has part"),
    DCT + "references": ("Hänvisar till", "References"),
    DCT + "spatial": ("Geografisk täckning", "Spatial coverage"),
    DCT + "temporal": ("Tidsmässig täckning", "Temporal coverage"),
    DCT + "license": ("Licens", "Licence"),
    DCT + "BibliographicResource": ("Bibliografisk resurs", "Bibliographic resource"),
    ORG + "Organization": ("Organisation", "Organization"),
    ORG + "memberOf": ("Medlem i", "Member of"),
    ORG + "hasMember": ("Har medlem", "Has member"),
    SCHEMA + "funder": ("Finansiär", "Funder"),
    SCHEMA + "member": ("Medlem", "Member"),
    SCHEMA + "observationDate": ("Observationsdatum", "Observation date"),
    SCHEMA + "unitText": ("Enhet", "Unit"),
    SCHEMA + "unitCode": ("Enhetskod", "Unit code"),
    SCHEMA + "minValue": ("Minsta värde", "Minimum value"),
    SCHEMA + "maxValue": ("Största värde", "Maximum value"),
    SCHEMA + "subjectOf": ("Omnämnd i", "Subject of"),
    SCHEMA + "parentOrganization": ("Överordnad organisation", "Parent organization"),
    SKOS + "note": ("Anmärkning", "Note"),
    PROV + "generated": ("Resulterade i", "Generated"),
    DCT + "source": ("Källa", "Source"),
    DCT + "contributor": ("Medverkande", "Contributor"),
    ORG + "postIn": ("Befattning i", "Post in"),
    ORG + "hasPost": ("Har befattning", "Has post"),
    SCHEMA + "alternateName": ("Alternativt namn", "Alternative name"),
    SCHEMA + "url": ("Webbadress", "URL"),
    SCHEMA + "fundedItem": ("Finansierar", "Funded item"),
    SCHEMA + "amount": ("Belopp", "Amount"),
    SCHEMA + "value": ("Värde", "Value"),
    SCHEMA + "currency": ("Valuta", "Currency"),
    SCHEMA + "startDate": ("Startår", "Start date"),
    SCHEMA + "endDate": ("Slutår", "End date"),
    SCHEMA + "location": ("Plats", "Location"),
    SCHEMA + "areaServed": ("Verksamhetsområde", "Area served"),
    SCHEMA + "containedInPlace": ("Ligger i", "Contained in place"),
    SCHEMA + "description": ("Beskrivning", "Description"),
    SCHEMA + "name": ("Namn", "Name"),
    SCHEMA + "temporalCoverage": ("Tidsperiod", "Temporal coverage"),
    SCHEMA + "variableMeasured": ("Vad som mäts", "Variable measured"),
    SCHEMA + "observationAbout": ("Gäller", "Observation about"),
    SCHEMA + "AdministrativeArea": ("Administrativt område", "Administrative area"),
    SCHEMA + "GovernmentOrganization": ("Myndighet", "Government organization"),
    SCHEMA + "Project": ("Projekt", "Project"),
    SCHEMA + "MonetaryGrant": ("Bidrag", "Monetary grant"),
    SCHEMA + "MonetaryAmount": ("Belopp", "Monetary amount"),
    SCHEMA + "Observation": ("Observation", "Observation"),
    SKOS + "prefLabel": ("Föredragen term", "Preferred label"),
    SKOS + "altLabel": ("Alternativ term", "Alternative label"),
    SKOS + "definition": ("Definition", "Definition"),
    SKOS + "notation": ("Kod", "Notation"),
    SKOS + "inScheme": ("Ingår i", "In scheme"),
    SKOS + "topConceptOf": ("Toppbegrepp i", "Top concept of"),
    SKOS + "hasTopConcept": ("Har toppbegrepp", "Has top concept"),
    SKOS + "broader": ("Överordnat begrepp", "Broader"),
    SKOS + "narrower": ("Underordnat begrepp", "Narrower"),
    SKOS + "related": ("Relaterat begrepp", "Related"),
    SKOS + "Concept": ("Begrepp", "Concept"),
    SKOS + "ConceptScheme": ("Begreppssystem", "Concept scheme"),
    PROV + "wasDerivedFrom": ("Källa", "Derived from"),
    PROV + "wasAssociatedWith": ("Genomförd av", "Associated with"),
    PROV + "wasInfluencedBy": ("Påverkad av", "Influenced by"),
    PROV + "wasRevisionOf": ("Revision av", "Revision of"),
    PROV + "Activity": ("Aktivitet", "Activity"),
    PROV + "Plan": ("Plan", "Plan"),
    PROV + "Entity": ("Entitet", "Entity"),
    FOAF + "homepage": ("Webbplats", "Homepage"),
    FOAF + "page": ("Webbsida", "Page"),
    FOAF + "primaryTopic": ("Huvudämne", "Primary topic"),
    FOAF + "Document": ("Dokument", "Document"),
    FOAF + "name": ("Namn", "Name"),
    VOID + "Dataset": ("Datamängd", "Dataset"),
    VOID + "sparqlEndpoint": ("SPARQL-ändpunkt", "SPARQL endpoint"),
    VOID + "triples": ("Antal tripler", "Triples"),
    VOID + "uriSpace": ("URI-rymd", "URI space"),
    VOID + "dataDump": ("Nedladdning", "Data dump"),
    DCAT + "Dataset": ("Datamängd", "Dataset"),
    XSD + "gYear": ("år", "year"),
    XSD + "date": ("datum", "date"),
    XSD + "integer": ("heltal", "integer"),
    XSD + "decimal": ("decimaltal", "decimal"),
}


def term_label(iri: str, lang: str) -> str | None:
    """The label of a standard term in ``lang`` ("sv" or "en"), or ``None``."""
    pair = _LABELS.get(iri)
    if pair is None:
        return None
    return pair[1] if lang == "en" else pair[0]


def curie(iri: str) -> str:
    """``prefix:local`` for a known namespace, else the IRI unchanged."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
