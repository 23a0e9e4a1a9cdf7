"""Small server-side charts as inline SVG strings (no JavaScript needed).

Every text is escaped; each chart has a ``<title>`` and ``aria-labelledby`` so a
screen reader announces it, and the numbers are also in ``<title>`` tooltips.

>>> svg = bar_chart([("2004", 2), ("2006", 1)], title="Publikationer <per år>", chart_id="c")
>>> svg.startswith("<svg") and "&lt;per år&gt;" in svg and "<per" not in svg
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

_FONT = 'font-family="system-ui, sans-serif"'


def _esc(text: str) -> str:
    return escape(text, quote=True)


def bar_chart(
    data: list[tuple[str, int]],
    *,
    title: str,
    chart_id: str,
    unit: str = "",
    width: int = 560,
    height: int = 220,
) -> str:
    """A vertical bar chart of ``(category, value)``, categories in the given order.

    Consecutive years are not filled in: pass the categories to show.
    """
    pad_l, pad_r, pad_t, pad_b = 36, 12, 40, 34
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max((v for _, v in data), default=0) or 1
    n = max(len(data), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48), 4)
    tid = f"{_esc(chart_id)}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" id="{_esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{tid}">',
        f'<title id="{tid}">{_esc(title)}</title>',
        f'<text x="{pad_l}" y="16" {_FONT} font-size="13" fill="#1b1f24">{_esc(title)}</text>',
    ]
    # y axis: 0 and the maximum, with grid lines for whole numbers when few
    step = max(1, math.ceil(top / 4))
    for tick in range(0, top + 1, step):
        y = pad_t + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d8dde3" stroke-width="1"/>'
            f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} font-size="11" '
            f'fill="#5b6570">{tick}</text>'
        )
    label_every = max(1, math.ceil(n / 14))
    for i, (cat, value) in enumerate(data):
        x = pad_l + slot * i + (slot - bar_w) / 2
        h = plot_h * value / top
        y = pad_t + plot_h - h
        tip = f"{cat}: {value}{(' ' + unit) if unit else ''}"
        parts.append(
            f'<g class="bar"><title>{_esc(tip)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="#0b5cad" rx="2"/>'
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" {_FONT} '
            f'font-size="11" fill="#1b1f24">{value}</text></g>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - pad_b + 16}" text-anchor="middle" '
                f'{_FONT} font-size="11" fill="#5b6570">{_esc(cat)}</text>'
            )
    parts.append(
        f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{pad_t + plot_h}" y2="{pad_t + plot_h}" '
        f'stroke="#5b6570" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Node:
    """A node of a network drawing: a label and an optional link."""

    label: str
    href: str | None = None


def _wrap(label: str, width: int = 18, lines: int = 3) -> list[str]:
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


def _node_svg(node: Node, x: float, y: float, r: float, fill: str, size: int) -> str:
    lines = _wrap(node.label)
    dy0 = r + 14
    text = "".join(
        f'<text x="{x:.1f}" y="{y + dy0 + 13 * i:.1f}" text-anchor="middle" {_FONT} '
        f'font-size="{size}" fill="#1b1f24" stroke="#fff" stroke-width="3" '
        f'paint-order="stroke">{_esc(line)}</text>'
        for i, line in enumerate(lines)
    )
    body = (
        f"<title>{_esc(node.label)}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#fff" '
        f'stroke-width="2"/>{text}'
    )
    if node.href:
        return f'<a href="{_esc(node.href)}" class="node">{body}</a>'
    return f'<g class="node">{body}</g>'


def network(
    center: Node,
    others: list[tuple[Node, int]],
    *,
    title: str,
    chart_id: str,
    edge_unit: str = "",
    show_weights: bool = True,
    width: int = 560,
    height: int = 400,
) -> str:
    """A star network: ``center`` in the middle, ``others`` around it, edges weighted.

    Edge width grows with the weight; each edge has a ``<title>`` with its weight.
    """
    if len(others) <= 2:
        height = min(height, 220)
    cx, cy = width / 2, height / 2 - 10
    radius = max(min(width, height) / 2 - 80, 150 if len(others) <= 2 else 0)
    top = max((w for _, w in others), default=1) or 1
    tid = f"{_esc(chart_id)}-title"
    edges, nodes = [], []
    n = max(len(others), 1)
    for i, (node, weight) in enumerate(others):
        angle = math.pi + 2 * math.pi * i / n + (math.pi / 2 if n > 2 else 0)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        stroke = 1.5 + 6 * weight / top
        tip = f"{center.label} – {node.label}: {weight}{(' ' + edge_unit) if edge_unit else ''}"
        edges.append(
            f'<g class="edge"><title>{_esc(tip)}</title>'
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#8fb3d9" '
            f'stroke-width="{stroke:.1f}"/>'
            + (
                f'<text x="{(cx + x) / 2:.1f}" y="{(cy + y) / 2 - 4:.1f}" text-anchor="middle" '
                f'{_FONT} font-size="11" fill="#5b6570">{weight}</text>'
                if show_weights
                else ""
            )
            + "</g>"
        )
        nodes.append(_node_svg(node, x, y, 12, "#5b8fc7", 11))
    nodes.append(_node_svg(center, cx, cy, 20, "#0b5cad", 12))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart network" id="{_esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{tid}"><title id="{tid}">{_esc(title)}</title>'
        f'<text x="8" y="16" {_FONT} font-size="13" fill="#1b1f24">{_esc(title)}</text>'
        + "".join(edges)
        + "".join(nodes)
        + "</svg>"
    )
