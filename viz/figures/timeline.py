"""The event timeline: one lane per category on a focus+context date axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import _i18n
from .. import _style as S
from .._axis import DateAxis
from .._dates import as_day
from .._text import esc, event_hover

CURSOR_NAME = "date-cursor"
REQUIRED = ("id", "title", "date_lo", "date_hi", "date_label", "category")


def _check_events(events: pd.DataFrame, color: str) -> None:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"events must be a DataFrame from events.load_catalog(), not {type(events).__name__}"
        )
    missing = [c for c in REQUIRED if c not in events.columns]
    if missing:
        raise ValueError(f"events lacks columns {missing}; load it with events.load_catalog()")
    if color is not None and color not in events.columns:
        raise ValueError(
            f"Value of 'color' is not a column of events: {color!r}. Expected one of {list(events.columns)}"
        )


def _stagger(xs_lo: np.ndarray, xs_hi: np.ndarray, gap: float, rows: int = 3) -> np.ndarray:
    """Sub-row (0..rows-1) per mark so close marks in one lane do not sit on each other."""
    ends = [-np.inf] * rows
    out = np.zeros(len(xs_lo), dtype=int)
    for i in np.argsort(xs_lo, kind="stable"):
        free = [k for k in range(rows) if ends[k] + gap <= xs_lo[i]]
        k = free[0] if free else int(np.argmin(ends))
        out[i] = k
        ends[k] = max(xs_hi[i], xs_lo[i])
    return out


def timeline(
    events: pd.DataFrame,
    *,
    color: str | None = "category",
    focus: str | None = "2014-01-01",
    focus_share: float = 0.72,
    date=None,
    selected: str | None = None,
    highlight=None,
    eras: bool = True,
    title: str | None = None,
    width: int = 1200,
    height: int = 500,
    lang: str = "en",
) -> go.Figure:
    """Events as marks on a focus+context date axis, one lane per category.

    Parameters
    ----------
    events : DataFrame
        From :func:`events.load_catalog` (or any query on it).
    color : str or None
        Column that sets lanes and colours (default ``"category"``); ``None`` for one lane.
    focus : date-like or None
        Start of the expanded segment of the axis; earlier dates are compressed.
        ``None`` gives a plain linear axis.
    focus_share : float
        Fraction of the width given to the focus segment.
    date : date-like, optional
        Draws the date cursor there (the linked views move it).
    selected : str, optional
        Id of an event to emphasise.
    highlight : iterable of str, optional
        Ids to keep in full colour; the other events are faded (a region filter).
    eras : bool
        Draw the era bands (Russian Empire, USSR, independent Ukraine, occupation, war).
    width, height : int
        Size in pixels; used to space the ticks so that no label overlaps another.
    lang : {"en", "uk"}
        Language of the lane, era and axis labels (event texts stay as the data has them).

    Returns
    -------
    plotly.graph_objects.Figure
        Every mark carries its event id in ``customdata``.

    Examples
    --------
    >>> import events, viz
    >>> fig = viz.timeline(events.load_catalog())
    """
    _check_events(events, color)
    df = events.reset_index(drop=True)
    lo = (
        min(df["date_lo"].min(), pd.Timestamp("1783-01-01"))
        if len(df)
        else pd.Timestamp("1783-01-01")
    )
    hi = (
        max(df["date_hi"].max(), pd.Timestamp("2024-12-31"))
        if len(df)
        else pd.Timestamp("2024-12-31")
    )
    lo = pd.Timestamp(lo.year - lo.year % 10, 1, 1)
    hi = pd.Timestamp(hi.year + 1, 3, 1)
    axis = DateAxis.build(lo, hi, focus, focus_share)
    margin = dict(l=130, r=20, t=70 if eras else 50, b=45)
    plot_px = width - margin["l"] - margin["r"]

    if color is None:
        lanes = ["events"]
        lane_of = np.zeros(len(df), dtype=int)
    else:
        values = df[color].astype(str)
        order = [c for c in S.CATEGORY_COLORS if c in set(values)] if color == "category" else []
        lanes = order + sorted(set(values) - set(order))
        lane_of = values.map({v: i for i, v in enumerate(lanes)}).to_numpy()

    x_lo = axis.to_x(df["date_lo"]) if len(df) else np.array([])
    x_hi = axis.to_x(df["date_hi"] + pd.Timedelta(days=1)) if len(df) else np.array([])
    is_span = (df["date_hi"] > df["date_lo"]).to_numpy() if len(df) else np.array([], bool)
    min_w = 3.0 / plot_px
    x_hi = np.where(is_span, np.maximum(x_hi, x_lo + min_w), x_lo)
    sub = np.zeros(len(df), dtype=int)
    for lane in range(len(lanes)):
        m = lane_of == lane
        sub[m] = _stagger(x_lo[m], x_hi[m], gap=12.0 / plot_px)
    y = len(lanes) - 1 - lane_of + np.choose(sub, [0.0, 0.25, -0.25])
    highlight = set(highlight) if highlight is not None else None
    hover = [event_hover(r) for _, r in df.iterrows()]
    ids = df["id"].to_numpy()
    faded = np.array([highlight is not None and i not in highlight for i in ids], dtype=bool)
    uncertain = (
        df.get("circa", pd.Series(False, index=df.index)).fillna(False).astype(bool)
        | df.get("earliest", pd.Series(None, index=df.index)).notna()
    ).to_numpy()

    fig = go.Figure()
    for lane, name in enumerate(lanes):
        col = S.category_color(name, lane) if color else S.CATEGORY_COLORS["treaty"]
        label = esc(_i18n.category_label(name, lang))
        for kind in ("span", "point"):
            m = (lane_of == lane) & (is_span if kind == "span" else ~is_span)
            if not m.any():
                continue
            opacity = np.where(faded[m], 0.18, np.where(uncertain[m], 0.5, 0.95))
            common = dict(
                y=y[m],
                customdata=ids[m],
                hovertext=np.array(hover, dtype=object)[m],
                hoverinfo="text",
                name=label,
                legendgroup=name,
                showlegend=False,
            )
            if kind == "span":
                fig.add_trace(
                    go.Bar(
                        base=x_lo[m],
                        x=x_hi[m] - x_lo[m],
                        orientation="h",
                        width=0.18,
                        marker=dict(color=col, opacity=opacity, line=dict(width=0)),
                        **common,
                    )
                )
            else:
                fig.add_trace(
                    go.Scatter(
                        x=x_lo[m],
                        mode="markers",
                        marker=dict(
                            color=col,
                            size=9,
                            opacity=opacity,
                            symbol=np.where(uncertain[m], "circle-open", "circle"),
                            line=dict(color="white", width=1),
                        ),
                        **common,
                    )
                )

    shapes, annotations = [], []
    if eras:
        _era_bands(axis, plot_px, shapes, annotations, lang)
    if axis.compressed:
        xb = axis.xs[-2]
        shapes.append(
            dict(type="line", xref="x", yref="paper", x0=xb, x1=xb, y0=0, y1=1,
                 line=dict(color=S.MUTED, width=1, dash="dot"), layer="below")
        )  # fmt: skip
        annotations.append(
            dict(xref="x", yref="paper", x=xb, y=0, yanchor="bottom", xanchor="right", showarrow=False,
                 text=f"{_i18n.t('compressed_before', lang)} {axis.dates[-2].year} ", font=dict(size=10, color=S.MUTED))
        )  # fmt: skip
    if selected is not None and selected in set(ids):
        i = int(np.flatnonzero(ids == selected)[0])
        fig.add_trace(
            go.Scatter(
                x=[(x_lo[i] + x_hi[i]) / 2], y=[y[i]], mode="markers", hoverinfo="skip", showlegend=False,
                customdata=[selected], name="selected",
                marker=dict(size=20, color="rgba(0,0,0,0)", line=dict(color=S.INK, width=2.5)),
            )
        )  # fmt: skip
    cursor_x = axis.to_x(as_day(date)) if date is not None else None
    shapes.append(
        dict(type="line", xref="x", yref="paper", x0=cursor_x or 0, x1=cursor_x or 0, y0=0, y1=1,
             line=dict(color=S.INK, width=2), visible=date is not None, name=CURSOR_NAME)
    )  # fmt: skip

    tickvals, ticktext = axis.ticks(plot_px)
    if title is None and len(df):
        title = f"{_i18n.t('events_title', lang)}, {df['date_lo'].min().year}–{df['date_hi'].max().year}"
    fig.update_layout(
        **S.BASE_LAYOUT,
        width=width,
        height=height,
        margin=margin,
        barmode="overlay",
        bargap=0,
        title=dict(
            text=esc(title) if title else None, x=0.01, y=0.98, yanchor="top", font=dict(size=17)
        ),
        xaxis=dict(
            range=[-0.005, 1.005],
            tickvals=tickvals,
            ticktext=ticktext,
            showgrid=True,
            gridcolor=S.GRID,
            zeroline=False,
            fixedrange=False,
            ticks="outside",
            ticklen=4,
        ),
        yaxis=dict(
            tickvals=list(range(len(lanes))),
            ticktext=[esc(_i18n.category_label(n, lang)) for n in reversed(lanes)],
            automargin=True,
            range=[-0.6, len(lanes) - 0.4],
            showgrid=False,
            zeroline=False,
            fixedrange=True,
            domain=[0, 0.86] if eras else [0, 1],
        ),
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        dragmode="zoom",
        meta={"borderlines": {"view": "timeline", "axis": axis.meta(), "cursor": CURSOR_NAME}},
    )
    return fig


def _era_bands(
    axis: DateAxis, plot_px: float, shapes: list, annotations: list, lang: str = "en"
) -> None:
    """Two strips of era bands above the lanes; labels only where they fit."""
    rows = {0: (0.885, 0.935), 1: (0.945, 0.995)}
    end = axis.dates[-1]
    for i, (label, start, stop, row) in enumerate(S.ERAS):
        x0 = axis.to_x(pd.Timestamp(start))
        x1 = axis.to_x(pd.Timestamp(stop) if stop else end)
        y0, y1 = rows[row]
        shapes.append(
            dict(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=y0, y1=y1,
                 fillcolor=S.ERA_COLORS[i], line=dict(width=0), layer="below", name=f"era-{i}")
        )  # fmt: skip
        label = _i18n.era_label(label, lang)
        if stop is None:
            text = f"{label} {_i18n.t('since', lang)} {pd.Timestamp(start).year}"
        else:
            text = f"{label} {pd.Timestamp(start).year}–{pd.Timestamp(stop).year}"
        px = (x1 - x0) * plot_px
        if px < len(text) * 6.5 + 8:
            text = label
        if px < len(text) * 6.5 + 8:
            continue
        annotations.append(
            dict(xref="x", yref="paper", x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=esc(text), showarrow=False,
                 font=dict(size=11, color=S.INK), yanchor="middle")
        )  # fmt: skip
