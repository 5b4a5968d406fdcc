"""The app's page: its layout and the parts callbacks rebuild (timeline, area chart, event
detail, events table, filter options), as functions of a dataset, a date and a view."""

from __future__ import annotations

try:
    from dash import dcc, html
except ImportError:  # pip install borderlines brings the figures and loaders, not the app
    raise ImportError("The Dash app needs the app extra: pip install 'borderlines[app]'") from None

from viz import _appstate as A
from viz import _i18n as T
from viz import theme
from viz._text import clean

GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


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
                                            tooltip={"always_visible": False, "transform": "borderlinesDate"}),
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


def slider_marks(ds, width):
    """The built-in data's fixed year marks; for anyone's data, the axis' own ticks."""
    if ds.builtin and theme.is_builtin(ds.events):
        years = [1800, 1991, 2014, 2018, 2022] if width and width < 700 else None
        return A.slider_marks(ds.axis, years)
    xs, labels = ds.axis.ticks(min(width or 900, 1200) - 120, min_px=60)
    return {str(int(round(x * A.SLIDER_STEPS))): label for x, label in zip(xs, labels, strict=True)}
