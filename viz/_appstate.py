"""State of the Dash app as plain data, and the pure functions that move it.

The app keeps what the reader sees in two small dicts: the date (an ISO string) and the view
(``event``, ``category``, ``region``, ``q``, ``lang``). Both round-trip through the URL, so
every view can be shared, restored and walked with back/forward. Nothing here touches Dash
components; ``app.py`` wires these functions to callbacks and the tests call them directly.

Uploaded data lives in the browser (a session ``dcc.Store``), never in the server process:
:func:`handle_upload` turns a file into that store's payload, :func:`dataset` turns the payload
back into frames (cached per worker by content key, so any worker can serve any session).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from . import _i18n
from ._axis import DateAxis

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here
SLIDER_STEPS = 2000
EVENT_SUFFIXES = (".yaml", ".yml", ".csv", ".json")
CONTROL_SUFFIXES = (".geojson", ".json", ".zip")
REGION_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")
URL_KEYS = ("date", "event", "category", "region", "q", "lang")
MODES = ("replace", "join")


# ---------------------------------------------------------------- dates


def iso(day) -> str:
    return pd.Timestamp(day).strftime("%Y-%m-%d")


_DAY_FORM = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_day(value, default=None) -> str | None:
    """``value`` as an ISO day if it is one (a full or partial date), else ``default``."""
    if not isinstance(value, str) or not value.strip():
        return default
    text = value.strip()
    # a date is short: 800,000 digits would keep dateutil busy for minutes (one request)
    if len(text) > 10 or not _DAY_FORM.match(text):
        return default
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return default
    if pd.isna(ts) or not 1000 <= ts.year <= 2200:
        return default
    return iso(ts)


def clamp_day(day: str, lo: str, hi: str) -> str:
    return min(max(day, lo), hi)  # ISO strings sort like dates


def add_months(day: str, n: int) -> str:
    ts = pd.Timestamp(day)
    return iso(ts + pd.DateOffset(months=n))


def slider_axis(lo: str, hi: str, focus: str = "2014-01-01") -> DateAxis:
    """The focus+context scale of the date slider: the same knots as the timeline's axis, so
    2014-2024 gets most of the track and 1783-2013 stays reachable."""
    lo_ts, hi_ts = pd.Timestamp(lo), pd.Timestamp(hi)
    return DateAxis.build(lo_ts, hi_ts, focus if lo_ts < pd.Timestamp(focus) < hi_ts else None)


def day_to_pos(day: str, axis: DateAxis) -> int:
    return int(round(axis.to_x(pd.Timestamp(day)) * SLIDER_STEPS))


def pos_to_day(pos, axis: DateAxis) -> str:
    """The day at slider position ``pos`` (inverse of :func:`day_to_pos` through the knots)."""
    x = min(max(float(pos) / SLIDER_STEPS, 0.0), 1.0)
    knots = np.array([d.value for d in axis.dates], dtype=float)
    ns = float(np.interp(x, np.array(axis.xs), knots))
    return iso(pd.Timestamp(int(ns)).normalize())


def slider_marks(axis: DateAxis, years=None) -> dict:
    """Year marks on the slider (positions are strings, as rc-slider wants)."""
    lo, hi = axis.dates[0], axis.dates[-1]
    if years is None:
        years = [1800, 1900, 1991, 2014, 2016, 2018, 2020, 2022, 2024]
    marks = {}
    for y in years:
        day = pd.Timestamp(y, 1, 1)
        if lo <= day <= hi:
            marks[str(day_to_pos(iso(day), axis))] = str(y)
    return marks


# ---------------------------------------------------------------- URL state


def default_view(lang: str = _i18n.DEFAULT_LANG) -> dict:
    return {"event": None, "category": [], "region": None, "q": "", "lang": lang}


def parse_url(
    search: str | None, *, default_date: str, categories=(), event_ids=None, region_codes=None
):
    """Read ``?date=…&event=…&category=a,b&region=UA-43&q=…&lang=uk`` into ``(date, view)``.

    Unknown or malformed values are dropped rather than failing: a shared link with a stale
    event id still opens, at its date.
    """
    qs = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

    def one(key):
        vals = qs.get(key)
        return vals[-1] if vals else None

    date = parse_day(one("date"), default_date)
    view = default_view(_i18n.lang_of(one("lang")))
    ev = one("event")
    if ev and (event_ids is None or ev in event_ids):
        view["event"] = ev
    cats = []
    for raw in qs.get("category", []):
        cats += [c.strip() for c in raw.split(",") if c.strip()]
    view["category"] = [c for c in dict.fromkeys(cats) if not categories or c in categories]
    reg = (one("region") or "").strip()
    if reg and region_codes is not None and reg not in region_codes:
        # ids as written; a link typed in another case still finds its region
        reg = next((c for c in region_codes if c.casefold() == reg.casefold()), "")
    if reg:
        view["region"] = reg
    view["q"] = (one("q") or "").strip()[:200]
    return date, view


def to_url(date: str | None, view: dict) -> str:
    """The query string for a state (defaults left out, so links stay short)."""
    pairs = []
    if date:
        pairs.append(("date", date))
    if view.get("event"):
        pairs.append(("event", view["event"]))
    if view.get("category"):
        pairs.append(("category", ",".join(view["category"])))
    if view.get("region"):
        pairs.append(("region", view["region"]))
    if view.get("q"):
        pairs.append(("q", view["q"]))
    if view.get("lang") and view["lang"] != _i18n.DEFAULT_LANG:
        pairs.append(("lang", view["lang"]))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


# ---------------------------------------------------------------- filters and moves


def filter_events(df: pd.DataFrame, view: dict) -> pd.DataFrame:
    """The events the view shows: its categories, region and search text (all optional)."""
    import events as ev

    cats = [c for c in view.get("category") or [] if c in set(df["category"])]
    if view.get("category") and not cats:
        return df.iloc[0:0].copy()
    return ev.query(
        df, category=cats or None, place=view.get("region") or None, text=view.get("q") or None
    )


def select_event(view: dict, event_id, df: pd.DataFrame, date: str) -> tuple[str, dict]:
    """Select an event: the date moves to its first day, the view remembers it."""
    row = df[df["id"] == event_id]
    if not len(row):
        return date, view
    return iso(row["date_lo"].iloc[0]), {**view, "event": event_id}


def toggle_region(view: dict, code) -> dict:
    """A region click filters to that region; clicking the same region again clears it."""
    code = str(code) if code else None  # ids as the regions have them (not all are ISO codes)
    return {**view, "region": None if code is None or view.get("region") == code else code}


def step_event(df: pd.DataFrame, date: str, direction: int, view: dict) -> tuple[str, dict]:
    """Move to the next (``direction=1``) or previous event after/before ``date`` and select it.

    Events sharing a day are visited in catalogue order, using the selected event to know
    where in that day the reader is.
    """
    if not len(df):
        return date, view
    order = df.sort_values(["date_lo", "id"], kind="stable").reset_index(drop=True)
    days = order["date_lo"].dt.strftime("%Y-%m-%d").to_numpy()
    cur = view.get("event")
    hit = np.flatnonzero(order["id"].to_numpy() == cur) if cur else np.array([], int)
    if len(hit) and days[hit[0]] == date:
        i = hit[0] + direction
    elif direction > 0:
        i = int(np.searchsorted(days, date, side="right"))
    else:
        i = int(np.searchsorted(days, date, side="left")) - 1
    if not 0 <= i < len(order):
        return date, view
    return days[i], {**view, "event": order["id"].iloc[i]}


def data_range(df: pd.DataFrame, control_dates=(), builtin: bool = True) -> tuple[str, str]:
    """First and last day the slider covers (the timeline's span, whole years); the built-in
    data spans at least 1783-2024, anyone else's data its own dates."""
    los = [pd.Timestamp("1783-01-01")] if builtin else []
    his = [pd.Timestamp("2024-12-31")] if builtin else []
    if len(df):
        los.append(df["date_lo"].min())
        his.append(df["date_hi"].max())
    if len(control_dates):
        los.append(pd.Timestamp(min(control_dates)))
        his.append(pd.Timestamp(max(control_dates)))
    if not los:
        los, his = [pd.Timestamp.today().normalize()], [pd.Timestamp.today().normalize()]
    lo, hi = min(los), max(his)
    return iso(pd.Timestamp(lo.year, 1, 1)), iso(pd.Timestamp(hi.year, 12, 31))


# ---------------------------------------------------------------- uploads


@dataclass
class UploadResult:
    """What an upload did: the new session payload (``None`` when rejected) and a message."""

    payload: dict | None
    ok: bool
    message: str
    problems: list[str] = field(default_factory=list)
    more: int = 0  # problems found past those listed (counted, not kept)


def decode_upload(
    contents: str | None, filename: str | None, limit: int = MAX_UPLOAD_BYTES
) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL; ``ValueError`` when it is not one or too big."""
    if not contents or "," not in contents:
        raise ValueError("the upload is empty or not a file")
    head, b64 = contents.split(",", 1)
    if len(b64) * 3 // 4 > limit + 4:
        raise OverflowError(len(b64) * 3 // 4)
    try:
        raw = base64.b64decode(b64, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the upload could not be decoded: {exc}") from None
    if len(raw) > limit:
        raise OverflowError(len(raw))
    return raw


def _safe_name(filename: str | None, default: str) -> str:
    """The last part of an uploaded file's name, as plain text (no bidi overrides, zero-width
    or control characters: a name shows in the page) and at most 120 characters."""
    from ._text import clean

    name = clean(PurePosixPath(str(filename or default).replace("\\", "/")).name).strip()
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (
            (stem[: 110 - len(suffix)] + "…" + dot + suffix)
            if dot and len(suffix) <= 8
            else name[:120]
        )
    return name or default


def _problem_lines(exc: BaseException) -> list[str]:
    problems = getattr(exc, "problems", None)
    if problems:
        lines = [str(p) for p in problems]
        file = getattr(exc, "file", None)  # geodata's problems name their file on the error
        return [line if not file or file in line else f"{file}, {line}" for line in lines]
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines or [type(exc).__name__]


def _upload_name(filename, default: str, allowed) -> tuple[str, str]:
    """A safe file name for an upload and its suffix; an unknown suffix is an error."""
    name = _safe_name(filename, default)
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise ValueError(
            f"{name}: unknown file type {suffix or '(none)'!r}; allowed: {', '.join(allowed)}"
        )
    return name, suffix


def read_events_upload(raw: bytes, filename: str) -> pd.DataFrame:
    """Write the upload to a temp file with its own suffix and load it with
    :func:`events.load_catalog` (YAML, CSV, JSON and TimelineJS are recognised there)."""
    import events as ev

    name, _ = _upload_name(filename, "events.yaml", EVENT_SUFFIXES)
    with tempfile.TemporaryDirectory(prefix="borderlines-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        return ev.load_catalog(path)


def read_control_upload(raw: bytes, filename: str):
    """A control-of-terrain upload (one GeoJSON file, or a zip of them) through
    :func:`geodata.read_control`. Import warnings are collected, not shown."""
    import geodata

    name, suffix = _upload_name(filename, "control.geojson", CONTROL_SUFFIXES)
    from geodata._archive import extract_control_folder

    with tempfile.TemporaryDirectory(prefix="borderlines-control-") as tmp:
        upload = Path(tmp) / name
        upload.write_bytes(raw)
        folder = upload
        if suffix == ".zip":
            folder = extract_control_folder(
                upload, Path(tmp) / "unzipped", max_bytes=MAX_UNZIPPED_BYTES
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return geodata.read_control(folder, progress=False)


def read_regions_upload(raw: bytes, filename: str):
    """A regions upload (GeoJSON, GeoPackage, or a zipped shapefile) through
    :func:`geodata.read_regions`."""
    import geodata

    name, _ = _upload_name(filename, "regions.geojson", REGION_SUFFIXES)
    with tempfile.TemporaryDirectory(prefix="borderlines-regions-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        return geodata.read_regions(path)


def regions_to_parts(regions) -> dict:
    """Regions as GeoJSON for the upload store (id, name, geometry; label kept)."""
    data = json.loads(regions[["id", "name", "geometry"]].to_json(drop_id=True))
    data["label"] = regions.attrs.get("label")
    return data


def regions_from_parts(data: dict):
    """Regions back from the upload store (checked again by :func:`geodata.read_regions`)."""
    import geopandas as gpd

    import geodata

    frame = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    label = data.get("label")
    return geodata.read_regions(frame, id="id", name="name", label=str(label) if label else None)


def control_to_parts(control) -> dict:
    """A validated control series as GeoJSON for the upload store (geometry as imported:
    the server keeps it, so nothing is simplified to fit a browser's storage)."""
    gdf = control.copy()
    gdf["date"] = pd.to_datetime(gdf["date"]).dt.strftime("%Y-%m-%d")
    keep = [c for c in ("date", "status", "source") if c in gdf.columns]
    return json.loads(gdf[keep + ["geometry"]].to_json(drop_id=True))


def control_from_parts(data: dict):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    gdf["date"] = pd.to_datetime(gdf["date"])
    return gdf


def stored(payload: dict | None):
    """The server's copy of a session's uploads (:class:`viz.app.store.Stored`), ``None``
    without uploads; :class:`viz.app.store.UploadGone` when the reference names none."""
    from .app.store import UploadGone, store

    if not payload:
        return None
    if not isinstance(payload, dict) or "ref" not in payload:
        raise UploadGone("old-format")  # e.g. a session stored by an older version
    return store().get(payload["ref"])


def session_payload(parts: dict, names: dict) -> dict:
    """Keep ``parts`` on the server; what the browser gets: a signed reference and the
    file names (for display only: nothing the server reads back)."""
    from .app.store import store

    return {"ref": store().put(parts), "names": names}


def handle_upload(
    kind: str, contents, filename, mode: str, payload: dict | None, lang: str = "en"
) -> UploadResult:
    """Turn one upload into the new session payload, or a message listing what is wrong.

    Parameters
    ----------
    kind : {"events", "control", "regions"}
    contents, filename : str
        From ``dcc.Upload`` (a base64 data URL and the file's name).
    mode : {"replace", "join"}
        Uploaded events replace the built-in catalogue or are added to it; an uploaded control
        series replaces the built-in one, or (join) takes over from its first date on.
    payload : dict or None
        The session's current payload (a signed reference); its other kinds of data are kept.
    """
    from .app.store import UploadGone

    name = _safe_name(filename, "upload")
    mode = mode if mode in MODES else "replace"
    try:
        raw = decode_upload(contents, filename)
    except OverflowError as exc:
        size = exc.args[0] / 2**20 if exc.args else 0
        msg = _i18n.t("upload_too_big", lang, name=name, size=size, limit=MAX_UPLOAD_BYTES / 2**20)
        return UploadResult(None, False, msg, [])
    except ValueError as exc:
        return UploadResult(None, False, _i18n.t("upload_error", lang, name=name), [str(exc)])
    try:
        before = stored(payload)
    except UploadGone:
        before = None  # the earlier upload is gone: this one starts afresh
    parts = dict(before.parts) if before else {}
    names = {k: v.get("name") for k, v in parts.items()}
    try:
        if kind == "events":
            df = read_events_upload(raw, name)
            if mode == "join":
                merged_records(df)  # duplicate ids and other clashes are reported now, not later
            parts["events"] = {"records": _json_ready(_records(df)), "name": name, "mode": mode}
            msg = _i18n.t("upload_ok_events", lang, n=len(df), name=name)
        elif kind == "control":
            control = read_control_upload(raw, name)
            parts["control"] = {"geojson": control_to_parts(control), "name": name, "mode": mode}
            msg = _i18n.t(
                "upload_ok_control", lang, n=len(control), d=control["date"].nunique(), name=name
            )
        elif kind == "regions":
            regions = read_regions_upload(raw, name)
            parts["regions"] = {"geojson": regions_to_parts(regions), "name": name}
            msg = _i18n.t("upload_ok_regions", lang, n=len(regions), name=name)
        else:
            raise ValueError(f"kind must be 'events', 'control' or 'regions', not {kind!r}")
    except Exception as exc:  # every reader error becomes a message in the page
        return UploadResult(
            None,
            False,
            _i18n.t("upload_error", lang, name=name),
            _problem_lines(exc),
            getattr(exc, "more", 0),
        )
    names[kind] = name
    return UploadResult(session_payload(parts, names), True, msg, [])


def _records(df: pd.DataFrame) -> list[dict]:
    import events as ev

    return ev.records(df)


def _json_ready(obj):
    return json.loads(json.dumps(obj, default=str))


def merged_records(uploaded: pd.DataFrame) -> pd.DataFrame:
    """The built-in catalogue joined with uploaded events (validated together)."""
    import events as ev

    return ev.validate(_records(ev.load_catalog()) + _records(uploaded), file="built-in + upload")


# ---------------------------------------------------------------- datasets


@dataclass
class Dataset:
    """Everything the app draws for one session's data. Built once per worker and key."""

    key: str
    events: pd.DataFrame
    control: object  # GeoDataFrame or None (built-in)
    regions: object
    neighbours: object
    pieces: object
    statuses: pd.DataFrame  # index: dates, columns: piece ids, values: status or None
    area: pd.DataFrame
    lo: str
    hi: str
    piece_area: np.ndarray = field(default=None, repr=False)
    region_area: dict = field(default_factory=dict, repr=False)
    #: None for the built-in data (Ukraine's statuses, titles and view), else the data's own
    scheme: object = None
    place: str | None = "Ukraine"
    own_regions: bool = False  # regions given by the caller (the view is fitted to them)
    covered_to: object = None  # the series' last covered day (None: open-ended)

    @property
    def builtin(self) -> bool:
        return self.scheme is None

    @property
    def status_codes(self) -> dict[str, int]:
        from .figures.territory_map import scheme_codes

        return scheme_codes(self.scheme)

    @property
    def background(self) -> str:
        from .figures.territory_map import background_status

        return background_status(self.scheme)

    @property
    def legend_statuses(self) -> tuple[str, ...]:
        """Statuses the data uses, in legend order, plus the background and no-data."""
        from .figures.territory_map import NO_DATA

        used = {v for v in np.unique(self.statuses.to_numpy().astype(str))}
        keep = {self.background, NO_DATA}
        return tuple(s for s in self.status_codes if s in used or s in keep)

    @property
    def axis(self) -> DateAxis:
        if self.builtin:
            return slider_axis(self.lo, self.hi)
        from . import theme

        focus = theme.focus_for(self.events)  # a day as text or a Timestamp, or None
        return slider_axis(self.lo, self.hi, iso(focus) if focus is not None else None)

    def statuses_at(self, date: str) -> np.ndarray:
        """Status per piece on ``date`` (the last snapshot on or before it); "no_data" before
        the first one; the background status where a piece is in no status polygon."""
        from .figures.territory_map import NO_DATA

        idx = self.statuses.index
        i = int(idx.searchsorted(pd.Timestamp(date), side="right")) - 1
        if i < 0 or not self.covers(date):
            return np.full(self.statuses.shape[1], NO_DATA, dtype=object)
        row = self.statuses.iloc[i].to_numpy(dtype=object)
        return np.array([s if isinstance(s, str) else self.background for s in row], dtype=object)

    def covers(self, date: str) -> bool:
        """Whether ``date`` lies within the control series' span."""
        idx = self.statuses.index
        if not len(idx) or pd.Timestamp(date) < idx.min():
            return False
        return self.covered_to is None or pd.Timestamp(date) <= pd.Timestamp(self.covered_to)

    @property
    def held_statuses(self) -> tuple[str, ...]:
        return ("occupied", "occupied_before_2022") if self.builtin else tuple(self.scheme.held)

    @property
    def region_ids(self) -> list[str]:
        from .figures.territory_map import region_ids

        return region_ids(self.regions)

    def held_share(self, date: str) -> dict[str, float]:
        """Share of each region's area in a held status on ``date``."""
        st = self.statuses_at(date)
        held = np.isin(st.astype(str), list(self.held_statuses))
        codes = self.pieces["id" if "id" in self.pieces.columns else "iso_3166_2"].to_numpy()
        out = {}
        for code, total in self.region_area.items():
            m = (codes == code) & held
            out[code] = float(self.piece_area[m].sum() / total) if total else 0.0
        return out


_CACHE: OrderedDict[str, Dataset] = OrderedDict()
_DEFAULTS: dict[str, Dataset] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 8
BUILTIN_KEY = "builtin"


def build_dataset(df=None, control=None, regions=None, *, key: str = BUILTIN_KEY) -> Dataset:
    """Frames, pieces and areas for one set of data (``None``: the built-in piece)."""
    import events as ev
    import geodata

    from . import theme
    from .figures.territory_map import region_ids

    df = ev.load_catalog() if df is None else df
    own_regions = regions is not None
    if own_regions:
        from .figures.territory_map import as_regions, no_series

        regions = as_regions(regions)
        if control is None:
            control = no_series()  # the built-in series is Ukraine's: other regions have none
        neighbours = geodata.neighbours(regions=regions)
    else:
        regions = geodata.regions("web")
        neighbours = geodata.neighbours("web")
    pieces, statuses = geodata.status_pieces(control, None, regions if own_regions else None)
    statuses = statuses.sort_index()
    from .figures.territory_map import drawn_scheme

    scheme = drawn_scheme(control, not own_regions)  # None: drawn as the built-in data is
    if scheme is not None:
        seen = sorted({s for s in pd.unique(statuses.to_numpy().ravel()) if isinstance(s, str)})
        scheme = scheme.extend(seen)
    area = geodata.area_series(control, None, regions if own_regions else None, scheme=scheme)
    builtin = scheme is None and theme.is_builtin(df)
    lo, hi = data_range(df, list(statuses.index), builtin=builtin or scheme is None)
    piece_area = pieces.to_crs("EPSG:6933").geometry.area.to_numpy()
    reg_area = regions.to_crs("EPSG:6933").geometry.area.to_numpy()
    region_area = dict(zip(region_ids(regions), reg_area, strict=True))
    return Dataset(
        key,
        df,
        control,
        regions,
        neighbours,
        pieces,
        statuses,
        area,
        lo,
        hi,
        piece_area,
        region_area,
        scheme,
        theme.place_name(regions if own_regions else None),
        own_regions,
        geodata.coverage(control)[1],
    )


def _build(key: str, parts: dict) -> Dataset:
    import events as ev

    ev_part = parts.get("events")
    df = None
    if ev_part:
        uploaded = ev.validate(ev_part["records"], file=ev_part.get("name"))
        df = merged_records(uploaded) if ev_part.get("mode") == "join" else uploaded
    control = None
    ctl_part = parts.get("control")
    if ctl_part:
        control = control_from_parts(ctl_part["geojson"])
        if ctl_part.get("mode") == "join":
            control = _join_control(control)
    regions = None
    if parts.get("regions"):
        regions = regions_from_parts(parts["regions"]["geojson"])
    return build_dataset(df, control, regions, key=key)


BUILTIN_CREDIT = "Borderlines built-in series"
JOINED = ("date", "status", "source", "approximate", "geometry")


def _join_control(uploaded):
    """Built-in snapshots before the upload's first date, then the upload.

    The built-in rows take the upload's ``source``, so that one latest snapshot is drawn at
    any date (``control_at`` keeps the latest per source); ``credit`` names where each row
    comes from, for the map's credit line, and ``approximate`` stays on the built-in rows."""
    import geodata

    first = pd.Timestamp(uploaded["date"].min())
    source = None
    if "source" in uploaded.columns and uploaded["source"].notna().any():
        source = uploaded["source"].mode().iloc[0]
    parts = []
    for day in geodata.key_dates():
        day = pd.Timestamp(day)
        if day >= first:
            break
        snap = geodata.control_at(day).copy()
        snap["date"] = day
        if source is not None:  # one group with the upload's: the upload takes over
            snap["source"] = source
        snap["credit"] = BUILTIN_CREDIT
        parts.append(snap[[c for c in (*JOINED, "credit") if c in snap]])
    if not parts:
        return uploaded
    import geopandas as gpd

    keep = [c for c in JOINED if c in uploaded.columns]
    upload = uploaded[keep].copy()
    upload["credit"] = upload["source"] if "source" in upload.columns else None
    both = pd.concat([*parts, upload], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326")


def base_dataset(base: str = BUILTIN_KEY) -> Dataset:
    """The app's own data (the built-in data unless ``create_app`` was given frames)."""
    with _LOCK:
        ds = _DEFAULTS.get(base)
    if ds is None:
        if base != BUILTIN_KEY:
            raise KeyError(f"no dataset registered as {base!r}")
        ds = _builtin_cached()
        register(ds)
    return ds


def dataset(payload: dict | None = None, base: str = BUILTIN_KEY) -> Dataset:
    """The :class:`Dataset` for a session payload, cached per worker by the server's key.

    Without uploads, or when the payload's reference names no upload (tampered, expired:
    :func:`upload_problem` says which), it is the app's own data (``base``).
    """
    from .app.store import UploadGone

    try:
        kept = stored(payload)
    except UploadGone:
        kept = None
    if kept is None:
        return base_dataset(base)
    key = "upload-" + kept.key  # cannot collide with "builtin" or an app's "app-<n>"
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    ds = _build(key, kept.parts)
    with _LOCK:
        _CACHE[key] = ds
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return ds


def remember(ds: Dataset) -> None:
    """Keep a dataset built elsewhere (the upload's budgeted child) in this worker's cache."""
    with _LOCK:
        _CACHE[ds.key] = ds
        _CACHE.move_to_end(ds.key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def upload_problem(payload: dict | None) -> str | None:
    """Why a session's payload names no upload (``None``: it does, or there is none)."""
    from .app.store import UploadGone

    try:
        stored(payload)
    except UploadGone as exc:
        return exc.reason
    return None


def _builtin_cached() -> Dataset:
    """The built-in dataset, built once per process."""
    return build_dataset(key=BUILTIN_KEY)


def register(ds: Dataset) -> None:
    """Keep an app's own dataset for the life of the process (never evicted)."""
    with _LOCK:
        _DEFAULTS[ds.key] = ds


def cache_dir() -> str:
    """Folder of the app's caches: ``BORDERLINES_CACHE_DIR`` or a temp folder."""
    from .app.store import cache_dir as folder

    return str(folder())


# ---------------------------------------------------------------- the reducer


def _click_value(click, key: str):
    try:
        point = (click or {}).get("points", [])[0]
    except (IndexError, AttributeError, TypeError):
        return None
    value = point.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value


def reduce(
    trigger: str | None,
    value,
    date: str | None,
    view: dict | None,
    ds: Dataset,
    *,
    playing: bool = False,
):
    """The next ``(date, view, playing)`` after one thing happened.

    ``trigger`` names what happened (``"url"``, ``"slider"``, ``"date-input"``, ``"prev-event"``,
    ``"next-event"``, ``"prev-month"``, ``"next-month"``, ``"play"``, ``"tick"``,
    ``"category"``, ``"region"``, ``"search"``, ``"lang"``, ``"timeline-click"``,
    ``"map-click"``, ``"pick"``, ``"close"``, ``"data"``) and ``value`` carries its payload
    (the URL's search string, a slider position, a clickData dict, an event id, ...).
    """
    lo, hi = ds.lo, ds.hi
    default_date = (
        ds.hi
        if ds.hi <= "2024-12-31"
        else iso(ds.statuses.index.max())
        if len(ds.statuses)
        else ds.hi
    )
    ids = set(ds.events["id"])
    date = date or default_date
    view = {**default_view(), **(view or {})}
    if trigger in (None, "url"):
        cats = set(ds.events["category"])
        date, view = parse_url(value, default_date=default_date, categories=cats, event_ids=ids,
                               region_codes=set(ds.region_area))  # fmt: skip
        if view["event"] and not parse_day(
            (parse_qs((value or "").lstrip("?")).get("date") or [None])[-1]
        ):
            date, view = select_event(view, view["event"], ds.events, date)
    elif trigger == "slider" and value is not None:
        date = pos_to_day(value, ds.axis)
    elif trigger == "date-input":
        date = parse_day(value, date)
    elif trigger in ("prev-event", "next-event", "tick"):
        shown = filter_events(ds.events, view)
        new_date, view2 = step_event(shown, date, -1 if trigger == "prev-event" else 1, view)
        if trigger == "tick" and view2 is view:
            playing = False
        date, view = new_date, view2
    elif trigger in ("prev-month", "next-month"):
        date = add_months(date, -1 if trigger == "prev-month" else 1)
    elif trigger == "play":
        playing = not playing
    elif trigger == "category":
        view = {**view, "category": list(value or [])}
    elif trigger == "region":
        view = {**view, "region": value or None}
    elif trigger == "search":
        view = {**view, "q": (value or "").strip()[:200]}
    elif trigger == "lang":
        view = {**view, "lang": "uk" if view.get("lang") != "uk" else "en"}
    elif trigger in ("timeline-click", "pick"):
        eid = _click_value(value, "customdata") if trigger == "timeline-click" else value
        if eid in ids:
            date, view = select_event(view, eid, ds.events, date)
    elif trigger == "map-click":
        code = _click_value(value, "location")
        if code in ds.region_area:
            view = toggle_region(view, code)
    elif trigger == "close" or (trigger == "data" and view.get("event") not in ids):
        view = {**view, "event": None}
    date = clamp_day(date, lo, hi)
    return date, view, playing


# ---------------------------------------------------------------- figures for the app

MAP_NEIGHBOURS, MAP_PIECES, MAP_REGIONS, MAP_SELECTED, MAP_LEGEND = 0, 1, 2, 3, 4
PLACE_LINE = "#0B3C5D"
FILTER_LINE = "#222222"


def map_state(ds: Dataset, date: str, view: dict) -> dict:
    """Everything on the map that changes with the date, the selection or the language —
    and nothing else: the geometry never appears here."""
    from . import _style as S

    lang = view.get("lang", "en")
    st = ds.statuses_at(date)
    held = ds.held_share(date)
    codes_of = ds.status_codes
    fallback = codes_of.get("unknown", codes_of[ds.background])
    z = [codes_of.get(s, fallback) for s in st]
    codes = ds.region_ids
    names = _i18n.region_names(ds.regions, lang)
    places, lons, lats = set(), [], []
    if view.get("event"):
        row = ds.events[ds.events["id"] == view["event"]]
        if len(row):
            places = set(row["places"].iloc[0])
            for p in row["points"].iloc[0]:
                lons.append(p["lon"])
                lats.append(p["lat"])
    width, color, text = [], [], []
    for c in codes:
        if c in places:
            width.append(3.0)
            color.append(PLACE_LINE)
        elif c == view.get("region"):
            width.append(2.2)
            color.append(FILTER_LINE)
        else:
            width.append(0.5)
            color.append(S.BORDER)
        line = f"<b>{_esc(names.get(c, c))}</b>"
        if held.get(c, 0) >= 0.005:
            key = "russian_held" if ds.builtin else "held_share"
            line += "<br>" + _esc(_i18n.t(key, lang, share=f"{held[c]:.0%}"))
        text.append(line)
    return {
        "z": z,
        "line_width": width,
        "line_color": color,
        "text": text,
        "sel_lon": lons,
        "sel_lat": lats,
        "title": _esc(map_title(ds, date, lang)),
        "legend": [_esc(legend_label(ds, s, lang)) for s in ds.status_codes],
    }


def map_title(ds: Dataset, date: str, lang: str) -> str:
    """ "Territorial control in Ukraine as of …" for the built-in data, the data's own place
    (or none) otherwise; "no control data" before the series begins."""
    day = _i18n.format_day(date, lang)
    if not ds.covers(date):
        if ds.place:
            return _i18n.t("map_title_no_data", lang, place=ds.place, date=day)
        return _i18n.t("map_title_no_data_any", lang, date=day)
    if ds.builtin:
        title = _i18n.t("map_title", lang, date=day)
    elif ds.place:
        title = _i18n.t("map_title_place", lang, place=ds.place, date=day)
    else:
        title = _i18n.t("map_title_any", lang, date=day)
    idx = ds.statuses.index
    shown = idx[int(idx.searchsorted(pd.Timestamp(date), side="right")) - 1]
    if ds.control is not None and pd.Timestamp(shown).normalize() != pd.Timestamp(date):
        title += " " + _i18n.t("line_of", lang, date=_i18n.format_day(shown, lang))
    return title


def legend_label(ds: Dataset, status: str, lang: str) -> str:
    from .figures.territory_map import NO_DATA, status_label

    if status == NO_DATA:
        return _i18n.t("no_control_data", lang)
    if ds.builtin:
        return _i18n.status_label(status, lang)
    return status_label(status, ds.scheme)


def _esc(text) -> str:
    from ._text import esc

    return esc(text)


#: Version of :func:`date_spec`; ``borderlines.js`` refuses a spec of another version.
DATE_SPEC_VERSION = 1


def date_spec(ds: Dataset, lang: str = "en") -> dict:
    """What the browser needs to move the app through time without asking the server: the
    slider's axis, the status code of every piece at every snapshot, the regions' hover
    lines, the title's words and the month names.

    ``borderlines.js`` (``onDate``) draws from it; every string in it is built here, with the
    same words, escaping and rounding as :func:`map_state` and :func:`map_title`, so the
    server's view of a date and the browser's cannot disagree (a browser test checks both).
    """
    from .figures.territory_map import NO_DATA, status_color

    lang = _i18n.lang_of(lang)
    codes_of = ds.status_codes
    colors = [None] * (max(codes_of.values()) + 1)
    for status, code in codes_of.items():
        colors[code] = status_color(status, ds.scheme)
    fallback = codes_of.get("unknown", codes_of[ds.background])
    dates, status, shares = [], [], []
    codes = ds.region_ids
    key = "russian_held" if ds.builtin else "held_share"
    for day, row in ds.statuses.iterrows():
        z = [codes_of.get(s if isinstance(s, str) else ds.background, fallback) for s in row]
        dates.append(iso(day))
        status.append("".join(chr(48 + c) for c in z))
        held = ds.held_share(iso(day))
        shares.append(
            {str(i): f"{held[c]:.0%}" for i, c in enumerate(codes) if held.get(c, 0) >= 0.005}
        )
    names = _i18n.region_names(ds.regions, lang)
    axis = ds.axis
    if ds.builtin:
        covered = _i18n.t("map_title", lang, date="{date}")
    elif ds.place:
        covered = _i18n.t("map_title_place", lang, place=ds.place, date="{date}")
    else:
        covered = _i18n.t("map_title_any", lang, date="{date}")
    if ds.place:
        no_data = _i18n.t("map_title_no_data", lang, place=ds.place, date="{date}")
    else:
        no_data = _i18n.t("map_title_no_data_any", lang, date="{date}")
    months = _i18n.MONTHS_UK_GEN if lang == "uk" else _i18n.MONTHS["en"]
    return {
        "v": DATE_SPEC_VERSION,
        "dataset": ds.key,
        "lang": lang,
        "lo": ds.lo,
        "hi": ds.hi,
        "steps": SLIDER_STEPS,
        "axis": {"dates": [iso(d) for d in axis.dates], "xs": list(axis.xs)},
        "status_dates": dates,
        "status": status,
        "status_end": iso(ds.covered_to) if ds.covered_to is not None else None,
        "no_data": codes_of[NO_DATA],
        "colors": colors,  # by code: what the pieces' colour scale gives each code
        "traces": {"pieces": MAP_PIECES, "regions": MAP_REGIONS},
        "names": [f"<b>{_esc(names.get(c, c))}</b>" for c in codes],
        "shares": shares,
        "share_line": _esc(_i18n.t(key, lang, share="{share}")),
        "title": {"covered": covered, "no_data": no_data,
                  "line_of": _i18n.t("line_of", lang, date="{date}") if ds.control is not None else None},
        "months": months[1:],
    }  # fmt: skip


def build_map(ds: Dataset, date: str, view: dict):
    """The app's map, geometry included (sent once per dataset; later only patched)."""
    import plotly.graph_objects as go

    from . import _style as S
    from ._geo import feature_collection
    from .figures.territory_map import (
        geo_layout,
        neighbour_trace,
        status_color,
        status_traces,
    )

    m = map_state(ds, date, view)
    fig = go.Figure()
    nb = ds.neighbours
    fig.add_trace(neighbour_trace(nb).update(hoverinfo="skip"))
    pieces = ds.pieces
    statuses = [ds.background] * len(pieces)
    trace = status_traces(pieces, statuses, scheme=ds.scheme)[0]
    trace.update(z=m["z"], marker_line_width=0)
    fig.add_trace(trace)
    codes = ds.region_ids
    fig.add_trace(
        go.Choropleth(
            geojson=feature_collection(ds.regions.geometry, codes), locations=codes, z=[1] * len(codes),
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker=dict(line=dict(width=m["line_width"], color=m["line_color"])), customdata=codes,
            text=m["text"], hoverinfo="text", name="regions",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scattergeo(lon=m["sel_lon"], lat=m["sel_lat"], mode="markers", hoverinfo="skip", showlegend=False,
                      marker=dict(size=11, color=PLACE_LINE, line=dict(color="white", width=2)),
                      name="selected-points")
    )  # fmt: skip
    light = {ds.background, "no_data"}
    for name, status in zip(m["legend"], ds.status_codes, strict=True):
        if status not in ds.legend_statuses:
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=[None], lat=[None], mode="markers", name=name, showlegend=True, hoverinfo="skip",
                marker=dict(symbol="square", size=14, color=status_color(status, ds.scheme),
                            line=dict(color=S.INK, width=1 if status in light else 0)),
            )
        )  # fmt: skip
    fig.update_layout(
        **S.BASE_LAYOUT,
        autosize=True,
        margin=dict(l=0, r=0, t=0, b=0),
        geo=geo_layout(900, 640, map_view(ds)),
        title=dict(text=None),
        legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="top", font=dict(size=12),
                    itemclick=False, itemdoubleclick=False),
        uirevision="map",
        meta={"borderlines": {"view": "map", "date": date, "dataset": ds.key}},
    )  # fmt: skip
    return fig


def map_view(ds: Dataset) -> dict:
    """Ukraine's fixed view for the built-in regions, else one fitted to the data's regions."""
    import shapely

    from .figures.territory_map import VIEW, fit_view

    if not ds.own_regions:
        return VIEW
    return fit_view(shapely.union_all(ds.regions.geometry.to_numpy()))


def map_patch(ds: Dataset, date: str, view: dict, patch):
    """Fill a ``dash.Patch`` with the map's changing parts: colours (``z``), region outlines
    and hover text, the selected event's points, the title and the legend's language."""
    m = map_state(ds, date, view)
    patch["data"][MAP_PIECES]["z"] = m["z"]
    patch["data"][MAP_REGIONS]["marker"]["line"]["width"] = m["line_width"]
    patch["data"][MAP_REGIONS]["marker"]["line"]["color"] = m["line_color"]
    patch["data"][MAP_REGIONS]["text"] = m["text"]
    patch["data"][MAP_SELECTED]["lon"] = m["sel_lon"]
    patch["data"][MAP_SELECTED]["lat"] = m["sel_lat"]
    patch["layout"]["meta"]["borderlines"]["date"] = date
    labels = dict(zip(ds.status_codes, m["legend"], strict=True))
    for i, status in enumerate(ds.legend_statuses):
        patch["data"][MAP_LEGEND + i]["name"] = labels[status]
    return patch


def axis_x(date: str, axis_meta: dict) -> float:
    """x of ``date`` on a timeline, through the knots in ``layout.meta["borderlines"]["axis"]``."""
    knots = [pd.Timestamp(d).value for d in axis_meta["dates"]]
    return float(np.interp(pd.Timestamp(date).value, knots, axis_meta["xs"]))


def shape_index(fig, name: str) -> int | None:
    for i, shape in enumerate(fig.layout.shapes or ()):
        if shape.name == name:
            return i
    return None
