"""The territory map: who held what on a date, as a choropleth over the regions.

Without arguments it draws the built-in data (Russia's war on Ukraine) in its fixed Ukraine
view; given other regions, the view, projection, neighbours, statuses and words come from them.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from .. import _style as S
from .. import theme
from .._dates import as_day
from .._geo import feature_collection, hatch, label_point, line_arrays
from .._text import esc, event_hover

VIEW = dict(lon=(21.9, 40.4), lat=(44.2, 52.5))
NO_DATA = "no_data"
NO_DATA_COLOR = "#FFFFFF"
STATUS_CODES = {s: i for i, s in enumerate((*S.STATUS_ORDER, NO_DATA))}


def _discrete_scale(colors: list[str]) -> list:
    """A colorscale mapping integer z = 0..n-1 to one flat colour each."""
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


STATUS_SCALE = _discrete_scale([*(S.STATUS_COLORS[s] for s in S.STATUS_ORDER), NO_DATA_COLOR])


def scheme_codes(scheme) -> dict[str, int]:
    """Status -> z code for a scheme: its statuses in order, then the background and no-data.

    For the built-in scheme this is :data:`STATUS_CODES`."""
    if scheme is None:
        return STATUS_CODES
    names = [*scheme.names, _name(scheme.background), NO_DATA]
    return {s: i for i, s in enumerate(dict.fromkeys(names))}


def scheme_scale(scheme) -> list:
    if scheme is None:
        return STATUS_SCALE
    return _discrete_scale([status_color(s, scheme) for s in scheme_codes(scheme)])


def _name(entry) -> str:
    return entry if isinstance(entry, str) else entry.name


def background_status(scheme) -> str:
    """The status of land in no status polygon ("ukrainian" for the built-in data)."""
    return S.UKRAINE_HELD if scheme is None else _name(scheme.background)


def status_color(status: str, scheme=None) -> str:
    if status == NO_DATA:
        return NO_DATA_COLOR
    if scheme is None:
        return S.STATUS_COLORS.get(status, S.STATUS_COLORS["unknown"])
    return scheme.color(status)


def status_label(status: str, scheme=None) -> str:
    if status == NO_DATA:
        return "No control data for this date"
    if scheme is None:
        return S.STATUS_LABELS.get(status, status)
    return scheme.label(status)


def series_scheme(control, builtin_regions: bool):
    """The status scheme of a series as drawn over these regions. Over anyone else's regions
    it is the series' own statuses, even for a file that looks like one of Ukraine's archives
    (an ISW-style ``source``): Ukraine's labels ("Held by Ukraine") never go on their map."""
    import geodata

    if builtin_regions or control is None:
        return geodata.status_scheme(control)
    return geodata.status_scheme(pd.DataFrame({"status": control["status"].to_numpy()}))


def drawn_scheme(control, builtin_regions: bool):
    """The scheme a series is drawn with: ``None`` (Ukraine's own codes, labels and words) for
    the built-in series and for archives of Ukraine (DeepStateMap, ISW, and those joined to
    the built-in series) over the built-in regions; else the series' own
    (:func:`series_scheme`)."""
    import geodata

    if builtin_regions and (
        control is None
        or (geodata.is_builtin_data(control)
            and set(control["status"].dropna().astype(str)) <= set(STATUS_CODES))
    ):  # fmt: skip
        return None
    return series_scheme(control, builtin_regions)


def no_series():
    """A control series with no rows: every date is "no control data"."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {"date": pd.Series([], dtype="datetime64[ns]"), "status": pd.Series([], dtype=object),
         "source": pd.Series([], dtype=object)},
        geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326",
    )  # fmt: skip


def fit_view(outline, margin: float = 0.06) -> dict:
    """lon/lat ranges around an outline with a margin, for :func:`geo_layout`.

    Raises
    ------
    ValueError
        For regions on both sides of the antimeridian (180°), which the map cannot frame yet.
    """
    minx, miny, maxx, maxy = outline.bounds
    if maxx - minx > 180:
        raise ValueError(
            f"the regions span longitudes {minx:.1f}° to {maxx:.1f}°, across the antimeridian "
            "(180°): the map cannot frame them yet; shift the western part by +360° "
            "(e.g. with geopandas' .translate) or split the regions"
        )
    dx, dy = max(maxx - minx, 0.05), max(maxy - miny, 0.05)
    return dict(
        lon=(minx - dx * margin, maxx + dx * margin), lat=(miny - dy * margin, maxy + dy * margin)
    )


@functools.lru_cache(maxsize=4)
def _builtin_base(detail: str):
    import geodata

    regions = geodata.regions(detail)
    return regions, geodata.neighbours(detail), shapely.union_all(regions.geometry.to_numpy())


def geo_layout(width: int, height: int, view: dict | None = None) -> dict:
    """The geo subplot: no basemap, a conic projection fitted to the view (default Ukraine's).

    The conformal conic's standard parallels sit at a sixth of the view's height from its
    top and bottom, centred on its middle meridian (for Ukraine: 46° and 50°, 31° E)."""
    if view is not None and view != VIEW:
        (lon0, lon1), (lat0, lat1) = view["lon"], view["lat"]
        h = (lat1 - lat0) / 6
        projection = (
            dict(type="conic conformal", parallels=[lat0 + h, lat1 - h],
                 rotation=dict(lon=(lon0 + lon1) / 2))
            if abs(lat0 + lat1) / 2 > 15 else dict(type="mercator")
        )  # fmt: skip
        return dict(
            visible=False, showland=False, showcountries=False, showcoastlines=False,
            showframe=False, bgcolor=S.SEA, projection=projection,
            lonaxis=dict(range=list(view["lon"])), lataxis=dict(range=list(view["lat"])),
            domain=dict(x=[0, 1], y=[0, 1]),
        )  # fmt: skip
    return dict(
        visible=False,
        showland=False,
        showcountries=False,
        showcoastlines=False,
        showframe=False,
        bgcolor=S.SEA,
        projection=dict(type="conic conformal", parallels=[46, 50], rotation=dict(lon=31)),
        lonaxis=dict(range=list(VIEW["lon"])),
        lataxis=dict(range=list(VIEW["lat"])),
        domain=dict(x=[0, 1], y=[0, 1]),
    )


def neighbour_trace(neighbours) -> go.Choropleth:
    """Context countries in flat grey, named on hover."""
    return go.Choropleth(
        geojson=feature_collection(neighbours.geometry, neighbours["iso_a2"]),
        locations=neighbours["iso_a2"].tolist(),
        z=[0] * len(neighbours),
        colorscale=[[0, S.NEIGHBOUR_FILL], [1, S.NEIGHBOUR_FILL]],
        showscale=False,
        marker=dict(line=dict(width=0.8, color=S.NEIGHBOUR_LINE)),
        text=[esc(n) for n in neighbours["name_en"]],
        hoverinfo="text",
        name="neighbours",
    )


def status_traces(
    pieces: pd.DataFrame, statuses, *, print_mode=False, name="territory", scheme=None
) -> list:
    """The choropleth of status pieces; ``statuses`` gives each piece's status (restyled by the
    linked views to move through time without resending geometry). ``scheme`` is a
    :class:`geodata.StatusScheme` (None: the built-in one)."""
    codes = scheme_codes(scheme)
    fallback = codes.get("unknown", codes[background_status(scheme)])
    z = [codes.get(s, fallback) for s in statuses]
    labels = [status_label(s, scheme) for s in statuses]
    return [
        go.Choropleth(
            geojson=feature_collection(pieces.geometry, pieces["piece"]),
            locations=pieces["piece"].astype(str).tolist(),
            z=z,
            zmin=0,
            zmax=len(codes),
            colorscale=scheme_scale(scheme),
            showscale=False,
            marker=dict(line=dict(width=0.6 if print_mode else 0, color=S.INK)),
            text=labels,
            hoverinfo="skip",
            name=name,
        )
    ]


def territory_map(
    date,
    *,
    events: pd.DataFrame | None = None,
    control=None,
    regions=None,
    neighbours=None,
    scheme=None,
    window_days: int | None = 365,
    selected_places=None,
    print_mode: bool = False,
    title: str | None = None,
    credit: str | None = None,
    detail: str = "web",
    width: int = 900,
    height: int = 680,
) -> go.Figure:
    """Territorial status at ``date`` as a choropleth over the regions.

    Parameters
    ----------
    date : date-like
        The day to show ("2022-09-30", a ``date`` or a ``Timestamp``).
    events : DataFrame, optional
        Events (from :func:`events.load_catalog`); those with places that began within
        ``window_days`` before ``date`` are drawn as markers (``None`` window: all up to date).
        Markers outside the view are counted in a note under the map.
    control : GeoDataFrame, optional
        A status series (built-in style, from :func:`geodata.read_control` or
        :func:`geodata.read_series`); default the built-in series. A date outside the span it
        covers is drawn as "no control data", never as held by anyone.
    regions : GeoDataFrame, optional
        Region units (from :func:`geodata.read_regions`: ``id``, ``name``, geometry); default
        the built-in Ukraine units. The view and projection are fitted to them.
    neighbours : GeoDataFrame or False, optional
        Context countries; default the built-in ones, or for other regions the world's
        countries around them (:func:`geodata.neighbours`); ``False`` draws none.
    scheme : geodata.StatusScheme, optional
        Status labels, colours and which count as held; default from ``control``.
    selected_places : iterable of str, optional
        Region ids to outline strongly (the places of a selected event).
    print_mode : bool
        Hatch the statuses and outline them so the map reads without colour.
    title, credit : str, optional
        Override the "as of <date>" title and the source line.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import viz
    >>> fig = viz.territory_map("2022-09-30")
    """
    import geodata

    day = as_day(date)
    builtin = regions is None
    if builtin:
        regions, default_neighbours, outline = _builtin_base(detail)
        view = VIEW
    else:
        regions = as_regions(regions)
        outline = shapely.union_all(regions.geometry.to_numpy())
        view = fit_view(outline)
        default_neighbours = None
    if neighbours is None:
        neighbours = default_neighbours if builtin else geodata.neighbours(regions=regions)
    elif neighbours is False:
        neighbours = None
    if control is None and not builtin:
        control = no_series()  # the built-in series is Ukraine's: other regions have none
    if scheme is None:
        scheme = drawn_scheme(control, builtin)  # None: Ukraine's own statuses and words
    control_now = geodata.control_at(day, control)
    covered = control_now.attrs.get("covered", True)
    snapshot = control_now.attrs.get("snapshot")
    if not builtin and len(control_now):  # only what lies within the regions is drawn
        clipped = shapely.intersection(control_now.geometry.to_numpy(), outline)
        control_now = control_now.assign(geometry=clipped)
        control_now = control_now[~shapely.is_empty(clipped)].reset_index(drop=True)
    if scheme is not None and len(control_now):
        scheme = scheme.extend(control_now["status"].unique().tolist())
    claimed = geodata.claimed_at(day) if control is None and builtin and covered else None

    fig = go.Figure()
    # context countries, then the regions' land (the background status unless a status says
    # otherwise, or "no data" outside the series' span)
    if neighbours is not None and len(neighbours):
        fig.add_trace(neighbour_trace(neighbours))
        _neighbour_labels(fig, neighbours, view)
    pieces = pd.DataFrame({"piece": ["land"], "geometry": [outline]})
    statuses = [background_status(scheme) if covered else NO_DATA]
    if len(control_now) and covered:
        pieces = pd.concat(
            [pieces, pd.DataFrame({"piece": [f"s{i}" for i in range(len(control_now))],
                                   "geometry": control_now.geometry.to_numpy()})],
            ignore_index=True,
        )  # fmt: skip
        statuses += control_now["status"].tolist()
    fig.add_traces(status_traces(pieces, statuses, print_mode=print_mode, scheme=scheme))

    if not covered:
        lons, lats = line_arrays([hatch(outline, 45, spacing=_hatch_spacing(view))])
        fig.add_trace(
            go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.6, color="#BBBBBB"),
                          hoverinfo="skip", showlegend=False, name="hatch-no-data")
        )  # fmt: skip
    elif print_mode:
        for status, geom in zip(control_now["status"], control_now.geometry, strict=True):
            angle = S.STATUS_HATCH.get(status) if scheme is None else _generic_hatch(status, scheme)
            if angle is None:
                continue
            lons, lats = line_arrays([hatch(geom, angle)])
            fig.add_trace(
                go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.7, color=S.INK),
                              hoverinfo="skip", showlegend=False, name=f"hatch-{status}")
            )  # fmt: skip

    # region overlay: transparent fill on top, so hover and clicks name the region
    held_statuses = _held(scheme)
    held = shapely.union_all(
        control_now.loc[control_now["status"].isin(held_statuses)].geometry.to_numpy()
    ) if len(control_now) and covered else shapely.Polygon()  # fmt: skip
    held_word = "Russian-held" if scheme is None else "Held"
    codes = region_ids(regions)
    hover = []
    for name, geom in zip(region_names(regions), regions.geometry, strict=True):
        share = shapely.intersection(geom, held).area / geom.area if not held.is_empty else 0.0
        line = f"<b>{esc(name)}</b>"
        if share >= 0.005:
            line += f"<br>{held_word}: {share:.0%} of its area"
        hover.append(line)
    selected = set(selected_places or [])
    fig.add_trace(
        go.Choropleth(
            geojson=feature_collection(regions.geometry, codes),
            locations=codes,
            z=[1] * len(regions),
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False,
            marker=dict(line=dict(width=0.5, color=S.BORDER)),
            customdata=codes,
            text=hover,
            hoverinfo="text",
            name="regions",
        )
    )
    if selected:
        sel = regions[pd.Series(codes, index=regions.index).isin(selected)]
        lons, lats = line_arrays(sel.geometry)
        fig.add_trace(
            go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=3, color="#0B3C5D"),
                          hoverinfo="skip", showlegend=False, name="selected-places")
        )  # fmt: skip

    _claim_outlines(fig, regions, claimed)
    outside = _event_markers(fig, events, regions, day, window_days, view)
    _legend(fig, statuses, claimed, print_mode, scheme)

    place = theme.place_name(None if builtin else regions)
    when = f"{day.day} {day.strftime('%B %Y')}"
    if title is None:
        where = f" in {place}" if place else ""
        if not covered:
            title = f"Territorial control{where}: no control data for {when}"
        else:
            title = f"Territorial control{where} as of {when}"
            if snapshot is not None and pd.Timestamp(snapshot).normalize() != day:
                line_day = pd.Timestamp(snapshot)
                title += f" (line of {line_day.day} {line_day.strftime('%b %Y')})"
    if credit is None:
        credit = _credit(control_now, control is None and builtin, covered)
    if outside:
        credit += (
            f" {outside} event{'s' if outside != 1 else ''} outside the map or its regions "
            "not shown."
        )
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=width,
        height=height,
        margin=dict(l=0, r=0, t=48, b=34),
        geo=geo_layout(width, height, view),
        title=dict(text=esc(title), x=0.01, y=0.985, yanchor="top", font=dict(size=17)),
        legend=dict(x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor="rgba(255,255,255,0.85)",
                    bordercolor="#cccccc", borderwidth=1, font=dict(size=12), itemclick=False,
                    itemdoubleclick=False),
        annotations=[
            dict(text=esc(credit), x=0.01, y=0, xref="paper", yref="paper", yanchor="top", xanchor="left",
                 yshift=-6, showarrow=False, font=dict(size=10, color=S.MUTED), align="left")
        ],
        meta={"borderlines": {"view": "map", "date": day.strftime("%Y-%m-%d"),
                              "covered": bool(covered)}},
    )  # fmt: skip
    return fig


def as_regions(regions):
    """Regions ready to draw: ``id``, ``name`` and lon/lat geometry. A frame that is not that
    yet (another CRS, no ``id`` column, a path) goes through :func:`geodata.read_regions`."""
    import geodata

    if (
        hasattr(regions, "geometry")
        and "id" in regions.columns
        and regions.crs is not None
        and regions.crs.equals("EPSG:4326")
    ):
        return regions
    return geodata.read_regions(regions)


def region_ids(regions) -> list[str]:
    """Each region's id: ``id`` (any region set) or ``iso_3166_2`` (the built-in units)."""
    col = "id" if "id" in regions.columns else "iso_3166_2"
    return regions[col].astype(str).tolist()


def region_names(regions) -> list[str]:
    for col in ("name", "name_en"):
        if col in regions.columns:
            return regions[col].astype(str).tolist()
    return region_ids(regions)


def _held(scheme) -> tuple:
    return ("occupied", "occupied_before_2022") if scheme is None else tuple(scheme.held)


def _hatch_spacing(view) -> float:
    return max(view["lon"][1] - view["lon"][0], view["lat"][1] - view["lat"][0]) / 80


def _generic_hatch(status, scheme):
    """Print-mode hatching angles for any scheme: one per status in order, held ones first."""
    angles = (45, -45, 0, 90, 22.5, -22.5, 67.5, -67.5)
    names = [n for n in scheme.names if n != background_status(scheme)]
    return angles[names.index(status) % len(angles)] if status in names else None


def _neighbour_labels(fig, neighbours, view=VIEW) -> None:
    """Country names, placed inside the visible part of each neighbour."""
    (x0, x1), (y0, y1) = view["lon"], view["lat"]
    box = shapely.box(x0 + (x1 - x0) * 0.016, y0 + (y1 - y0) * 0.024,
                      x1 - (x1 - x0) * 0.016, y1 - (y1 - y0) * 0.024)  # fmt: skip
    min_area = 0.6 * ((x1 - x0) * (y1 - y0)) / (18.5 * 8.3)  # 0.6 sq. degrees in Ukraine's view
    lon, lat, text = [], [], []
    for name, geom in zip(neighbours["name_en"], neighbours.geometry, strict=True):
        part = shapely.intersection(geom, box)
        if part.is_empty or part.area < min_area:
            continue
        x, y = label_point(part)
        lon.append(x)
        lat.append(y)
        text.append(esc(name).upper())
    fig.add_trace(
        go.Scattergeo(lon=lon, lat=lat, mode="text", text=text, hoverinfo="skip", showlegend=False,
                      textfont=dict(size=11, color="#767676", family=S.FONT), name="country-labels")
    )  # fmt: skip


def _claim_outlines(fig, regions, claimed) -> None:
    """Outline and label the units Russia's constitution claims (Crimea with Sevastopol)."""
    if claimed is None or not len(claimed):
        return
    codes = set(claimed["iso_3166_2"])
    groups = []
    crimea = [c for c in ("UA-43", "UA-40") if c in codes]
    if crimea:
        geom = shapely.union_all(regions[regions["iso_3166_2"].isin(crimea)].geometry.to_numpy())
        groups.append(("Crimea", geom))
    for code in sorted(codes - {"UA-43", "UA-40"}):
        row = regions[regions["iso_3166_2"] == code]
        if len(row):
            groups.append((row["name_en"].iloc[0], row.geometry.iloc[0]))
    lons, lats = line_arrays([g for _, g in groups])
    fig.add_trace(
        go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=1.8, color=S.INK, dash="dash"),
                      hoverinfo="skip", name="Claimed by Russia's constitution", showlegend=True,
                      legendrank=900)
    )  # fmt: skip
    pts = [label_point(g) for _, g in groups]
    fig.add_trace(
        go.Scattergeo(
            lon=[p[0] for p in pts], lat=[p[1] for p in pts], mode="text", text=[esc(n) for n, _ in groups],
            textfont=dict(size=12, color=S.INK, family=S.FONT), hoverinfo="skip", showlegend=False,
            name="claim-labels",
        )
    )  # fmt: skip


def _event_markers(fig, events, regions, day, window_days, view=VIEW) -> int:
    """Markers of the events up to ``day``; returns how many fell outside the view."""
    if events is None or not len(events):
        return 0
    upto = events[events["date_lo"] <= day]
    if window_days is not None:
        upto = upto[upto["date_hi"] >= day - pd.Timedelta(days=window_days)]
    # markers cluster a little north of each region's label point, so labels stay readable
    scale = (view["lat"][1] - view["lat"][0]) / (VIEW["lat"][1] - VIEW["lat"][0])
    centre = {
        c: (lambda p: (p[0], p[1] + 0.3 * scale))(label_point(g))
        for c, g in zip(region_ids(regions), regions.geometry, strict=True)
    }
    vocab = None
    if "category" in upto.columns:
        import events as events_pkg

        vocab = events_pkg.vocabulary(events)
    lon, lat, ids, hov, cols = [], [], [], [], []
    used: dict[tuple, int] = {}
    outside = 0
    for _, r in upto.iterrows():
        spots = [centre[c] for c in r["places"] if c in centre]
        spots += [(p["lon"], p["lat"]) for p in r["points"]]
        if not spots and len(r["places"]):
            outside += 1  # its places are none of these regions: said in the note, not dropped
        for x, y in spots:
            if not (
                view["lon"][0] <= x <= view["lon"][1] and view["lat"][0] <= y <= view["lat"][1]
            ):
                outside += 1
                continue
            k = used.get((x, y), 0)
            used[(x, y)] = k + 1
            # spread markers that share a place on a spiral around it, leaving the centre
            # (where a region label may stand) free
            ang = k * 2.4
            rad = 0.13 * scale * np.sqrt(k)
            lon.append(x + rad * np.cos(ang))
            lat.append(y + rad * np.sin(ang) * 0.7)
            ids.append(r["id"])
            hov.append(event_hover(r))
            cols.append(vocab.color(r["category"]) if vocab else S.category_color(r["category"]))
    if not ids:
        return outside
    fig.add_trace(
        go.Scattergeo(
            lon=lon, lat=lat, mode="markers", customdata=ids, hovertext=hov, hoverinfo="text",
            marker=dict(size=9, color=cols, line=dict(color="white", width=1.2), symbol="circle"),
            name="Events", showlegend=True, legendrank=950,
        )
    )  # fmt: skip
    return outside


def _legend(fig, statuses, claimed, print_mode, scheme=None) -> None:
    """Legend entries for the statuses shown (choropleths have no per-value legend)."""
    present = set(statuses)
    shown = [s for s in scheme_codes(scheme) if s in present]
    light = {background_status(scheme), NO_DATA}
    for rank, s in enumerate(shown):
        fig.add_trace(
            go.Scattergeo(
                lon=[None], lat=[None], mode="markers", name=esc(status_label(s, scheme)), showlegend=True,
                marker=dict(symbol="square", size=14, color=status_color(s, scheme),
                            line=dict(color=S.INK, width=1 if print_mode or s in light else 0)),
                legendrank=100 + rank, hoverinfo="skip",
            )
        )  # fmt: skip


def _credit(control_now, builtin: bool, covered: bool = True) -> str:
    """One or two lines naming the data, and saying when the lines are approximate."""
    if not covered:
        text = "Control: no control data for this date"
        return text + (". Boundaries: Natural Earth (public domain)." if builtin else ".")
    approx = bool(
        control_now.get("approximate", pd.Series(dtype=bool)).fillna(False).astype(bool).any()
    )
    if builtin:
        text = "Control: Borderlines built-in series"
        if approx:
            text += (
                " - front lines approximate, drawn through named towns and rivers (error ~10 km)"
            )
        return text + ". Boundaries: Natural Earth (public domain)."
    named = "credit" if "credit" in control_now.columns else "source"  # a joined series: credit
    sources = sorted({str(s) for s in control_now.get(named, pd.Series(dtype=str)).dropna()})
    if sources:
        text = "Control: " + ", ".join(sources)
    elif len(control_now):
        text = "Control: the series supplied (no source named in it)"
    else:
        text = "Control: no status areas on this date"
    if len(text) > 110:
        text = text[:107] + "..."
    return text + (" (approximate)" if approx else "") + "."
