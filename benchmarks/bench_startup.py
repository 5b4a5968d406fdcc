"""Start-up time of ``borderlines validate`` on a small event file, against the eager imports.

Target (issue: set-up): ``borderlines validate`` imports neither plotly, Dash nor geopandas, so
it starts in well under the time those imports take. The baseline, measured in the same run,
is the same command after importing what ``import viz`` loaded before its names became lazy
(plotly's graph objects, geopandas, shapely) and what the app needs (Dash): the cost a user
paid per validation. Each command runs in a fresh interpreter; the median of the runs is shown.

    python benchmarks/bench_startup.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "events" / "good.yaml"
VALIDATE = f"from viz import cli; raise SystemExit(cli.main(['validate', {str(GOOD)!r}]))"
EAGER = "import plotly.graph_objects, geopandas, shapely, dash\n"
HEAVY = "import sys; print(sorted(m for m in ('plotly', 'dash', 'geopandas') if m in sys.modules))"


def median_seconds(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    loaded = subprocess.run(
        [sys.executable, "-c", VALIDATE.replace("raise SystemExit(", "(") + "\n" + HEAVY],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.splitlines()[-1]  # fmt: skip
    bare = median_seconds("pass", runs)
    lazy = median_seconds(VALIDATE, runs)
    eager = median_seconds(EAGER + VALIDATE, runs)
    print(f"python -c pass           {bare * 1000:7.0f} ms")
    print(f"borderlines validate     {lazy * 1000:7.0f} ms   heavy modules loaded: {loaded}")
    print(f"  with the eager imports {eager * 1000:7.0f} ms   (baseline)")
    print(f"ratio baseline / validate: {eager / lazy:.2f}x  (median of {runs} runs each)")
    return 0 if loaded == "[]" else 1


if __name__ == "__main__":
    sys.exit(main())
