"""Settings: groups built by one factory from defaults, a TOML file, KGRAPH_* and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.errors import ConfigError
from kgraph.settings import FLAT, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "group", "field", "expected"),
    [
        ("KGRAPH_SHAPES_DIR", "/x/shapes", "paths", "shapes_dir", Path("/x/shapes")),
        ("KGRAPH_FAST_VALIDATION_BYTES", "0", "validation", "fast_validation_bytes", 0),
        ("KGRAPH_QUERY_TIMEOUT_S", "2.5", "limits", "query_timeout_s", 2.5),
        ("KGRAPH_MAX_BODY_BYTES", "10", "limits", "max_body_bytes", 10),
        ("KGRAPH_BASE_IRI", "https://d.example.se", "server", "base_iri", "https://d.example.se/"),
        ("KGRAPH_ACCESS_LOG", "false", "server", "access_log", False),
        ("KGRAPH_REMOTE_QUERY_URL", "http://db/q", "remote", "query_url", "http://db/q"),
        ("KGRAPH_DATASET_THEMES", '["SOCI"]', "catalogue", "dataset_themes", ["SOCI"]),
        ("KGRAPH_STORE", "/srv/store", "paths", "store", "/srv/store"),
    ],
)
def test_environment_variables_keep_their_names(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    group: str,
    field: str,
    expected: object,
) -> None:
    monkeypatch.setenv(variable, value)
    settings = load_settings(None)
    assert getattr(getattr(settings, group), field) == expected


def test_every_flat_name_is_unique_and_reaches_its_field() -> None:
    for name, (_group, field) in FLAT.items():
        assert name.endswith(field)
    assert len(FLAT) == len(set(FLAT.values()))
    assert {"shapes_dir", "fast_validation_bytes", "query_timeout_s", "remote_auth"} <= set(FLAT)


def test_precedence_file_then_environment_then_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kgraph.toml"
    config.write_text(
        '[kgraph]\nport = 9000\nhost = "0.0.0.0"\nmax_url_chars = 1000\n'
        "[kgraph.limits]\nmax_query_chars = 77\n"
    )
    monkeypatch.setenv("KGRAPH_PORT", "9001")
    s = load_settings(config, host="::1")
    assert (s.server.port, s.server.host) == (9001, "::1")
    assert (s.limits.max_url_chars, s.limits.max_query_chars) == (1000, 77)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"port": 70000}, "setting 'port'"),
        ({"remote_timeout_s": 0}, "setting 'remote_timeout_s'"),
        ({"no_such_setting": 1}, "unknown setting 'no_such_setting'"),
        ({"base_iri": "ftp://x/"}, "setting 'base_iri'"),
    ],
)
def test_bad_settings_are_named(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(None, **overrides)


def test_replace_validates_and_keeps_the_rest() -> None:
    s = load_settings(None, port=8123)
    t = s.replace(query_timeout_s=1, host=None)
    assert (t.limits.query_timeout_s, t.server.port, t.server.host) == (1.0, 8123, "127.0.0.1")
    with pytest.raises(ConfigError):
        s.replace(max_body_bytes=0)


def test_settings_survive_the_trip_to_worker_processes() -> None:
    from kgraph.settings import Settings

    s = load_settings(None, port=8123, dataset_themes=["JUST"])
    assert Settings.model_validate_json(s.model_dump_json()) == s
