"""Pictures of the data for people: ``/map`` (the counties), ``/timeline``, ``/network``.

Each is drawn on the server as accessible SVG (:mod:`kgraph.linkeddata.charts` and
kin) with a data table beside it; the home page shows the map too. Plain ``def``
routes: FastAPI runs them off the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from kgraph.errors import BadRequest
from kgraph.linkeddata import charts, countymap, network, overview, timeline
from kgraph.settings import Settings
from kgraph.store.base import GraphStore
from kgraph.web.deps import SettingsDep, StoreDep, TemplatesDep
from kgraph.web.i18n import TEXT, count, page_lang, render, with_lang
from kgraph.web.replay import mark_replayable
from kgraph.web.routes import get_and_head

router = APIRouter(tags=["pictures"])


def ready(chart: charts.Chart) -> charts.Chart:
    """``chart`` for a template: its SVG marked safe (the chart modules escape every text)."""
    chart.svg = Markup(chart.svg)  # noqa: S704
    return chart


def county_map_chart(
    store: GraphStore, settings: Settings, lang: str, measure: str = "publications"
) -> charts.Chart:
    """The counties coloured by ``measure`` (publications or activities), in ``lang``."""
    t = TEXT[lang]
    base = settings.server.base_iri
    try:
        counts = overview.county_counts(store, base_iri=base, lang=lang, measure=measure)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    values = [
        countymap.CountyValue(code, item.label, with_lang(item.href, lang), item.lang, n)
        for item, code, n in counts
    ]
    shapes = countymap.load_shapes(str(settings.paths.geodata_dir)) or countymap.tile_shapes()
    noun = "publications" if measure == "publications" else "activities"
    with_any = sorted((v for v in values if v.value), key=lambda v: -v.value)
    top = ", ".join(v.label for v in with_any[:3])
    title = t["map_publications"] if measure == "publications" else t["map_activities"]
    chart = countymap.county_map(
        values,
        shapes,
        title=title,
        chart_id=f"map-{measure}",
        name_of=lambda v: f"{v.label}: {count(noun, v.value, lang)}",
        headers=(t["county"], t[noun if noun == "publications" else "lane_activities"]),
        legend_none=t["map_none"],
        summary=t["map_summary"].format(n=len(with_any), top=top) if with_any else "",
    )
    chart.extra["measure"] = measure
    return ready(chart)


@get_and_head(router, "/map", summary="Map of the counties, coloured by publications or activities")
def map_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    measure: str = "publications",
) -> Response:
    lang = page_lang(request)
    mark_replayable(request, store.info().version)
    chart = county_map_chart(store, settings, lang, measure)
    return render(templates, request, "map.html", {"map": chart, "measures": overview.MEASURES})


@get_and_head(router, "/timeline", summary="Timeline of mandates, publications and activities")
def timeline_page(
    request: Request, store: StoreDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    lang = page_lang(request)
    mark_replayable(request, store.info().version)
    t = TEXT[lang]
    found = timeline.events(store, base_iri=settings.server.base_iri, lang=lang)
    found = [
        timeline.Event(e.lane, e.iri, with_lang(e.href, lang), e.label, e.lang, e.start, e.end)
        for e in found
    ]
    summary = ""
    if found:
        summary = t["timeline_summary"].format(
            n=len(found), first=found[0].start, last=max(e.end for e in found)
        )
    chart = timeline.timeline(
        found,
        title=t["timeline_title"],
        chart_id="timeline",
        lane_names={lane: t[f"lane_{lane}"] for lane in timeline.LANES},
        headers=(t["years"], t["kind"], t["what"]),
    )
    chart.summary = summary
    lanes = [(t[f"lane_{lane}"], colour) for lane, (_, colour) in timeline.LANES.items()]
    return render(templates, request, "timeline.html", {"chart": ready(chart), "lanes": lanes})


@get_and_head(router, "/network", summary="The national co-authorship network")
def network_page(
    request: Request, store: StoreDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    lang = page_lang(request)
    mark_replayable(request, store.info().version)
    t = TEXT[lang]
    nodes, found = network.pairs(store, base_iri=settings.server.base_iri, lang=lang)
    nodes = [charts.Node(n.label, with_lang(n.href, lang) if n.href else None, n.lang)
             for n in nodes]  # fmt: skip
    by_label = {n.label: n for n in nodes}
    found = [network.Pair(by_label[p.a.label], by_label[p.b.label], p.shared) for p in found]
    chart = None
    if found:
        chart = network.network(
            nodes,
            found,
            title=t["network_title"],
            chart_id="network",
            headers=(t["organisation"], t["organisation"], t["shared"].capitalize()),
        )
        chart.summary = t["network_summary"].format(n=len(nodes), pairs=len(found))
        chart = ready(chart)
    return render(templates, request, "network.html", {"chart": chart})
