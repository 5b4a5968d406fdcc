"""Benchmark ``geodata.read_control`` on synthetic DeepStateMap snapshots.

Run ``python benchmarks/bench_import.py [N]`` (default N = 60). It writes N and 2N
synthetic ~500 KB snapshots (Polygons and Points, 3-D coordinates, bilingual names,
decoys outside Ukraine, ~12,000 polygon vertices each, like the real 2023 exports) into
a temporary folder, then measures

* files/s (CPU time of one process, so a busy machine does not skew it; wall-clock rates
  are printed too) of ``read_control`` on N files, against a naive baseline measured in the same
  run (``geopandas.read_file`` per file, a Python loop over rows, per-row repair and
  clip, one ``unary_union`` per (date, status) at the end);
* peak resident memory of ``read_control`` for N and for 2N files, each in a fresh
  process, to show that memory does not grow with the archive's raw size.

Prints one summary line, e.g.
``read_control: 31.2 files/s; naive: 9.8 files/s; speed-up 3.2x; peak memory 60 files 85 MB, 120 files 86 MB``.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = 1_672_531_200  # 2023-01-01 00:00 UTC
# Centres of synthetic areas, all well inside Ukraine, and decoys far outside it.
CENTRES = [
    (35.4, 46.9), (34.3, 45.1), (37.9, 48.1), (33.2, 46.9), (36.3, 49.8), (38.6, 48.9),
    (31.0, 50.9), (30.2, 50.6), (32.5, 48.5), (35.1, 47.6), (36.9, 47.3), (34.8, 48.5),
]  # fmt: skip
DECOYS = [(29.4, 47.1), (30.8, 69.4), (21.5, 54.7), (44.0, 42.3)]
NAMES = {
    "occupied": ("Окуповано /// Occupied", "#a52714"),
    "liberated": ("Звільнено 25.03 /// Liberated 25.03", "#0f9d58"),
    "unknown": ("Статус невідомий /// Unknown status", "#bcaaa4"),
    "crimea": ("Окупований Крим /// Occupied Crimea", "#880e4f"),
    "decoy": ("Окупована область Петсамо\n///\nOccupied Petsamo\n", "#ff5252"),
}
VERTICES_PER_POLYGON = 240
POINTS_PER_FILE = 160


def _ring(rng, cx, cy, radius, n):
    # Smooth, wobbly outlines like hand-drawn front lines, not spiky random noise.
    angles = np.sort(rng.uniform(0, 2 * math.pi, n))
    phase = rng.uniform(0, 2 * math.pi, 3)
    radii = radius * (
        1
        + 0.12 * np.sin(3 * angles + phase[0])
        + 0.06 * np.sin(7 * angles + phase[1])
        + 0.02 * np.sin(23 * angles + phase[2])
        + 0.003 * rng.standard_normal(n)
    )
    xs = np.round(cx + radii * np.cos(angles) / math.cos(math.radians(cy)), 7)
    ys = np.round(cy + radii * np.sin(angles), 7)
    ring = [[float(x), float(y), 0] for x, y in zip(xs, ys, strict=True)]
    return ring + [ring[0]]


def _feature(geometry, name, fill=None):
    props = {"name": name, "styleUrl": "#poly-A52714-1200-77-nodesc", "styleHash": "-6f2e1a"}
    if fill:
        props.update({"stroke": fill, "stroke-width": 1.2, "fill-opacity": 0.3, "fill": fill})
        props["description"] = "Підтверджено<br>///<br>Confirmed by the General Staff"
    else:
        props.update({"icon": "https://example.invalid/arrow.png", "icon-scale": 1})
    return {"type": "Feature", "geometry": geometry, "properties": props}


def make_snapshot(path: Path, seed: int) -> None:
    """One snapshot shaped like the 2023 exports.

    Areas sit on a grid across Ukraine, so most are disjoint; every fourth is drawn as
    two pieces sharing an edge and a few overlap a neighbour, as in the real files.
    """
    rng = np.random.default_rng(seed)
    features = []
    kinds = ["occupied"] * 26 + ["liberated"] * 18 + ["unknown"] * 6 + ["crimea"] * 2
    kinds += ["decoy"] * 6
    for i, kind in enumerate(kinds):
        name, fill = NAMES[kind]
        if kind == "decoy":
            cx, cy = DECOYS[i % len(DECOYS)]
        else:
            cx, cy = 30.0 + 0.55 * (i % 12), 47.6 + 0.55 * (i // 12)
        # One large occupied area reaches across the border into Russia: it gets clipped.
        if i == 0:
            cx, cy, radius = 39.6, 48.4, 1.0
        else:
            radius = rng.uniform(0.12, 0.2) * (1.6 if i % 9 == 0 else 1.0)
        n = VERTICES_PER_POLYGON * (2 if i % 4 == 1 else 1)
        ring = _ring(rng, cx, cy, radius, n)
        if i % 4 == 1:  # two pieces sharing the meridian through the centre
            ring = ring[:-1]
            west = [p for p in ring if p[0] <= cx]
            east = [p for p in ring if p[0] >= cx]
            for half in (west, east):
                half.sort(key=lambda p, half=half: math.atan2(p[1] - cy, p[0] - cx))
                closed = [*half, half[0]]
                geometry = {"type": "Polygon", "coordinates": [closed]}
                features.append(_feature(geometry, name, fill))
            continue
        features.append(_feature({"type": "Polygon", "coordinates": [ring]}, name, fill))
    for _ in range(POINTS_PER_FILE):
        x, y = rng.uniform(30, 40), rng.uniform(45, 51)
        geometry = {"type": "Point", "coordinates": [round(x, 7), round(y, 7), 0]}
        features.append(_feature(geometry, "Напрямок удару /// Direction of attack\n"))
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), "utf-8")


def make_archive(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{START + i * 86_400 + 3_600}.geojson"
        make_snapshot(path, seed=i)
        paths.append(path)
    return paths


def naive_read(paths, ukraine):
    """What a first attempt looks like: read_file, iterrows, unary_union at the end."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    records = []
    for path in paths:
        frame = gpd.read_file(path)
        date = pd.Timestamp(int(path.stem), unit="s").normalize()
        for _, row in frame.iterrows():
            geom = row.geometry
            if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            name = " ".join(str(row["name"]).split()).lower()
            if "crimea" in name or "cadr" in name:
                status = "occupied_before_2022"
            elif name.endswith("/// occupied"):
                status = "occupied"
            elif "liberated" in name:
                status = "liberated"
            elif "unknown status" in name:
                status = "unknown"
            else:
                continue
            geom = shapely.force_2d(geom)
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            geom = geom.intersection(ukraine)
            if not geom.is_empty:
                records.append({"date": date, "status": status, "geometry": geom})
    frame = gpd.GeoDataFrame(records, crs="EPSG:4326")
    return frame.dissolve(by=["date", "status"]).reset_index()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def child(folder: str) -> None:
    """Run read_control once in this fresh process and print peak memory as JSON."""
    from geodata._importers import read_control

    warnings.simplefilter("ignore")
    read_control(sorted(Path(folder).glob("*.geojson"))[0])  # imports and Ukraine's outline
    before = _rss_mb()
    frame = read_control(folder, progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": len(frame), "before_mb": before, "peak_mb": peak}))


def peak_memory(folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(n: int) -> None:
    import shapely

    from geodata._importers import _ukraine_outline, read_control

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        small = make_archive(tmp / "n", n)
        make_archive(tmp / "2n", 2 * n)
        size_kb = sum(p.stat().st_size for p in small) / len(small) / 1024
        print(
            f"generated {n} + {2 * n} snapshots of ~{size_kb:.0f} KB in {time.perf_counter() - t0:.1f} s"
        )

        read_control(small[0], progress=False)  # warm-up: imports, outline
        # CPU time of this process: the rate one core sustains, even on a busy machine.
        t0, w0 = time.process_time(), time.perf_counter()
        result = read_control(tmp / "n", progress=False)
        fast, fast_wall = n / (time.process_time() - t0), n / (time.perf_counter() - w0)

        ukraine = shapely.from_wkb(shapely.to_wkb(_ukraine_outline()))  # unprepared copy
        naive_n = max(10, n // 3)
        naive_read(small[:1], ukraine)
        t0, w0 = time.process_time(), time.perf_counter()
        naive = naive_read(small[:naive_n], ukraine)
        slow, slow_wall = naive_n / (time.process_time() - t0), naive_n / (time.perf_counter() - w0)

        # Same answer from both, where both read the same files.
        head = result[result["date"] <= naive["date"].max()]
        ours = shapely.area(shapely.union_all(head.geometry.array))
        theirs = shapely.area(shapely.union_all(naive.geometry.array))
        agree = abs(ours - theirs) / theirs

        mem_n, mem_2n = peak_memory(tmp / "n"), peak_memory(tmp / "2n")
    print(
        f"rows {len(result)} for {n} files; total area agrees with the naive result within "
        f"{agree:.2%}; memory before reading: {mem_n['before_mb']:.0f} MB; wall clock: "
        f"read_control {fast_wall:.1f} files/s, naive {slow_wall:.1f} files/s"
    )
    print(
        f"read_control: {fast:.1f} files/s; naive: {slow:.1f} files/s ({naive_n} files); "
        f"speed-up {fast / slow:.1f}x; peak memory {n} files {mem_n['peak_mb']:.0f} MB, "
        f"{2 * n} files {mem_2n['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
