"""Settings, built by :func:`load_settings` and passed in; nothing is read at import.

Sources, later ones winning: defaults, a TOML file (``kgraph.toml`` in the
working directory, or the path in ``KGRAPH_CONFIG``), environment variables
``KGRAPH_*``, then explicit overrides (CLI options, tests).

>>> s = load_settings(base_iri="https://data.example.se/", config_file=None)
>>> s.base_iri
'https://data.example.se/'
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kgraph.errors import ConfigError


class Settings(BaseSettings):
    """Every knob of kgraph. Construct with :func:`load_settings`."""

    model_config = SettingsConfigDict(env_prefix="KGRAPH_", extra="forbid", frozen=True)

    base_iri: str = "http://127.0.0.1:8000/"
    store: str = ".kgraph/store"
    host: str = "127.0.0.1"
    workers: int = Field(1, ge=1)  # HTTP worker processes for `kgraph serve`
    port: int = Field(8000, ge=0, le=65535)

    ontology_dir: Path = Path("ontology")
    data_dir: Path = Path("data")
    shapes_dir: Path = Path("shapes")
    queries_dir: Path = Path("queries")
    dumps_dir: Path | None = None  # default: <store>/../dumps

    # limits
    max_body_bytes: int = Field(1_048_576, ge=1)
    max_query_chars: int = Field(100_000, ge=1)
    max_url_chars: int = Field(16_384, ge=256)
    query_timeout_s: float = Field(10.0, gt=0)
    max_result_rows: int = Field(100_000, ge=0)  # 0: no cap, results streamed whole
    query_workers: int = Field(1, ge=0)  # idle query processes kept ready; 0: threads
    query_workers_max: int = Field(8, ge=1)  # the most queries running at once
    rate_limit_per_minute: int | None = Field(None, ge=1)  # per client address
    rate_limit_burst: int | None = Field(None, ge=1)  # default: rate_limit_per_minute
    access_log: bool = True  # JSON lines on the logger kgraph.access
    fast_validation_bytes: int = Field(2 * 2**20, ge=0)  # inputs this big: SHACL via SPARQL
    reference_validation: bool = False  # always pyshacl (slow on large inputs)
    result_cache_bytes: int = Field(32 * 2**20, ge=0)  # /sparql answers kept per process; 0: off

    # remote store (issue: scaling out)
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_graph_store_url: str | None = None
    remote_graph: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    remote_auth: str = "basic"  # basic | digest | bearer
    remote_token: str | None = None
    remote_timeout_s: float = Field(30.0, gt=0)
    remote_retries: int = Field(3, ge=0)
    remote_chunk_bytes: int = Field(4 * 1024 * 1024, ge=1)  # upload request size when publishing

    # publishing metadata (DCAT-AP-SE)
    publisher_name: str = "kgraph"
    publisher_iri: str | None = None
    publisher_type: str = "http://purl.org/adms/publishertype/NationalAuthority"
    contact_email: str = "opendata@example.se"
    contact_name: str = "kgraph"
    license_iri: str = "http://creativecommons.org/publicdomain/zero/1.0/"
    license_type: str = "http://purl.org/adms/licencetype/PublicDomain"  # ADMS licence type
    # the dataset and catalogue record (VoID, DCAT-AP-SE; see docs/publishing.md)
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
    # SHACL shapes for `kgraph catalog --check` (copies of the official DCAT-AP / -SE files)
    dcat_ap_dir: Path = Path("../shared/dcat-ap")
    dcat_ap_se_dir: Path = Path("../shared/dcat-ap-se")
    dump_wait_s: float = Field(300.0, gt=0)  # how long a request waits for dumps to be written

    write_token: str | None = None
    log_level: str = "info"

    @field_validator("base_iri")
    @classmethod
    def _base_ends_with_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) IRI")
        return v if v.endswith("/") else v + "/"

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


SETTINGS_ENV = "KGRAPH_SETTINGS_JSON"


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
    """Build settings from defaults, a TOML file, ``KGRAPH_*`` and ``overrides``.

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
    env = {
        k[len("KGRAPH_") :].lower(): v
        for k, v in os.environ.items()
        if k.startswith("KGRAPH_") and k not in ("KGRAPH_CONFIG", SETTINGS_ENV)
    }
    values.update(env)
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        # Pass everything explicitly so that precedence is ours, not pydantic's.
        return Settings.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"setting {where!r}: {err['msg']}") from exc
