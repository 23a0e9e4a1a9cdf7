"""The W3C SHACL test suite (core/ and sparql/), driven by its manifests, on both checks.

The suite is W3C's (W3C Software and Document License), from the copy in pySHACL's
sdist on PyPI, fetched by ``scripts/fetch-test-suites.sh`` (``make test`` runs it)
into ``.cache/w3c-shacl/``; see ``scripts/w3c-shacl-suite.md`` for how that copy
differs from w3c/data-shapes. Each ``sht:Validate`` test gives its data and shapes
to the fast check (forced, as with ``KGRAPH_FAST_VALIDATION_BYTES=0``) and to the
reference check: both must give the suite's verdict and exactly its results
(focus, path, value, severity, component, source shape; blank nodes as ``_:``).
An ``sht:Failure`` test must end in one :class:`ConfigError` line naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, Namespace

from kgraph.errors import ConfigError
from kgraph.shacl.fast import validate_fast
from kgraph.shacl.paths import display, parse_path, shorten
from kgraph.shacl.reference import validate
from kgraph.shacl.report import PREFIXES, ValidationReport

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / ".cache" / "w3c-shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
EXPECTED_TESTS = 121  # 120 of w3c/data-shapes, and sparql/component/nodeValidator-001
Result = tuple[str, str | None, str | None, str, str, str | None]


@dataclass(frozen=True)
class SuiteTest:
    name: str
    data: Path
    shapes: Path
    failure: bool
    conforms: bool
    expected: tuple[Result, ...]


def _path(iri: object) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


def _names(base: str) -> dict[str, str]:
    return {**PREFIXES, "kg": base + "def/", "ks": base + "def/shapes/"}


_NUMBER = re.compile(
    r'"([^"]*)"\^\^<http://www\.w3\.org/2001/XMLSchema#(integer|decimal|double|float)>'
)


def _canonical(text: str | None) -> str | None:
    """A number written by its value: the fast check's engine keeps 4.0 as 4."""
    m = _NUMBER.fullmatch(text or "")
    if not m:
        return text
    try:
        return f"{Decimal(m[1]).normalize()}^^{m[2]}"
    except InvalidOperation:
        return text


def _term(node: object, focus: bool = False) -> str:
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, URIRef) and focus:
        return str(node)
    assert isinstance(node, (URIRef, Literal))
    return _canonical(node.n3()) or ""


def _expected(g: Graph, report: object, base: str) -> tuple[Result, ...]:
    names = _names(base)
    out = []
    for r in g.objects(report, SH.result):
        path = g.value(r, SH.resultPath)
        if path is not None:
            path = display(
                parse_path(
                    path,
                    iri=lambda n: str(n) if isinstance(n, URIRef) else None,
                    one=lambda n, p: g.value(n, URIRef(p)),
                    items=lambda n: list(Collection(g, n)) if (n, RDF.first, None) in g else None,
                ),
                names,
            )
        value = g.value(r, SH.value)
        shape = g.value(r, SH.sourceShape)
        severity = str(g.value(r, SH.resultSeverity)).removeprefix(str(SH))
        component = shorten(f"<{g.value(r, SH.sourceConstraintComponent)}>", names)
        out.append(
            (
                _term(g.value(r, SH.focusNode), focus=True),
                path,
                None if value is None else _term(value),
                severity,
                component,
                str(shape) if isinstance(shape, URIRef) else None,
            )
        )
    return tuple(sorted(out, key=repr))


def collect(manifest: Path) -> list[SuiteTest]:
    """The tests of a manifest and of those it includes, in order."""
    if not manifest.exists():
        return []
    rdflib.NORMALIZE_LITERALS = False  # values as the suite writes them (so does the report)
    try:
        g = Graph().parse(manifest, format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = True
    out: list[SuiteTest] = []
    for m in g.subjects(RDF.type, MF.Manifest):
        for included in sorted(g.objects(m, MF.include), key=str):
            out += collect(_path(included))
        for entries in g.objects(m, MF.entries):
            for test in Collection(g, entries):
                if (test, RDF.type, SHT.Validate) not in g:
                    continue
                action, result = g.value(test, MF.action), g.value(test, MF.result)
                data, shapes = (
                    _path(g.value(action, SHT.dataGraph)),
                    _path(g.value(action, SHT.shapesGraph)),
                )
                name = str(_path(test).relative_to(SUITE)).removesuffix(".ttl")
                failure = result == SHT.Failure
                base = data.as_uri()
                expected = () if failure else _expected(g, result, base)
                conforms = not failure and g.value(result, SH.conforms).toPython() is True
                out.append(SuiteTest(name, data, shapes, failure, conforms, expected))
    return out


TESTS = collect(SUITE / "core" / "manifest.ttl") + collect(SUITE / "sparql" / "manifest.ttl")
CHECKS = {"fast": validate_fast, "reference": validate}


def test_the_suite_is_all_there() -> None:
    assert len(TESTS) == EXPECTED_TESTS, (
        f"{len(TESTS)} W3C SHACL tests collected from {SUITE}: run scripts/fetch-test-suites.sh"
    )
    assert sum(t.failure for t in TESTS) == 7


def _normal(report: ValidationReport) -> tuple[Result, ...]:
    out = [
        (
            "_:" if r.focus.startswith("_:") else _canonical(r.focus),
            r.path,
            "_:" if r.value and r.value.startswith("_:") else _canonical(r.value),
            r.severity,
            r.constraint,
            r.shape,
        )
        for r in report.results
    ]
    return tuple(sorted(out, key=repr))


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_w3c(test: SuiteTest, check: str) -> None:
    run = CHECKS[check]
    base = test.data.as_uri()
    if test.failure:
        with pytest.raises(ConfigError) as caught:
            run([test.data], base_iri=base, shapes=[test.shapes])
        message = str(caught.value)
        assert "\n" not in message and str(test.shapes) in message, message
        return
    report = run([test.data], base_iri=base, shapes=[test.shapes])
    assert _normal(report) == test.expected, report.render()
    assert report.shacl_conforms == test.conforms
    assert report.conforms == (not any(r[3] == "Violation" for r in test.expected))  # the gate
