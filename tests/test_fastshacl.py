"""The fast SHACL check gives pyshacl's verdicts, messages and places on every fixture."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from kgraph.build.loader import validate_paths
from kgraph.shacl.fast import validate_fast
from kgraph.shacl.reference import validate

from .conftest import BASE, ROOT, make_settings

FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("[vi]*/*.ttl"))


def _normal(report: object) -> list[tuple[tuple[str, object], ...]]:
    """Results as sorted tuples, blank node labels (which differ by engine) blanked."""
    out = []
    for v in report.results:  # type: ignore[attr-defined]
        d = asdict(v)
        for k in ("focus", "value"):
            if d[k] and d[k].startswith("_:"):
                d[k] = "_:b"
        out.append(tuple(sorted(d.items())))
    return sorted(out)


def test_the_fixtures_are_all_there() -> None:
    valid = [f for f in FIXTURES if f.parent.name == "valid"]
    assert len(valid) >= 3 and len(FIXTURES) - len(valid) >= 50


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_verdict_and_results_as_pyshacl(fixture: Path) -> None:
    kw = {"base_iri": BASE, "shapes": [ROOT / "shapes"], "ontology": [ROOT / "ontology"]}
    reference = validate([fixture], **kw)  # type: ignore[arg-type]
    fast = validate_fast([fixture], **kw)  # type: ignore[arg-type]
    assert fast.conforms == reference.conforms
    assert fast.results or fixture.parent.name == "valid"
    assert _normal(fast) == _normal(reference)
    assert fast.triples == reference.triples


def test_the_repository_data_gets_the_same_report() -> None:
    kw = {"base_iri": BASE, "shapes": [ROOT / "shapes"], "ontology": [ROOT / "ontology"]}
    paths = [ROOT / "ontology", ROOT / "data"]
    assert _normal(validate_fast(paths, **kw)) == _normal(validate(paths, **kw))  # type: ignore[arg-type]


def test_the_fast_check_does_not_import_pyshacl() -> None:
    import subprocess

    code = (
        "import sys, kgraph.shacl.fast, kgraph.build.loader; "
        "print('pyshacl' in sys.modules, 'rdflib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    ).stdout
    assert out.split() == ["False", "False"]


def test_the_loader_picks_by_size_and_honours_reference(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "fixtures" / "invalid" / "county-pattern-notation.ttl"
    for settings in (
        make_settings(tmp_path, fast_validation_bytes=0),
        make_settings(tmp_path, reference_validation=True),
    ):
        report = validate_paths(settings, [bad])
        assert not report.conforms
    fast = validate_paths(make_settings(tmp_path, fast_validation_bytes=0), [bad])
    ref = validate_paths(make_settings(tmp_path, fast_validation_bytes=0), [bad], reference=True)
    assert _normal(fast) == _normal(ref)
