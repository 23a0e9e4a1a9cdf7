"""Names for people of the controlled-vocabulary IRIs the catalogue record uses.

The record names licences, themes and publisher types by IRI, as DCAT-AP asks;
pages show their names. The names are the vocabularies' own Swedish and English
labels: the EU Publications Office authority tables (``licence``, ``data-theme``,
``access-right``) and the ADMS publisher types; the Swedish theme names as
DIGG's DCAT-AP-SE documentation gives them.

A licence may be given by its Creative Commons URL (the old default setting);
the record then uses the EU licence vocabulary IRI for the same licence.

>>> licence("http://creativecommons.org/publicdomain/zero/1.0/").iri
'http://publications.europa.eu/resource/authority/licence/CC0'
>>> theme_name("SOCI", "sv"), theme_name("JUST", "en")
('Befolkning och samhälle', 'Justice, legal system and public safety')
>>> vocabulary_name("http://purl.org/adms/publishertype/NationalAuthority", "sv")
'Nationell myndighet'
"""

from __future__ import annotations

from dataclasses import dataclass

EU = "http://publications.europa.eu/resource/authority/"
ADMS_PUBLISHER = "http://purl.org/adms/publishertype/"
ADMS_LICENCE = "http://purl.org/adms/licencetype/"


@dataclass(frozen=True)
class Licence:
    """A licence: its EU vocabulary IRI, names, and the page people read it on."""

    iri: str
    name_sv: str
    name_en: str
    deed: str  # the human-readable licence text
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_sv if lang == "sv" else self.name_en


LICENCES: tuple[Licence, ...] = (
    Licence(
        f"{EU}licence/CC0",
        "Creative Commons CC0 1.0 Universell (allmän egendom)",
        "Creative Commons CC0 1.0 Universal (public domain)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        (
            "http://creativecommons.org/publicdomain/zero/1.0/",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
    ),
    Licence(
        f"{EU}licence/CC_BY_4_0",
        "Creative Commons Erkännande 4.0 Internationell",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
        (
            "http://creativecommons.org/licenses/by/4.0/",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
    ),
    Licence(
        f"{EU}licence/CC_BYSA_4_0",
        "Creative Commons Erkännande-DelaLika 4.0 Internationell",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        (
            "http://creativecommons.org/licenses/by-sa/4.0/",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
    ),
)


def licence(iri: str) -> Licence:
    """The licence ``iri`` names (EU vocabulary IRI or a known alias); an unknown IRI is
    its own name."""
    for known in LICENCES:
        if iri == known.iri or iri in known.aliases:
            return known
    return Licence(iri, iri, iri, iri)


# EU data themes: code -> (Swedish, English)
THEMES: dict[str, tuple[str, str]] = {
    "AGRI": ("Jordbruk, fiske, skogsbruk och livsmedel",
             "Agriculture, fisheries, forestry and food"),
    "ECON": ("Ekonomi och finans", "Economy and finance"),
    "EDUC": ("Utbildning, kultur och sport", "Education, culture and sport"),
    "ENER": ("Energi", "Energy"),
    "ENVI": ("Miljö", "Environment"),
    "GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
    "HEAL": ("Hälsa", "Health"),
    "INTR": ("Internationella frågor", "International issues"),
    "JUST": ("Rättvisa, rättsliga system och allmän säkerhet",
             "Justice, legal system and public safety"),
    "REGI": ("Regioner och städer", "Regions and cities"),
    "SOCI": ("Befolkning och samhälle", "Population and society"),
    "TECH": ("Vetenskap och teknik", "Science and technology"),
    "TRAN": ("Transport", "Transport"),
}  # fmt: skip


def theme_name(code: str, lang: str) -> str:
    """The name of EU data theme ``code`` (the code itself if unknown)."""
    names = THEMES.get(code)
    return code if names is None else names[0 if lang == "sv" else 1]


# Other vocabulary IRIs the record uses: IRI -> (Swedish, English)
_NAMES: dict[str, tuple[str, str]] = {
    f"{ADMS_PUBLISHER}NationalAuthority": ("Nationell myndighet", "National authority"),
    f"{ADMS_PUBLISHER}RegionalAuthority": ("Regional myndighet", "Regional authority"),
    f"{ADMS_PUBLISHER}LocalAuthority": ("Lokal myndighet", "Local authority"),
    f"{ADMS_PUBLISHER}NonProfitOrganisation": ("Ideell organisation", "Non-profit organisation"),
    f"{ADMS_PUBLISHER}Academia-ScientificOrganisation": (
        "Akademisk organisation", "Academia or scientific organisation"),
    f"{ADMS_LICENCE}PublicDomain": ("Allmän egendom", "Public domain"),
    f"{ADMS_LICENCE}Attribution": ("Erkännande", "Attribution"),
    f"{EU}access-right/PUBLIC": ("Öppen", "Public"),
    f"{EU}planned-availability/STABLE": ("Stabil", "Stable"),
    f"{EU}country/SWE": ("Sverige", "Sweden"),
    f"{EU}language/SWE": ("svenska", "Swedish"),
    f"{EU}language/ENG": ("engelska", "English"),
}  # fmt: skip


def vocabulary_name(iri: str, lang: str) -> str | None:
    """The name of a vocabulary IRI the record uses, or ``None`` if it is not one of them."""
    if iri.startswith(f"{EU}data-theme/"):
        return theme_name(iri.rsplit("/", 1)[1], lang)
    known = licence(iri)
    if known.iri != known.name_en:
        return known.name(lang)
    names = _NAMES.get(iri)
    return None if names is None else names[0 if lang == "sv" else 1]
