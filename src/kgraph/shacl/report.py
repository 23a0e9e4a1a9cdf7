"""Validation reports and RDF file collection: what both SHACL checks share.

:mod:`kgraph.shacl.reference` (pyshacl, the reference) and :mod:`kgraph.shacl.fast`
(SHACL compiled to SPARQL) both answer with a :class:`ValidationReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kgraph.errors import InputError
from kgraph.formats import RDF_BY_SUFFIX, for_file

__all__ = ["PREFIXES", "ValidationReport", "Violation", "collect_rdf_files"]

# fmt: off
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "sh": "http://www.w3.org/ns/shacl#",
    "dct": "http://purl.org/dc/terms/", "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#", "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
}
# fmt: on


@dataclass(frozen=True)
class Violation:
    """One validation result (of any severity), located in the input files."""

    focus: str
    shape: str | None
    constraint: str
    path: str | None
    value: str | None
    message: str
    severity: str
    file: str | None
    line: int | None


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found; ``conforms`` is False only if a Violation exists."""

    conforms: bool
    results: tuple[Violation, ...]
    files: tuple[str, ...]
    triples: int
    seconds: float

    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    def warnings(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Warning"]

    def render(self) -> str:
        """A text report, grouped by focus resource, ending with a summary line."""
        lines: list[str] = []
        groups: dict[str, list[Violation]] = {}
        for r in self.results:
            groups.setdefault(r.focus, []).append(r)
        for focus, results in groups.items():
            where = results[0].file or "<unknown file>"
            if results[0].line is not None:
                where += f":{results[0].line}"
            lines.append(f"{where}  {focus}")
            for r in results:
                shape = (
                    "ks:" + r.shape.split("/def/shapes/", 1)[1]
                    if r.shape and "/def/shapes/" in r.shape
                    else r.shape
                )
                parts = [f"{r.severity:<9}", shape or "-", r.path or "-", r.value or "-", r.message]
                lines.append("  " + "  ".join(parts))
        lines.append(
            f"{len(self.violations())} violations, {len(self.warnings())} warnings "
            f"in {len(groups)} resources ({len(self.files)} files, {self.triples} triples, "
            f"{self.seconds:.2f} s)"
        )
        return "\n".join(lines)


def _format(path: Path) -> str | None:
    """rdflib's name for the format of ``path``, or None if it is not an RDF file."""
    fmt = for_file(path)
    return fmt.rdflib if fmt is not None else None


def collect_rdf_files(paths: Sequence[Path]) -> list[Path]:
    """Expand files and folders (recursively, sorted) into RDF files, chosen by suffix.

    >>> collect_rdf_files([Path("shapes")])        # doctest: +SKIP
    [PosixPath('shapes/kgraph-shapes.ttl')]

    Raises :class:`InputError` naming a path that does not exist or a file that is not RDF.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _format(p))
        elif path.is_file():
            if _format(path) is None:
                known = ", ".join("." + s for s in RDF_BY_SUFFIX)
                raise InputError(f"{path}: not an RDF file (expected one of {known}, or .gz)")
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))
