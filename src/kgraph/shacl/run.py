"""Running compiled checks on the data: rows become results, located in the files.

:func:`run_checks` runs :class:`~kgraph.shacl.compile.Check` queries on an
in-memory store; :func:`to_violations` places each result at its file and line
with the shared locator and writes it as the report's :class:`Violation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.errors import ConfigError, QuerySyntaxError
from kgraph.shacl.compile import Check
from kgraph.shacl.locate import locate, nearest_iris, place_of
from kgraph.shacl.paths import display, shorten
from kgraph.shacl.report import Violation, ill_typed_message, pick_message
from kgraph.shacl.shapes import SH
from kgraph.store.memory import MemoryStore
from kgraph.store.terms import is_iri, kind_of, ntriples

__all__ = ["FILE_GRAPH", "ONTOLOGY_GRAPH", "Found", "described_in", "run_checks", "to_violations"]

FILE_GRAPH = "urn:kgraph:shacl:file:"  # data is loaded one graph per file, numbered
ONTOLOGY_GRAPH = "urn:kgraph:shacl:ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Found:
    """One result before it is located: engine terms, the source shape's key."""

    focus: Any
    shape: str
    component: str
    path: str | None
    value: Any
    message: str
    severity: str


def _fill(text: str, bindings: dict[str, str]) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: bindings.get(m.group(1), m.group(0)), text)


def _default_message(component: str, params: dict[str, Any]) -> str:
    name = component.removeprefix(SH).removesuffix("ConstraintComponent")
    shown = ", ".join(f"sh:{k} {ntriples(v)}" for k, v in params.items() if hasattr(v, "value"))
    return f"{name} constraint not met" + (f" ({shown})" if shown else "")


def run_checks(
    data: MemoryStore,
    checks: Iterable[Check],
    names: dict[str, str],
    default_graphs: Sequence[str] | None = None,
    label: Callable[[str], str] = str,
) -> list[Found]:
    """Every result of ``checks`` on ``data``, one per row (the default graph: the union
    of all graphs, or ``default_graphs``). A query that does not parse (a shape's own
    SPARQL) raises ConfigError naming the shape by ``label(key)``."""
    out: list[Found] = []
    for check in checks:
        try:
            rows = list(data.query(check.query, default_graphs=default_graphs).rows())
        except QuerySyntaxError as e:
            first = str(e).splitlines()[0]  # the engine's message goes on for lines
            raise ConfigError(f"{label(check.shape)}: ill-formed shape: {first}") from e
        shown_path = display(check.path, names) if check.path is not None else None
        for row in rows:
            if "failure" in row and row["failure"] is not None and row["failure"].value == "true":
                raise_failure(check)
            focus = row["this"]
            component, params = check.component, check.params
            if row.get("count") is not None:  # minCount and maxCount in one query
                low = "minCount" in params and int(row["count"].value) < int(
                    params["minCount"].value
                )
                component = SH + (
                    "MinCountConstraintComponent" if low else "MaxCountConstraintComponent"
                )
                params = {
                    k: v for k, v in params.items() if k == ("minCount" if low else "maxCount")
                }
            value = row.get("value")
            sparql_based = check.component in (SH + "SPARQLConstraintComponent",) or not (
                check.component.startswith(SH)
            )
            if value is None and check.value_is_focus and sparql_based:
                value = focus
            path = shown_path
            if row.get("rpath") is not None:
                path = shorten(ntriples(row["rpath"]), names)
            elif row.get("path") is not None and is_iri(row["path"]):
                path = shorten(ntriples(row["path"]), names)
            bindings = {k: v.value for k, v in row.items() if v is not None}
            bindings.update(
                {k: v.value for k, v in params.items() if hasattr(v, "value") and k not in bindings}
            )
            texts = [
                (_fill(m.value, bindings), getattr(m, "language", None)) for m in check.messages
            ]
            message = pick_message(texts) if texts else _default_message(component, params)
            datatype = check.params.get("datatype")
            if (
                datatype is not None
                and value is not None
                and kind_of(value) == "literal"
                and value.datatype.value == datatype.value
            ):
                message = ill_typed_message(value.value, datatype.value, pick_message(texts))
            out.append(Found(focus, check.shape, component, path, value, message, check.severity))
    return out


def raise_failure(check: Check) -> None:
    raise ConfigError(f"{check.shape}: the SPARQL query reports a failure (?failure true)")


def described_in(
    data: MemoryStore, iris: set[str], graphs: Sequence[int]
) -> dict[int, tuple[set[str], set[str]]]:
    """For each file graph number: which of ``iris`` it describes and which it types."""
    out: dict[int, tuple[set[str], set[str]]] = {k: (set(), set()) for k in graphs}
    if not iris:
        return out
    values = " ".join(f"<{i}>" for i in sorted(iris))
    q = (
        f"SELECT DISTINCT ?s ?g ?typed WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"BIND (?p = <{RDF_TYPE}> AS ?typed) }}"
    )
    for r in data.select(q):
        name = r["g"].value
        if not name.startswith(FILE_GRAPH):
            continue
        k = int(name.removeprefix(FILE_GRAPH))
        if k in out:
            out[k][0].add(r["s"].value)
            if r["typed"].value == "true":
                out[k][1].add(r["s"].value)
    return out


def _iri_of(term: Any) -> str | None:
    return term.value if is_iri(term) else None


def to_violations(
    found: Sequence[Found],
    data: MemoryStore,
    files: Sequence[Path],
    base_iri: str,
    names: dict[str, str],
    *,
    only_files: int | None = None,
) -> list[Violation]:
    """Results placed at their file:line (files numbered as loaded). With ``only_files``,
    only results about resources described in the first that many files are kept."""
    focus_iris = {f.focus.value for f in found if is_iri(f.focus)}
    blanks = [f.focus for f in found if kind_of(f.focus) == "bnode"]
    focus_iris |= nearest_iris(blanks, data.subjects_of, _iri_of)
    count = len(files) if only_files is None else only_files
    table = described_in(data, focus_iris, range(count))
    located = locate(files[:count], focus_iris, base_iri, lambda k: table.get(k, (set(), set())))
    results = []
    for f in found:
        focus = f.focus
        file, line = place_of(focus, located, data.subjects_of, _iri_of)
        if only_files is not None and file is None and kind_of(focus) != "literal":
            continue  # a resource of the context only
        results.append(
            Violation(
                focus=focus.value if is_iri(focus) else ntriples(focus),
                shape=f.shape[1:-1] if f.shape.startswith("<") else None,
                constraint=shorten(f"<{f.component}>", names),
                path=f.path,
                value=None if f.value is None else ntriples(f.value),
                message=f.message,
                severity=f.severity,
                file=file,
                line=line,
            )
        )
    order = {str(f): i for i, f in enumerate(files)}
    results.sort(key=lambda v: (order.get(v.file or "", len(order)), v.line or 0, v.focus, repr(v)))
    return results
