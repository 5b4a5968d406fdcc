"""Map repaint after a date change, in headless Chromium, and the requests it makes.

Run ``python benchmarks/bench_app_repaint.py [STEPS]`` (default 15). The apps are served in
this process (werkzeug, threaded) and driven by the keyboard: the slider handle gets an
Home or End key press (1783, no
control data, and 2024: every piece changes colour), and the clock stops when the map's
fills in the DOM are the new date's; it starts when the key event reaches the page
(so the driver's own latency is not counted).

- the app: the browser repaints from its date spec (``borderlines.js``: ``onDate``);
- baseline, same run: the previous date path (``benchmarks/_patch_app.py``), a server
  callback answering with a ``dash.Patch`` of the same map's colours;
- naive: a callback that returns a whole new ``viz.territory_map`` figure.

Target: median ≤ 30 ms and no request to the server per date change.
Prints e.g. ``repaint: browser 12 ms (median of 15, p90 16 ms, 0 requests); server patch
70 ms (1 request); 5.8x faster; naive 1450 ms``.
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

# The clock stops when the map's fills in the DOM are the new date's: the app changes them in
# place, plotly (the baseline) redraws them; both paint on the next frame.
ARM = """() => {
  const root = document.querySelector('#g-map');
  const fills = () => Array.from(root.querySelectorAll('path.choroplethlocation'),
                                 p => getComputedStyle(p).fill).join();
  const before = fills();
  window.__down = new Promise(r => document.addEventListener('keydown', e => r(e.timeStamp),
                                                             {once: true, capture: true}));
  window.__painted = new Promise(r => {
    const obs = new MutationObserver(() => {
      if (fills() !== before) { obs.disconnect(); r(performance.now()); }
    });
    obs.observe(root, {subtree: true, attributes: true, childList: true});
  });
}"""


def serve(wsgi):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(browser, url: str, steps: int, ready: str) -> tuple[list[float], float]:
    """Repaint times (ms) and callback requests per date change."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    page.wait_for_function(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")
    handle = page.locator("#slider [role=slider]")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "_dash-update-component" in r.url else None)
    out = []
    for i in range(steps + 2):
        page.evaluate(ARM)
        handle.focus()
        handle.press("Home" if i % 2 == 0 else "End")  # 1783 (no data) <-> 2024: new colours
        t1 = page.evaluate("window.__painted")
        t0 = page.evaluate("window.__down")  # the key reached the page: the user's clock
        page.wait_for_load_state("networkidle")
        if i >= 2:  # the first two warm up plotly's code paths
            out.append(t1 - t0)
    page.close()
    return out, len(sent) / (steps + 2)


def main(steps: int = 15) -> None:
    from _naive_app import naive_app
    from _patch_app import patch_app
    from playwright.sync_api import sync_playwright

    import app

    srv = {"ours": serve(app.server), "patch": serve(patch_app().server),
           "naive": serve(naive_app().server)}  # fmt: skip
    url = {k: f"http://127.0.0.1:{s.server_port}/" for k, s in srv.items()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ours, ours_req = measure(browser, url["ours"] + "?date=2022-09-30", steps,
                                 "document.querySelector('#date-input')?.value === '2022-09-30' && "
                                 "document.querySelectorAll('#g-map path.choroplethlocation').length > 100")  # fmt: skip
        base, base_req = measure(browser, url["patch"], steps,
                                 "document.querySelectorAll('#g-map path.choroplethlocation').length > 100")  # fmt: skip
        naive, _ = measure(browser, url["naive"], max(3, steps // 3),
                           "document.querySelectorAll('#g-map path.choroplethlocation').length > 10")  # fmt: skip
        browser.close()
    for s in srv.values():
        s.shutdown()
    a, b, n = statistics.median(ours), statistics.median(base), statistics.median(naive)
    p90 = sorted(ours)[int(0.9 * (len(ours) - 1))]
    ok = a <= 30 and ours_req == 0
    print(f"repaint: browser {a:.0f} ms (median of {len(ours)}, p90 {p90:.0f} ms, {ours_req:g} requests "
          f"per change); server patch {b:.0f} ms ({base_req:g} requests); {b / a:.1f}x faster; naive "
          f"{n:.0f} ms; target <= 30 ms and no request: {'ok' if ok else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
