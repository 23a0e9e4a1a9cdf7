"""Building the published store: collect files, validate them, replace the store.

The one code path ``kgraph build`` and the tests use. A build validates first
and refuses nonconforming data; the store is replaced atomically, so a failed
build leaves the served data exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kgraph.build.graphs import with_graph_check
from kgraph.errors import ValidationFailed
from kgraph.settings import Settings
from kgraph.shacl.report import ValidationReport, collect_rdf_files
from kgraph.store.base import GraphStore, Progress, StoreInfo


@dataclass(frozen=True)
class BuildResult:
    report: ValidationReport
    info: StoreInfo


def validate_paths(
    settings: Settings,
    paths: Sequence[Path],
    *,
    reference: bool | None = None,
    context: Sequence[Path] = (),
) -> ValidationReport:
    """Validate ``paths`` (default: ontology and data) against ``settings.paths.shapes_dir``.

    Inputs of ``settings.validation.fast_validation_bytes`` or more go through the fast
    check (:mod:`kgraph.shacl.fast`), smaller ones through pyshacl; ``reference``
    (or ``settings.validation.reference_validation``) forces pyshacl, ``reference=False``
    the fast check. Both check the same things (all of SHACL Core and SHACL-SPARQL).
    ``context`` is data added for the check whose own results are not reported
    (``kgraph validate`` passes the rest of data/; a build validates exactly what it loads).
    The size that picks the check counts the context too.

    SHACL validates the union of the graphs; :mod:`kgraph.build.graphs` adds a Violation
    for each statement outside every named graph when the data uses named graphs.

    Raises RdfSyntaxError (every error of the files), InputError for a missing path,
    ConfigError for an ill-formed shape (naming it and its file:line).
    """
    paths = list(paths) or settings.paths.default_paths()
    where = settings.paths
    ontology = collect_rdf_files([where.ontology_dir]) if where.ontology_dir.exists() else []
    shapes = collect_rdf_files([where.shapes_dir]) if where.shapes_dir.exists() else []
    files = collect_rdf_files(paths)
    context = [c for c in context if c.exists()]
    if reference is None:
        size = sum(f.stat().st_size for f in [*files, *collect_rdf_files(context)])
        checks = settings.validation
        reference = checks.reference_validation or size < checks.fast_validation_bytes
    base = settings.server.base_iri
    if reference:  # pyshacl: the reference, slow on large inputs
        from kgraph.shacl.reference import validate

        report = validate(paths, base_iri=base, shapes=shapes, ontology=ontology, context=context)
    else:
        from kgraph.shacl.fast import validate_fast  # the same verdicts, by SPARQL

        report = validate_fast(
            paths, base_iri=base, shapes=shapes, ontology=ontology, context=context
        )
    return with_graph_check(report, files, base)  # SHACL sees the union, not the graphs


def build(
    settings: Settings,
    store: GraphStore,
    paths: Sequence[Path],
    progress: Progress | None = None,
    *,
    reference: bool | None = None,
) -> BuildResult:
    """Validate ``paths`` and, if they conform, make them the store's whole content.

    Raises ValidationFailed (with the report), RdfSyntaxError, StoreError.
    """
    paths = list(paths) or settings.paths.default_paths()
    report = validate_paths(settings, paths, reference=reference)
    if not report.conforms:
        n = len(report.violations())
        raise ValidationFailed(f"{n} violation(s): nothing was loaded", report)
    files = collect_rdf_files(paths)
    info = store.replace(files, base_iri=settings.server.base_iri, progress=progress)
    return BuildResult(report, info)
