"""The gate as a user meets it: never a silent pass, errors in one line, a report to read.

Each test writes a small project (shapes/, data/) of its own, so that it does not
depend on the domain's data or shapes, and runs the CLI in-process (exit codes:
0 conforms, 1 error, 2 ill-formed shapes, 3 non-conforming data) or the checks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kgraph.cli import main
from kgraph.errors import RdfSyntaxError
from kgraph.shacl import reference
from kgraph.shacl.fast import validate_fast
from kgraph.shacl.reference import validate

PREFIXES = """@prefix ex: <http://example.org/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
CHECKS = {"fast": validate_fast, "reference": validate}


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
    (tmp_path / "shapes").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "ontology").mkdir()
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("KGRAPH_"):
            monkeypatch.delenv(key)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", ["0", str(2**30)], ids=["fast", "reference"])
def test_an_ill_typed_year_is_a_violation_with_its_lexical_form(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    monkeypatch.setenv("KGRAPH_FAST_VALIDATION_BYTES", fast)
    write(
        project / "shapes" / "s.ttl",
        "ex:S sh:targetClass ex:Book ; sh:property [ sh:path ex:issued ; sh:datatype xsd:gYear ] .\n",
    )
    write(
        project / "data" / "d.ttl",
        'ex:b a ex:Book ;\n  ex:issued "tjugohundrafyra"^^xsd:gYear .\nex:c a ex:Book ; ex:issued "2024"^^xsd:gYear .\n',
    )
    code, out, err = run(capsys, "build")
    assert code == 3, err
    assert "'tjugohundrafyra' is not a valid xsd:gYear" in err
    assert "data/d.ttl:4" in err  # where ex:b is described
    assert not (project / ".kgraph" / "store").exists() or "built" not in out


@pytest.mark.parametrize("check", list(CHECKS))
def test_every_syntax_error_of_every_file_is_reported_at_its_line(
    tmp_path: Path, check: str
) -> None:
    good = write(tmp_path / "shapes.ttl", "ex:S sh:targetNode ex:a ; sh:class ex:C .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        PREFIXES
        + "ex:a a ex:C .\nex:b ex:p ex:c ex:d .\nex:e a ex:C .\nex:f ex:p .\nex:g a ex:C .\n",
        encoding="utf-8",
    )
    worse = tmp_path / "worse.nt"
    worse.write_text("<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> .\n")
    with pytest.raises(RdfSyntaxError) as caught:
        CHECKS[check]([bad, worse], base_iri="http://example.org/", shapes=[good])
    places = [(e.file, e.line) for e in caught.value.errors]
    assert places == [(str(bad), 5), (str(bad), 7), (str(worse), 2)], str(caught.value)
    assert str(caught.value).splitlines()[1].startswith(f"{bad}:7:")


def test_the_cli_prints_every_syntax_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "shapes" / "s.ttl", "ex:S sh:targetNode ex:a ; sh:class ex:C .\n")
    write(project / "data" / "d.ttl", "ex:a a ex:C .\nex:b ex:p ex:c ex:d .\n\nex:f ex:p .\n")
    code, _, err = run(capsys, "validate")
    assert code == 1
    assert "data/d.ttl:5:" in err and "data/d.ttl:7:" in err, err
    assert "Traceback" not in err


TRIG = """
ex:page1 {
  ex:a a ex:Book ;
    ex:title "A" .
}

ex:page2 {
  ex:b a ex:Book .
  ex:c a ex:Book ;
    ex:title "C" .
}
"""


@pytest.mark.parametrize("check", list(CHECKS))
def test_trig_is_validated_as_the_union_of_its_graphs_with_lines_inside_the_blocks(
    tmp_path: Path, check: str
) -> None:
    shapes = write(
        tmp_path / "s.ttl",
        "ex:S sh:targetClass ex:Book ; sh:property [ sh:path ex:title ; sh:minCount 1 ] .\n",
    )
    data = write(tmp_path / "d.trig", TRIG + 'ex:page3 { ex:a ex:title "A again" . }\n')
    report = CHECKS[check]([data], base_iri="http://example.org/", shapes=[shapes])
    assert [(r.focus, r.file, r.line) for r in report.results] == [
        ("http://example.org/ns#b", str(data), 11)
    ], report.render()


def test_a_shape_the_fast_check_cannot_compile_is_checked_by_pyshacl_for_that_shape_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = write(
        tmp_path / "s.ttl",
        """ex:Plain sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .

ex:Hard sh:targetNode ex:b ; sh:node ex:Inner .
ex:Inner sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/ns#q> 1 }" ] .
""",
    )
    data = write(tmp_path / "d.ttl", "ex:a ex:q 1 .\nex:b ex:q 1 .\n")
    given: list[set[str]] = []
    real = reference.run_shacl

    def spy(data_graph, shapes_graph, **kw):  # type: ignore[no-untyped-def]
        given.append({str(s) for s in shapes_graph.subjects(reference.SH.targetNode, None)})
        return real(data_graph, shapes_graph, **kw)

    monkeypatch.setattr(reference, "run_shacl", spy)
    report = validate_fast([data], base_iri="http://example.org/", shapes=[shapes])
    assert given == [{"http://example.org/ns#Hard"}]  # pyshacl saw that shape's target only
    assert sorted((r.focus, r.constraint) for r in report.results) == [
        ("http://example.org/ns#a", "sh:MinCountConstraintComponent"),
        ("http://example.org/ns#b", "sh:NodeConstraintComponent"),
    ]
    (note,) = report.notes
    assert note.startswith(f"{shapes}:6: ") and "<http://example.org/ns#Hard>" in note
    assert "checked by pyshacl" in note and "note: " + note in report.render()


ILL_FORMED = {
    "count": 'ex:S sh:targetNode ex:a ;\n  sh:property [ sh:path ex:p ; sh:minCount "one" ] .\n',
    "minus": 'ex:S sh:targetNode ex:a ;\n  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ] .\n',
    "path": "ex:S sh:targetNode ex:a ;\n  sh:property [ sh:path [ ex:nonsense ex:p ] ; sh:minCount 1 ] .\n",
    "query": 'ex:S sh:targetNode ex:a ;\n  sh:sparql [ sh:select "SELECT $this WHERE { $this ex:undeclared ?o }" ] .\n',
}


@pytest.mark.parametrize("fast", ["0", str(2**30)], ids=["fast", "reference"])
@pytest.mark.parametrize("kind", list(ILL_FORMED))
def test_an_ill_formed_shape_is_one_line_naming_it_and_its_place_exit_2(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    fast: str,
) -> None:
    monkeypatch.setenv("KGRAPH_FAST_VALIDATION_BYTES", fast)
    write(project / "shapes" / "s.ttl", "\n" + ILL_FORMED[kind])
    write(project / "data" / "d.ttl", "ex:a ex:p 1 .\n")
    code, _, err = run(capsys, "validate")
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("kgraph: error: shapes/s.ttl:5: <http://example.org/ns#S>"), err


def test_one_file_is_validated_with_the_rest_of_data_as_context(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project / "shapes" / "s.ttl",
        "ex:S sh:targetClass ex:Book ; sh:property [ sh:path ex:by ; sh:class ex:Org ] .\n",
    )
    write(project / "data" / "books.ttl", "ex:b a ex:Book ; ex:by ex:o .\n")
    write(project / "data" / "orgs.ttl", "ex:o a ex:Org .\nex:x a ex:Book ; ex:by ex:nobody .\n")
    code, out, _ = run(capsys, "validate", "data/books.ttl")
    assert code == 0, out  # ex:o is an ex:Org in orgs.ttl; orgs.ttl's own problem is not shown
    assert out.startswith("0 violations"), out
    code, out, _ = run(capsys, "validate", "--no-context", "data/books.ttl")
    assert code == 3
    assert "data/books.ttl:4  http://example.org/ns#b" in out


def test_the_report_orders_and_counts_every_severity(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project / "shapes" / "s.ttl",
        "ex:I sh:targetNode ex:a ; sh:severity sh:Info ; sh:class ex:C .\n"
        "ex:W sh:targetNode ex:a ; sh:severity sh:Warning ; sh:class ex:C .\n"
        "ex:X sh:targetNode ex:a ; sh:severity ex:Custom ; sh:class ex:C .\n"
        "ex:V sh:targetNode ex:a ; sh:class ex:C .\n",
    )
    write(project / "data" / "d.ttl", "ex:a ex:p 1 .\n")
    code, out, _ = run(capsys, "validate")
    assert code == 3
    lines = out.splitlines()
    shown = [line.split()[0] for line in lines if line.startswith("  ")]
    assert shown == ["Violation", "Warning", "Info", "http://example.org/ns#Custom"]
    summary = (
        "1 violations, 1 warnings, 1 infos, 1 other (http://example.org/ns#Custom) in 1 resources"
    )
    assert lines[-1].startswith(summary), lines[-1]
    code, out, _ = run(capsys, "validate", "--severity", "info", "--severity", "warning")
    assert code == 3  # the verdict does not depend on what is shown
    assert [line.split()[0] for line in out.splitlines() if line.startswith("  ")] == [
        "Warning",
        "Info",
    ]
    assert out.splitlines()[-1].startswith(summary)
    code, _, err = run(capsys, "validate", "--severity", "loud")
    assert code == 2 and "loud" in err
