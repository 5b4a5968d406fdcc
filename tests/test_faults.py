"""Faults: Chromium missing or killed during an export, a full disk, a read-only output folder,
Redis unavailable. Each gives a clear error, leaves the previous file byte-identical and no
temporary file, and the app keeps serving."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import psutil
import pytest
from dash import no_update

import viz
from viz import cli, export

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = b"previous export \x00\xff kept byte for byte\n"
MISSING = r"image export needs Chromium and none was found\. Install Debian's package"


@pytest.fixture(scope="module")
def fig():
    return go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2]), layout=dict(width=320, height=200))


@pytest.fixture
def previous(tmp_path):
    """A folder holding one earlier export per suffix; ``check()`` says nothing else appeared."""

    class Previous:
        folder = tmp_path

        def __call__(self, name: str) -> Path:
            path = tmp_path / name
            path.write_bytes(PREVIOUS)
            return path

        def check(self, *paths: Path) -> None:
            for path in paths:
                assert path.read_bytes() == PREVIOUS
            assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)

    return Previous()


@pytest.fixture
def no_chromium(monkeypatch, tmp_path_factory):
    """No Chromium anywhere: the variables point at nothing and PATH holds an empty folder."""
    empty = tmp_path_factory.mktemp("empty-bin")
    monkeypatch.setenv("BORDERLINES_CHROMIUM", str(empty / "no-such-chromium"))
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    return empty


def fake_chromium(folder: Path, monkeypatch) -> Path:
    """A 'Chromium' that exits at once, as one that crashes on start would."""
    exe = folder / "fake-chromium"
    exe.write_text("#!/bin/sh\nexit 3\n")
    exe.chmod(0o755)
    monkeypatch.setenv("BORDERLINES_CHROMIUM", str(exe))
    return exe


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 20), "white").save(buf, format="PNG")
    return buf.getvalue()


def kill_kaleido_chromium() -> int:
    """SIGKILL the Chromium processes kaleido started from this process (kaleido's wrapper is a
    python child of ours; Playwright's Chromium hangs under node and is left alone)."""
    victims = [
        proc
        for child in psutil.Process().children()
        if child.name().startswith("python")
        for proc in child.children(recursive=True)
        if "chrom" in proc.name().lower()
    ]
    for proc in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(victims, timeout=10)
    return len(victims)


# Tests that render for real need Chromium: the `chromium` fixture fails (never skips) without it.
needs_chromium = pytest.mark.usefixtures("chromium")


# ---------------------------------------------------------------- Chromium missing


@pytest.mark.parametrize("writer", ["image", "images", "gif", "video"])
def test_chromium_missing(fig, previous, no_chromium, writer):
    target = previous(
        {"image": "map.png", "images": "frame.png", "gif": "a.gif", "video": "a.mp4"}[writer]
    )
    call = {
        "image": lambda: viz.write_image(fig, target),
        "images": lambda: viz.write_images([(fig, target)], progress=False),
        "gif": lambda: viz.write_gif([fig, fig], target, progress=False),
        "video": lambda: viz.write_video([fig, fig], target, progress=False),
    }[writer]
    with pytest.raises(export.ExportError, match=MISSING):
        call()
    previous.check(target)


def test_chromium_missing_cli_prints_a_message(previous, no_chromium, capsys):
    target = previous("map.png")
    assert cli.main(["map", "--date", "2022-09-30", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert re.match(r"error: " + MISSING, err)
    assert "Traceback" not in err
    previous.check(target)


# ---------------------------------------------------------------- Chromium dies


@pytest.mark.browser
def test_chromium_that_exits_at_once(fig, previous, monkeypatch, tmp_path_factory):
    exe = fake_chromium(tmp_path_factory.mktemp("bin"), monkeypatch)
    target = previous("map.png")
    failed = (
        rf"image export failed in Chromium \({re.escape(str(exe))}\): the browser did not start"
    )
    with pytest.raises(export.ExportError, match=failed) as info:
        viz.write_image(fig, target)
    assert info.value.kind == "chromium-did-not-start"
    with pytest.raises(export.ExportError, match=failed) as info:  # a batch fails at once
        viz.write_images([(fig, target)], progress=False)
    assert info.value.kind == "chromium-did-not-start"
    previous.check(target)


@pytest.mark.browser
@needs_chromium
def test_chromium_killed_while_rendering(fig, previous, monkeypatch):
    from kaleido._kaleido_tab import _KaleidoTab

    target = previous("map.png")
    render = _KaleidoTab._calc_fig
    kills = []

    async def killed_midway(self, *args, **kwargs):
        kills.append(kill_kaleido_chromium())
        return await render(self, *args, **kwargs)

    with viz.image_batch():
        monkeypatch.setattr(_KaleidoTab, "_calc_fig", killed_midway)
        with pytest.raises(export.ExportError, match=r"image export failed in Chromium") as info:
            viz.write_image(fig, target)
        assert info.value.kind in ("chromium-failed", "timeout")
        assert kills and kills[0] > 0
        previous.check(target)
        monkeypatch.setattr(_KaleidoTab, "_calc_fig", render)
        # the same batch goes on with a fresh Chromium instead of waiting forever
        assert viz.write_image(fig, target).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
@needs_chromium
def test_chromium_killed_between_images_of_a_batch(fig, previous):
    first, second = previous("a.png"), previous("b.png")
    with viz.image_batch():
        viz.write_image(fig, first)
        assert kill_kaleido_chromium() > 0
        with pytest.raises(export.ExportError, match=r"image export failed in Chromium") as info:
            viz.write_image(fig, second)
        assert info.value.kind in ("chromium-failed", "chromium-did-not-start")
        assert second.read_bytes() == PREVIOUS
        assert viz.write_image(fig, second).read_bytes()[:4] == b"\x89PNG"
    assert first.read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in previous.folder.iterdir()) == ["a.png", "b.png"]


# ---------------------------------------------------------------- a full disk


class FullDisk:
    """``os.fdopen`` files whose ``write`` stores half the bytes and then fails with ENOSPC."""

    def __init__(self, monkeypatch):
        real = os.fdopen

        class Half(io.FileIO):
            def write(self, data):
                super().write(bytes(data)[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def fdopen(fd, mode="r", *args, **kwargs):
            return Half(fd, "wb") if "w" in mode else real(fd, mode, *args, **kwargs)

        monkeypatch.setattr(export.os, "fdopen", fdopen)


def full_disk_on_fsync(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export.os, "fsync", fsync)


@pytest.mark.parametrize("where", ["write", "fsync"])
@pytest.mark.parametrize("writer", ["html", "image", "gif"])
def test_full_disk(fig, previous, monkeypatch, where, writer):
    target = previous({"html": "map.html", "image": "map.png", "gif": "a.gif"}[writer])
    monkeypatch.setattr(export, "to_image", lambda *a, **k: png_bytes())  # disk, not Chromium
    monkeypatch.setattr(export, "image_batch", contextlib.nullcontext)
    FullDisk(monkeypatch) if where == "write" else full_disk_on_fsync(monkeypatch)
    call = {
        "html": lambda: viz.write_html(fig, target, mode="cdn"),
        "image": lambda: viz.write_image(fig, target),
        "gif": lambda: viz.write_gif([fig, fig], target, progress=False),
    }[writer]
    with pytest.raises(
        OSError,
        match=rf"cannot write {re.escape(str(target))}: No space left on device; the previous file is unchanged",
    ) as info:
        call()
    assert info.value.errno == errno.ENOSPC
    previous.check(target)


@pytest.mark.browser
@needs_chromium
def test_full_disk_after_a_real_render(fig, previous, monkeypatch):
    target = previous("map.svg")
    full_disk_on_fsync(monkeypatch)
    with pytest.raises(OSError, match=r"map\.svg: No space left on device"):
        viz.write_image(fig, target)
    previous.check(target)


def test_full_disk_cli_prints_a_message(previous, monkeypatch, capsys):
    target = previous("linked.html")
    FullDisk(monkeypatch)
    assert cli.main(["html", "--out", str(target), "--mode", "cdn"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: [Errno 28] cannot write ") and "No space left on device" in err
    assert "Traceback" not in err
    previous.check(target)


# ---------------------------------------------------------------- a read-only folder


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
@pytest.mark.parametrize("writer", ["html", "image", "video"])
def test_read_only_folder(fig, previous, monkeypatch, code, writer):
    """Tests run as root, where chmod does not stop writes: the temp file cannot be made."""
    target = previous({"html": "map.html", "image": "map.png", "video": "a.mp4"}[writer])

    def mkstemp(*args, dir=None, **kwargs):
        raise OSError(code, os.strerror(code), str(dir))

    monkeypatch.setattr(export.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(export, "to_image", lambda *a, **k: png_bytes())
    call = {
        "html": lambda: viz.write_html(fig, target, mode="cdn"),
        "image": lambda: viz.write_image(fig, target),
        "video": lambda: viz.write_video([fig], target, progress=False),
    }[writer]
    with pytest.raises(OSError, match=re.escape(str(target.name))) as info:
        call()
    assert info.value.errno == code and os.strerror(code) in str(info.value)
    previous.check(target)


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str = "64k"):
    """A real, tiny file system at ``folder`` (root with CAP_SYS_ADMIN only, else a skip)."""
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                            str(folder)], capture_output=True, text=True, timeout=30)  # fmt: skip
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True, timeout=30)


def test_read_only_folder_for_real(fig, tmp_path):
    """A real read-only folder: ``chmod 0o555`` for a normal user; root ignores modes, so as
    root a tmpfs remounted read-only."""
    if os.geteuid() == 0:
        ctx = tiny_tmpfs(tmp_path / "ro")
    else:
        (tmp_path / "ro").mkdir()
        ctx = contextlib.nullcontext(tmp_path / "ro")
    with ctx as folder:
        target = folder / "map.html"
        target.write_bytes(PREVIOUS)
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, timeout=30)
            reason, code = "Read-only file system", errno.EROFS
        else:
            folder.chmod(0o555)
            reason, code = "Permission denied", errno.EACCES
        try:
            with pytest.raises(
                OSError,
                match=rf"cannot write {re.escape(str(target))}: {reason}; the previous file is unchanged",
            ) as info:
                viz.write_html(fig, target, mode="cdn")
            assert info.value.errno == code
            assert target.read_bytes() == PREVIOUS
            assert [p.name for p in folder.iterdir()] == ["map.html"]
        finally:
            if os.geteuid() != 0:
                folder.chmod(0o755)  # so pytest can clean up


def test_full_disk_for_real(fig, tmp_path):
    """A 64 KiB tmpfs and a 4.8 MB page: the kernel's own ENOSPC."""
    with tiny_tmpfs(tmp_path / "small") as folder:
        target = folder / "page.html"
        target.write_bytes(PREVIOUS)
        with pytest.raises(
            OSError, match=rf"cannot write {re.escape(str(target))}: No space left on device"
        ) as info:
            viz.write_html(fig, target, mode="inline")
        assert info.value.errno == errno.ENOSPC
        assert target.read_bytes() == PREVIOUS
        assert [p.name for p in folder.iterdir()] == ["page.html"]


# ---------------------------------------------------------------- the app


@pytest.fixture
def app_mod():
    from viz.app import server

    return server


@pytest.fixture
def callbacks():
    from viz.app import callbacks

    return callbacks


def test_app_export_reports_missing_chromium(callbacks, no_chromium):
    data, status = callbacks.export_view("png", "2022-09-30", None, None)
    assert data is no_update
    assert re.match(r"The export failed: " + MISSING, status)
    data, status = callbacks.export_view("svg", "2022-09-30", {"lang": "uk"}, None)
    assert status.startswith("Експорт не вдався: image export needs Chromium")
    # and the app goes on: the HTML export needs no Chromium
    data, status = callbacks.export_view("html", "2022-09-30", None, None)
    assert data["filename"] == "borderlines-map-2022-09-30.html" and status.startswith(
        "Export ready"
    )


@pytest.mark.browser
def test_app_export_reports_chromium_that_exits(app_mod, monkeypatch, tmp_path):
    exe = fake_chromium(tmp_path, monkeypatch)
    data, status = app_mod.callbacks.export_view("png", "2022-09-30", None, None)
    assert data is no_update
    # What choreographer says depends on a race (the browser's exit against its own close()):
    # the kind of failure and the browser named are what is stable.
    prefix = (
        f"The export failed: image export failed in Chromium ({exe}): the browser did not start"
    )
    assert status.startswith(prefix), status


def listening_socket():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_redis_unreachable_falls_back_to_diskcache(app_mod, monkeypatch, caplog):
    import dash

    monkeypatch.setenv("REDIS_URL", "redis://:secret@127.0.0.1:1/0")
    with caplog.at_level("WARNING", logger="borderlines.app"):
        built = app_mod.create_app()
    assert isinstance(built._background_manager, dash.DiskcacheManager)
    assert app_mod.celery_app is None
    (record,) = [r for r in caplog.records if r.name == "borderlines.app"]
    assert re.match(
        r"REDIS_URL is set but Redis at 127\.0\.0\.1:1 does not answer \(Connection refused\); exports run on this machine with DiskCache in ",
        record.getMessage(),
    )
    assert "secret" not in record.getMessage()
    client = built.server.test_client()
    page = client.get("/")
    assert page.status_code == 200 and b"_dash-renderer" in page.data
    assert client.get("/_dash-layout").status_code == 200
    data, status = app_mod.callbacks.export_view("linked", "2022-09-30", None, None)
    assert status == "Export ready: borderlines-linked-2022-09-30.html"


def test_redis_without_the_extra_falls_back_to_diskcache(app_mod, monkeypatch, caplog):
    import dash

    with listening_socket() as sock:
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{sock.getsockname()[1]}/0")
        monkeypatch.setitem(sys.modules, "celery", None)  # import celery -> ImportError
        with caplog.at_level("WARNING", logger="borderlines.app"):
            manager = app_mod.background_manager()
    assert isinstance(manager, dash.DiskcacheManager)
    assert "the redis extra is not installed (pip install 'borderlines[redis]')" in caplog.text


# ---------------------------------------------------------------- the app in a browser


@pytest.mark.browser
@needs_chromium
def test_browser_export_failure_shows_message_and_page_keeps_working(
    browser, serve, app_mod, no_chromium
):
    """The export job is forked by DiskCache from this process, so it inherits no_chromium.

    (``browser`` is a session fixture: it was started before ``no_chromium`` hid Chromium.)"""
    base = serve(app_mod.create_app().server)
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        page.goto(base + "/?date=2022-09-30")
        page.wait_for_selector("#g-map .choroplethlocation")
        page.wait_for_function("document.querySelector('#date-input').value === '2022-09-30'")
        page.click("#btn-export-png")
        page.wait_for_function(
            "document.querySelector('#export-status').textContent.startsWith('The export failed')"
        )
        status = page.inner_text("#export-status")
        assert re.match(r"The export failed: " + MISSING, status)
        assert "Traceback" not in page.content()
        page.wait_for_function("!document.querySelector('#btn-export-png').disabled")
        page.click("#btn-next-month")  # the page keeps working
        page.wait_for_function("location.search.includes('date=2022-10-30')")
        with page.expect_download(timeout=60_000) as info:
            page.click("#btn-export-html")  # and so do exports that need no Chromium
        assert info.value.suggested_filename == "borderlines-map-2022-10-30.html"
        page.wait_for_function(
            "document.querySelector('#export-status').textContent.startsWith('Export ready')"
        )
        assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []
    finally:
        context.close()
