"""The event timeline: one lane per category on a focus+context date axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import events as events_pkg

from .. import _i18n, theme
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
    focus="auto",
    focus_share: float = 0.72,
    date=None,
    selected: str | None = None,
    highlight=None,
    eras=None,
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
    focus : date-like, "auto" or None
        Start of the expanded segment of the axis; earlier dates are compressed. ``"auto"``
        (default): 2014 for the built-in catalogue, else where the events are dense, if
        anywhere (see :func:`viz.theme.focus_for`). ``None`` gives a plain linear axis.
    focus_share : float
        Fraction of the width given to the focus segment.
    date : date-like, optional
        Draws the date cursor there (the linked views move it).
    selected : str, optional
        Id of an event to emphasise.
    highlight : iterable of str, optional
        Ids to keep in full colour; the other events are faded (a region filter).
    eras : None, bool, DataFrame or list of mappings
        Era bands above the lanes. ``None`` (default): the built-in eras for the built-in
        catalogue, the data's own (``events.attrs["eras"]``, e.g. TimelineJS era rows)
        otherwise. ``False``: none. A frame or list of ``start, end, label`` sets them.
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
    bands = theme.eras_for(events, eras)
    lo, hi = theme.span_for(df, bands)
    axis = DateAxis.build(
        lo,
        hi,
        theme.focus_for(df, focus),
        focus_share,
        context_start="1991-01-01" if theme.is_builtin(events) else None,
    )
    strips = _era_strips(bands)
    margin = dict(l=130, r=20, t=70 if bands else 50, b=45)
    plot_px = width - margin["l"] - margin["r"]

    if color is not None and len(df) and df[color].map(_blank).all():
        color = None  # no event has a category (e.g. a TimelineJS sheet without groups)
    vocab = events_pkg.vocabulary(events) if color == "category" else None
    if color is None:
        lanes = ["events"]
        lane_of = np.zeros(len(df), dtype=int)
    else:
        values = df[color].map(lambda v: "" if _blank(v) else str(v))
        seen = list(dict.fromkeys(values))
        lanes = vocab.order(seen) if vocab is not None else sorted(seen)
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
        if vocab is not None:
            col = vocab.color(name)
        else:
            col = S.category_color(name, lane) if color else S.CATEGORY_COLORS["treaty"]
        label = esc(_lane_label(name, lang))
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
    if bands:
        _era_bands(axis, plot_px, shapes, annotations, bands, lang)
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
    if title is None:
        title = events.attrs.get("title") if hasattr(events, "attrs") else None
    if title is None and len(df):
        first, last = df["date_lo"].min().year, df["date_hi"].max().year
        years = f"{first}–{last}" if last != first else str(first)
        title = f"{_i18n.t('events_title', lang)}, {years}"
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
            ticktext=[esc(_lane_label(n, lang)) for n in reversed(lanes)],
            automargin=True,
            range=[-_lane_pad(len(lanes)), len(lanes) - 1 + _lane_pad(len(lanes))],
            showgrid=False,
            zeroline=False,
            fixedrange=True,
            domain=[0, strips[0][0] - 0.025] if strips else [0, 1],
        ),
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        dragmode="zoom",
        meta={"borderlines": {"view": "timeline", "axis": axis.meta(), "cursor": CURSOR_NAME}},
    )
    return fig


def _lane_pad(n: int) -> float:
    """Room above and below the lanes: with few lanes, marks stay mark-sized (4 lanes' worth)."""
    return max(0.6, (4 - n) / 2)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value) == ""


def _lane_label(name: str, lang: str) -> str:
    if name == "events":
        return ""
    return _i18n.category_label(name, lang) if name else _i18n.t("no_category", lang)


def _era_strips(bands) -> dict[int, tuple[float, float]]:
    """Paper y-range of each row of era bands: 0.05 high, the top one ending at 0.995."""
    if not bands:
        return {}
    n = max(e.row for e in bands) + 1
    return {r: (0.945 - 0.06 * (n - 1 - r), 0.995 - 0.06 * (n - 1 - r)) for r in range(n)}


def _era_bands(
    axis: DateAxis, plot_px: float, shapes: list, annotations: list, bands, lang: str = "en"
) -> None:
    """Strips of era bands above the lanes (one per row); labels only where they fit."""
    rows = _era_strips(bands)
    end = axis.dates[-1]
    colors = S.ERA_COLORS
    for i, era in enumerate(bands):
        x0 = max(axis.to_x(era.start), 0.0)
        x1 = min(axis.to_x(era.end if era.end is not None else end), 1.0)
        if x1 <= x0:
            continue
        y0, y1 = rows[era.row]
        shapes.append(
            dict(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=y0, y1=y1,
                 fillcolor=colors[i % len(colors)], line=dict(width=0), layer="below", name=f"era-{i}")
        )  # fmt: skip
        label = _i18n.era_label(era.label, lang)
        if era.end is None:
            text = f"{label} {_i18n.t('since', lang)} {era.start.year}"
        elif era.end.year == era.start.year:
            text = f"{label} {era.start.year}"
        else:
            text = f"{label} {era.start.year}–{era.end.year}"
        px = (x1 - x0) * plot_px
        if px < len(text) * 6.5 + 8:
            text = label
        if px < len(text) * 6.5 + 8:
            continue
        annotations.append(
            dict(xref="x", yref="paper", x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=esc(text), showarrow=False,
                 font=dict(size=11, color=S.INK), yanchor="middle")
        )  # fmt: skip
