"""SPARQL-based constraint components (SHACL 6): parameters, validators, one check each.

A shape uses a component when it has a value for each of its mandatory
parameters; the validator that fits the shape (``sh:nodeValidator`` or
``sh:propertyValidator``, else ``sh:validator``) becomes one query, the
parameters put in as constants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kgraph.shacl.paths import PathExpr, sparql
from kgraph.shacl.shapes import SH, ShapesGraph
from kgraph.shacl.sparqlcheck import select_with_focus
from kgraph.shacl.values import Uncompilable
from kgraph.store.terms import is_iri, kind_of, ntriples

if TYPE_CHECKING:
    from kgraph.shacl.compile import Check, Compiler

__all__ = ["custom_check", "custom_components"]


def custom_check(
    compiler: Compiler,
    key: str,
    component: str,
    params: dict[str, Any],
    focus: str,
    values: str,
    path: PathExpr | None,
    sev: str,
    msgs: list[Any],
) -> Check:
    from kgraph.shacl.compile import Check

    g, ck = compiler.g, component
    names = {p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: v for p, v in params.items()}
    kind = "nodeValidator" if path is None else "propertyValidator"
    validator = g.one(ck, SH + kind) or g.one(ck, SH + "validator")
    if validator is None:
        raise Uncompilable(f"{ck} has no validator for this kind of shape")
    vk = ntriples(validator)
    p = sparql(path) if path is not None else None
    select, ask = g.param(vk, "select"), g.param(vk, "ask")
    if select is not None and g.one(ck, SH + "validator") != validator:
        text, also = compiler._prepare(key, vk, select.value, p, names)
        query = select_with_focus(text, focus, also)
    elif ask is not None:
        body, also = compiler._prepare(key, vk, ask.value, p, names)
        head, _, rest = body.partition("ASK")
        inner = rest[rest.index("{") + 1 : rest.rindex("}")]
        query = (
            f"{head} SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
            f"{' '.join(also.values())} "
            f"FILTER NOT EXISTS {{ {inner} }} }}"
        )
    else:
        raise Uncompilable(f"{ck}: a SELECT validator given as sh:validator")
    messages = g.messages(vk) or g.messages(ck) or msgs
    return Check(key, ck.strip("<>"), query, path, sev, messages, names, path is None)


def custom_components(g: ShapesGraph) -> dict[str, tuple[list[str], list[str]]]:
    """SPARQL-based constraint components: their mandatory and optional parameters."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for key, props in g.props.items():
        if not g.instance_of(key, SH + "ConstraintComponent"):
            continue
        mandatory: list[str] = []
        optional: list[str] = []
        for param in props.get(SH + "parameter", []):
            pk = ntriples(param)
            pred = g.one(pk, SH + "path")
            if pred is None or not is_iri(pred):
                continue
            flag = g.one(pk, SH + "optional")
            is_opt = flag is not None and kind_of(flag) == "literal" and flag.value == "true"
            (optional if is_opt else mandatory).append(pred.value)
        out[key] = (mandatory, optional)
    return out
