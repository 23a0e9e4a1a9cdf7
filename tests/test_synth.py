"""Synthetic data: deterministic, the requested size, and valid against shapes/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgraph.build.loader import validate_paths
from kgraph.build.synth import COUNTIES, synth_file
from kgraph.cli import main

from .conftest import BASE, make_settings


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt.gz", tmp_path / "c.nt.gz"
    synth_file(a, triples=3000, base_iri=BASE, seed=7)
    main(["synth", "--triples", "3000", "--out", str(b), "--seed", "7", "--base-iri", BASE])
    synth_file(c, triples=3000, base_iri=BASE, seed=8)
    import gzip

    assert gzip.decompress(b.read_bytes()) == a.read_bytes()
    b2 = tmp_path / "b2.nt.gz"
    synth_file(b2, triples=3000, base_iri=BASE, seed=7)
    assert b2.read_bytes() == b.read_bytes()  # gzip too: no timestamp, no name
    assert c.read_bytes() != b.read_bytes()


def test_size_places_and_codes(tmp_path: Path) -> None:
    out = tmp_path / "s.nt"
    n = synth_file(out, triples=20_000, base_iri="https://data.example.se/", seed=1)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n
    assert 20_000 <= n < 20_100
    assert all(line.startswith(("<https://data.example.se/", "_:")) for line in lines)
    munis = [ln for ln in lines if ln.endswith("<https://data.example.se/def/Municipality> .")]
    counties = [ln for ln in lines if ln.endswith("<https://data.example.se/def/County> .")]
    assert len(munis) == 290 and len(counties) == len(COUNTIES) == 21
    codes = re.findall(r'/def/municipalityCode> "(\d+)"', "\n".join(lines))
    county_codes = {c[0] for c in COUNTIES}
    assert len(set(codes)) == 290
    assert all(len(code) == 4 and code[:2] in county_codes for code in codes)


@pytest.mark.slow
def test_synthetic_data_conforms_to_the_shapes(tmp_path: Path) -> None:
    out = tmp_path / "s.nt"
    synth_file(out, triples=5000, base_iri=BASE, seed=0)
    report = validate_paths(make_settings(tmp_path), [out])
    assert report.triples >= 5000
    assert report.conforms, report.render()
    assert report.results == ()  # no warnings either
