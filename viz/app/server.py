"""The app as a server: :func:`create_app`, its routes (offline topojson, the partial
plotly.js), the background-callback manager for exports, and :func:`main` for the command
line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

try:
    import dash
except ImportError:  # pip install borderlines brings the figures and loaders, not the app
    raise ImportError("The Dash app needs the app extra: pip install 'borderlines[app]'") from None

from viz import _appstate as A
from viz.app import budget, callbacks, store
from viz.app.layout import layout

VIZ_ASSETS = Path(A.__file__).resolve().parent / "assets"
TOPOJSON_ROUTE = "/_borderlines/topojson/"
PLOTLYJS_ROUTE = "/_borderlines/plotly.min.js"
UNIQUE = 0

celery_app = None  # set when REDIS_URL is configured (``celery -A app:celery_app worker``)


def background_manager():
    """A CeleryManager when ``REDIS_URL`` is set, else a DiskcacheManager on
    ``BORDERLINES_CACHE_DIR`` (a folder in the temp dir by default).

    When ``REDIS_URL`` is set but Redis does not answer (checked with a 1 s connect) or the
    ``redis`` extra is not installed, the app logs a warning that says so and falls back to
    DiskCache: it starts, serves pages and exports on this machine, instead of failing to start
    or leaving every export waiting on a broker that is not there.
    """
    global celery_app
    url = os.environ.get("REDIS_URL")
    if url:
        problem = _redis_problem(url)
        if problem is None:
            try:
                from celery import Celery
            except ImportError:
                problem = "the redis extra is not installed (pip install 'borderlines[redis]')"
        if problem is None:
            celery_app = Celery(__name__, broker=url, backend=url)
            return dash.CeleryManager(celery_app)
        import logging

        logging.getLogger("borderlines.app").warning(
            "REDIS_URL is set but %s; exports run on this machine with DiskCache in %s",
            problem,
            A.cache_dir(),
        )
    import diskcache

    return dash.DiskcacheManager(diskcache.Cache(A.cache_dir()))


def _redis_problem(url: str, timeout: float = 1.0) -> str | None:
    """Why the Redis at ``url`` cannot be used (``None`` when it accepts a connection)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return None  # unix sockets and sentinels: left to Celery
    try:
        host, port = parts.hostname or "localhost", parts.port or 6379
    except ValueError as exc:
        return f"its port is not valid ({exc})"
    try:
        with socket.create_connection((host, port), timeout):
            return None
    except OSError as exc:  # the log names host and port only, never a password
        return f"Redis at {host}:{port} does not answer ({exc.strerror or exc})"


def create_app(events=None, control=None, regions=None, *, lang: str = "en") -> dash.Dash:
    """Build the Borderlines app.

    Parameters
    ----------
    events : DataFrame, optional
        From :func:`events.load_catalog`; default the built-in catalogue.
    control : GeoDataFrame, optional
        A status series (built-in style or from :func:`geodata.read_control`); default built-in.
    regions : GeoDataFrame, optional
        Region units (``iso_3166_2``, ``name_en``, ``name_uk``, geometry); default Ukraine's 27.
    lang : {"en", "uk"}
        Language of the page before the URL says otherwise.

    Returns
    -------
    dash.Dash
        ``app.server`` is the WSGI application.

    Examples
    --------
    >>> import app, events
    >>> dash_app = app.create_app(events.load_catalog())           # doctest: +SKIP
    >>> dash_app.run(port=8050)                                     # doctest: +SKIP
    """
    global UNIQUE
    if events is None and control is None and regions is None:
        base = A.BUILTIN_KEY
        ds = A.dataset(None, base)
    else:
        UNIQUE += 1
        base = f"app-{UNIQUE}"
        ds = A.build_dataset(events, control, regions, key=base)
        A.register(ds)

    store.check_cache_dir()  # a folder that cannot be written is named with its setting
    budget.clean_stale()  # work folders of workers killed on their way
    app = dash.Dash(
        __name__,
        assets_folder=str(VIZ_ASSETS / "dash"),
        title="Borderlines",
        update_title=None,
        serve_locally=True,
        compress=True,  # flask-compress: gzip/brotli for the scripts, the layout and callbacks
        background_callback_manager=background_manager(),
        suppress_callback_exceptions=False,
    )
    # the largest upload (base64 in a JSON POST) plus room; Flask answers 413 past it,
    # before reading the body (a 400 MiB POST used to be read and parsed first)
    app.server.config["MAX_CONTENT_LENGTH"] = int(A.MAX_UPLOAD_BYTES * 4 / 3) + 2 * 2**20
    _topojson_route(app)
    _plotlyjs_route(app)
    page = layout(ds, lang)
    graph = _find(page, "g-map")
    graph.config = {**graph.config, "topojsonURL": app.get_relative_path(TOPOJSON_ROUTE)}
    for id_ in ("g-map", "g-timeline", "g-area"):
        # plain dicts: Dash would deep-copy a go.Figure on every page load (40 ms -> 16 ms)
        g = _find(page, id_)
        if hasattr(g.figure, "to_plotly_json"):
            g.figure = g.figure.to_plotly_json()
    app.layout = page
    app.index_string = app.index_string.replace("<html>", '<html lang="en">')
    callbacks.register(app, base)
    return app


def _find(component, id_):
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            hit = _find(child, id_)
            if hit is not None:
                return hit
    return None


def _topojson_route(app):
    from flask import abort, send_from_directory

    folder = VIZ_ASSETS / "topojson"

    @app.server.route(TOPOJSON_ROUTE + "<name>")
    def topojson(name):  # plotly.js asks for world_110m.json / world_50m.json
        if not name.endswith(".json") or "/" in name:
            abort(404)
        return send_from_directory(folder, name, max_age=86400)


def _plotlyjs_route(app):
    """Serve the partial plotly.js of ``viz/assets/plotly`` before Dash's scripts: it defines
    ``window.Plotly``, which dcc.Graph then uses instead of loading plotly.py's full bundle."""
    from viz import export

    path = export.plotlyjs_path()
    if path is None:  # not the plotly.js version plotly.py expects: Dash loads its own
        return

    body = path.read_bytes()

    @app.server.route(PLOTLYJS_ROUTE)
    def plotlyjs():  # the ?v= below changes with the file, so it may be cached for long
        from flask import Response

        # a plain response (not send_file's passthrough), so flask-compress can gzip it
        res = Response(body, mimetype="text/javascript")
        res.cache_control.max_age = 365 * 86400
        res.cache_control.public = True
        return res

    version = export.plotlyjs_manifest()["sha256"][:12]
    src = f"{app.get_relative_path(PLOTLYJS_ROUTE)}?v={version}"
    app.config.external_scripts = [*app.config.external_scripts, src]


def main(argv=None, app: dash.Dash | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Run the Borderlines app (default: on the built-in data)."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument(
        "--debug", action="store_true", help="Dash debug mode (reloader, dev tools)"
    )
    parser.add_argument("--events", help="event file (YAML, CSV, JSON or a TimelineJS sheet)")
    parser.add_argument("--regions", help="regions file (GeoJSON, GeoPackage, GeoParquet, ...)")
    parser.add_argument("--control", help="control series (plain, or import-control output)")
    args = parser.parse_args(argv)
    served = app
    if args.events or args.regions or args.control:
        import events
        import geodata

        try:
            served = create_app(
                events.load_catalog(args.events) if args.events else None,
                geodata.read_series(args.control) if args.control else None,
                geodata.read_regions(args.regions) if args.regions else None,
            )
        except ValueError as exc:  # our validation errors: every problem, no traceback
            raise SystemExit(f"error: {exc}") from None
    if served is None:
        served = create_app()
    served.run(host=args.host, port=args.port, debug=args.debug)
