"""The territory map: who held what on a date, as a choropleth over Ukraine."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from .. import _style as S
from .._dates import as_day
from .._geo import feature_collection, hatch, label_point, line_arrays
from .._text import esc, event_hover

VIEW = dict(lon=(21.9, 40.4), lat=(44.2, 52.5))
STATUS_CODES = {s: i for i, s in enumerate(S.STATUS_ORDER)}


def _discrete_scale(colors: list[str]) -> list:
    """A colorscale mapping integer z = 0..n-1 to one flat colour each."""
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


STATUS_SCALE = _discrete_scale([S.STATUS_COLORS[s] for s in S.STATUS_ORDER])


@functools.lru_cache(maxsize=4)
def _builtin_base(detail: str):
    import geodata

    regions = geodata.regions(detail)
    return regions, geodata.neighbours(detail), shapely.union_all(regions.geometry.to_numpy())


def geo_layout(width: int, height: int) -> dict:
    """The geo subplot: no basemap, a conic projection fitted to Ukraine."""
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


def status_traces(pieces: pd.DataFrame, statuses, *, print_mode=False, name="territory") -> list:
    """The choropleth of status pieces; ``statuses`` gives each piece's status (restyled by the
    linked views to move through time without resending geometry)."""
    z = [STATUS_CODES.get(s, STATUS_CODES["unknown"]) for s in statuses]
    labels = [S.STATUS_LABELS.get(s, s) for s in statuses]
    return [
        go.Choropleth(
            geojson=feature_collection(pieces.geometry, pieces["piece"]),
            locations=pieces["piece"].astype(str).tolist(),
            z=z,
            zmin=0,
            zmax=len(S.STATUS_ORDER),
            colorscale=STATUS_SCALE,
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
    window_days: int | None = 365,
    selected_places=None,
    print_mode: bool = False,
    title: str | None = None,
    credit: str | None = None,
    detail: str = "web",
    width: int = 900,
    height: int = 680,
) -> go.Figure:
    """Territorial status at ``date`` as a choropleth over Ukraine.

    Parameters
    ----------
    date : date-like
        The day to show ("2022-09-30", a ``date`` or a ``Timestamp``).
    events : DataFrame, optional
        Events (from :func:`events.load_catalog`); those with places that began within
        ``window_days`` before ``date`` are drawn as markers (``None`` window: all up to date).
    control : GeoDataFrame, optional
        A status series (built-in style or from :func:`geodata.read_control`); default built-in.
    regions, neighbours : GeoDataFrame, optional
        Region units (``iso_3166_2``, ``name_en``, geometry) and context countries; default the
        built-in Ukraine units and neighbours.
    selected_places : iterable of str, optional
        Region codes to outline strongly (the places of a selected event).
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
    if regions is None and neighbours is None:
        regions, neighbours, outline = _builtin_base(detail)
    else:
        if regions is None:
            regions = _builtin_base(detail)[0]
        if neighbours is None:
            neighbours = _builtin_base(detail)[1]
        outline = shapely.union_all(regions.geometry.to_numpy())
    control_now = geodata.control_at(day, control)
    claimed = geodata.claimed_at(day) if control is None else None

    fig = go.Figure()
    # context countries and Ukraine's land (held by Ukraine unless a status says otherwise)
    if neighbours is not None and len(neighbours):
        fig.add_trace(neighbour_trace(neighbours))
        _neighbour_labels(fig, neighbours)
    pieces = pd.DataFrame({"piece": ["UA"], "geometry": [outline]})
    statuses = [S.UKRAINE_HELD]
    if len(control_now):
        pieces = pd.concat(
            [pieces, pd.DataFrame({"piece": [f"s{i}" for i in range(len(control_now))],
                                   "geometry": control_now.geometry.to_numpy()})],
            ignore_index=True,
        )  # fmt: skip
        statuses += control_now["status"].tolist()
    fig.add_traces(status_traces(pieces, statuses, print_mode=print_mode))

    if print_mode:
        for status, geom in zip(control_now["status"], control_now.geometry, strict=True):
            angle = S.STATUS_HATCH.get(status)
            if angle is None:
                continue
            lons, lats = line_arrays([hatch(geom, angle)])
            fig.add_trace(
                go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.7, color=S.INK),
                              hoverinfo="skip", showlegend=False, name=f"hatch-{status}")
            )  # fmt: skip

    # region overlay: transparent fill on top, so hover and clicks name the region
    held = shapely.union_all(
        control_now.loc[control_now["status"].isin(["occupied", "occupied_before_2022"])].geometry.to_numpy()
    ) if len(control_now) else shapely.Polygon()  # fmt: skip
    hover = []
    for name, geom in zip(regions["name_en"], regions.geometry, strict=True):
        share = shapely.intersection(geom, held).area / geom.area if not held.is_empty else 0.0
        line = f"<b>{esc(name)}</b>"
        if share >= 0.005:
            line += f"<br>Russian-held: {share:.0%} of its area"
        hover.append(line)
    codes = regions["iso_3166_2"].astype(str).tolist()
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
        sel = regions[regions["iso_3166_2"].isin(selected)]
        lons, lats = line_arrays(sel.geometry)
        fig.add_trace(
            go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=3, color="#0B3C5D"),
                          hoverinfo="skip", showlegend=False, name="selected-places")
        )  # fmt: skip

    _claim_outlines(fig, regions, claimed)
    _event_markers(fig, events, regions, day, window_days)
    _legend(fig, statuses, claimed, print_mode)

    if title is None:
        title = f"Territorial control in Ukraine as of {day.day} {day.strftime('%B %Y')}"
    if credit is None:
        credit = _credit(control_now, control is None)
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=width,
        height=height,
        margin=dict(l=0, r=0, t=48, b=34),
        geo=geo_layout(width, height),
        title=dict(text=esc(title), x=0.01, y=0.985, yanchor="top", font=dict(size=17)),
        legend=dict(x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor="rgba(255,255,255,0.85)",
                    bordercolor="#cccccc", borderwidth=1, font=dict(size=12), itemclick=False,
                    itemdoubleclick=False),
        annotations=[
            dict(text=esc(credit), x=0.01, y=0, xref="paper", yref="paper", yanchor="top", xanchor="left",
                 yshift=-6, showarrow=False, font=dict(size=10, color=S.MUTED), align="left")
        ],
        meta={"borderlines": {"view": "map", "date": day.strftime("%Y-%m-%d")}},
    )  # fmt: skip
    return fig


def _neighbour_labels(fig, neighbours) -> None:
    """Country names, placed inside the visible part of each neighbour."""
    view = shapely.box(
        VIEW["lon"][0] + 0.3, VIEW["lat"][0] + 0.2, VIEW["lon"][1] - 0.3, VIEW["lat"][1] - 0.2
    )
    lon, lat, text = [], [], []
    for name, geom in zip(neighbours["name_en"], neighbours.geometry, strict=True):
        part = shapely.intersection(geom, view)
        if part.is_empty or part.area < 0.6:
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


def _event_markers(fig, events, regions, day, window_days) -> None:
    if events is None or not len(events):
        return
    upto = events[events["date_lo"] <= day]
    if window_days is not None:
        upto = upto[upto["date_hi"] >= day - pd.Timedelta(days=window_days)]
    # markers cluster a little north of each region's label point, so labels stay readable
    centre = {
        c: (lambda p: (p[0], p[1] + 0.3))(label_point(g))
        for c, g in zip(regions["iso_3166_2"], regions.geometry, strict=True)
    }
    lon, lat, ids, hov, cols = [], [], [], [], []
    used: dict[tuple, int] = {}
    for _, r in upto.iterrows():
        spots = [centre[c] for c in r["places"] if c in centre]
        spots += [(p["lon"], p["lat"]) for p in r["points"]]
        for x, y in spots:
            if not (
                VIEW["lon"][0] <= x <= VIEW["lon"][1] and VIEW["lat"][0] <= y <= VIEW["lat"][1]
            ):
                continue
            k = used.get((x, y), 0)
            used[(x, y)] = k + 1
            # spread markers that share a place on a spiral around it, leaving the centre
            # (where a region label may stand) free
            ang = k * 2.4
            rad = 0.13 * np.sqrt(k)
            lon.append(x + rad * np.cos(ang))
            lat.append(y + rad * np.sin(ang) * 0.7)
            ids.append(r["id"])
            hov.append(event_hover(r))
            cols.append(S.category_color(r["category"]))
    if not ids:
        return
    fig.add_trace(
        go.Scattergeo(
            lon=lon, lat=lat, mode="markers", customdata=ids, hovertext=hov, hoverinfo="text",
            marker=dict(size=9, color=cols, line=dict(color="white", width=1.2), symbol="circle"),
            name="Events", showlegend=True, legendrank=950,
        )
    )  # fmt: skip


def _legend(fig, statuses, claimed, print_mode) -> None:
    """Legend entries for the statuses shown (choropleths have no per-value legend)."""
    shown = [s for s in S.STATUS_ORDER if s in set(statuses)]
    for rank, s in enumerate(shown):
        fig.add_trace(
            go.Scattergeo(
                lon=[None], lat=[None], mode="markers", name=esc(S.STATUS_LABELS[s]), showlegend=True,
                marker=dict(symbol="square", size=14, color=S.STATUS_COLORS[s],
                            line=dict(color=S.INK, width=1 if print_mode or s == S.UKRAINE_HELD else 0)),
                legendrank=100 + rank, hoverinfo="skip",
            )
        )  # fmt: skip


def _credit(control_now, builtin: bool) -> str:
    """One or two lines naming the data, and saying when the lines are approximate."""
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
    sources = sorted({str(s) for s in control_now.get("source", pd.Series(dtype=str)).dropna()})
    text = "Control: " + (", ".join(sources) if sources else "no status data for this date")
    if len(text) > 110:
        text = text[:107] + "..."
    return text + (" (approximate)" if approx else "") + "."
