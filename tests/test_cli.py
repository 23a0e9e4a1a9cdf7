"""The CLI: build, query, exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's ontology, data and shapes, as a user's checkout."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    for key in list(__import__("os").environ):
        if key.startswith("KGRAPH_"):
            monkeypatch.delenv(key)
    return tmp_path


def test_help_explains_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("build", "serve", "query", "validate"):
        assert command in out
    code, out, _ = run(capsys, "build", "--help")
    assert "--store" in out and "atomically" in out


def test_query_a_built_store(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kgraph.build.loader import collect_rdf_files
    from kgraph.store.embedded import EmbeddedStore

    EmbeddedStore(project / ".kgraph" / "store", writable=True).replace(
        collect_rdf_files([project / "ontology", project / "data"]),
        base_iri="http://127.0.0.1:8000/",
    )
    query = (
        'SELECT ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> "10" ; '
        '<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l)="sv") }'
    )
    code, out, _ = run(capsys, "query", query, "--format", "json")
    assert code == 0
    assert json.loads(out)["results"]["bindings"][0]["l"]["value"] == "Blekinge län"
    (project / "q.rq").write_text(query)
    code, out, _ = run(capsys, "query", "q.rq")
    assert code == 0 and "Blekinge län" in out and "1 row(s)" in out
    code, out, _ = run(capsys, "query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 3", "--format", "nt")
    assert code == 0 and out.count(" .\n") == 3


def test_query_errors_are_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "ASK {}", "--store", str(project / "missing"))
    assert code == 1
    assert err.strip().count("\n") == 0 and "run `kgraph build` first" in err
    code, _, err = run(capsys, "query", "ASK {}", "--base-iri", "ftp://x")
    assert code == 2 and "base_iri" in err


def test_build_refuses_a_missing_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "build", "nope.ttl")
    assert code == 1 and "nope.ttl" in err


@pytest.fixture
def small_project(project: Path) -> Path:
    from kgraph.store.embedded import EmbeddedStore

    fixture = ROOT / "tests" / "fixtures" / "clients" / "small.ttl"
    EmbeddedStore(project / ".kgraph" / "store", writable=True).replace(
        [fixture], base_iri="http://127.0.0.1:8000/"
    )
    return project


SELECT_ALL = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"
CLI_OUTPUTS = [
    *((SELECT_ALL, f) for f in ("json", "xml", "csv", "tsv")),
    *(("ASK { ?s ?p ?o }", f) for f in ("json", "xml")),
    *(("CONSTRUCT WHERE { ?s ?p ?o }", f) for f in ("turtle", "ntriples", "rdfxml", "jsonld")),
    *(("CONSTRUCT WHERE { ?s ?p ?o }", f) for f in ("trig", "nquads")),
    (SELECT_ALL, None),
    ("ASK { ?s ?p ?o }", None),
]


@pytest.mark.parametrize(("query", "fmt"), CLI_OUTPUTS)
def test_every_output_ends_with_a_newline(
    small_project: Path, capfdbinary: pytest.CaptureFixture[bytes], query: str, fmt: str | None
) -> None:
    try:
        main(["query", query, *(["--format", fmt] if fmt else [])])
    except SystemExit as exc:
        assert not exc.code
    out = capfdbinary.readouterr().out
    assert len(out) >= 5 and out.endswith(b"\n") and not out.endswith(b"\n\n\n")


def test_a_file_name_that_is_not_there(
    small_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "query", "nofile.rq")
    assert code == 2 and out == ""
    assert "nofile.rq: file not found" in err
    code, _, err = run(capsys, "query", "queries/none.sparql")
    assert code == 2 and "file not found" in err
    code, out, _ = run(capsys, "query", "ASK{}")  # no space, but SPARQL all the same
    assert code == 0 and "true" in out


def test_a_syntax_error_in_words(small_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "SELECT ?t WHERE { ?s dct:title ?t }")
    assert code == 1 and err.strip().count("\n") == 0
    assert "line 1, column 22: the prefix 'dct:' is not declared" in err
    assert "PREFIX dct: <http://purl.org/dc/terms/>" in err
