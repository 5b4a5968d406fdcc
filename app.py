"""Borderlines as a Dash app: timeline, map and area chart linked by a date, with the state in
the URL.

Run it with ``python app.py [--host 127.0.0.1] [--port 8050]`` or serve ``app:server`` with
gunicorn (``gunicorn -w 4 app:server``). :func:`create_app` builds it for other data.

The app keeps no per-user state in the server: the date and view live in the URL and in
memory stores, uploaded data in the browser's session storage; any worker can answer any
request.

Exports (PNG, SVG, standalone HTML, the linked page) run as Dash background callbacks:

* by default on a local DiskCache manager whose folder is ``BORDERLINES_CACHE_DIR`` (default:
  ``<temp dir>/borderlines-cache``); gunicorn workers on one machine share it;
* with ``REDIS_URL`` set (e.g. ``redis://localhost:6379/0``), on a Celery manager using that
  Redis as broker and result store, so exports scale across machines. Install the ``redis``
  extra and start workers with ``celery -A app:celery_app worker``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

try:
    import dash
    from dash import ALL, Input, Output, Patch, State, ctx, dcc, html, no_update
except ImportError:  # pip install borderlines brings the figures and loaders, not the app
    raise ImportError("The Dash app needs the app extra: pip install 'borderlines[app]'") from None

from viz import _appstate as A
from viz import _i18n as T
from viz import theme
from viz._text import clean
from viz.app import budget, store

HERE = Path(__file__).resolve().parent
VIZ_ASSETS = Path(A.__file__).resolve().parent / "assets"
TOPOJSON_ROUTE = "/_borderlines/topojson/"
PLOTLYJS_ROUTE = "/_borderlines/plotly.min.js"
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}
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


# ---------------------------------------------------------------- layout


def _button(id_, key, lang, **kw):
    return html.Button(T.t(key, lang), id=id_, n_clicks=0, type="button", className=kw.pop("className", "btn"),
                       **{"aria-label": T.t(key + "_aria", lang)}, **kw)  # fmt: skip


def place_text(ds: A.Dataset, key: str, lang: str) -> str:
    """A UI string; the ones that name Ukraine have a neutral form for anyone's data."""
    if key == "subtitle":
        return subtitle(ds, lang)
    if key == "area" and not ds.builtin:
        return T.t("area_title_any", lang)
    return T.t(key, lang)


def subtitle(ds: A.Dataset, lang: str) -> str:
    """The page's subtitle: the built-in dataset's, or a neutral one for anyone's data."""
    if ds.builtin and theme.is_builtin(ds.events):
        return T.t("subtitle", lang)
    return ds.events.attrs.get("title") or T.t("subtitle_any", lang)


def layout(ds: A.Dataset, lang: str = "en"):
    """The page, built for the app's own data at its last date (the URL then moves it)."""
    date = ds.hi if ds.hi <= "2024-12-31" else ds.hi
    view = A.default_view(lang)
    axis = ds.axis
    cats = [c for c in T.CATEGORIES["en"] if c in set(ds.events["category"])]
    cats += sorted(set(ds.events["category"]) - set(cats))
    return html.Div(
        id="page",
        className="page",
        children=[
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="st-date"),  # None until the URL has been read
            dcc.Store(id="st-view", data=view),
            dcc.Store(id="st-lang", data=lang),
            dcc.Store(id="session-data", storage_type="session"),
            dcc.Store(id="map-key", data=ds.key),
            dcc.Store(id="date-spec", data=A.date_spec(ds, lang)),  # the browser's date engine
            dcc.Store(id="timeline-meta", data=timeline_figure(ds, date, view)[1]),
            dcc.Store(id="viewport"),
            dcc.Interval(id="play-interval", interval=1500, disabled=True),
            dcc.Download(id="download"),
            html.A(T.t("skip", lang), href="#table-section", className="skip-link", id="skip-link"),
            html.Header(
                className="top",
                children=[
                    html.Div([html.H1(T.t("title", lang), id="app-title"),
                              html.P(subtitle(ds, lang), id="app-subtitle", className="subtitle")]),
                    _button("btn-lang", "lang_toggle", lang, className="btn lang"),
                ],
            ),  # fmt: skip
            html.Section(
                className="filters",
                **{"aria-labelledby": "filters-h"},
                children=[
                    html.H2(T.t("filters", lang), id="filters-h", className="visually-hidden"),
                    html.Fieldset(
                        className="cats",
                        children=[
                            html.Legend(T.t("category", lang), id="lbl-category"),
                            dcc.Checklist(
                                id="f-category",
                                options=[{"label": T.category_label(c, lang), "value": c} for c in cats],
                                value=[], inline=True, className="checklist",
                            ),
                        ],
                    ),
                    html.Div(className="field", children=[
                        html.Label(T.t("region", lang), htmlFor="f-region", id="lbl-region"),
                        dcc.Dropdown(id="f-region", options=_region_options(ds, lang), value=None,
                                     placeholder=T.t("region_all", lang), clearable=True, searchable=True),
                    ]),
                    html.Div(className="field", children=[
                        html.Label(T.t("search", lang), htmlFor="f-search", id="lbl-search"),
                        dcc.Input(id="f-search", type="search", debounce=True, value="",
                                  placeholder=T.t("search_placeholder", lang), className="text-input"),
                    ]),
                ],
            ),  # fmt: skip
            html.Section(
                className="timeline-section",
                **{"aria-label": T.t("timeline", lang)},
                id="timeline-section",
                children=[dcc.Graph(id="g-timeline", config=GRAPH_CONFIG, className="graph-timeline",
                                    figure=timeline_figure(ds, date, view)[0], responsive=True,
                            style={"height": "var(--timeline-h)"})],
            ),  # fmt: skip
            html.Section(
                className="date-controls",
                **{"aria-label": T.t("date", lang)},
                id="date-controls",
                children=[
                    html.Div(className="date-row", children=[
                        html.Label(T.t("date", lang), htmlFor="date-input", id="lbl-date", className="date-label"),
                        dcc.Input(id="date-input", type="text", value=date, debounce=True, className="date-input",
                                  pattern=r"\d{4}-\d{2}-\d{2}", inputMode="numeric", maxLength=10),
                        html.Span(T.format_day(date, lang), id="date-long", className="date-long",
                                  **{"aria-live": "polite"}),
                        html.Div(className="steps", role="group", children=[
                            _button("btn-prev-event", "prev_event", lang),
                            _button("btn-prev-month", "prev_month", lang),
                            _button("btn-play", "play", lang, className="btn play", **{"aria-pressed": "false"}),
                            _button("btn-next-month", "next_month", lang),
                            _button("btn-next-event", "next_event", lang),
                        ]),
                    ]),
                    html.Div(
                        className="slider-wrap", id="slider-wrap",
                        title=T.t("date_slider_aria", lang),
                        children=dcc.Slider(id="slider", min=0, max=A.SLIDER_STEPS, step=1,
                                            value=A.day_to_pos(date, axis), marks=slider_marks(ds, None),
                                            updatemode="drag", allow_direct_input=False,
                                            tooltip={"always_visible": False}),
                    ),
                ],
            ),  # fmt: skip
            html.Main(
                className="main",
                children=[
                    html.Section(
                        className="map-section", id="map-section",
                        **{"aria-label": T.t("map", lang)},
                        children=[html.H2(A.map_title(ds, date, lang), id="map-title",
                                          className="map-title"),
                                  dcc.Graph(id="g-map", figure=A.build_map(ds, date, view), className="graph-map",
                                            config={**GRAPH_CONFIG, "topojsonURL": "TOPOJSON", "scrollZoom": False},
                                            responsive=True,
                            style={"height": "var(--map-h)"})],
                    ),
                    html.Aside(
                        className="side",
                        children=[
                            html.Section(id="detail", className="detail", tabIndex="-1",
                                         **{"aria-live": "polite", "aria-labelledby": "detail-h"},
                                         children=detail_children(ds, view)),
                            html.Button(T.t("close", lang), id="btn-close-detail", n_clicks=0, type="button",
                                        className="btn close", hidden=True,
                                        **{"aria-label": T.t("close_aria", lang)}),
                            html.Section(className="tools", children=[
                                html.H2(T.t("export", lang), id="export-h"),
                                html.Div(className="btn-row", role="group", **{"aria-labelledby": "export-h"},
                                         children=[
                                             _button("btn-export-png", "export_png", lang),
                                             _button("btn-export-svg", "export_svg", lang),
                                             _button("btn-export-html", "export_html", lang),
                                             _button("btn-export-linked", "export_linked", lang),
                                         ]),
                                html.Progress(id="export-progress", max=4, value=0, className="progress",
                                              hidden=True, **{"aria-label": T.t("export_running", lang)}),
                                html.P(id="export-status", className="status", role="status"),
                                html.H2(T.t("data", lang), id="data-h"),
                                dcc.Upload(id="upload-events", max_size=A.MAX_UPLOAD_BYTES, className="upload",
                                           accept=",".join(A.EVENT_SUFFIXES),
                                           children=html.Span(T.t("upload_events", lang), id="lbl-upload-events")),
                                dcc.Upload(id="upload-control", max_size=A.MAX_UPLOAD_BYTES, className="upload",
                                           accept=",".join(A.CONTROL_SUFFIXES),
                                           children=html.Span(T.t("upload_control", lang), id="lbl-upload-control")),
                                dcc.Upload(id="upload-regions", max_size=A.MAX_UPLOAD_BYTES, className="upload",
                                           accept=",".join(A.REGION_SUFFIXES),
                                           children=html.Span(T.t("upload_regions", lang), id="lbl-upload-regions")),
                                html.Fieldset(className="mode", children=[
                                    html.Legend(T.t("upload_mode", lang), id="lbl-upload-mode"),
                                    dcc.RadioItems(id="upload-mode", value="replace", options=_mode_options(lang),
                                                   className="radios"),
                                ]),
                                html.Button(T.t("reset_data", lang), id="btn-reset-data", n_clicks=0, type="button",
                                            className="btn"),
                                html.Div(id="upload-msg", className="upload-msg", role="status",
                                         **{"aria-live": "polite"}),
                            ]),
                        ],
                    ),
                    html.Section(
                        className="area-section", id="area-section",
                        **{"aria-label": place_text(ds, "area", lang)},
                        children=[dcc.Graph(id="g-area", config=GRAPH_CONFIG, className="graph-area",
                                            figure=area_figure(ds, date, lang), responsive=True,
                            style={"height": "var(--area-h)"})],
                    ),
                ],
            ),  # fmt: skip
            html.Section(
                id="table-section", className="table-section", tabIndex="-1",
                children=[html.H2(T.t("table", lang), id="table-h"),
                          html.P(id="region-note", className="status"),
                          html.Div(id="table-wrap", children=events_table(ds, view))],
            ),  # fmt: skip
            html.Footer(className="foot", children=html.P(
                "Boundaries: Natural Earth (public domain). Front lines before 2025 are approximate; "
                "see each event's sources." if ds.builtin and not ds.own_regions else
                "Regions, events and control data: as supplied; see each event's sources.")),
        ],
    )  # fmt: skip


def _region_options(ds, lang):
    names = T.region_names(ds.regions, lang)
    return [{"label": n, "value": c} for c, n in sorted(names.items(), key=lambda kv: kv[1])]


def _mode_options(lang):
    return [
        {"label": T.t("mode_replace", lang), "value": "replace"},
        {"label": T.t("mode_join", lang), "value": "join"},
    ]


# ---------------------------------------------------------------- views as functions


_AREAS: dict = {}


def area_figure(ds: A.Dataset, date: str, lang: str):
    """The area chart with the cursor at ``date``: cached per worker by data and language (it
    took 13 ms to build per page load), only the cursor differs between dates."""
    import viz

    hit = _AREAS.get((ds.key, lang))
    if hit is None:
        own = ds.regions if ds.own_regions else None
        fig = viz.area_chart(ds.area, date=date, height=280, lang=lang, regions=own,
                             scheme=ds.scheme)  # fmt: skip
        fig.update_layout(width=None, autosize=True, margin=dict(l=56, r=12, t=40, b=36),
                          legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", xanchor="left"),
                          title=dict(y=0.98, yanchor="top"))  # fmt: skip
        fig.layout.title.text = None
        hit = fig.to_plotly_json()
        if len(_AREAS) > 16:
            _AREAS.clear()
        _AREAS[(ds.key, lang)] = hit
    shapes = [dict(s) for s in hit["layout"].get("shapes", ())]
    if shapes:  # the "date-cursor" is shape 0, as move_cursors patches it
        shapes[0].update({"x0": date, "x1": date, "visible": True} if date else {"visible": False})
    return {"data": hit["data"], "layout": {**hit["layout"], "shapes": shapes}}


_TIMELINES: dict = {}


def timeline_figure(ds: A.Dataset, date: str, view: dict, width: int | None = None):
    """The timeline of the filtered events, with the cursor at ``date``; and the meta the
    cursor callback needs (axis knots, the cursor shape's index, the width class).

    Figures are cached per worker by data, view and width class (two: narrow screens and the
    rest); only the cursor differs between dates.
    """
    import copy

    import viz

    narrow = bool(width) and width < 700
    key = (ds.key, view.get("event"), tuple(view.get("category") or ()), view.get("region"), view.get("q"),
           view.get("lang", "en"), narrow)  # fmt: skip
    hit = _TIMELINES.get(key)
    if hit is None:
        shown = A.filter_events(ds.events, view)
        fig = viz.timeline(
            shown,
            selected=view.get("event"),
            width=400 if narrow else 1200,
            height=340,
            lang=view.get("lang", "en"),
        )
        fig.update_layout(width=None, autosize=True)
        if narrow:
            fig.layout.annotations = [
                a for a in fig.layout.annotations if a.yref != "paper" or a.y != 0
            ]
        meta = {"axis": fig.layout.meta["borderlines"]["axis"], "cursor": A.shape_index(fig, "date-cursor"),
                "narrow": narrow}  # fmt: skip
        hit = (fig.to_plotly_json(), meta)
        if len(_TIMELINES) > 64:
            _TIMELINES.clear()
        _TIMELINES[key] = hit
    spec, meta = hit
    spec = {"data": spec["data"], "layout": copy.deepcopy(spec["layout"])}
    if meta["cursor"] is not None and date:
        shape = spec["layout"]["shapes"][meta["cursor"]]
        shape["x0"] = shape["x1"] = A.axis_x(date, meta["axis"])
        shape["visible"] = True
    return spec, meta


def detail_children(ds: A.Dataset, view: dict):
    """The event panel: title, date as precise as known, Old-Style date, summary, places,
    sources (only http(s) links are links)."""
    lang = view.get("lang", "en")
    eid = view.get("event")
    row = ds.events[ds.events["id"] == eid] if eid else ds.events.iloc[0:0]
    if not len(row):
        return [
            html.H2(T.t("detail", lang), id="detail-h"),
            html.P(T.t("detail_empty", lang), className="muted"),
        ]
    r = row.iloc[0].to_dict()
    names = T.region_names(ds.regions, lang)
    out = [
        html.H2(clean(r["title"]), id="detail-h"),
        html.P(className="meta", children=[
            html.Span(T.category_label(r["category"], lang), className=f"chip cat-{r['category']}"),
            html.Time(T.event_date(r, lang), dateTime=r.get("start") or ""),
        ]),
    ]  # fmt: skip
    os_date = T.old_style(r, lang)
    if os_date:
        out.append(
            html.P(
                [html.Abbr("O.S.", title=T.t("old_style", lang)), " ", os_date],
                className="old-style",
            )
        )
    if r.get("summary"):
        out.append(html.P(clean(r["summary"]), className="summary"))
    places = [names.get(p, p) for p in r.get("places") or []] + [
        clean(p.get("name")) for p in r.get("points") or []
    ]
    places = [p for p in dict.fromkeys(places) if p]
    if places:
        out += [html.H3(T.t("places", lang)), html.P(", ".join(places), className="places")]
    sources = r.get("sources") or []
    if len(sources):
        items = []
        for s in sources:
            label = (
                " — ".join(clean(x) for x in (s.get("title"), s.get("publisher")) if x)
                or s.get("url")
                or "?"
            )
            url = s.get("url") or ""
            if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
                items.append(
                    html.Li(html.A(label, href=url, target="_blank", rel="noopener noreferrer"))
                )
            else:
                items.append(
                    html.Li([label, html.Span(f" ({T.t('no_link', lang)})", className="muted")])
                )
        out += [html.H3(T.t("sources", lang)), html.Ul(items, className="sources")]
    else:
        out += [html.P(T.t("no_source", lang), className="muted no-source")]
    return out


def events_table(ds: A.Dataset, view: dict):
    """The filtered events as an HTML table; each title is a button that selects the event
    (the keyboard way to pick events, and the accessible alternative to the chart)."""
    lang = view.get("lang", "en")
    shown = A.filter_events(ds.events, view)
    names = T.region_names(ds.regions, lang)
    rows = []
    for r in shown.to_dict("records"):
        sel = r["id"] == view.get("event")
        rows.append(html.Tr(className="selected" if sel else None, children=[
            html.Td(T.event_date(r, lang), className="c-date"),
            html.Td(html.Button(clean(r["title"]), id={"type": "event-pick", "id": r["id"]}, n_clicks=0, type="button",
                                className="linkish", **{"aria-pressed": "true" if sel else "false"})),
            html.Td(T.category_label(r["category"], lang)),
            html.Td(", ".join(names.get(p, p) for p in r["places"])),
        ]))  # fmt: skip
    return html.Table(className="events", children=[
        html.Caption(T.t("table_caption", lang, n=len(shown))),
        html.Thead(html.Tr([html.Th(T.t(k, lang), scope="col") for k in ("col_date", "col_title", "col_category",
                                                                            "col_places")])),
        html.Tbody(rows),
    ])  # fmt: skip


# ---------------------------------------------------------------- callbacks as plain functions

TRIGGERS = {
    "url": "url", "slider": "slider", "date-input": "date-input", "btn-prev-event": "prev-event",
    "btn-next-event": "next-event", "btn-prev-month": "prev-month", "btn-next-month": "next-month",
    "btn-play": "play", "play-interval": "tick", "f-category": "category", "f-region": "region",
    "f-search": "search", "btn-lang": "lang", "g-timeline": "timeline-click", "g-map": "map-click",
    "btn-close-detail": "close", "session-data": "data",
}  # fmt: skip
#: What the server's state callback listens to. The slider, a typed date and the month steps
#: are not here: the browser moves the date itself (``borderlines.js``: ``onDate``).
SYNC_INPUTS = ["url.search", "btn-prev-event.n_clicks", "btn-next-event.n_clicks",
               "btn-play.n_clicks", "play-interval.n_intervals", "f-category.value", "f-region.value",
               "f-search.value", "btn-lang.n_clicks", "g-timeline.clickData", "g-map.clickData",
               "btn-close-detail.n_clicks", "session-data.data"]  # fmt: skip


def sync_state(triggered, inputs: dict, date, view, playing, payload, base=A.BUILTIN_KEY,
               map_key=None):  # fmt: skip
    """The state callback: one thing happened (``triggered``: a component id, or a dict id of
    an event button), return the new stores, URL and control values.

    Returns a dict with keys ``search, date, view, lang, category, region, q,
    interval_disabled, play_label, play_pressed, map``; unchanged ones are ``no_update``.
    """
    ds = A.dataset(payload, base)
    if date is None:  # the page's first call, whatever fired it: read the URL
        trigger, value = "url", inputs.get("url.search")
    elif isinstance(triggered, dict):
        trigger, value = (
            ("pick", triggered.get("id")) if inputs.get("pick_clicks") else ("ignore", None)
        )
    else:
        trigger = TRIGGERS.get(triggered) if triggered else None
        prop = next((k for k in SYNC_INPUTS if k.startswith(f"{triggered}.")), None)
        value = inputs.get(prop) if prop else None
        if trigger is None:
            trigger, value = "url", inputs.get("url.search")
    if trigger == "ignore" or (
        trigger in ("prev-event", "next-event", "prev-month", "next-month", "play", "lang", "close")
        and not value
    ):
        return {
            k: no_update for k in OUT_KEYS
        }  # a button re-rendered with n_clicks=0: nothing happened
    if trigger == "tick" and not playing:
        return {k: no_update for k in OUT_KEYS}
    old_date, old_view = date, {**A.default_view(), **(view or {})}
    new_date, new_view, new_playing = A.reduce(trigger, value, date, view, ds, playing=playing)
    out = {k: no_update for k in OUT_KEYS}
    from_url = trigger in (None, "url")
    if new_date != old_date or from_url:
        out["date"] = new_date  # the browser moves the slider, the cursors and the texts
    if new_view != old_view:
        out["view"] = new_view
    if new_view["lang"] != old_view["lang"]:
        out["lang"] = new_view["lang"]
    if (new_date != old_date or new_view != old_view) and not from_url:
        out["search"] = A.to_url(new_date, new_view)
    for key, inp in (
        ("category", "f-category.value"),
        ("region", "f-region.value"),
        ("q", "f-search.value"),
    ):
        current = inputs.get(inp)
        if key == "category":
            current = list(current or [])
        if new_view[key] != current and not (
            key == "q" and (current or "") == (new_view[key] or "")
        ):
            out[key] = new_view[key]
    drawn = map_key is None or map_key == ds.key  # else the map is being rebuilt for ds
    if drawn and (out["date"] is not no_update or out["view"] is not no_update):
        out["map"] = update_map(new_date, new_view, payload, base)  # same response: one round trip
    if new_playing != playing:
        lang = new_view["lang"]
        out["interval_disabled"] = not new_playing
        out["play_label"] = T.t("pause" if new_playing else "play", lang)
        out["play_pressed"] = "true" if new_playing else "false"
    return out


OUT_KEYS = ("search", "date", "view", "lang", "category", "region", "q",
            "interval_disabled", "play_label", "play_pressed", "map")  # fmt: skip


def update_map(date, view, payload, base=A.BUILTIN_KEY):
    """Date, selection or language changed: a ``Patch`` of colours, outlines, hover text and
    title. The geometry (``geojson``, ``locations``) is never resent."""
    ds = A.dataset(payload, base)
    return A.map_patch(ds, date, view or A.default_view(), Patch())


def rebuild_map(payload, map_key, date, view, base=A.BUILTIN_KEY, url=None):
    """The session's data changed: a new map with its geometry, unless it is already drawn.

    Its date and selection are the ones the state callback derives for the same data (the
    URL's on the page's first call, e.g. a reload after an upload), so neither waits for the
    other and the colours always belong to the geometry they are drawn on.
    """
    ds = A.dataset(payload, base)
    if ds.key == map_key:
        return no_update, no_update
    trigger, value = ("url", url) if date is None else ("data", None)
    date, view, _ = A.reduce(trigger, value, date, view, ds)
    return A.build_map(ds, date, view), ds.key


_SPECS: dict = {}


def date_spec(payload, lang, base=A.BUILTIN_KEY):
    """The browser's date engine for the session's data (:func:`viz._appstate.date_spec`),
    kept per worker for the datasets it holds."""
    ds = A.dataset(payload, base)
    lang = T.lang_of(lang)
    key = (ds.key, lang)
    spec = _SPECS.get(key)
    if spec is None:
        spec = A.date_spec(ds, lang)
        if len(_SPECS) > 32:
            _SPECS.clear()
        _SPECS[key] = spec
    return spec


def upload_gone(payload, lang):
    """On page load: a session whose upload the server no longer has (or never signed) is
    told so and goes back to the app's own data, instead of drawing half of each."""
    problem = A.upload_problem(payload)
    if problem is None:
        return no_update, no_update
    names = (payload or {}).get("names") if isinstance(payload, dict) else None
    shown = ", ".join(str(n)[:80] for n in (names or {}).values() if n) or "?"
    lang = T.lang_of(lang)
    return None, upload_message(False, T.t("upload_gone", lang, name=shown), [])


def update_timeline(view, payload, viewport, date, meta=None, base=A.BUILTIN_KEY):
    """Filters, selection, data or screen width changed: the timeline (cached per worker)."""
    ds = A.dataset(payload, base)
    width = (viewport or {}).get("width")
    if ctx_is("viewport") and meta and meta.get("narrow") == (bool(width) and width < 700):
        return no_update, no_update
    return timeline_figure(ds, date, view or A.default_view(), width)


def ctx_is(component_id) -> bool:
    try:
        return ctx.triggered_id == component_id
    except Exception:  # outside a callback (tests call the functions directly)
        return False


def update_area(payload, lang, date, base=A.BUILTIN_KEY):
    return area_figure(A.dataset(payload, base), date, lang)


def update_detail(view, payload, base=A.BUILTIN_KEY):
    ds = A.dataset(payload, base)
    view = view or A.default_view()
    return detail_children(ds, view), not bool(view.get("event"))


def update_table(view, payload, base=A.BUILTIN_KEY):
    ds = A.dataset(payload, base)
    view = view or A.default_view()
    note = ""
    if view.get("region"):
        name = T.region_names(ds.regions, view.get("lang", "en")).get(
            view["region"], view["region"]
        )
        note = T.t("region_filter_on", view.get("lang", "en"), name=name)
    return events_table(ds, view), note


STRING_TARGETS = [
    ("app-title", "children", "title"), ("app-subtitle", "children", "subtitle"),
    ("btn-lang", "children", "lang_toggle"), ("btn-lang", "aria-label", "lang_toggle_aria"),
    ("lbl-category", "children", "category"), ("lbl-region", "children", "region"),
    ("f-region", "placeholder", "region_all"), ("lbl-search", "children", "search"),
    ("f-search", "placeholder", "search_placeholder"), ("lbl-date", "children", "date"),
    ("slider-wrap", "title", "date_slider_aria"),
    ("btn-prev-event", "children", "prev_event"), ("btn-prev-event", "aria-label", "prev_event_aria"),
    ("btn-next-event", "children", "next_event"), ("btn-next-event", "aria-label", "next_event_aria"),
    ("btn-prev-month", "children", "prev_month"), ("btn-prev-month", "aria-label", "prev_month_aria"),
    ("btn-next-month", "children", "next_month"), ("btn-next-month", "aria-label", "next_month_aria"),
    ("btn-play", "aria-label", "play_aria"),
    ("timeline-section", "aria-label", "timeline"), ("map-section", "aria-label", "map"),
    ("area-section", "aria-label", "area"), ("date-controls", "aria-label", "date"),
    ("btn-close-detail", "children", "close"), ("btn-close-detail", "aria-label", "close_aria"),
    ("export-h", "children", "export"), ("data-h", "children", "data"),
    ("btn-export-linked", "children", "export_linked"),
    ("btn-export-png", "aria-label", "export_png_aria"), ("btn-export-svg", "aria-label", "export_svg_aria"),
    ("btn-export-html", "aria-label", "export_html_aria"),
    ("btn-export-linked", "aria-label", "export_linked_aria"),
    ("lbl-upload-events", "children", "upload_events"), ("lbl-upload-control", "children", "upload_control"),
    ("lbl-upload-regions", "children", "upload_regions"),
    ("lbl-upload-mode", "children", "upload_mode"), ("btn-reset-data", "children", "reset_data"),
    ("table-h", "children", "table"), ("skip-link", "children", "skip"),
]  # fmt: skip


def update_strings(lang, playing_disabled, payload, base=A.BUILTIN_KEY):
    """Every UI string in ``lang`` (in :data:`STRING_TARGETS` order), then the play button's
    label and the options of the filters (category and region names)."""
    ds = A.dataset(payload, base)
    lang = T.lang_of(lang)
    texts = [place_text(ds, key, lang) for _, _, key in STRING_TARGETS]
    play = T.t("play" if playing_disabled in (True, None) else "pause", lang)
    cats = [c for c in T.CATEGORIES["en"] if c in set(ds.events["category"])]
    cats += sorted(set(ds.events["category"]) - set(cats))
    cat_opts = [{"label": T.category_label(c, lang), "value": c} for c in cats]
    return [*texts, play, cat_opts, _region_options(ds, lang), _mode_options(lang)]


def slider_marks(ds, width):
    """The built-in data's fixed year marks; for anyone's data, the axis' own ticks."""
    if ds.builtin and theme.is_builtin(ds.events):
        years = [1800, 1991, 2014, 2018, 2022] if width and width < 700 else None
        return A.slider_marks(ds.axis, years)
    xs, labels = ds.axis.ticks(min(width or 900, 1200) - 120, min_px=60)
    return {str(int(round(x * A.SLIDER_STEPS))): label for x, label in zip(xs, labels, strict=True)}


def upload(triggered, ev_contents, ev_name, ctl_contents, ctl_name, mode, payload, lang,
           rg_contents=None, rg_name=None, base=A.BUILTIN_KEY):  # fmt: skip
    """An upload or a reset: the new session payload and a message (problems as a list)."""
    lang = T.lang_of(lang)
    if triggered == "btn-reset-data":
        return None, ""
    kinds = {"upload-events": ("events", ev_contents, ev_name),
             "upload-control": ("control", ctl_contents, ctl_name),
             "upload-regions": ("regions", rg_contents, rg_name)}  # fmt: skip
    if triggered not in kinds:
        return no_update, no_update
    kind, contents, name = kinds[triggered]
    shown = A._safe_name(name, "upload")
    try:  # read, validate and build in a child with a time and memory budget
        res, ds = budget.run(_upload_work, kind, contents, name, mode, payload, lang, base)
    except budget.WorkLimit as exc:
        return no_update, upload_message(
            False, T.t(f"upload_limit_{exc.kind}", lang, name=shown, limit=exc.limit), []
        )
    except RuntimeError as exc:  # building pieces and areas failed: shown, not a 500
        return no_update, upload_message(False, T.t("upload_error", lang, name=shown),
                                         [str(exc) or type(exc).__name__])  # fmt: skip
    if not res.ok:
        return no_update, upload_message(False, res.message, res.problems, res.more)
    A.remember(ds)  # built once: this worker's later callbacks draw it at once
    return res.payload, upload_message(True, res.message, [])


def _upload_work(kind, contents, name, mode, payload, lang, base):
    """In the budgeted child: the upload read and validated, kept in the store, and its
    dataset built (pieces and areas fail here, not in a later callback)."""
    res = A.handle_upload(kind, contents, name, mode, payload, lang)
    return res, (A.dataset(res.payload, base) if res.ok else None)


def upload_message(ok, message, problems, more=0):
    children = [html.P(message, className="msg-head")]
    if problems:
        shown = problems[:25]
        more += len(problems) - len(shown)
        children.append(
            html.Ul([html.Li(p) for p in shown] + ([html.Li(f"… +{more:,}")] if more > 0 else []))
        )
    return html.Div(
        children, className="upload-ok" if ok else "upload-error", role="alert" if not ok else None
    )


EXPORT_FORMATS = {"btn-export-png": "png", "btn-export-svg": "svg", "btn-export-html": "html",
                  "btn-export-linked": "linked"}  # fmt: skip


def export_view(fmt, date, view, payload, set_progress=None, base=A.BUILTIN_KEY):
    """The current view as a download: the map at ``date`` with the selected event's places
    (PNG/SVG/HTML), or the linked standalone page of the filtered events.

    At most ``BORDERLINES_EXPORTS`` (2) run at once on the machine; past that the page says
    to try again. Returns ``(download_dict, status_text)``.
    """
    view = view or A.default_view()
    lang = view.get("lang", "en")
    with budget.Slot("export") as free:  # each export is a Chromium: a few at a time
        if not free:
            return no_update, T.t("export_busy", lang, n=budget.EXPORTS)
        return _export(fmt, date, view, payload, set_progress, base, lang)


def _export(fmt, date, view, payload, set_progress, base, lang):
    import viz
    from viz import export as X

    step = set_progress or (lambda value: None)
    ds = A.dataset(payload, base)
    step(("1", "4"))
    shown = A.filter_events(ds.events, view)
    try:
        if fmt == "linked":
            step(("2", "4"))
            selected = view.get("event") if view.get("event") in set(shown["id"]) else None
            own = ds.regions if ds.own_regions else None
            content = viz.linked_html(shown, ds.control, own, date=date, event=selected)
            step(("3", "4"))
            name = f"borderlines-linked-{date}.html"
            data = dcc.send_string(content, name)
        else:
            places = []
            if view.get("event"):
                row = ds.events[ds.events["id"] == view["event"]]
                places = list(row["places"].iloc[0]) if len(row) else []
            fig = viz.territory_map(date, events=shown, control=ds.control,
                                    regions=ds.regions if ds.own_regions else None,
                                    selected_places=places, title=A.map_title(ds, date, lang))  # fmt: skip
            step(("2", "4"))
            name = f"borderlines-map-{date}.{fmt}"
            if fmt == "html":
                data = dcc.send_string(X.figure_html(fig, "inline"), name)
            else:
                data = dcc.send_bytes(X.to_image(fig, fmt), name)
            step(("3", "4"))
    except Exception as exc:  # noqa: BLE001 - shown in the page, the app keeps working
        return no_update, T.t(
            "export_failed",
            lang,
            error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
    step(("4", "4"))
    return data, T.t("export_done", lang, name=name)


# ---------------------------------------------------------------- the app


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
    _register(app, base)
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


def _register(app: dash.Dash, base: str) -> None:
    sync_outputs = [
        Output("url", "search"), Output("st-date", "data"), Output("st-view", "data"), Output("st-lang", "data"),
        Output("f-category", "value"),
        Output("f-region", "value"), Output("f-search", "value"), Output("play-interval", "disabled"),
        Output("btn-play", "children"), Output("btn-play", "aria-pressed"),
        Output("g-map", "figure", allow_duplicate=True),
    ]  # fmt: skip
    sync_inputs = [Input(*k.split(".")) for k in SYNC_INPUTS]

    @app.callback(
        sync_outputs,
        [*sync_inputs, Input({"type": "event-pick", "id": ALL}, "n_clicks")],
        [State("st-date", "data"), State("st-view", "data"), State("play-interval", "disabled"),
         State("map-key", "data")],
        prevent_initial_call="initial_duplicate",
    )  # fmt: skip
    def _sync(*args):
        values = dict(zip(SYNC_INPUTS, args[: len(SYNC_INPUTS)], strict=True))
        picks, date, view, disabled, map_key = args[len(SYNC_INPUTS) :]
        trig = ctx.triggered_id
        if isinstance(trig, dict):
            values["pick_clicks"] = ctx.triggered[0]["value"] if ctx.triggered else None
        out = sync_state(trig, values, date, view, not disabled, values["session-data.data"], base,
                         map_key)  # fmt: skip
        return [out[k] for k in OUT_KEYS]

    @app.callback(Output("g-map", "figure"), Output("map-key", "data"),
                  Input("session-data", "data"), State("map-key", "data"), State("st-date", "data"),
                  State("st-view", "data"), State("url", "search"),
                  prevent_initial_call="initial_duplicate")  # fmt: skip
    def _map_base(payload, key, date, view, url):
        return rebuild_map(payload, key, date, view, base, url)

    @app.callback(Output("session-data", "data", allow_duplicate=True),
                  Output("upload-msg", "children", allow_duplicate=True),
                  Input("session-data", "data"), State("st-lang", "data"),
                  prevent_initial_call="initial_duplicate")  # fmt: skip
    def _upload_gone(payload, lang):
        return upload_gone(payload, lang)

    @app.callback(Output("g-timeline", "figure"), Output("timeline-meta", "data"), Input("st-view", "data"),
                  Input("session-data", "data"), Input("viewport", "data"), State("st-date", "data"),
                  State("timeline-meta", "data"), prevent_initial_call=True)  # fmt: skip
    def _timeline(view, payload, viewport, date, meta):
        return update_timeline(view, payload, viewport, date, meta, base)

    @app.callback(Output("g-area", "figure", allow_duplicate=True), Input("session-data", "data"),
                  Input("st-lang", "data"), State("st-date", "data"), prevent_initial_call=True)  # fmt: skip
    def _area(payload, lang, date):
        return update_area(payload, lang, date, base)

    @app.callback(Output("detail", "children"), Output("btn-close-detail", "hidden"), Input("st-view", "data"),
                  Input("session-data", "data"), prevent_initial_call=True)  # fmt: skip
    def _detail(view, payload):
        return update_detail(view, payload, base)

    @app.callback(Output("table-wrap", "children"), Output("region-note", "children"), Input("st-view", "data"),
                  Input("session-data", "data"), prevent_initial_call=True)  # fmt: skip
    def _table(view, payload):
        return update_table(view, payload, base)

    @app.callback(Output("date-spec", "data"), Input("session-data", "data"), Input("st-lang", "data"),
                  prevent_initial_call="initial_duplicate")  # fmt: skip
    def _date_spec(payload, lang):
        return date_spec(payload, lang, base)

    @app.callback(Output("slider", "marks"), Input("viewport", "data"), State("session-data", "data"),
                  prevent_initial_call=True)  # fmt: skip
    def _marks(viewport, payload):
        return slider_marks(A.dataset(payload, base), (viewport or {}).get("width"))

    @app.callback(
        [Output(i, p) for i, p, _ in STRING_TARGETS]
        + [Output("btn-play", "children", allow_duplicate=True), Output("f-category", "options"),
           Output("f-region", "options"), Output("upload-mode", "options")],
        Input("st-lang", "data"), State("play-interval", "disabled"), State("session-data", "data"),
        prevent_initial_call=True,
    )  # fmt: skip
    def _strings(lang, disabled, payload):
        return update_strings(lang, disabled, payload, base)

    @app.callback(Output("session-data", "data"), Output("upload-msg", "children"),
                  Input("upload-events", "contents"), Input("upload-control", "contents"),
                  Input("upload-regions", "contents"),
                  Input("btn-reset-data", "n_clicks"), State("upload-events", "filename"),
                  State("upload-control", "filename"), State("upload-regions", "filename"),
                  State("upload-mode", "value"),
                  State("session-data", "data"), State("st-lang", "data"), prevent_initial_call=True)  # fmt: skip
    def _upload(ev_contents, ctl_contents, rg_contents, _reset, ev_name, ctl_name, rg_name, mode,
                payload, lang):  # fmt: skip
        return upload(ctx.triggered_id, ev_contents, ev_name, ctl_contents, ctl_name, mode,
                      payload, lang, rg_contents, rg_name, base)  # fmt: skip

    @app.callback(
        Output("download", "data"), Output("export-status", "children"),
        [Input(k, "n_clicks") for k in EXPORT_FORMATS],
        State("st-date", "data"), State("st-view", "data"), State("session-data", "data"),
        background=True,
        progress=[Output("export-progress", "value"), Output("export-progress", "max")],
        running=[
            (Output("export-progress", "hidden"), False, True),
            *[(Output(k, "disabled"), True, False) for k in EXPORT_FORMATS],
        ],
        prevent_initial_call=True,
    )  # fmt: skip
    def _export(set_progress, *args):
        date, view, payload = args[-3:]
        fmt = EXPORT_FORMATS.get(ctx.triggered_id)
        if fmt is None:
            return no_update, no_update
        return export_view(fmt, date, view, payload, set_progress, base)

    app.clientside_callback(  # the date moves in the browser: no request (borderlines.js)
        dash.ClientsideFunction("borderlines", "onDate"),
        Output("st-date", "data", allow_duplicate=True), Output("slider", "value"),
        Output("date-input", "value"), Output("date-long", "children"), Output("map-title", "children"),
        Input("slider", "value"), Input("date-input", "value"), Input("btn-prev-month", "n_clicks"),
        Input("btn-next-month", "n_clicks"), Input("st-date", "data"), Input("date-spec", "data"),
        State("timeline-meta", "data"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        dash.ClientsideFunction("borderlines", "setLang"),
        Output("page", "data-lang"), Input("st-lang", "data"),
    )  # fmt: skip
    app.clientside_callback(
        dash.ClientsideFunction("borderlines", "viewport"),
        Output("viewport", "data"), Input("url", "pathname"),
    )  # fmt: skip


app = create_app()
server = app.server


def main(argv=None) -> None:
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
    served.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
