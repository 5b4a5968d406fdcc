"""Linked page of one finely drawn region: border runs against a segment tree vs the whole line.

The page marks which stretches of each piece's rings lie on a region border, so borders are
drawn without sending their coordinates twice. Testing every ring vertex against the whole
border line (the baseline, measured in the same run) grows with vertices × border length; the
segment tree only looks at the segments near each vertex.

    python benchmarks/bench_linked_detail.py [vertices]
"""

from __future__ import annotations

import sys
import time

import geopandas as gpd
import numpy as np
import shapely

from viz import linked


def region(n: int) -> gpd.GeoDataFrame:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 2 + 0.05 * np.sin(t * 997)
    poly = shapely.Polygon(np.c_[43 + r * np.cos(t), 42 + r * np.sin(t) * 0.7])
    return gpd.GeoDataFrame({"id": ["BIG"]}, geometry=[poly], crs="EPSG:4326")


def baseline_runs(a, borders, seen):
    """The previous implementation: every midpoint against the whole (prepared) border."""
    mids = (a[:-1] + a[1:]) / (2.0 * linked.GEO_SCALE)
    near = shapely.dwithin(shapely.points(mids), borders, 1.5 / linked.GEO_SCALE)
    return int(near.sum())


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    gdf = region(n)
    borders = shapely.union_all([g.boundary for g in gdf.geometry])
    ring = linked._grid(np.asarray(gdf.geometry.iloc[0].exterior.coords))
    start = time.perf_counter()
    tree = linked._segment_tree(borders)
    runs = linked._border_runs(ring, tree, set())
    fast = time.perf_counter() - start
    shapely.prepare(borders)
    start = time.perf_counter()
    baseline_runs(ring, borders, set())
    slow = time.perf_counter() - start
    print(f"one region, {n:,} vertices ({len(ring):,} on the 1e-3° grid), {len(runs)} border runs")
    print(f"segment tree: {fast:.2f} s; whole-line dwithin (baseline): {slow:.2f} s")
    print(f"ratio baseline / tree: {slow / fast:.1f}x")
    return 0 if fast < slow else 1


if __name__ == "__main__":
    sys.exit(main())
