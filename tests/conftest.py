"""Shared fixtures: one headless Chromium for the browser tests, and live servers for the app.

Tests that drive Chromium (directly or through kaleido) are marked ``browser``; ``make test``
installs Debian's chromium first, and ``make test-fast`` deselects them. A browser test that
finds no Chromium fails with what to install: it is never skipped, so a run cannot pass
without having looked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

_CACHE = None


def pytest_configure(config):
    """The app's caches and its upload store in a folder of this run (not the user's)."""
    global _CACHE
    # a loaded CI machine must not turn an ordinary upload into "too much work"; the tests
    # of the budget itself set their own
    os.environ.setdefault("BORDERLINES_UPLOAD_SECONDS", "120")
    if "BORDERLINES_CACHE_DIR" not in os.environ:
        _CACHE = tempfile.mkdtemp(prefix="borderlines-test-cache-")
        os.environ["BORDERLINES_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)


#: Flags for a headless Chromium on a machine with no network and no sandbox (root in CI).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The Chromium the tests drive: ``BORDERLINES_CHROMIUM``, else Debian's ``chromium``."""
    path = os.environ.get("BORDERLINES_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(
            f"no Chromium at {path}: install Debian's package (apt-get install -y "
            "--no-install-recommends chromium), set BORDERLINES_CHROMIUM, or deselect the "
            "browser tests with -m 'not browser' (make test-fast)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    return chromium_path()


@pytest.fixture(scope="session")
def browser(chromium):
    """One Chromium for the whole run; each test module opens its own contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def serve():
    """``serve(wsgi_app) -> "http://127.0.0.1:<port>"``: the app in a thread until the run ends."""
    from werkzeug.serving import make_server

    servers = []

    def start(wsgi_app) -> str:
        server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


class GuardedPage:
    """A page whose requests outside ``allowed`` are refused and recorded (``outside``), with
    its script errors recorded too (``errors``)."""

    def __init__(self, context, allowed: str):
        self.page = page = context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []

        def route(r):
            if r.request.url.startswith(allowed):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)


@pytest.fixture
def offline_page(browser):
    """``offline_page(allowed="file://", width=1280)`` -> a :class:`GuardedPage` in a context
    of its own (closed after the test)."""
    contexts = []

    def make(allowed: str = "file://", width: int = 1280) -> GuardedPage:
        ctx = browser.new_context(viewport={"width": width, "height": 1000})
        contexts.append(ctx)
        return GuardedPage(ctx, allowed)

    yield make
    for ctx in contexts:
        ctx.close()
