"""The national co-authorship network: which organisations wrote publications together.

Nodes are the creators of publications that have more than one; an edge joins
two that share publications, as wide as the number they share. The nodes sit
on a circle in an order that keeps partners next to each other, their labels
outside the circle: edges run inside it and never cross a label. Each node is
a link named by its visible label; the data table lists every pair.

>>> ring_order({"a": {"b": 2}, "b": {"a": 2, "c": 1}, "c": {"b": 1}, "d": {}})
['b', 'a', 'c', 'd']
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kgraph.linkeddata.charts import ACCENT, PALE, Chart, Node, esc, svg_open, text, wrap
from kgraph.linkeddata.describe import Labels, href_for
from kgraph.store.base import GraphStore
from kgraph.terms import DCT, SCHEMA


@dataclass(frozen=True)
class Pair:
    """Two co-authors and the publications they share."""

    a: Node
    b: Node
    shared: int

    @property
    def label(self) -> str:
        return f"{self.a.label} – {self.b.label}"


def pairs(store: GraphStore, *, base_iri: str, lang: str) -> tuple[list[Node], list[Pair]]:
    """The co-authors (by county name for a county's board) and their pairs, most shared
    first. Raises StoreError."""
    rows = store.select(
        f"SELECT ?a ?b (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p <{DCT}creator> ?a, ?b "
        f"FILTER(isIRI(?a) && isIRI(?b) && STR(?a) < STR(?b)) }} GROUP BY ?a ?b"
    )
    iris = sorted({r[v].value for r in rows for v in ("a", "b")})
    areas = {
        r["o"].value: r["c"].value
        for r in store.select(
            "SELECT ?o (SAMPLE(?county) AS ?c) WHERE { VALUES ?o { "
            + " ".join(f"<{i}>" for i in iris)
            + f" }} ?o <{SCHEMA}areaServed> ?county }} GROUP BY ?o"
        )
    } if iris else {}  # fmt: skip
    labels = Labels(lang, base_iri)
    labels.load(store, [*iris, *areas.values()])
    nodes: dict[str, Node] = {}
    for iri in iris:
        text_, tlang = labels.text(areas.get(iri, iri))  # a board by its county's name
        nodes[iri] = Node(text_, href_for(iri, base_iri), tlang)
    found = [Pair(nodes[r["a"].value], nodes[r["b"].value], int(r["n"].value)) for r in rows]
    found.sort(key=lambda p: (-p.shared, p.label))
    return sorted(nodes.values(), key=lambda n: n.label), found


def ring_order(weights: dict[str, dict[str, int]]) -> list[str]:
    """The nodes in an order round the ring that puts partners side by side: start from
    the best-connected node, go on to the unplaced partner sharing most with the last."""
    left = set(weights)
    order: list[str] = []

    def strength(n: str) -> tuple[int, str]:
        return (sum(weights[n].values()), n)

    while left:
        last = order[-1] if order else None
        partners = [n for n in (weights[last] if last else {}) if n in left]
        if partners and last is not None:
            nxt = max(partners, key=lambda n: (weights[last][n], strength(n)))
        else:
            nxt = max(left, key=lambda n: (strength(n)[0], [-ord(c) for c in n]))
        order.append(nxt)
        left.remove(nxt)
    return order


def network(
    nodes: list[Node],
    found: list[Pair],
    *,
    title: str,
    chart_id: str,
    headers: tuple[str, str, str],
    width: int = 380,
) -> Chart:
    """The ring drawing of the co-authorship network and its table of pairs."""
    weights: dict[str, dict[str, int]] = defaultdict(dict)
    for n in nodes:
        weights[n.label]
    for p in found:
        weights[p.a.label][p.b.label] = p.shared
        weights[p.b.label][p.a.label] = p.shared
    order = ring_order(dict(weights))
    by_label = {n.label: n for n in nodes}
    height = width * 0.8
    cx, cy = width / 2, height / 2
    radius = min(width * 0.23, height / 2 - 44)
    place = {}
    for i, label in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(order), 1)
        place[label] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    top = max((p.shared for p in found), default=1)
    edges = []
    for p in found:
        x1, y1, _ = place[p.a.label]
        x2, y2, _ = place[p.b.label]
        edges.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{PALE}" '
            f'stroke-width="{2 + 5 * p.shared / top:.1f}" stroke-linecap="round"/>'
        )
    marks = []
    for label in order:
        node = by_label[label]
        x, y, angle = place[label]
        degree = sum(weights[label].values())
        r = 6 + 2.5 * math.sqrt(degree)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        lines = wrap(node.label, 11, 2)
        lx = x + (r + 8) * cos
        ly = y + (r + 8) * sin + 5 - (0 if sin > 0.25 else 16 * (len(lines) - 1) if sin < -0.25
                                       else 8 * (len(lines) - 1))  # fmt: skip
        label_svg = "".join(
            text(lx, ly + 16 * i, line, size=14, anchor=anchor) for i, line in enumerate(lines)
        )
        body = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{ACCENT}" stroke="#fff" '
            f'stroke-width="2"/>{label_svg}'
        )
        if node.href:
            lang = f' hreflang="{esc(node.lang)}"' if node.lang else ""
            marks.append(f'<a href="{esc(node.href)}"{lang}>{body}</a>')
        else:
            marks.append(f"<g>{body}</g>")
    svg = (
        svg_open(chart_id, width, round(height, 1), title, links=True)
        + "".join(edges)
        + "".join(marks)
        + "</svg>"
    )
    rows: list[list[Any]] = [[p.a, p.b, p.shared] for p in found]
    return Chart(chart_id, title, svg, list(headers), rows, numeric=(2,))
