"""What the app's first visit transfers, in headless Chromium.

Run ``python benchmarks/bench_app_transfer.py``. The app is served in this process
(werkzeug, threaded); a fresh browser context (empty cache) opens the page and waits until
the map is drawn and the network is quiet. Summed over every response (Chromium's resource
timing): bytes on the wire (``transferSize``, compressed by flask-compress) against the same
responses' bodies uncompressed (``decodedBodySize``), measured in the same run.

Target: ≤ 1 MB on the wire. Prints e.g. ``first visit: 0.85 MB on the wire, 3.9 MB
uncompressed (4.6x less); 31 responses; plotly.js 0.45 MB``.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("BORDERLINES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ENTRIES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  return [nav, ...res].map(e => [e.name, e.transferSize, e.decodedBodySize]);
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    import app

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/?date=2022-09-30")
        page.wait_for_selector("#g-map path.choroplethlocation", timeout=60_000)
        page.wait_for_load_state("networkidle")
        entries = page.evaluate(ENTRIES)
        browser.close()
    server.shutdown()
    wire = sum(t for _, t, _ in entries)
    raw = sum(d for _, _, d in entries)
    plotly = sum(t for name, t, _ in entries if "plotly" in name)
    ok = wire <= 1_000_000
    print(f"first visit: {wire / 1e6:.2f} MB on the wire, {raw / 1e6:.2f} MB uncompressed "
          f"({raw / wire:.1f}x less); {len(entries)} responses; plotly.js {plotly / 1e6:.2f} MB; "
          f"target <= 1 MB: {'ok' if ok else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
