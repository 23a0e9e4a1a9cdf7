"""The shapes and the validation gate, driven by the fixtures in tests/fixtures.

valid/*.ttl must conform with no result at all. invalid/*.ttl start with one
line per expected result::

    # expect: [sh:MinCountConstraintComponent] has no title @ 26
    # expect-warning: [sh:InConstraintComponent] expected "SEK" @ 24

(constraint, a substring of the English message, the line where the focus
resource is described); the file must give exactly those results.
syntax/*.ttl start with ``# expect-syntax: <line>:<col>``.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph, Literal, URIRef

from kgraph.errors import InputError, RdfSyntaxError
from kgraph.shacl.reference import ValidationReport, collect_rdf_files, parse_files, validate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BASE = "http://example.org/"
SHAPES = [ROOT / "shapes"]
ONTOLOGY = (
    [ROOT / "ontology"]
    if (ROOT / "ontology").is_dir() and collect_rdf_files([ROOT / "ontology"])
    else []
)
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SYNTAX = sorted((FIXTURES / "syntax").glob("*.ttl"))
EXPECT = re.compile(
    r"^# expect(?P<warning>-warning)?: \[(?P<constraint>\S+)\] (?P<message>.+) @ (?P<line>\d+)$"
)
# None: without the ontology; the ontology folder too once the data branch has landed it.
ONTOLOGIES = [pytest.param((), id="no-ontology")] + (
    [pytest.param(tuple(ONTOLOGY), id="ontology")] if ONTOLOGY else []
)


def check(path: Path, ontology: tuple[Path, ...] = ()) -> ValidationReport:
    return validate([path], base_iri=BASE, shapes=SHAPES, ontology=ontology)


def test_fixture_counts() -> None:
    # So that a renamed folder or a bad glob cannot silently shrink the suite.
    assert (len(VALID), len(INVALID), len(SYNTAX)) == (4, 58, 1)


@pytest.mark.parametrize("ontology", ONTOLOGIES)
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path, ontology: tuple[Path, ...]) -> None:
    report = check(path, ontology)
    assert report.conforms, report.render()
    assert report.results == (), report.render()


def expectations(path: Path) -> list[re.Match[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [m for m in (EXPECT.match(line) for line in lines[:3]) if m]
    assert found, f"{path.name}: no '# expect:' line"
    return found


@pytest.mark.parametrize("ontology", ONTOLOGIES)
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_where_expected(path: Path, ontology: tuple[Path, ...]) -> None:
    report = check(path, ontology)
    expected = expectations(path)
    for e in expected:
        severity = "Warning" if e["warning"] else "Violation"
        hits = [
            r
            for r in report.results
            if r.severity == severity
            and r.constraint == e["constraint"]
            and e["message"] in r.message
        ]
        assert hits, f"no {severity} {e['constraint']} {e['message']!r} in\n{report.render()}"
        assert [(r.file, r.line) for r in hits] == [(str(path), int(e["line"]))] * len(hits), (
            report.render()
        )
    assert len(report.violations()) == sum(not e["warning"] for e in expected), report.render()
    assert len(report.warnings()) == sum(bool(e["warning"]) for e in expected), report.render()
    assert report.conforms == all(e["warning"] for e in expected)


def test_fixtures_cover_every_constraint_kind_the_shapes_use() -> None:
    shapes = parse_files(collect_rdf_files(SHAPES), BASE)
    parameters = {
        "minCount": "MinCount",
        "maxCount": "MaxCount",
        "datatype": "Datatype",
        "languageIn": "LanguageIn",
        "uniqueLang": "UniqueLang",
        "class": "Class",
        "pattern": "Pattern",
        "in": "In",
        "closed": "Closed",
        "sparql": "SPARQL",
        "minInclusive": "MinInclusive",
        "nodeKind": "NodeKind",
        "hasValue": "HasValue",
        "qualifiedMinCount": "QualifiedMinCount",
        "or": "Or",
    }
    used = {
        f"sh:{name}ConstraintComponent"
        for param, name in parameters.items()
        if any(shapes.subject_objects(SH[param]))
    }
    covered = {e["constraint"] for path in INVALID for e in expectations(path)}
    assert used <= covered, used - covered
    assert len(used) == len(parameters)


def test_every_shape_has_an_iri_a_name_and_messages_in_swedish_and_english() -> None:
    shapes = parse_files(collect_rdf_files(SHAPES), BASE)
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    nodes |= set(shapes.subjects(SH.path, None)) | set(shapes.objects(None, SH.property))
    assert len(nodes) > 60
    for node in nodes:
        assert isinstance(node, URIRef) and str(node).startswith(BASE + "def/shapes/"), node
    targeted = set(shapes.subjects(SH.targetClass, None)) | set(
        shapes.subjects(SH.targetSubjectsOf, None)
    )
    reported = (
        {p for n in targeted for p in shapes.objects(n, SH.property)}
        | (targeted - set(shapes.subjects(RDF.type, SH.NodeShape)))
        | set(shapes.objects(None, SH.sparql))
    )
    assert len(reported) > 60
    for node in reported:  # the shapes whose results reach a report (not the helpers inside sh:or)
        if (node, SH.sparql, None) in shapes:
            continue  # the message sits on the SPARQL constraint itself
        languages = {m.language for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}
        assert languages == {"sv", "en"}, node


@pytest.mark.parametrize("path", SYNTAX, ids=lambda p: p.stem)
def test_syntax_error_names_file_line_and_column(path: Path) -> None:
    match = re.match(r"# expect-syntax: (\d+):(\d+)", path.read_text(encoding="utf-8"))
    assert match
    with pytest.raises(RdfSyntaxError) as caught:
        check(path)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        str(path),
        int(match[1]),
        int(match[2]),
    )
    assert str(caught.value).startswith(f"{path}:{match[1]}:{match[2]}: ")


def test_ntriples_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://a/s> <http://a/p> <http://a/o> .\n\n<http://a/s> <http://a/p> .\n")
    with pytest.raises(RdfSyntaxError, match=r"bad\.nt:3:27: ") as caught:  # at the "."
        parse_files([bad], BASE)
    assert caught.value.also == ()


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    source = FIXTURES / "invalid" / "county-pattern-notation.ttl"
    packed = tmp_path / "county.ttl.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    (result,) = check(packed).results
    assert (result.file, result.line) == (str(packed), int(expectations(source)[0]["line"]))
    assert result.path == "skos:notation" and result.value == '"8"'


def test_json_ld_has_a_file_but_no_line(tmp_path: Path) -> None:
    doc = tmp_path / "county.jsonld"
    doc.write_text(
        json.dumps(
            {
                "@id": "id/county/kalmar",
                "@type": [BASE + "def/County", "https://schema.org/AdministrativeArea"],
                "http://www.w3.org/2000/01/rdf-schema#label": {
                    "@value": "Kalmar län",
                    "@language": "sv",
                },
                "http://www.w3.org/2004/02/skos/core#notation": "8",
            }
        )
    )
    (result,) = check(doc).results
    assert (result.focus, result.file, result.line) == (BASE + "id/county/kalmar", str(doc), None)


def test_render_puts_violations_first_and_groups_results_by_resource() -> None:
    folder = FIXTURES / "invalid"
    report = validate(
        [folder / "grant-pattern-currency.ttl", folder / "concept-qualified-english.ttl"],
        base_iri=BASE,
        shapes=SHAPES,
    )
    text = report.render().splitlines()
    headers = [line for line in text if not line.startswith("  ")][:-1]
    severities = [line.split()[0] for line in text if line.startswith("  ")]
    # the violations (a blank-node amount at the line of its grant, a topic), then the warning
    assert severities == ["Violation", "Violation", "Warning"], report.render()
    assert len(headers) == 3
    assert headers[0].startswith(f"{folder / 'grant-pattern-currency.ttl'}:25  _:")
    assert (
        headers[1]
        == f"{folder / 'concept-qualified-english.ttl'}:17  {BASE}id/topic/hedersrelaterat-vald"
    )
    assert headers[2] == headers[0]
    assert sum(line.startswith("  ") for line in text) == len(report.results) == 3
    assert re.fullmatch(
        r"2 violations, 1 warnings, 0 infos in 2 resources \(2 files, \d+ triples, [\d.]+ s\)",
        text[-1],
    )
    assert "ks:MonetaryAmount-sek" in report.render()
    only = report.render({"warning"}).splitlines()
    assert [line.split()[0] for line in only if line.startswith("  ")] == ["Warning"]
    assert only[-1] == text[-1]  # the summary still counts everything


def test_collect_rdf_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/z.ttl", "b/a.nt.gz", "a.jsonld", "notes.md"):
        (tmp_path / name).write_text("")
    assert collect_rdf_files([tmp_path]) == [
        tmp_path / "a.jsonld",
        tmp_path / "b/a.nt.gz",
        tmp_path / "b/z.ttl",
    ]
    with pytest.raises(InputError, match="nowhere"):
        collect_rdf_files([tmp_path / "nowhere"])


def test_relative_iris_follow_the_base() -> None:
    graph: Graph = parse_files(
        [FIXTURES / "valid" / "places-and-boards.ttl"], "https://data.example.se/"
    )
    assert (
        URIRef("https://data.example.se/id/county/kalmar"),
        RDF.type,
        URIRef("https://data.example.se/def/County"),
    ) in graph


def test_focus_is_located_where_it_is_typed_not_where_it_is_first_a_subject(tmp_path: Path) -> None:
    source = (FIXTURES / "invalid" / "county-pattern-notation.ttl").read_text(encoding="utf-8")
    (tmp_path / "a-extra.ttl").write_text(
        '<id/county/kalmar> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n'
    )
    (tmp_path / "b-places.ttl").write_text(source)
    (result,) = check(tmp_path).results
    assert (result.file, result.line) == (str(tmp_path / "b-places.ttl"), 12)


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("bad.jsonld", '{"@id": "id/x",\n  "http://a/p": }\n', 2, 17),
        ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="x">\n<oops>\n</rdf:RDF>\n', 4, 3),
    ],
)
def test_json_ld_and_rdf_xml_syntax_errors_have_a_position(
    tmp_path: Path, name: str, text: str, line: int, column: int
) -> None:
    bad = tmp_path / name
    bad.write_text(text)
    with pytest.raises(RdfSyntaxError) as caught:
        parse_files([bad], BASE)
    assert (caught.value.file, caught.value.line, caught.value.column) == (str(bad), line, column)
