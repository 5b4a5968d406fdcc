"""The app's callbacks: plain functions of the stores and inputs (tested without a browser),
and :func:`register`, which wires them to a Dash app. The date moves in the browser
(``viz/assets/dash/borderlines.js``); everything else comes here."""

from __future__ import annotations

try:
    import dash
    from dash import ALL, Input, Output, Patch, State, ctx, dcc, html, no_update
except ImportError:  # pip install borderlines brings the figures and loaders, not the app
    raise ImportError("The Dash app needs the app extra: pip install 'borderlines[app]'") from None

from viz import _appstate as A
from viz import _i18n as T
from viz.app import budget
from viz.app.layout import (
    _mode_options,
    _region_options,
    area_figure,
    detail_children,
    events_table,
    place_text,
    slider_marks,
    timeline_figure,
)

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
    if contents is None:  # the upload control was emptied (below): nothing was sent
        return no_update, no_update
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


def register(app: dash.Dash, base: str) -> None:
    """Wire the callbacks to ``app``, drawing from the dataset registered as ``base``."""
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
                  Output("upload-events", "contents"), Output("upload-control", "contents"),
                  Output("upload-regions", "contents"),
                  Input("upload-events", "contents"), Input("upload-control", "contents"),
                  Input("upload-regions", "contents"),
                  Input("btn-reset-data", "n_clicks"), State("upload-events", "filename"),
                  State("upload-control", "filename"), State("upload-regions", "filename"),
                  State("upload-mode", "value"),
                  State("session-data", "data"), State("st-lang", "data"), prevent_initial_call=True)  # fmt: skip
    def _upload(ev_contents, ctl_contents, rg_contents, _reset, ev_name, ctl_name, rg_name, mode,
                payload, lang):  # fmt: skip
        data, msg = upload(ctx.triggered_id, ev_contents, ev_name, ctl_contents, ctl_name, mode,
                           payload, lang, rg_contents, rg_name, base)  # fmt: skip
        # the file is read: empty the controls, so the same file can be sent again (after
        # "Reset data" it used to do nothing, the contents being unchanged)
        return data, msg, None, None, None

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
