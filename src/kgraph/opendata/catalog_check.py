"""Check the catalogue record against the official DCAT-AP (and DCAT-AP-SE) SHACL shapes.

The shapes are not ours: they are the SEMIC DCAT-AP releases and DIGG's
DCAT-AP-SE additions, copied unchanged into a folder named by the settings
``dcat_ap_dir`` (default ``../shared/dcat-ap``) and ``dcat_ap_se_dir``. Which
files load together (see the README there):

- ``3.0.1`` (default): ``3.0.1/html/shacl/shapes.ttl`` + ``range.ttl`` (violations),
  ``shapes_recommended.ttl`` (its shapes are at warning severity) and
  ``dcat-ap-se-additions.ttl``;
- ``2.1.1``: the same three files of the 2.1.1 release, plus the SE additions.

pyshacl runs through :func:`kgraph.shacl.reference.run_shacl`, the one place that
calls it. No ``owl:imports`` are followed.

>>> from kgraph.settings import load_settings
>>> profile_files(load_settings(None), "3.0.1")[0].name
'shapes.ttl'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from kgraph.errors import ConfigError
from kgraph.settings import Settings

PROFILES = ("3.0.1", "2.1.1")
_FILES = {
    "3.0.1": ("3.0.1/html/shacl/shapes.ttl", "3.0.1/html/shacl/range.ttl",
              "3.0.1/html/shacl/shapes_recommended.ttl"),
    "2.1.1": ("2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl", "2.1.1/dcat-ap_2.1.1_shacl_range.ttl",
              "2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl"),
}  # fmt: skip
SE_ADDITIONS = "dcat-ap-se-additions.ttl"


@dataclass(frozen=True)
class CheckResult:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    message: str
    value: str


@dataclass(frozen=True)
class CheckReport:
    profile: str
    files: tuple[Path, ...]
    results: tuple[CheckResult, ...]

    @property
    def violations(self) -> list[CheckResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def render(self) -> str:
        """A plain-text report: one line per result, then a summary line."""
        lines = [f"DCAT-AP {self.profile} + DCAT-AP-SE additions; shapes:"]
        lines += [f"  {f}" for f in self.files]
        for r in sorted(self.results, key=lambda r: (r.severity != "Violation", r.focus, r.path)):
            value = f" (value: {r.value})" if r.value else ""
            lines.append(f"{r.severity}: {r.focus} {r.path}: {r.message}{value}")
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines.append(
            f"catalogue record {verdict}: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)"
        )
        return "\n".join(lines)


def profile_files(settings: Settings, profile: str = "3.0.1") -> list[Path]:
    """The shape files of ``profile``. Raises ConfigError if one is missing."""
    if profile not in _FILES:
        raise ConfigError(f"unknown DCAT-AP profile {profile!r}; known: {', '.join(PROFILES)}")
    files = [settings.validation.dcat_ap_dir / f for f in _FILES[profile]]
    files.append(settings.validation.dcat_ap_se_dir / SE_ADDITIONS)
    for f in files:
        if not f.is_file():
            raise ConfigError(
                f"{f}: DCAT-AP shape file not found (set dcat_ap_dir / KGRAPH_DCAT_AP_DIR "
                "and dcat_ap_se_dir / KGRAPH_DCAT_AP_SE_DIR)"
            )
    return files


def load_shapes(files: list[Path]) -> Graph:
    shapes = Graph()
    for f in files:
        try:
            shapes.parse(f, format="turtle")
        except Exception as exc:  # rdflib raises many types for a bad file
            raise ConfigError(f"{f}: cannot parse shape file: {exc}") from exc
    return shapes


def _short(graph: Graph, node: Node | None) -> str:
    """A node as Turtle, with the record's prefixes."""
    return "" if node is None else node.n3(graph.namespace_manager)


def check_record(record: Graph, settings: Settings, profile: str = "3.0.1") -> CheckReport:
    """Validate ``record`` against the shapes of ``profile``. Raises ConfigError."""
    from kgraph.shacl.reference import run_shacl

    files = profile_files(settings, profile)
    report_graph = run_shacl(record, load_shapes(files), advanced=False)
    results = []
    for res in report_graph.subjects(SH.resultSeverity, None):
        severity = report_graph.value(res, SH.resultSeverity)
        focus = report_graph.value(res, SH.focusNode)
        results.append(
            CheckResult(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_short(record, focus),
                path=_short(record, report_graph.value(res, SH.resultPath)),
                message=str(report_graph.value(res, SH.resultMessage) or ""),
                value=_short(record, report_graph.value(res, SH.value)),
            )
        )
    return CheckReport(profile, tuple(files), tuple(results))
