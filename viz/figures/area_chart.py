"""Held area over time: the share of the regions in each held status (built-in: of Ukraine)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import _i18n, theme
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
    regions=None,
    scheme=None,
    place: str | None = None,
    width: int = 900,
    height: int = 320,
    lang: str = "en",
) -> go.Figure:
    """Share of the regions held, stacked by status, as steps between the dates of the series.

    Parameters
    ----------
    series : DataFrame
        From :func:`geodata.area_series`: ``date, status, area_km2, share``.
    date : date-like, optional
        Draws the date cursor there.
    regions : GeoDataFrame, optional
        The regions the shares are of; their name labels the axis ("% of <name>").
    scheme : geodata.StatusScheme, optional
        Which statuses count as held (stacked), their labels and colours. Without ``regions``
        and ``scheme``, the built-in data's: occupied before and since 24 Feb 2022, "% of
        Ukraine".
    place : str, optional
        Name for the axis and title, instead of the regions' own.
    lang : {"en", "uk"}
        Language of the title, legend and axis.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per status; x is the date, y the share of Ukraine in percent, the hover
        gives the area in km².
    """
    df = series.copy()
    if "share" not in df.columns and "share_of_ukraine" in df.columns:
        df = df.rename(columns={"share_of_ukraine": "share"})
    need = {"date", "status", "area_km2", "share"}
    if not need <= set(df.columns):
        raise ValueError(
            f"series lacks columns {sorted(need - set(df.columns))}; use geodata.area_series()"
        )
    statuses = [s for s in df["status"].unique() if s != "held_total"]
    builtin = regions is None and scheme is None and set(statuses) <= set(S.STATUS_ORDER)
    if place is None:
        place = (
            theme.BUILTIN_PLACE
            if builtin
            else theme.place_name(regions)
            if regions is not None
            else None
        )
    if not builtin and scheme is None:  # the statuses' own scheme: which count as held
        import geodata

        scheme = geodata.status_scheme(df[df["status"] != "held_total"][["status"]])
    stack = STACK if builtin else tuple(scheme.held)
    of_place = (
        _i18n.t("of_ukraine", lang)
        if builtin
        else (f"of {place}" if place else "of the regions' area")
    )
    df["date"] = pd.to_datetime(df["date"])
    fig = go.Figure()
    dates = sorted(df["date"].unique())
    for status in stack:
        part = df[df["status"] == status].set_index("date").reindex(dates)
        share = part["share"].fillna(0) * 100
        area = part["area_km2"].fillna(0)
        colour = S.STATUS_COLORS[status] if builtin else scheme.color(status) if scheme else None
        label = _i18n.status_label(status, lang) if builtin else (
            scheme.label(status) if scheme else status
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=share,
                mode="lines",
                line=dict(width=0.8, color=colour, shape="hv"),
                stackgroup="held",
                fillcolor=colour,
                name=esc(label),
                customdata=area.round(0),
                hovertemplate="%{x|%d %b %Y}<br>%{y:.1f}% "
                + esc(of_place)
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
    total = df[df["status"].isin(stack)].groupby("date")["share"].sum() * 100
    top = max(30.0, float(total.max()) * 1.15) if len(total) else 30.0
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=width,
        height=height,
        margin=dict(l=60, r=20, t=50, b=40),
        title=dict(text=esc(title or _default_title(builtin, place)), x=0.01, font=dict(size=16)),
        xaxis=dict(type="date", showgrid=False, ticks="outside"),
        yaxis=dict(
            title=dict(text=esc(f"% {of_place}") if not builtin else "% of Ukraine"),
            range=[0, top],
            ticksuffix="%",
            gridcolor=S.GRID,
        ),
        legend=dict(orientation="h", x=0, y=-0.18, yanchor="top"),
        hovermode="x unified",
        shapes=shapes,
        meta={"borderlines": {"view": "area", "cursor": CURSOR_NAME}},
    )
    return fig


def _default_title(builtin: bool, place: str | None) -> str:
    if builtin:
        return "Share of Ukraine held by Russia"
    return f"Share of {place} held" if place else "Share of the regions held"
