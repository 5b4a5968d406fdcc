"""Writing figures and linked views: standalone HTML, PNG/SVG/PDF images, animated GIFs.

Builders return figures; only this module writes files. Every writer renders into memory first
and then replaces the target through a temporary file in the same folder, so a failed export
never leaves a half-written file and never damages the previous one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import html
import importlib
import io
import json
import logging
import os
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

import plotly
import plotly.graph_objects as go

# choreographer (kaleido's browser driver) logs a traceback for every message Chromium sends
# that it cannot parse and then carries on; keep those out of the user's terminal.
logging.getLogger("choreographer").setLevel(logging.CRITICAL)

IMAGE_FORMATS = {
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".webp": "webp",
}
HTML_MODES = ("inline", "cdn", "fragment")


class ExportError(RuntimeError):
    """An export could not be made (a missing program, an unknown format).

    ``kind`` says what went wrong in a stable word, for programs and tests: ``"missing-extra"``,
    ``"no-chromium"``, ``"chromium-did-not-start"``, ``"chromium-failed"`` (it stopped or
    refused while rendering), ``"timeout"`` or ``"bad-output"``; the message may change.
    """

    def __init__(self, message: str, *, kind: str = "bad-output"):
        super().__init__(message)
        self.kind = kind


def _require(module: str, extra: str, what: str):
    """Import an optional dependency, or say which extra of borderlines brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExportError(
            f"{what} needs the {extra} extra: pip install 'borderlines[{extra}]'",
            kind="missing-extra",
        ) from None


# ---------------------------------------------------------------- files


@contextlib.contextmanager
def _replacing(path: Path, suffix: str):
    """A temporary file beside ``path``, as ``(fd, name)``, that replaces ``path`` when the block
    succeeds and is removed when it fails; an OSError then names ``path``, not the temp file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        yield fd, tmp
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise


def atomic_write(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write all of ``data`` to ``path`` or nothing: temp file in the same folder, then rename."""
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with _replacing(path, ".part") as (fd, tmp):
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    return path


def _write_error(path: Path, exc: OSError) -> OSError:
    """The same kind of OSError (``errno`` kept), naming the target rather than a temp file."""
    reason = exc.strerror or str(exc)
    return OSError(exc.errno, f"cannot write {path}: {reason}; the previous file is unchanged")


# ---------------------------------------------------------------- HTML


def asset_text(name: str) -> str:
    """Text of a file shipped in ``viz/assets``."""
    return (resources.files("viz") / "assets" / name).read_text(encoding="utf-8")


def script_json(obj) -> str:
    """JSON that is safe inside a <script> element: no ``</script>``, no ``<!--``."""
    text = (
        obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    )
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )  # fmt: skip


@functools.cache
def plotlyjs_manifest() -> dict:
    """What ``viz/assets/plotly/`` holds: plotly.js version, traces, file name and sha256."""
    return json.loads(asset_text("plotly/manifest.json"))


def plotlyjs_path() -> Path | None:
    """The partial plotly.js shipped in ``viz/assets/plotly`` (only the traces the views draw,
    1.4 MB against 4.8 MB), or None when it is not the plotly.js version that the installed
    plotly.py writes figures for; callers then fall back to plotly.py's full bundle."""
    info = plotlyjs_manifest()
    if info["version"] != plotly.offline.get_plotlyjs_version():
        return None
    return Path(str(resources.files("viz") / "assets" / "plotly" / info["file"]))


@functools.cache
def _plotlyjs_text() -> str:
    path = plotlyjs_path()
    return path.read_text(encoding="utf-8") if path else plotly.offline.get_plotlyjs()


def plotlyjs_tag(mode: str) -> str:
    """The <script> that brings plotly.js for an HTML mode: the shipped partial bundle for
    ``inline``, plotly's full bundle from its CDN for ``cdn``."""
    if mode == "inline":
        return f"<script>{_plotlyjs_text()}</script>"
    return f'<script src="{cdn_url()}" charset="utf-8"></script>'


def cdn_url() -> str:
    return f"https://cdn.plot.ly/plotly-{plotly.offline.get_plotlyjs_version()}.min.js"


def geo_assets_script() -> str:
    """Defines ``window.PlotlyGeoAssets`` so plotly.js never fetches its world topojson."""
    stub = asset_text("topojson/world_110m.json").strip()
    return (
        "<script>window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson.world_110m={stub};"
        f"window.PlotlyGeoAssets.topojson.world_50m={stub};</script>"
    )


def _check_mode(mode: str) -> None:
    if mode not in HTML_MODES:
        raise ValueError(f"mode must be one of {', '.join(HTML_MODES)}, not {mode!r}")


PLOT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def figure_html(fig: go.Figure, mode: str = "inline", *, div_id: str = "borderlines-figure") -> str:
    """A figure as a standalone page (``inline``/``cdn``) or a ``<div>`` + ``<script>`` fragment."""
    _check_mode(mode)
    spec = fig.to_plotly_json()
    layout = dict(spec.get("layout", {}))
    height = layout.get("height") or 500
    layout.pop("width", None)
    layout["autosize"] = True
    payload = script_json(
        json.dumps(
            {"data": spec.get("data", []), "layout": layout}, cls=plotly.utils.PlotlyJSONEncoder
        )
    )
    div = f'<div id="{div_id}" class="borderlines-figure" style="width:100%;height:{int(height)}px"></div>'
    render = (
        "<script>(function(){"
        f"var spec={payload};var el=document.getElementById({json.dumps(div_id)});"
        f"function draw(){{Plotly.newPlot(el,spec.data,spec.layout,{json.dumps(PLOT_CONFIG)});}}"
        + (_loader_js() if mode == "fragment" else "draw();")
        + "})();</script>"
    )
    if mode == "fragment":
        return geo_assets_script() + div + render
    # the figure title is escaped for plotly already: unescape, then escape once for <title>
    title = html.escape(
        html.unescape(str(layout.get("title", {}).get("text") or "Borderlines figure"))
    )
    return page(title, geo_assets_script() + plotlyjs_tag(mode) + div + render)


def _loader_js(target: str = "el") -> str:
    """Fragment mode: draw with the host page's plotly.js, which may come after the fragment
    (then it draws on ``load``). Nothing is fetched: without plotly.js on the page, a note in
    the element ``target`` (a JS variable) says what the page lacks."""
    note = f"This figure needs plotly.js {plotly.offline.get_plotlyjs_version()} on the page."
    return (
        "if(window.Plotly){draw();}else{var wait=function(){if(window.Plotly){draw();return;}"
        "var p=document.createElement('p');p.className='borderlines-no-plotly';"
        f"p.textContent={json.dumps(note)};{target}.insertBefore(p,{target}.firstChild);}};"
        "if(document.readyState==='complete'){wait();}else{window.addEventListener('load',wait);}}"
    )


HEIGHT_REPORTER = (
    "<script>(function(){if(window.parent===window)return;function send(){window.parent.postMessage("
    "{type:'borderlines:height',height:document.documentElement.scrollHeight},'*');}"
    "window.addEventListener('load',send);window.addEventListener('resize',send);"
    "if(window.ResizeObserver){new ResizeObserver(send).observe(document.body);}})();</script>"
)


def page(title: str, body: str, *, head: str = "") -> str:
    """A complete HTML document around ``body`` that reports its height to a parent frame."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{margin:0;font-family:'DejaVu Sans',Arial,sans-serif;color:#222;background:#fff}</style>"
        f"{head}</head><body>{body}{HEIGHT_REPORTER}</body></html>\n"
    )


def to_html(obj, mode: str = "inline") -> str:
    """Render a figure or a linked view as HTML.

    Parameters
    ----------
    obj : plotly Figure or LinkedView
        What to render (:func:`viz.linked_view` builds a LinkedView).
    mode : {"inline", "cdn", "fragment"}
        ``inline`` puts plotly.js in the page (works from ``file://`` with no network; a
        partial bundle with the traces the views draw, 1.4 MB), ``cdn`` loads plotly's full
        bundle from the plotly CDN, ``fragment`` is a ``<div>`` + ``<script>`` to paste into a
        CMS page (it draws with the page's plotly.js and fetches nothing).
    """
    if isinstance(obj, go.Figure):
        return figure_html(obj, mode)
    if hasattr(obj, "to_html"):
        return obj.to_html(mode)
    raise TypeError(f"to_html takes a plotly Figure or a LinkedView, not {type(obj).__name__}")


def write_html(obj, path: str | os.PathLike, mode: str = "inline") -> Path:
    """Write :func:`to_html` output to ``path`` (``.html``/``.htm``), atomically."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"cannot write {path.name!r} as HTML: the name must end in .html or .htm")
    return atomic_write(path, to_html(obj, mode))


# ---------------------------------------------------------------- images


def find_chromium() -> str:
    """Path of the Chromium that kaleido drives; an ExportError says what to install."""
    _require("kaleido", "export", "PNG/SVG/PDF export")
    for cand in (os.environ.get("BORDERLINES_CHROMIUM"), os.environ.get("BROWSER_PATH")):
        if cand and Path(cand).is_file():
            return cand
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise ExportError(
        "image export needs Chromium and none was found. Install Debian's package "
        "(apt-get install -y --no-install-recommends chromium) or set BORDERLINES_CHROMIUM "
        "to a Chromium executable.",
        kind="no-chromium",
    )


def _image_format(path: Path) -> str:
    fmt = IMAGE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot write {path.name!r}: unknown image suffix; allowed: {', '.join(IMAGE_FORMATS)}"
        )
    return fmt


def _topojson_url() -> str:
    return (Path(str(resources.files("viz") / "assets" / "topojson"))).resolve().as_uri() + "/"


class _Chromium:
    """One kaleido browser on an event loop in its own thread, with a deadline on every call.

    kaleido's own sync server waits without a deadline: when Chromium cannot start, or dies
    mid-render, the next call waits forever (the dead tab is never handed back). Here a call
    fails with the browser's error or a timeout, and a failed browser is replaced on the next call.
    """

    START_S = 60.0
    RENDER_S = 120.0  # above kaleido's own 90 s per image

    def __init__(self, path: str):
        self.path = path
        self.kaleido = None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="borderlines-chromium", daemon=True
        )
        self.thread.start()

    def _run(self, coro, timeout: float, what: str):
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer from Chromium in {timeout:.0f} s while {what}") from None

    async def _open(self):
        kaleido = _require("kaleido", "export", "PNG/SVG/PDF export")
        self.kaleido = kaleido.Kaleido(path=self.path)
        await self.kaleido.open()

    def start(self) -> None:
        if self.kaleido is None:
            try:
                self._run(self._open(), self.START_S, "starting")
            except ExportError:
                self._drop()
                raise
            except (Exception, asyncio.CancelledError) as exc:
                self._drop()
                raise _chromium_error(exc, self.path, started=False) from exc

    def calc(self, fig_dict, opts, topojson) -> bytes:
        self.start()
        try:
            return self._run(
                self.kaleido.calc_fig(fig_dict, opts=opts, topojson=topojson),
                self.RENDER_S,
                "rendering",
            )
        except BaseException:
            self._drop()  # the next call starts a fresh browser
            raise

    @staticmethod
    async def _cancel_rest() -> None:
        # a dead browser leaves its watchdog and reader tasks behind
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    def _drop(self) -> None:
        k, self.kaleido = self.kaleido, None
        if k is not None:
            with contextlib.suppress(BaseException):
                self._run(k.close(), 10, "closing")

    def close(self) -> None:
        self._drop()
        with contextlib.suppress(BaseException):
            self._run(self._cancel_rest(), 10, "closing")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        if not self.thread.is_alive():
            self.loop.close()


_BATCH: _Chromium | None = None


def _chromium_error(exc: BaseException, path: str, *, started: bool = True) -> ExportError:
    """Our error for whatever kaleido or choreographer raised (a zoo of types and sentences)."""
    # choreographer packs its message into a tuple of sentences; the first one says what happened
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    detail = f"{type(exc).__name__}: {detail or 'no detail'}"
    if isinstance(exc, TimeoutError):
        kind, what = "timeout", "did not answer in time"
    elif started:
        kind, what = "chromium-failed", "stopped or refused while rendering"
    else:
        kind, what = "chromium-did-not-start", "did not start"
    return ExportError(
        f"image export failed in Chromium ({path}): the browser {what} ({detail})", kind=kind
    )


def to_image(fig: go.Figure, fmt: str = "png", *, width=None, height=None, scale=None) -> bytes:
    """Render a figure to PNG/SVG/PDF/JPEG/WebP bytes with kaleido and the system Chromium.

    Raises
    ------
    ExportError
        When Chromium is missing, cannot start, dies mid-render or does not answer in time.
    """
    layout = fig.layout
    opts = {
        "format": fmt,
        "width": width or layout.width or 1200,
        "height": height or layout.height or 600,
        "scale": scale or 1,
    }
    browser = _BATCH or _Chromium(find_chromium())
    try:
        return browser.calc(fig.to_dict(), opts, _topojson_url())
    except ExportError:
        raise
    except (Exception, asyncio.CancelledError) as exc:  # a zoo of types when the browser dies
        raise _chromium_error(exc, browser.path) from exc
    finally:
        if browser is not _BATCH:
            browser.close()


def write_image(
    fig: go.Figure, path: str | os.PathLike, *, width=None, height=None, scale=None
) -> Path:
    """Write a figure to PNG, SVG or PDF (by suffix; JPEG and WebP too), atomically.

    Inside :func:`image_batch` the same Chromium serves every call, which is several times
    faster than starting one per image.

    Raises
    ------
    ExportError
        When Chromium is missing (the message says what to install) or dies mid-export; the
        previous file at ``path`` is left as it was.
    """
    path = Path(path)
    fmt = _image_format(path)
    return atomic_write(path, to_image(fig, fmt, width=width, height=height, scale=scale))


@contextlib.contextmanager
def image_batch():
    """Keep one Chromium alive for many :func:`write_image` calls.

    >>> with image_batch():                                    # doctest: +SKIP
    ...     for d in dates:
    ...         write_image(territory_map(d), f"map-{d}.png")
    """
    global _BATCH
    if _BATCH is not None:  # nested: the outer batch's browser serves
        yield
        return
    browser = _Chromium(find_chromium())
    try:
        browser.start()
    except BaseException:
        browser.close()
        raise
    _BATCH = browser
    try:
        yield
    finally:
        _BATCH = None
        browser.close()


def write_images(
    items, *, progress: bool | None = None, width=None, height=None, scale=None
) -> list[Path]:
    """Write many ``(figure, path)`` pairs with one browser, with a progress bar."""
    from tqdm.auto import tqdm

    items = list(items)
    out = []
    with image_batch():
        for fig, path in tqdm(
            items, desc="images", unit="fig", disable=None if progress is None else not progress
        ):
            out.append(write_image(fig, path, width=width, height=height, scale=scale))
    return out


def write_gif(
    figs,
    path: str | os.PathLike,
    *,
    duration_ms: int = 1200,
    width=None,
    height=None,
    progress=None,
) -> Path:
    """An animated GIF from a sequence of figures (e.g. the map at each key date)."""
    from tqdm.auto import tqdm

    Image = _require("PIL.Image", "export", "GIF export")

    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"cannot write {path.name!r}: an animation must end in .gif")
    frames = []
    figs = list(figs)
    with image_batch():
        for fig in tqdm(
            figs, desc="frames", unit="frame", disable=None if progress is None else not progress
        ):
            png = to_image(fig, "png", width=width, height=height)
            frames.append(
                Image.open(io.BytesIO(png))
                .convert("RGB")
                .quantize(colors=128, dither=Image.Dither.NONE)
            )
    if not frames:
        raise ValueError("no frames to write")
    buf = io.BytesIO()
    frames[0].save(
        buf, format="GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0
    )
    return atomic_write(path, buf.getvalue())


def write_video(
    figs, path: str | os.PathLike, *, fps: float = 1.0, width=None, height=None, progress=None
) -> Path:
    """An MP4 (H.264) from a sequence of figures, with the ffmpeg that ``imageio-ffmpeg`` ships.

    Needs the ``video`` extra (``pip install 'borderlines[video]'``); written atomically.
    """
    from tqdm.auto import tqdm

    path = Path(path)
    if path.suffix.lower() != ".mp4":
        raise ValueError(f"cannot write {path.name!r}: a video must end in .mp4")
    imageio_ffmpeg = _require("imageio_ffmpeg", "video", "MP4 export")
    Image = _require("PIL.Image", "video", "MP4 export")
    figs = list(figs)
    if not figs:
        raise ValueError("no frames to write")
    if not path.parent.exists():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    with _replacing(path, ".mp4") as (fd, tmp):
        os.close(fd)
        writer = None
        with image_batch():
            for fig in tqdm(
                figs,
                desc="frames",
                unit="frame",
                disable=None if progress is None else not progress,
            ):
                img = Image.open(
                    io.BytesIO(to_image(fig, "png", width=width, height=height))
                ).convert("RGB")
                if writer is None:
                    # H.264 in yuv420p needs even sides: pad by one pixel where needed
                    size = (img.width + img.width % 2, img.height + img.height % 2)
                    writer = imageio_ffmpeg.write_frames(
                        tmp,
                        size,
                        fps=fps,
                        codec="libx264",
                        pix_fmt_out="yuv420p",
                        macro_block_size=1,
                    )
                    writer.send(None)
                if img.size != size:
                    canvas = Image.new("RGB", size, "white")
                    canvas.paste(
                        img.crop((0, 0, min(img.width, size[0]), min(img.height, size[1])))
                    )
                    img = canvas
                writer.send(img.tobytes())
        writer.close()
    return path
