"""Server-side charts as inline SVG, accessible without JavaScript.

A :class:`Chart` is an SVG drawing with its title, a one-line summary and the
same figures as a data table (rows of cells), which the page shows beside it.
A drawing without links is ``role="img"`` named by its ``<title>``; a drawing
whose marks are links is ``role="group"``, each link named by ``aria-label``,
so no interactive content is nested in an image. Every text is escaped. The
drawings are sized for phones first: a narrow ``viewBox`` and text that stays
about 12 px high at 375 px wide.

>>> c = year_bars([(2004, 2), (2006, 1)], title="Publikationer <per år>", chart_id="c")
>>> c.svg.startswith("<svg") and "&lt;per år&gt;" in c.svg and "<per" not in c.svg
True
>>> [row[0] for row in c.rows]
['2004', '2005', '2006']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
INK, MUTED, ACCENT, LINE, PALE = "#1b1f24", "#4f5964", "#0b5cad", "#c9d1da", "#8fb3d9"


def esc(text: str) -> str:
    """Text for SVG/HTML, quotes included."""
    return escape(text, quote=True)


@dataclass
class Chart:
    """A drawing and its figures: what a page shows as a figure with a data table."""

    id: str
    title: str
    svg: str
    headers: list[str]
    rows: list[list[Any]]  # cells: text, numbers, or objects with label/href/lang
    summary: str = ""
    numeric: tuple[int, ...] = (1,)  # columns right-aligned
    extra: dict[str, Any] = field(default_factory=dict)


def svg_open(chart_id: str, width: float, height: float, title: str, *, links: bool) -> str:
    """The ``<svg>`` start tag and its ``<title>``: an image, or a group when it holds links."""
    cid = esc(chart_id)
    role = "group" if links else "img"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{cid}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="{role}" aria-labelledby="{cid}-title" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{cid}-title">{esc(title)}</title>'
    )


def text(x: float, y: float, body: str, *, size: int = 13, fill: str = INK, anchor: str = "start",
         extra: str = "") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}" '
        f'fill="{fill}"{extra}>{esc(body)}</text>'
    )


def year_ticks(first: int, last: int, most: int = 7) -> list[int]:
    """Years to label on an axis from ``first`` to ``last``: round steps, at most ``most``.

    >>> year_ticks(1997, 2021)
    [2000, 2005, 2010, 2015, 2020]
    >>> year_ticks(2004, 2006)
    [2004, 2005, 2006]
    """
    span = max(last - first, 1)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= most - 1)
    start = math.ceil(first / step) * step
    return list(range(start, last + 1, step))


def year_bars(
    data: Sequence[tuple[int, int]],
    *,
    title: str,
    chart_id: str,
    headers: tuple[str, str] = ("År", "Antal"),
    width: int = 400,
    height: int = 230,
) -> Chart:
    """Bars on a real year axis: every year from the first to the last has its place
    (years without any are empty, not left out), labelled in round steps."""
    years = [y for y, _ in data]
    first, last = (min(years), max(years)) if years else (0, 0)
    values = dict(data)
    pad_l, pad_r, pad_t, pad_b = 34, 10, 16, 34
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max(values.values(), default=0) or 1
    n = last - first + 1
    slot = plot_w / max(n, 1)
    bar_w = max(min(slot * 0.72, 40), 3)
    parts = [svg_open(chart_id, width, height, title, links=False)]
    step = max(1, math.ceil(top / 4))
    for tick in range(0, top + 1, step):
        y = pad_t + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LINE}" stroke-width="1"/>'
            + text(pad_l - 6, y + 4.5, str(tick), size=13, fill=MUTED, anchor="end")
        )
    for year in range(first, last + 1):
        value = values.get(year, 0)
        x = pad_l + slot * (year - first) + (slot - bar_w) / 2
        h = plot_h * value / top
        if value:
            parts.append(
                f'<rect x="{x:.1f}" y="{pad_t + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{ACCENT}" rx="1.5"/>'
            )
    base_y = pad_t + plot_h
    parts.append(
        f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{base_y}" y2="{base_y}" '
        f'stroke="{MUTED}" stroke-width="1.2"/>'
    )
    for year in year_ticks(first, last):
        x = pad_l + slot * (year - first) + slot / 2
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base_y}" y2="{base_y + 5}" stroke="{MUTED}"/>'
            + text(x, base_y + 20, str(year), size=13, fill=MUTED, anchor="middle")
        )
    parts.append("</svg>")
    rows: list[list[Any]] = [[str(y), values.get(y, 0)] for y in range(first, last + 1)]
    return Chart(chart_id, title, "".join(parts), list(headers), rows)


@dataclass(frozen=True)
class Node:
    """A node of a network drawing: a label, an optional link and the link's language."""

    label: str
    href: str | None = None
    lang: str | None = None


def wrap(label: str, width: int = 18, lines: int = 3) -> list[str]:
    """``label`` in lines of about ``width`` characters, at most ``lines`` (the last cut with …).

    >>> wrap("Länsstyrelsen i Västra Götalands län", 16)
    ['Länsstyrelsen i', 'Västra Götalands', 'län']
    """
    words, out, cur = label.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1] + "…"]
    return out


def node_svg(node: Node, x: float, y: float, r: float, fill: str, *,
             label_at: tuple[float, float, str] | None = None, size: int = 13) -> str:  # fmt: skip
    """A circle with its label (below it, or at ``label_at``: x, y, anchor), a link when
    the node has one: the link is named by its visible label (what a voice user says)."""
    lx, ly, anchor = label_at or (x, y + r + 15, "middle")
    lines = wrap(node.label, 18)
    label = "".join(
        text(lx, ly + (size + 2) * i, line, size=size, anchor=anchor,
             extra=' stroke="#fff" stroke-width="3" paint-order="stroke"')
        for i, line in enumerate(lines)
    )  # fmt: skip
    body = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#fff" '
        f'stroke-width="2"/>{label}'
    )
    if node.href:
        lang = f' hreflang="{esc(node.lang)}"' if node.lang else ""
        return f'<a href="{esc(node.href)}" class="node"{lang}>{body}</a>'
    return f'<g class="node" aria-hidden="true">{body}</g>'


def star(
    center: Node,
    others: Sequence[tuple[Node, int]],
    *,
    title: str,
    chart_id: str,
    unit: str = "",
    headers: tuple[str, str] = ("Organisation", "Antal"),
    show_weights: bool = True,
    width: int = 400,
) -> Chart:
    """``center`` in the middle and ``others`` around it, edges as wide as their weight.

    Labels sit outside the ring, away from the edges, so no edge crosses a label.
    """
    n = max(len(others), 1)
    height = 300 if n > 2 else 200
    cx, cy = width / 2, height / 2
    radius = min(width, height) / 2 - 55
    if n <= 2:
        radius = width / 2 - 90
    top = max((w for _, w in others), default=1) or 1
    edges, nodes = [], []
    for i, (node, weight) in enumerate(others):
        angle = math.pi + 2 * math.pi * i / n + (math.pi / 2 if n > 2 else 0)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        stroke = 1.5 + 6 * weight / top
        edges.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{PALE}" '
            f'stroke-width="{stroke:.1f}"/>'
        )
        if show_weights:
            edges.append(text((cx + x) / 2, (cy + y) / 2 - 5, str(weight), fill=MUTED,
                              anchor="middle"))  # fmt: skip
        below = math.sin(angle) >= -0.2
        ly = y + 26 if below else y - 20 - 15 * (len(wrap(node.label, 18)) - 1)
        nodes.append(node_svg(node, x, y, 10, "#3d79b8", label_at=(x, ly, "middle")))
    nodes.append(node_svg(center, cx, cy, 16, ACCENT, label_at=(cx, cy + 34, "middle")))
    links = any(node.href for node, _ in others) or bool(center.href)
    svg = (
        svg_open(chart_id, width, height, title, links=links)
        + "".join(edges)
        + "".join(nodes)
        + "</svg>"
    )
    if not show_weights:
        return Chart(chart_id, title, svg, [headers[0]], [[node] for node, _ in others], numeric=())
    rows: list[list[Any]] = [[node, weight] for node, weight in others]
    return Chart(chart_id, title, svg, list(headers), rows)
