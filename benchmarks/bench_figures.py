"""Time to build the figures from loaded data, against naive plotly-express builds.

Target (issue: figures): building either figure (timeline, map) from loaded data <= 300 ms.
Baselines, measured in the same run: the timeline as one plotly-express trace per event, the map
as ``px.choropleth`` of the status polygons at print detail with ``fitbounds``.

    python benchmarks/bench_figures.py
"""

from __future__ import annotations

import statistics
import sys
import time

import plotly.express as px
import plotly.graph_objects as go

import events
import geodata
import viz


def best_of(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def naive_timeline(cat):
    fig = go.Figure()
    for _, r in cat.iterrows():
        fig.add_trace(
            px.scatter(x=[r["date_lo"]], y=[r["category"]], hover_name=[r["title"]]).data[0]
        )
    return fig


def naive_map(day):
    control = geodata.control_at(day)
    regions = geodata.regions("print")
    gdf = control.reset_index(drop=True)
    gdf["key"] = gdf.index.astype(str)
    fig = px.choropleth(gdf, geojson=gdf.__geo_interface__, locations="key", featureidkey="properties.key",
                        color="status")  # fmt: skip
    fig.add_trace(px.choropleth(regions, geojson=regions.__geo_interface__, locations="iso_3166_2",
                                featureidkey="properties.iso_3166_2").data[0])  # fmt: skip
    fig.update_geos(fitbounds="locations", visible=False)
    return fig


def main() -> int:
    cat = events.load_catalog()
    viz.territory_map("2022-09-30")  # warm the geometry caches, as a running app would be
    rows = [
        ("timeline", best_of(lambda: viz.timeline(cat)), best_of(lambda: naive_timeline(cat), 3)),
        ("territory_map", best_of(lambda: viz.territory_map("2022-09-30", events=cat)),
         best_of(lambda: naive_map("2022-09-30"), 3)),
    ]  # fmt: skip
    ok = True
    for name, ours, naive in rows:
        ok &= ours <= 0.3
        print(
            f"{name:14s} {ours * 1000:7.0f} ms   naive {naive * 1000:7.0f} ms   ratio {naive / ours:5.1f}x"
        )
    print("target: each <= 300 ms ->", "PASS" if ok else "MISS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
