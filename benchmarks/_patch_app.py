"""The previous app's date path, as a baseline: the slider's value goes to the server, whose
callback answers with a ``dash.Patch`` of the map's colours, outlines and hover text
(``viz._appstate.map_patch``, the function the app used for every date change until the
browser took the date over). Same map, same figure, same Patch; only the round trip differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dash  # noqa: E402
from dash import Input, Output, Patch, dcc, html  # noqa: E402

from viz import _appstate as A  # noqa: E402

TOPOJSON = Path(A.__file__).resolve().parent / "assets" / "topojson"


def patch_app() -> dash.Dash:
    ds = A.dataset(None)
    view = A.default_view()
    app = dash.Dash(__name__, assets_folder=str(TOPOJSON.parent / "none"), serve_locally=True)
    import app as borderlines_app

    borderlines_app._plotlyjs_route(app)  # the same plotly.js as the app

    @app.server.route("/_patch/topojson/<name>")
    def topojson(name):
        from flask import send_from_directory

        return send_from_directory(TOPOJSON, name)

    start = A.day_to_pos("2022-09-30", ds.axis)
    fig = A.build_map(ds, "2022-09-30", view).to_plotly_json()
    app.layout = html.Div([
        dcc.Slider(id="slider", min=0, max=A.SLIDER_STEPS, step=1, value=start, marks=None),
        dcc.Graph(id="g-map", figure=fig, config={"topojsonURL": "/_patch/topojson/"},
                  style={"height": "640px"}),
    ])  # fmt: skip

    @app.callback(Output("g-map", "figure"), Input("slider", "value"), prevent_initial_call=True)
    def update(pos):
        return A.map_patch(ds, A.pos_to_day(pos, ds.axis), view, Patch())

    return app
