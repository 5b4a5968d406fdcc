"""Record one real session of the app in headless Chromium, for ``bench_load.py`` to replay.

The browser loads the page, moves the slider, picks an event in the table, clicks a region on
the map and switches the language; every request it makes to the server is kept with its
method, path, body, headers, status, cache headers and the user action it belongs to.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("BORDERLINES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
RECORD_DATE = "2022-09-30"
KEEP_HEADERS = ("content-type", "accept", "accept-encoding", "x-csrftoken")


@dataclass
class Request:
    step: str
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    status: int
    cacheable: bool  # the browser keeps it (max-age > 0), so later page loads skip it

    @property
    def kind(self) -> str:
        if self.method == "POST":
            return f"callback:{self.step}"
        if self.path.split("?")[0] == "/":
            return "page"
        if self.path.startswith(("/_dash-layout", "/_dash-dependencies")):
            return "dash-meta"
        return "asset"


@dataclass
class Session:
    requests: list[Request] = field(default_factory=list)

    def summary(self) -> str:
        steps: dict[str, list[str]] = {}
        for r in self.requests:
            steps.setdefault(r.step, []).append(r.method)
        return "; ".join(
            f"{s}: {m.count('GET')} GET + {m.count('POST')} POST" for s, m in steps.items()
        )


def _max_age(headers: dict[str, str]) -> int:
    for part in headers.get("cache-control", "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "max-age" and value.isdigit():
            return int(value)
    return 0


def record(base: str, timeout_s: float = 60) -> Session:
    """Drive the app at ``base`` once and return what the browser asked of the server."""
    from playwright.sync_api import sync_playwright

    session = Session()
    state = {"step": "load", "pending": 0, "last": time.monotonic()}

    def on_request(req):
        if req.url.startswith(base):
            state["pending"] += 1
            state["last"] = time.monotonic()

    def on_done(req):
        if req.url.startswith(base):
            state["pending"] -= 1
            state["last"] = time.monotonic()

    def on_response(resp):
        req = resp.request
        if not req.url.startswith(base):
            return
        parts = urlsplit(req.url)
        headers = {k: v for k, v in req.headers.items() if k.lower() in KEEP_HEADERS}
        body = req.post_data_buffer if req.method == "POST" else None
        session.requests.append(Request(state["step"], req.method, parts.path + (f"?{parts.query}" if parts.query else ""),
                                        body, headers, resp.status, _max_age(resp.headers) > 0))  # fmt: skip

    def settle(page) -> None:
        """Wait until no request to the server has been in flight for 0.5 s (at most timeout_s)."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if state["pending"] <= 0 and time.monotonic() - state["last"] > 0.5:
                return
            page.wait_for_timeout(50)
        raise TimeoutError(f"the app kept loading for {timeout_s} s after {state['step']!r}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(timeout_s * 1000)
            page.on("request", on_request)
            page.on("requestfinished", on_done)
            page.on("requestfailed", on_done)
            page.on("response", on_response)

            page.goto(f"{base}/?date={RECORD_DATE}")
            page.wait_for_selector("#g-map .choroplethlocation")
            page.wait_for_selector("#g-timeline .main-svg")
            page.wait_for_function(
                f"document.querySelector('#date-input').value === '{RECORD_DATE}'"
            )
            settle(page)

            state["step"] = "slider"
            handle = page.locator("#slider [role=slider]")
            handle.focus()
            handle.press("ArrowLeft")
            page.wait_for_function(f"!location.search.includes('{RECORD_DATE}')")
            settle(page)

            state["step"] = "event"
            page.locator("table.events tbody tr button").nth(3).click()
            page.wait_for_function("location.search.includes('event=')")
            settle(page)

            state["step"] = "region"
            page.locator("#g-map").scroll_into_view_if_needed()
            box = page.evaluate("""() => {
                const gd = document.querySelector('#g-map .js-plotly-plot');
                const i = gd.data[2].locations.indexOf('UA-43');
                const trace = document.querySelectorAll('#g-map .choroplethlayer .trace')[2];
                const r = trace.querySelectorAll('path.choroplethlocation')[i].getBoundingClientRect();
                return {x: r.x + r.width * 0.55, y: r.y + r.height * 0.5};
            }""")
            page.mouse.click(box["x"], box["y"])
            page.wait_for_function("location.search.includes('region=UA-43')")
            settle(page)

            state["step"] = "lang"
            page.click("#btn-lang")
            page.wait_for_function("document.documentElement.lang === 'uk'")
            settle(page)
        finally:
            browser.close()
    return session
