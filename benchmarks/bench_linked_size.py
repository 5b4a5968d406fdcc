"""Size of the linked view's page against a naive animated choropleth, and its build time.

Run ``python benchmarks/bench_linked_size.py``. It builds the linked view of the built-in data
and measures

* the payload without plotly.js: the ``inline`` page minus the inlined plotly.js (the ``cdn``
  page size is printed too);
* a naive baseline in the same run: ``px.choropleth`` over the *same* pieces geometry (the same
  rounded, clockwise GeoJSON the linked view sends), coloured by status, with
  ``animation_frame`` over the *same* key dates (the dates at which the map can change) and
  ``fitbounds="locations"``, written with ``include_plotlyjs=False``. Plotly Express repeats
  the geometry in every frame; the linked view sends it once plus a status vector per date.
  The baseline has no timeline, area chart, neighbours or borders, so the ratio understates
  the gain;
* the time to build the linked view from loaded data (events, regions and the status series
  in memory; best of 3).

Targets: payload <= 250 KB and >= 10x smaller than the naive page.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
import plotly.express as px  # noqa: E402

import events  # noqa: E402
import geodata  # noqa: E402
import viz  # noqa: E402
from geodata import status_pieces  # noqa: E402
from viz import _style as S  # noqa: E402
from viz._geo import feature_collection  # noqa: E402


def naive_page(dates, pieces, statuses) -> str:
    geojson = feature_collection(pieces.geometry, pieces["piece"])
    rows = []
    for day in dates:
        for piece, status in zip(pieces["piece"], statuses.loc[day], strict=True):
            rows.append({"date": day.strftime("%Y-%m-%d"), "piece": str(piece),
                         "status": S.STATUS_LABELS[S.UKRAINE_HELD if pd.isna(status) else status]})  # fmt: skip
    df = pd.DataFrame(rows)
    fig = px.choropleth(
        df, geojson=geojson, locations="piece", color="status", animation_frame="date",
        color_discrete_map={S.STATUS_LABELS[s]: c for s, c in S.STATUS_COLORS.items()},
        fitbounds="locations",
    )  # fmt: skip
    fig.update_geos(visible=False)
    return fig.to_html(include_plotlyjs=False, full_html=True)


def main() -> None:
    catalog = events.load_catalog()
    regions = geodata.regions()
    control = geodata.control_series()
    status_pieces(control, None, regions)  # warm caches of the loaders, not of the view

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        view = viz.linked_view(catalog, control, regions)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    inline = view.to_html("inline")
    render = time.perf_counter() - t0
    cdn = view.to_html("cdn")
    plotlyjs = len(viz.export.plotlyjs_path().read_bytes())  # the bundle the page inlines
    payload = len(inline.encode("utf-8")) - plotlyjs

    pieces, statuses = status_pieces(control, None, regions)
    dates = list(statuses.index)
    naive = len(naive_page(dates, pieces, statuses).encode("utf-8"))

    kb = 1000
    print(
        f"pieces: {len(pieces)}, key dates: {len(dates)}, slider steps: {len(view.payload['steps'])}"
    )
    print(
        f"linked payload without plotly.js: {payload / kb:.1f} KB (cdn page {len(cdn.encode()) / kb:.1f} KB)"
    )
    print(f"naive px.choropleth animation, same pieces and dates: {naive / kb:.1f} KB")
    print(f"ratio naive / linked: {naive / payload:.1f}x")
    print(
        f"build linked view from loaded data: {min(times):.2f} s (best of 3); render HTML {render:.2f} s"
    )
    ok = payload <= 250 * kb and naive / payload >= 10
    print("targets (<= 250 KB, >= 10x):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
