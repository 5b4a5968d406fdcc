"""Batch PNG export: one Chromium kept alive vs ``fig.write_image`` per figure.

Target (issue: figures): <= 1 s per figure at steady state, and >= 2x faster than plotly's own
``fig.write_image`` per figure. Both are measured here, in the same run, on the same maps.

    python benchmarks/bench_export.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import plotly.io as pio

import geodata
import viz
from viz import export


def main(n: int = 6) -> int:
    os.environ.setdefault("BROWSER_PATH", export.find_chromium())
    dates = [d.strftime("%Y-%m-%d") for d in geodata.key_dates()][-n:]
    figs = [viz.territory_map(d) for d in dates]
    out = Path(tempfile.mkdtemp(prefix="bench-export-"))
    pio.defaults.topojson = export._topojson_url()

    # naive: plotly's write_image, one figure at a time (a new browser for each call)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, fig in enumerate(figs):
            fig.write_image(out / f"naive-{i}.png")
    naive = (time.perf_counter() - t0) / len(figs)

    # batch: one browser for all; the first figure pays the start-up, steady state after it
    t0 = time.perf_counter()
    times = []
    with viz.image_batch():
        for i, fig in enumerate(figs):
            t = time.perf_counter()
            viz.write_image(fig, out / f"batch-{i}.png")
            times.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    steady = sum(times[1:]) / max(len(times) - 1, 1)
    per_fig = total / len(figs)
    for p in out.glob("*.png"):
        assert p.read_bytes()[:4] == b"\x89PNG", p
    print(f"figures: {len(figs)} territory maps, 900x680 PNG")
    print(f"naive fig.write_image: {naive:.2f} s per figure")
    print(
        f"batch viz.write_image: {per_fig:.2f} s per figure incl. browser start, {steady:.2f} s steady state"
    )
    print(f"speed-up (naive / batch, steady): {naive / steady:.1f}x  (target >= 2x, steady <= 1 s)")
    ok = steady <= 1.0 and naive / steady >= 2
    print("PASS" if ok else "MISS")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 6))
