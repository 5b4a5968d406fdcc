"""Map repaint after a date change, in headless Chromium.

Run ``python benchmarks/bench_app_repaint.py [STEPS]`` (default 15). Both apps are served
in this process (werkzeug, threaded) and driven by the keyboard: the slider handle gets an
ArrowLeft key press, and the clock stops at the map's next ``plotly_afterplot``. Our app
patches only the colours (``dash.Patch`` on ``data[i].z`` and the outline arrays); the naive
baseline (``benchmarks/_naive_app.py``) returns a whole new ``viz.territory_map`` figure.
Target: ≤ 100 ms.

Prints e.g. ``repaint: patch 62 ms (median of 15, p90 80 ms); naive 1450 ms; 23x faster``.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHROMIUM = os.environ.get("BORDERLINES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

ARM = """() => { const gd = document.querySelector('#g-map .js-plotly-plot');
  window.__painted = new Promise(r => gd.once('plotly_afterplot', () => r(performance.now()))); }"""


def serve(wsgi):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(browser, url: str, steps: int, ready: str) -> list[float]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    page.wait_for_function(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")
    handle = page.locator("#slider [role=slider]")
    out = []
    for i in range(steps + 2):
        page.evaluate(ARM)
        handle.focus()
        t0 = page.evaluate("performance.now()")
        handle.press("ArrowLeft")
        t1 = page.evaluate("window.__painted")
        page.wait_for_load_state("networkidle")
        if i >= 2:  # the first two warm up plotly's code paths
            out.append(t1 - t0)
    page.close()
    return out


def main(steps: int = 15) -> None:
    from _naive_app import naive_app
    from playwright.sync_api import sync_playwright

    import app

    ours_srv, naive_srv = serve(app.server), serve(naive_app().server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ours = measure(browser, f"http://127.0.0.1:{ours_srv.server_port}/?date=2022-09-30", steps,
                       "document.querySelector('#date-input')?.value === '2022-09-30' && "
                       "document.querySelectorAll('#g-map path.choroplethlocation').length > 100")  # fmt: skip
        naive = measure(browser, f"http://127.0.0.1:{naive_srv.server_port}/", max(3, steps // 3),
                        "document.querySelectorAll('#g-map path.choroplethlocation').length > 10")  # fmt: skip
        browser.close()
    ours_srv.shutdown()
    naive_srv.shutdown()
    a, n = statistics.median(ours), statistics.median(naive)
    p90 = sorted(ours)[int(0.9 * (len(ours) - 1))]
    print(f"repaint: patch {a:.0f} ms (median of {len(ours)}, p90 {p90:.0f} ms); naive {n:.0f} ms "
          f"(median of {len(naive)}); {n / a:.1f}x faster; target <= 100 ms: {'ok' if a <= 100 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
