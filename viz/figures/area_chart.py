"""Held area over time: the share of Ukraine under Russian control, by status."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import _i18n
from .. import _style as S
from .._dates import as_day
from .._text import esc

CURSOR_NAME = "date-cursor"
STACK = ("occupied_before_2022", "occupied")


def area_chart(
    series: pd.DataFrame,
    *,
    date=None,
    title: str | None = None,
    width: int = 900,
    height: int = 320,
    lang: str = "en",
) -> go.Figure:
    """Share of Ukraine held, stacked by status, as steps between the dates of the series.

    Parameters
    ----------
    series : DataFrame
        From :func:`geodata.area_series`: ``date, status, area_km2, share_of_ukraine``.
    date : date-like, optional
        Draws the date cursor there.
    lang : {"en", "uk"}
        Language of the title, legend and axis.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per status; x is the date, y the share of Ukraine in percent, the hover
        gives the area in km².
    """
    need = {"date", "status", "area_km2", "share_of_ukraine"}
    if not need <= set(series.columns):
        raise ValueError(
            f"series lacks columns {sorted(need - set(series.columns))}; use geodata.area_series()"
        )
    df = series.copy()
    df["date"] = pd.to_datetime(df["date"])
    fig = go.Figure()
    dates = sorted(df["date"].unique())
    for status in STACK:
        part = df[df["status"] == status].set_index("date").reindex(dates)
        share = part["share_of_ukraine"].fillna(0) * 100
        area = part["area_km2"].fillna(0)
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=share,
                mode="lines",
                line=dict(width=0.8, color=S.STATUS_COLORS[status], shape="hv"),
                stackgroup="held",
                fillcolor=S.STATUS_COLORS[status],
                name=esc(_i18n.status_label(status, lang)),
                customdata=area.round(0),
                hovertemplate="%{x|%d %b %Y}<br>%{y:.1f}% "
                + esc(_i18n.t("of_ukraine", lang))
                + "<br>%{customdata:,.0f} km²<extra>%{fullData.name}</extra>",
            )
        )
    shapes = []
    if len(dates):
        x = as_day(date) if date is not None else dates[0]
        shapes.append(
            dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(color=S.INK, width=2),
                 visible=date is not None, name=CURSOR_NAME)
        )  # fmt: skip
    total = df[df["status"].isin(STACK)].groupby("date")["share_of_ukraine"].sum() * 100
    top = max(30.0, float(total.max()) * 1.15) if len(total) else 30.0
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=width,
        height=height,
        margin=dict(l=60, r=20, t=50, b=40),
        title=dict(
            text=esc(title or "Share of Ukraine held by Russia"), x=0.01, font=dict(size=16)
        ),
        xaxis=dict(type="date", showgrid=False, ticks="outside"),
        yaxis=dict(
            title=dict(text="% of Ukraine"), range=[0, top], ticksuffix="%", gridcolor=S.GRID
        ),
        legend=dict(orientation="h", x=0, y=-0.18, yanchor="top"),
        hovermode="x unified",
        shapes=shapes,
        meta={"borderlines": {"view": "area", "cursor": CURSOR_NAME}},
    )
    return fig
