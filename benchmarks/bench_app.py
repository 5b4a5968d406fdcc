"""Cold start of the Dash app: from process start to the first rendered page.

Run ``python benchmarks/bench_app.py [RUNS]`` (default 3). Each run starts a fresh Python
process (``python app.py --port P``), polls the port, loads the page in headless Chromium
(already running, as a reader's browser would be) and stops the clock when the map and the
timeline are drawn. The same is measured, in the same run, for a naive app whose map callback
returns a fresh ``viz.territory_map`` figure (``benchmarks/_naive_app.py``). Target: ≤ 3 s.

Prints e.g. ``cold start: app 2.41 s (median of 3); naive 3.52 s; ratio 0.68``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("BORDERLINES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc, timeout: float = 60) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(url)


def cold_start(browser, cmd: list[str], ready_js: str) -> float:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_http(url, proc)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        page.wait_for_function(ready_js, timeout=60_000)
        elapsed = time.perf_counter() - t0
        page.close()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(runs: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    app_cmd = [sys.executable, "app.py"]
    naive_cmd = [sys.executable, "benchmarks/_naive_app.py"]
    app_ready = ("document.querySelectorAll('#g-map path.choroplethlocation').length > 100 && "
                 "document.querySelector('#g-timeline .main-svg') !== null && "
                 "document.querySelector('#date-input')?.value.length === 10")  # fmt: skip
    naive_ready = "document.querySelectorAll('#g-map path.choroplethlocation').length > 10"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        cold_start(browser, app_cmd, app_ready)  # warm the disk cache and Chromium's code cache
        ours, naive = [], []
        for _ in range(runs):
            ours.append(cold_start(browser, app_cmd, app_ready))
            naive.append(cold_start(browser, naive_cmd, naive_ready))
        browser.close()
    a, n = statistics.median(ours), statistics.median(naive)
    print(f"cold start: app {a:.2f} s (median of {runs}; runs {', '.join(f'{x:.2f}' for x in ours)}); "
          f"naive {n:.2f} s; ratio {a / n:.2f}; target <= 3 s: {'ok' if a <= 3 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
