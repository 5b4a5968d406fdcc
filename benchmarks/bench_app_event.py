"""Event click to updated views, in headless Chromium.

Run ``python benchmarks/bench_app_event.py [N]`` (default 10). The app is served in this
process (werkzeug, threaded). An event button of the events table gets an Enter key press;
the clock starts when the key event reaches the page and stops when the detail panel names
the event, the map outlines its places and the date shows its day (an event selection still
goes to the server: one round trip). Alternates between two events far apart in time.

Target (issue 11): ≤ 60 ms. Prints e.g. ``event click: 180 ms median (p90 220 ms), 2
requests per click; target <= 60 ms: MISSED``.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("BORDERLINES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
EVENTS = [("crimea-annexation-manifesto-1783", "Catherine II", "19 April 1783"),
          ("kherson-liberated-2022", "Kherson", "11 November 2022")]  # fmt: skip
ARM = """([title, day]) => {
  window.__down = new Promise(r => document.addEventListener('keydown', e => r(e.timeStamp),
                                                             {once: true, capture: true}));
  window.__done = new Promise(r => {
    const ok = () => {
      const h = document.querySelector('#detail-h');
      const gd = document.querySelector('#g-map .js-plotly-plot');
      const w = gd && gd.data[2].marker.line.width;
      return h && h.textContent.includes(title) && Array.isArray(w) && Math.max(...w) === 3
        && document.querySelector('#date-long').textContent === day;
    };
    const obs = new MutationObserver(() => { if (ok()) { obs.disconnect(); r(performance.now()); } });
    obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  });
}"""


def main(n: int = 10) -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    import app

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times, sent = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"http://127.0.0.1:{server.server_port}/?date=2022-09-30")
        page.wait_for_selector("#g-map path.choroplethlocation", timeout=60_000)
        page.wait_for_load_state("networkidle")
        page.on(
            "request", lambda r: sent.append(r.url) if "_dash-update-component" in r.url else None
        )
        for i in range(n + 2):
            eid, title, day = EVENTS[i % 2]
            button = page.locator(f"button[id*='{eid}']").first
            button.focus()
            page.evaluate(ARM, [title, day])
            button.press("Enter")
            t1 = page.evaluate("window.__done")
            t0 = page.evaluate("window.__down")
            page.wait_for_load_state("networkidle")
            if i >= 2:
                times.append(t1 - t0)
        browser.close()
    server.shutdown()
    med = statistics.median(times)
    p90 = sorted(times)[int(0.9 * (len(times) - 1))]
    print(f"event click: {med:.0f} ms median (p90 {p90:.0f} ms, {len(times)} clicks), "
          f"{len(sent) / (n + 2):.1f} requests per click; target <= 60 ms: "
          f"{'ok' if med <= 60 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
