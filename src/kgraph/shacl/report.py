"""Validation reports and RDF file collection: what both SHACL checks share.

:mod:`kgraph.shacl.reference` (pyshacl, the reference) and :mod:`kgraph.shacl.fast`
(SHACL compiled to SPARQL) both answer with a :class:`ValidationReport`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgraph.errors import InputError
from kgraph.formats import RDF_BY_SUFFIX, for_file

__all__ = [
    "PREFIXES",
    "ValidationReport",
    "Violation",
    "collect_rdf_files",
    "ill_typed_message",
    "pick_message",
    "rdf_format",
    "severity_rank",
]

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


SEVERITY_ORDER = ("Violation", "Warning", "Info")


def severity_rank(severity: str) -> int:
    """Violations first, then warnings, infos, and any other severity."""
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


@dataclass(frozen=True)
class ValidationReport:
    """What a check found; ``conforms`` is False only if a Violation exists.

    ``notes`` say how the check was done where it matters (a shape checked by
    pyshacl because the fast check cannot compile it).
    """

    conforms: bool
    results: tuple[Violation, ...]
    files: tuple[str, ...]
    triples: int
    seconds: float
    notes: tuple[str, ...] = ()

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's ``sh:conforms``: no result at all, of any severity. (``conforms``, the
        gate's verdict, lets warnings and infos pass.)"""
        return not self.results

    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    def warnings(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Warning"]

    def infos(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Info"]

    def summary(self) -> str:
        """``N violations, N warnings, N infos[, N other] in N resources (...)``."""
        other = [r for r in self.results if r.severity not in SEVERITY_ORDER]
        counts = (
            f"{len(self.violations())} violations, {len(self.warnings())} warnings, "
            f"{len(self.infos())} infos"
        )
        if other:
            names = ", ".join(sorted({r.severity for r in other}))
            counts += f", {len(other)} other ({names})"
        resources = len({r.focus for r in self.results})
        return (
            f"{counts} in {resources} resources ({len(self.files)} files, {self.triples} triples, "
            f"{self.seconds:.2f} s)"
        )

    def render(self, severities: Collection[str] | None = None) -> str:
        """A text report: violations, then warnings, infos and other severities, each
        grouped by focus resource with its file:line; notes; the summary line (which
        counts every result, also those ``severities`` leaves out)."""
        lines: list[str] = []
        shown = [r for r in self.results if severities is None or r.severity.lower() in severities]
        shown.sort(key=lambda r: severity_rank(r.severity))  # stable: file order kept inside
        for rank in sorted({(severity_rank(r.severity), r.severity) for r in shown}):
            groups: dict[str, list[Violation]] = {}
            for r in shown:
                if r.severity == rank[1]:
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
                    parts = [f"{r.severity:<9}", shape or "-", r.path or "-", r.value or "-"]
                    lines.append("  " + "  ".join([*parts, r.message]))
        lines += [f"note: {n}" for n in self.notes]
        lines.append(self.summary())
        return "\n".join(lines)


def pick_message(texts: Sequence[tuple[str, str | None]]) -> str:
    """The English message of (text, language) pairs, else the first in sorted order.

    >>> pick_message([("Saknas", "sv"), ("Missing", "en")])
    'Missing'
    """
    english = sorted(t for t, lang in texts if lang == "en")
    if english:
        return english[0]
    return sorted(t for t, _ in texts)[0] if texts else ""


def ill_typed_message(lexical: str, datatype: str, message: str) -> str:
    """The message of a literal whose lexical form its datatype does not allow.

    >>> ill_typed_message("tjugohundrafyra", "http://www.w3.org/2001/XMLSchema#gYear", "")
    "'tjugohundrafyra' is not a valid xsd:gYear"
    """
    from kgraph.shacl.paths import shorten

    text = f"'{lexical}' is not a valid {shorten(f'<{datatype}>', PREFIXES)}"
    return f"{text}: {message}" if message else text


def rdf_format(path: Path) -> str | None:
    """rdflib's name for the format of ``path``, or None if it is not an RDF file."""
    fmt = for_file(path)
    return fmt.rdflib if fmt is not None else None


def collect_rdf_files(paths: Sequence[Path]) -> list[Path]:
    """Expand files and folders (recursively, sorted) into RDF files, chosen by suffix.

    >>> collect_rdf_files([Path("shapes")])
    [PosixPath('shapes/dataset-shapes.ttl'), PosixPath('shapes/kgraph-shapes.ttl')]

    Raises :class:`InputError` naming a path that does not exist or a file that is not RDF.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and rdf_format(p))
        elif path.is_file():
            if rdf_format(path) is None:
                known = ", ".join("." + s for s in RDF_BY_SUFFIX)
                raise InputError(f"{path}: not an RDF file (expected one of {known}, or .gz)")
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))
