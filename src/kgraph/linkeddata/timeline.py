"""A timeline of mandates and regulations, publications, activities, projects and grants
on a real year axis, each mark a link to its page.

One lane per kind; a thing of one year is a dot (dots of the same year stack), a
thing with a start and an end is a bar from the start of its first year to the
end of its last (bars that overlap go on separate rows). The drawing is a
``role="group"`` of links, each named by ``aria-label`` (title and years); the
data table beside it lists the same things by year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kgraph.linkeddata.charts import LINE, MUTED, Chart, esc, svg_open, text, year_ticks
from kgraph.linkeddata.describe import Labels, href_for
from kgraph.store.base import GraphStore
from kgraph.terms import DCT, PROV, SCHEMA

# lane key -> (SPARQL pattern binding ?s, ?start and optionally ?end; colour)
LANES: dict[str, tuple[str, str]] = {
    "plans": (f"?s a <{PROV}Plan> ; <{DCT}issued> ?start .", "#8c510a"),
    "publications": (f"?s a <{DCT}BibliographicResource> ; <{DCT}issued> ?start .", "#0b5cad"),
    "activities": (
        f"?s a <{PROV}Activity> ; <{SCHEMA}startDate> ?start . "
        f"OPTIONAL {{ ?s <{SCHEMA}endDate> ?end }}",
        "#1b7837",
    ),
    "projects": (
        f"{{ ?s a <{SCHEMA}Project> }} UNION {{ ?s a <{SCHEMA}MonetaryGrant> }} "
        f"?s <{SCHEMA}startDate> ?start . OPTIONAL {{ ?s <{SCHEMA}endDate> ?end }}",
        "#762a83",
    ),
}


@dataclass(frozen=True)
class Event:
    """One thing on the timeline."""

    lane: str
    iri: str
    href: str
    label: str
    lang: str | None
    start: int
    end: int  # = start for a thing of one year

    @property
    def years(self) -> str:
        return str(self.start) if self.end == self.start else f"{self.start}–{self.end}"


def _year(value: str) -> int | None:
    head = value.strip()[:4]
    return int(head) if head.isdigit() else None


def events(store: GraphStore, *, base_iri: str, lang: str) -> list[Event]:
    """Everything with a year in the lanes' kinds, earliest first. Raises StoreError."""
    found: list[tuple[str, str, int, int]] = []
    for lane, (pattern, _) in LANES.items():
        rows = store.select(
            f"SELECT ?s (MIN(STR(?start)) AS ?from) (MAX(STR(?end)) AS ?to) "
            f'WHERE {{ {pattern} FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base_iri}")) }} '
            f"GROUP BY ?s"
        )
        for r in rows:
            start = _year(r["from"].value) if "from" in r else None
            if start is None:
                continue
            end = _year(r["to"].value) if "to" in r else None
            found.append((lane, r["s"].value, start, max(end or start, start)))
    labels = Labels(lang, base_iri)
    labels.load(store, {iri for _, iri, _, _ in found})
    out = []
    for lane, iri, start, end in found:
        label, tlang = labels.text(iri)
        out.append(Event(lane, iri, href_for(iri, base_iri), label, tlang, start, end))
    return sorted(out, key=lambda e: (e.start, e.end, list(LANES).index(e.lane), e.label))


def _rows(items: Sequence[Event]) -> list[tuple[Event, int]]:
    """Each bar with the first row where it overlaps no other (greedy interval packing)."""
    ends: list[int] = []
    out = []
    for e in sorted(items, key=lambda e: (e.start, e.end)):
        for i, last in enumerate(ends):
            if last < e.start:
                ends[i] = e.end
                out.append((e, i))
                break
        else:
            ends.append(e.end)
            out.append((e, len(ends) - 1))
    return out


def timeline(
    items: Sequence[Event],
    *,
    title: str,
    chart_id: str,
    lane_names: dict[str, str],
    headers: tuple[str, str, str],
    width: int = 360,
) -> Chart:
    """The drawing and table of ``items`` (links to their ``href``)."""
    first = min((e.start for e in items), default=2000)
    last = max((e.end for e in items), default=2000)
    pad_l, pad_r = 10, 10
    span = last - first + 1
    per_year = (width - pad_l - pad_r) / span

    def x_of(year: float) -> float:
        return pad_l + (year - first) * per_year

    body: list[str] = []
    y = 6.0
    lane_tops: list[float] = []
    for lane in LANES:
        lane_items = [e for e in items if e.lane == lane]
        if not lane_items:
            continue
        colour = LANES[lane][1]
        lane_tops.append(y)
        body.append(text(pad_l, y + 14, lane_names[lane], size=14, extra=' font-weight="600"'))
        y += 24
        dots = [e for e in lane_items if e.end == e.start]
        bars = [e for e in lane_items if e.end > e.start]
        stack: dict[int, int] = defaultdict(int)
        for e in dots:
            level = stack[e.start]
            stack[e.start] += 1
            cx, cy = x_of(e.start + 0.5), y + 6 + level * 13
            body.append(
                f'<a href="{esc(e.href)}" aria-label="{esc(f"{e.label}, {e.years}")}">'
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="{colour}" stroke="#fff" '
                f'stroke-width="1.5"/></a>'
            )
        dot_height = max(stack.values(), default=0) * 13
        y += dot_height + (6 if dots else 0)
        packed = _rows(bars)
        for e, row in packed:
            x0, x1 = x_of(e.start) + 1.5, x_of(e.end + 1) - 1.5
            body.append(
                f'<a href="{esc(e.href)}" aria-label="{esc(f"{e.label}, {e.years}")}">'
                f'<rect x="{x0:.1f}" y="{y + row * 13:.1f}" width="{x1 - x0:.1f}" height="10" '
                f'rx="3" fill="{colour}" stroke="#fff" stroke-width="1"/></a>'
            )
        y += (max((r for _, r in packed), default=-1) + 1) * 13 + 12
    axis_y = y + 4
    grid = []
    for year in year_ticks(first, last):
        gx = x_of(year + 0.5)
        grid.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="0" y2="{axis_y:.1f}" stroke="{LINE}" '
            f'stroke-dasharray="2 3"/>'
            + text(gx, axis_y + 18, str(year), fill=MUTED, anchor="middle")
        )
    height = axis_y + 26
    svg = (
        svg_open(chart_id, width, height, title, links=True)
        + "".join(grid)
        + f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{axis_y:.1f}" y2="{axis_y:.1f}" '
        f'stroke="{MUTED}"/>' + "".join(body) + "</svg>"
    )
    rows: list[list[Any]] = [[e.years, lane_names[e.lane], e] for e in items]
    return Chart(chart_id, title, svg, list(headers), rows, numeric=())
