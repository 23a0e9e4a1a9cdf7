"""The build's named-graph rule: data that uses named graphs has every statement in one.

kgraph's own data says who states what by putting each statement in the named
graph of its source (docs/model.md). A statement outside every graph would
have no source, so a build whose files put anything in a named graph refuses
statements in the default graph (a TriG statement outside ``GRAPH``, or a whole
Turtle file). Data without any named graph (a plain Turtle dataset) is not
concerned. SHACL cannot see graphs (it validates their union), so this check is
here, next to the SHACL gate, and adds its results to the same report.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.trig").write_text('<g> { <a> <p> 1 . }\\n<b> <p> 2 .')
>>> [(v.focus, v.line) for v in outside_named_graphs([d / "a.trig"], "http://example.org/")]
[('http://example.org/b', 2)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kgraph.shacl.locate import read_text, statement_lines
from kgraph.shacl.report import ValidationReport, Violation
from kgraph.store.files import can_hold_graphs, graph_census

CONSTRAINT = "kg:StatementOutsideNamedGraph"
SHOWN_PER_FILE = 25  # subjects named per file; the message gives the full count
MESSAGE = (
    "The statement is in no named graph, but the data uses named graphs: every statement "
    "must be in the graph of its source (docs/model.md)"
)


def outside_named_graphs(files: Sequence[Path], base_iri: str) -> list[Violation]:
    """A Violation for each subject (up to :data:`SHOWN_PER_FILE` a file) of a statement
    outside every named graph, if any file puts statements in a named graph.

    Raises RdfSyntaxError, StoreError.
    """
    if not any(can_hold_graphs(f) for f in files):
        return []  # only TriG and N-Quads can name graphs: nothing to check, nothing read
    census = [(f, graph_census(f, base_iri)) for f in files]
    if not any(c.named for _, c in census):
        return []
    found: list[Violation] = []
    for path, c in census:
        if not c.outside:
            continue
        shown = c.outside[:SHOWN_PER_FILE]
        lines = statement_lines(read_text(path), base_iri)
        more = f" ({c.outside_statements} such statements in this file)"
        for subject in shown:
            found.append(
                Violation(
                    focus=subject,
                    shape=None,
                    constraint=CONSTRAINT,
                    path=None,
                    value=None,
                    message=MESSAGE + more,
                    severity="Violation",
                    file=str(path),
                    line=lines.get(subject),
                )
            )
    return found


def with_graph_check(
    report: ValidationReport, files: Sequence[Path], base_iri: str
) -> ValidationReport:
    """``report`` with the results of :func:`outside_named_graphs` added."""
    extra = outside_named_graphs(files, base_iri)
    if not extra:
        return report
    return replace(report, conforms=False, results=(*report.results, *extra))
