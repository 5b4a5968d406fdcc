"""The naive baseline for the app benchmarks: one slider and a map whose callback returns a
fresh ``viz.territory_map`` figure (geometry and all) on every date change.

``python benchmarks/_naive_app.py --port 8060`` serves it; the benchmarks import ``naive_app``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dash  # noqa: E402
import pandas as pd  # noqa: E402
from dash import Input, Output, dcc, html  # noqa: E402

import viz  # noqa: E402

LO = pd.Timestamp("1783-01-01")
HI = pd.Timestamp("2024-12-31")
TOPOJSON = Path(viz.__file__).resolve().parent / "assets" / "topojson"


def naive_app() -> dash.Dash:
    app = dash.Dash(__name__, assets_folder=str(TOPOJSON.parent / "none"), serve_locally=True)

    @app.server.route("/_naive/topojson/<name>")
    def topojson(name):
        from flask import send_from_directory

        return send_from_directory(TOPOJSON, name)

    n = (HI - LO).days
    start = (pd.Timestamp("2022-09-30") - LO).days
    app.layout = html.Div([
        dcc.Slider(id="slider", min=0, max=n, step=1, value=start, marks=None, updatemode="mouseup"),
        dcc.Graph(id="g-map", config={"topojsonURL": "/_naive/topojson/"}, style={"height": "560px"}),
    ])  # fmt: skip

    @app.callback(Output("g-map", "figure"), Input("slider", "value"))
    def update(value):
        return viz.territory_map(LO + pd.Timedelta(days=int(value)))

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8060)
    args = parser.parse_args()
    naive_app().run(host="127.0.0.1", port=args.port, debug=False)
