"""The linked view: timeline, map and area chart on one page, tied together in the browser.

The three figures come from the single views (:func:`viz.timeline`,
:func:`viz.figures.territory_map.status_traces` over :func:`geodata.status_pieces`,
:func:`viz.area_chart`). The page sends the geometry once, as pieces of territory
that never straddle a status change, and per key date only a vector of small status codes; the
JavaScript in ``assets/linked.js`` restyles the figures when a date, an event or a region is
chosen. Nothing needs a server.

>>> import events, viz
>>> view = viz.linked_view(events.load_catalog())            # doctest: +SKIP
>>> viz.write_html(view, "linked.html")                       # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import shapely

from . import _style as S
from . import export, theme
from ._dates import as_day
from ._geo import line_arrays
from ._text import clean, esc
from .figures.area_chart import area_chart
from .figures.territory_map import (
    NO_DATA,
    STATUS_CODES,
    VIEW,
    _credit,
    _event_markers,
    _legend,
    as_regions,
    background_status,
    fit_view,
    geo_layout,
    neighbour_trace,
    no_series,
    region_ids,
    region_names,
    scheme_codes,
    series_scheme,
    status_label,
    status_traces,
)
from .figures.timeline import _check_events, timeline

HELD = STATUS_CODES[S.UKRAINE_HELD]  # the built-in background: land held by Ukraine
STEPS_FROM = pd.Timestamp("2014-01-01")  # the slider starts with the occupation of Crimea
MAP_WINDOW_DAYS = 365  # event markers on the map: events of the year up to the slider date
GEO_SCALE = 1000  # coordinates sent as integer steps of 1e-3 degrees
SIZES = dict(timeline=(1200, 440), map=(760, 560), area=(520, 300))


@dataclass
class LinkedView:
    """The three linked figures and what the browser needs to move between dates.

    Attributes
    ----------
    timeline, map, area : plotly.graph_objects.Figure
        The figures as drawn on load (at ``payload["start"]``).
    payload : dict
        JSON-ready data for the page: ``status_dates`` (ISO key dates), ``status`` (one list of
        status codes per key date, one code per map piece, see
        :data:`viz.figures.territory_map.STATUS_CODES`), ``pieces`` (region code of each piece),
        ``steps`` (the slider's dates), ``start``, ``events`` (details by id) and ``regions``
        (names by code).
    title : str
        Page heading (plain text; escaped when rendered).
    """

    timeline: go.Figure
    map: go.Figure
    area: go.Figure
    payload: dict
    title: str = "Territory and events"
    credit: str = ""
    traces: dict = field(default_factory=dict)

    def to_html(self, mode: str = "inline", *, div_id: str | None = None) -> str:
        """The linked view as a page (``inline``/``cdn``) or a ``fragment`` for a CMS page.

        Parameters
        ----------
        mode : {"inline", "cdn", "fragment"}
            See :func:`viz.to_html`.
        div_id : str, optional
            Id of the root element (default: a random one, so several fragments can share a page).
        """
        export._check_mode(mode)
        return _render(self, mode, div_id or f"bl-{uuid.uuid4().hex[:10]}")

    def _repr_html_(self) -> str:  # notebooks
        return self.to_html("fragment")


# ---------------------------------------------------------------- building


def linked_view(
    events: pd.DataFrame,
    control=None,
    regions=None,
    *,
    dates=None,
    title: str | None = None,
    date=None,
    event: str | None = None,
) -> LinkedView:
    """Timeline, map and area chart linked by a date slider, event clicks and region clicks.

    Parameters
    ----------
    events : DataFrame
        Events from :func:`events.load_catalog` (or any query on it).
    control : GeoDataFrame, optional
        A status series (built-in style or from :func:`geodata.read_control`); default built-in.
    regions : GeoDataFrame, optional
        Region units (from :func:`geodata.read_regions`: ``id``, ``name``, geometry); default
        Ukraine's 27 units (then the built-in titles and view apply).
    dates : list of date-like, optional
        Key dates whose statuses the map can show; default :func:`geodata.key_dates` for the
        built-in series, else the series' own dates.
    title : str, optional
        Page heading.
    date : date-like, optional
        The date the page opens on (default: the last slider step).
    event : str, optional
        Id of an event the page opens selected (its date, places and detail panel). A
        ``#date=``/``#event=`` in the page's URL still wins.

    Returns
    -------
    LinkedView
        Render it with :meth:`LinkedView.to_html`, :func:`viz.to_html` or :func:`viz.write_html`.

    Raises
    ------
    TypeError, ValueError
        When ``events`` is not an events table (see :func:`viz.timeline`) or ``regions`` lacks
        the columns named in the message.

    Examples
    --------
    >>> import events, viz
    >>> view = viz.linked_view(events.load_catalog())            # doctest: +SKIP
    >>> view.payload["start"]                                     # doctest: +SKIP
    '2024-12-31'
    """
    import geodata

    _check_events(events, "category")
    builtin = regions is None
    if builtin:
        regions = geodata.regions("web")
        neighbours = geodata.neighbours("lite")
        view = VIEW
    else:
        if not ({"id", "iso_3166_2"} & set(regions.columns) and "geometry" in regions.columns):
            raise ValueError(
                f"regions lacks an id column (has {list(regions.columns)}); read it with "
                "geodata.read_regions(), which finds or takes the id and name columns"
            )
        regions = as_regions(regions)
        if control is None:
            control = no_series()  # the built-in series is Ukraine's: other regions have none
        view = fit_view(shapely.union_all(regions.geometry.to_numpy()))
        neighbours = geodata.neighbours(regions=regions)
    scheme = None if builtin and control is None else series_scheme(control, builtin)
    if scheme is geodata.builtin.SCHEME and builtin:
        scheme = None  # Ukraine's own statuses (the built-in series, or an archive of Ukraine)

    pieces, statuses = geodata.status_pieces(control, dates, regions)
    if scheme is not None:
        scheme = scheme.extend(sorted({s for row in statuses.itertuples(index=False)
                                       for s in row if isinstance(s, str)}))  # fmt: skip
    codes_of = scheme_codes(scheme)
    if len(codes_of) > 40:
        raise ValueError(
            f"a linked view shows at most 38 statuses; this series has {len(codes_of) - 2}"
        )
    background = codes_of[background_status(scheme)]
    no_data = codes_of[NO_DATA]
    fallback = codes_of.get("unknown", background)
    key_dates = [pd.Timestamp(d).normalize() for d in statuses.index]
    codes = [[background if pd.isna(s) else codes_of.get(s, fallback) for s in row]
             for row in statuses.itertuples(index=False)]  # fmt: skip

    ev = events.reset_index(drop=True)
    steps_from = STEPS_FROM if builtin and control is None else min(key_dates, default=STEPS_FROM)
    steps = sorted(
        {d for d in key_dates}
        | {pd.Timestamp(d).normalize() for d in ev["date_lo"] if pd.Timestamp(d) >= steps_from}
    )
    start = steps[-1] if steps else pd.Timestamp("2024-12-31")
    if date is not None:
        start = as_day(date)
    if event is not None and event not in set(ev["id"]):
        raise ValueError(f"Value of 'event' is not an event id in events: {event!r}")
    k = _last_le(key_dates, start)
    _, covered_to = geodata.coverage(control)
    after = covered_to is not None and start > covered_to
    start_codes = codes[k] if k >= 0 and not after else [no_data] * len(pieces)

    tl = timeline(ev, date=start, width=SIZES["timeline"][0], height=SIZES["timeline"][1])
    tl.update_layout(title=None, margin=dict(t=40))
    # the area chart ends at the last key date; show the cursor up to the last slider step
    area = area_chart(
        geodata.area_series(control, key_dates, None if builtin else regions, scheme=scheme),
        date=start,
        regions=None if builtin else regions,
        scheme=scheme,
        width=SIZES["area"][0],
        height=SIZES["area"][1],
    )
    if key_dates:
        lo = min(key_dates[0], steps[0]) - pd.Timedelta(days=60)
        hi = max(key_dates[-1], steps[-1]) + pd.Timedelta(days=60)
        area.update_xaxes(range=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])

    names = dict(zip(region_ids(regions), map(clean, region_names(regions)), strict=True))
    piece_ids = pieces["id" if "id" in pieces.columns else "iso_3166_2"].astype(str).tolist()
    labels = [esc(status_label(s, scheme)) for s in codes_of]
    mp, traces = _map(
        ev, pieces, piece_ids, start_codes, codes, names, regions, neighbours, start,
        scheme=scheme, view=view, labels=labels, background=background,
    )  # fmt: skip

    series = control if control is not None else geodata.control_series()
    credit = _credit(series, control is None and builtin)
    if title is None:
        title = (
            "Russia's war on Ukraine: territory and events"
            if theme.is_builtin(events) and builtin
            else events.attrs.get("title") or LinkedView.title
        )
    payload = {
        "status_dates": [d.strftime("%Y-%m-%d") for d in key_dates],
        "status": codes,
        "held": no_data,  # what the page shows outside the series' span
        "status_end": covered_to.strftime("%Y-%m-%d") if covered_to is not None else None,
        "labels": labels,
        "pieces": piece_ids,
        "steps": [d.strftime("%Y-%m-%d") for d in steps],
        "start": start.strftime("%Y-%m-%d"),
        "event": event,
        "window_days": MAP_WINDOW_DAYS,
        "events": {r["id"]: _event_record(r, ev) for _, r in ev.iterrows()},
        "regions": names,
    }
    return LinkedView(
        timeline=tl, map=mp, area=area, payload=payload,
        title=title, credit=credit, traces=traces,
    )  # fmt: skip


def _last_le(days: list, day) -> int:
    """Index of the last of the sorted ``days`` not after ``day``; -1 when all are after it."""
    i = -1
    for j, d in enumerate(days):
        if d <= day:
            i = j
    return i


def _map(
    ev, pieces, iso, start_codes, codes, names, regions, neighbours, start, *,
    scheme=None, view=VIEW, labels=(), background=None,
) -> tuple[go.Figure, dict]:  # fmt: skip
    """The map: grey neighbours, the status pieces, region borders once, event markers."""
    fig = go.Figure()
    if neighbours is not None and len(neighbours):
        fig.add_trace(neighbour_trace(neighbours))
    order = list(scheme_codes(scheme))
    (trace,) = status_traces(pieces, [order[c] for c in start_codes], name="pieces", scheme=scheme)
    trace.update(
        customdata=iso,
        text=[
            f"<b>{esc(names.get(c, c))}</b><br>{labels[z]}"
            for c, z in zip(iso, start_codes, strict=True)
        ],
        hovertemplate="%{text}<extra></extra>",
        hoverinfo=None,
        marker=dict(line=dict(width=0, color=S.INK)),
    )
    traces = {"pieces": len(fig.data)}
    fig.add_trace(trace)
    # each shared edge once: the union of all unit boundaries is noded and deduplicated
    borders = shapely.union_all([g.boundary for g in regions.geometry if g is not None])
    lons, lats = line_arrays([shapely.line_merge(borders)])
    fig.add_trace(
        go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.6, color=S.BORDER),
                      hoverinfo="skip", showlegend=False, name="region-borders")
    )  # fmt: skip
    seen = sorted({c for row in codes for c in row} | {background})
    _legend(fig, [order[c] for c in seen], None, False, scheme)
    n_before = len(fig.data)
    _event_markers(fig, ev, regions, ev["date_hi"].max() if len(ev) else start, None, view)
    if len(fig.data) > n_before:
        traces["events"] = len(fig.data) - 1
        fig.data[-1].update(marker=dict(size=10))
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=SIZES["map"][0],
        height=SIZES["map"][1],
        margin=dict(l=0, r=0, t=0, b=0),
        geo=geo_layout(*SIZES["map"], view),
        legend=dict(x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor="rgba(255,255,255,0.85)",
                    bordercolor="#cccccc", borderwidth=1, font=dict(size=11), itemclick=False,
                    itemdoubleclick=False),
        meta={"borderlines": {"view": "map", "date": start.strftime("%Y-%m-%d"), "traces": traces}},
        clickmode="event",
    )  # fmt: skip
    return fig, traces


def _event_record(r, events=None) -> dict:
    """What the detail panel shows of one event; plain text (the browser sets textContent)."""
    sources = []
    for s in r.get("sources") or []:
        url = str(s.get("url") or "")
        sources.append({
            "title": clean(s.get("title")),
            "publisher": clean(s.get("publisher")),
            "date": clean(s.get("date")),
            "url": url if url.lower().startswith(("https://", "http://")) else "",
        })  # fmt: skip
    os_date = r.get("start_os")
    return {
        "title": clean(r["title"]),
        "date": clean(r["date_label"]),
        "os": clean(os_date) if isinstance(os_date, str) else "",
        "lo": pd.Timestamp(r["date_lo"]).strftime("%Y-%m-%d"),
        "hi": pd.Timestamp(r["date_hi"]).strftime("%Y-%m-%d"),
        "category": clean(_category_label(r.get("category"), events)),
        "summary": clean(r.get("summary")),
        "places": [str(p) for p in (r.get("places") or [])],
        "sources": sources,
    }


# ---------------------------------------------------------------- rendering


def _plain(obj):
    """Typed-array specs (``{"dtype", "bdata"}``) as plain lists, so the page's script reads
    ``gd.data`` directly; floats are rounded to what a screen can show."""
    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(n) for n in str(obj["shape"]).split(",")])
            return np.round(arr, 6).tolist() if arr.dtype.kind == "f" else arr.tolist()
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    return obj


def _fig_spec(fig: go.Figure) -> dict:
    spec = json.loads(fig.to_json())
    layout = dict(spec.get("layout", {}))
    # plotly.py's default template is ~10 KB per figure and the builders set what they need
    layout.pop("template", None)
    layout.pop("width", None)
    layout.pop("height", None)
    layout["autosize"] = True
    return {"data": _plain(spec.get("data", [])), "layout": _plain(layout)}


def _pack(codes: list[list[int]]) -> list[str]:
    """Status vectors as strings, one character per piece (code c is chr(48 + c): "0"-"9"
    and on up to "W"; the page reads ``charCodeAt(i) - 48``): a tenth of JSON lists' size."""
    return ["".join(chr(48 + c) for c in row) for row in codes]


def _category_label(category, events) -> str:
    if category is None or (isinstance(category, float) and pd.isna(category)) or category == "":
        return ""
    if events is not None:
        import events as events_pkg

        return events_pkg.vocabulary(events).label(category)
    return S.CATEGORY_LABEL.get(category, category)


def _grid(coords) -> np.ndarray:
    """Coordinates on the 1e-3 degree grid (~100 m, well under a pixel), repeats dropped."""
    a = np.round(np.asarray(coords, dtype=float)[:, :2] * GEO_SCALE).astype(np.int64)
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = np.any(a[1:] != a[:-1], axis=1)
    return a[keep]


def _steps(a: np.ndarray) -> list[int]:
    """Grid points as flat integer steps: x0, y0, dx1, dy1, ..."""
    return np.vstack([a[:1], np.diff(a, axis=0)]).ravel().tolist()


def _encode_features(geojson: dict, borders=None) -> list:
    """GeoJSON polygons as ``[id, [polygon [ring steps]], border runs]`` per feature.

    With ``borders`` (the union of region boundaries), the runs mark which stretches of the
    rings lie on a region boundary, as ``polygon, ring, first vertex, last vertex``; an edge
    shared by two pieces is marked on one of them only. The page draws the region borders
    from these runs, so their coordinates are not sent a second time.
    """
    if borders is not None:
        borders = _segment_tree(borders)
    seen: set = set()
    out = []
    for feat in geojson["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        enc, runs = [], []
        for poly in polys:
            rings = []
            for ring in poly:
                a = _grid(ring)
                if len(a) < 4:  # collapsed to a point or a line on the grid
                    continue
                if borders is not None:
                    for first, last in _border_runs(a, borders, seen):
                        runs += [len(enc), len(rings), first, last]
                rings.append(_steps(a))
            if rings:
                enc.append(rings)
        out.append([feat["id"], enc, runs] if borders is not None else [feat["id"], enc])
    return out


def _segment_tree(borders) -> shapely.STRtree:
    """The border lines as a tree of two-point segments: a ring's vertices are tested
    against the few segments near them, not the whole border (a region of 100,000 vertices
    took 78 s against the whole line; with the tree it takes about a second)."""
    coords, index = shapely.get_coordinates(shapely.get_parts(borders), return_index=True)
    same_line = index[1:] == index[:-1]
    starts, ends = coords[:-1][same_line], coords[1:][same_line]
    return shapely.STRtree(shapely.linestrings(np.stack([starts, ends], axis=1)))


def _border_runs(a: np.ndarray, borders, seen: set) -> list[tuple[int, int]]:
    """(first, last) vertex of each stretch of the ring on a border not marked before.

    ``borders`` is a :func:`_segment_tree` of the region borders."""
    mids = (a[:-1] + a[1:]) / (2.0 * GEO_SCALE)
    hits = borders.query(shapely.points(mids), predicate="dwithin", distance=1.5 / GEO_SCALE)
    near = np.zeros(len(mids), dtype=bool)
    near[hits[0]] = True
    flag = np.zeros(len(mids), dtype=bool)
    for i in np.flatnonzero(near):
        p, q = tuple(a[i]), tuple(a[i + 1])
        key = (p, q) if p <= q else (q, p)
        if key not in seen:
            seen.add(key)
            flag[i] = True
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flag.astype(np.int8), [0]])))
    starts, stops = edges[::2], edges[1::2]  # segments starts[k] .. stops[k]-1
    return [(int(s), int(e)) for s, e in zip(starts, stops, strict=True)]


def _lines(lons: list, lats: list):
    """None-separated lon/lat lists as a MultiLineString."""
    parts, part = [], []
    for x, y in zip([*lons, None], [*lats, None], strict=True):
        if x is None or y is None:
            if len(part) >= 2:
                parts.append(part)
            part = []
        else:
            part.append((x, y))
    return shapely.MultiLineString(parts)


def _map_spec(fig: go.Figure) -> tuple[dict, dict]:
    """The map's spec with its geometry moved out into a compact encoding (rebuilt by the page)."""
    spec = _fig_spec(fig)
    geo = {}
    names = [t.get("name") for t in spec["data"]]
    pieces = names.index("pieces")
    borders = None
    if "region-borders" in names:
        line = spec["data"][names.index("region-borders")]
        borders = _lines(line["lon"], line["lat"])
    for i, trace in enumerate(spec["data"]):
        if trace.get("type") == "choropleth" and isinstance(trace.get("geojson"), dict):
            geo[str(i)] = {
                "polygons": _encode_features(trace.pop("geojson"), borders if i == pieces else None)
            }
        elif trace.get("name") == "region-borders":
            trace.pop("lon")
            trace.pop("lat")
            geo[str(i)] = {"borders_of": pieces}
        elif trace.get("name") == "Events":
            trace.pop("hovertext", None)  # rebuilt from the event records
            trace["lon"] = np.round(trace["lon"], 3).tolist()
            trace["lat"] = np.round(trace["lat"], 3).tolist()
    spec["data"][pieces].pop("text", None)  # set by the page with the date
    return spec, geo


def _render(view: LinkedView, mode: str, uid: str) -> str:
    payload = dict(view.payload)
    payload["status"] = _pack(payload["status"])
    map_spec, geo = _map_spec(view.map)
    tl_spec = _fig_spec(view.timeline)
    for trace in tl_spec["data"]:
        if trace.get("customdata") is not None:
            trace.pop("hovertext", None)  # rebuilt from the event records
    spec = {
        "figures": {"timeline": tl_spec, "map": map_spec, "area": _fig_spec(view.area)},
        "geo": geo,
        "geo_scale": GEO_SCALE,
        "traces": view.traces,
        "config": export.PLOT_CONFIG,
        **payload,
    }
    data = export.script_json(
        json.dumps(
            spec, cls=plotly.utils.PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=False
        )
    )
    steps = payload["steps"]
    value = max(len(steps) - 1, 0)
    start_label = _day_label(payload["start"])
    heading = "h2" if mode == "fragment" else "h1"
    q = html.escape
    body = (
        f'<div class="bl-linked" id="{q(uid)}">'
        f'<header class="bl-head"><{heading} class="bl-title">{esc(view.title)}</{heading}>'
        '<p class="bl-hint">Click an event to see it on the map, click a region to find its events, '
        "or move through time with the slider.</p></header>"
        '<div class="bl-fig bl-timeline" data-bl="timeline" role="figure" aria-label="Timeline of events"></div>'
        '<div class="bl-controls">'
        '<button type="button" class="bl-play" data-bl="play" aria-pressed="false">Play</button>'
        f'<label class="bl-slider-label" for="{q(uid)}-slider">Date</label>'
        f'<input type="range" class="bl-slider" id="{q(uid)}-slider" data-bl="slider" min="0" '
        f'max="{value}" step="1" value="{value}" aria-valuetext="{q(start_label)}">'
        f'<output class="bl-date" data-bl="date-label" for="{q(uid)}-slider" aria-live="polite">'
        f"{q(start_label)}</output></div>"
        '<div class="bl-main">'
        '<div class="bl-fig bl-map" data-bl="map" role="figure" aria-label="Map of territorial control"></div>'
        '<div class="bl-side">'
        '<section class="bl-panel" data-bl="panel" aria-live="polite"><p class="bl-empty">'
        "Click an event on the timeline or the map, or a region of the map.</p></section>"
        '<div class="bl-fig bl-area" data-bl="area" role="figure" aria-label="Share held over time"></div>'
        "</div></div>"
        f'<p class="bl-credit">{esc(view.credit)}</p>'
        "</div>"
    )
    style = f"<style>{export.asset_text('linked.css')}</style>"
    code = f"<script>{export.asset_text('linked.js')}</script>"
    run = (
        "<script>(function(){"
        f"var spec={data};var root=document.getElementById({json.dumps(uid)});"
        "function draw(){window.BorderlinesLinked(root,spec);}"
        + (export._loader_js("root") if mode == "fragment" else "draw();")
        + "})();</script>"
    )
    if mode == "fragment":
        return export.geo_assets_script() + style + body + code + run
    return export.page(
        esc(view.title),
        export.geo_assets_script() + export.plotlyjs_tag(mode) + body + code + run,
        head=style,
    )


def _day_label(iso: str) -> str:
    d = pd.Timestamp(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


def linked_html(
    events: pd.DataFrame, control=None, regions=None, *, mode: str = "inline", date=None, event=None
) -> str:
    """The linked view as HTML: ``linked_view(events, control, regions, ...).to_html(mode)``.

    Parameters
    ----------
    events, control, regions, date, event
        As for :func:`linked_view`.
    mode : {"inline", "cdn", "fragment"}
        ``inline`` works from ``file://`` with no network; ``cdn`` loads plotly.js from the plotly
        CDN; ``fragment`` is a ``<div>`` with scripts for a CMS page.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown ``mode``.

    Examples
    --------
    >>> import events, viz
    >>> page = viz.linked_html(events.load_catalog())             # doctest: +SKIP
    """
    export._check_mode(mode)
    return linked_view(events, control, regions, date=date, event=event).to_html(mode)
