"""Figure commands of the ``borderlines`` CLI: map, timeline, html, frames."""

from __future__ import annotations

import sys
from pathlib import Path


def _events(args):
    """The events to draw: ``--events``, else the built-in catalogue — but not over someone
    else's ``--regions`` (Ukraine's events do not belong on another country's map): none."""
    import events

    if getattr(args, "regions", None) and not getattr(args, "events", None):
        df = events.load_catalog().iloc[:0].copy()
        df.attrs = {}
        return df
    df = events.load_catalog(getattr(args, "events", None))
    return events.query(
        df,
        start=getattr(args, "date_from", None),
        end=getattr(args, "date_to", None),
        category=getattr(args, "category", None),
        place=getattr(args, "place", None),
    )


def _control(args):
    if not getattr(args, "control", None):
        return None
    import geodata

    return geodata.read_series(args.control)


def _regions(args):
    if not getattr(args, "regions", None):
        return None
    import geodata

    return geodata.read_regions(args.regions)


def _write(fig, out: str, args) -> None:
    from .. import export

    path = Path(out)
    if path.suffix.lower() in (".html", ".htm"):
        export.write_html(fig, path, mode=getattr(args, "mode", "inline"))
    else:
        export.write_image(fig, path, width=args.width, height=args.height, scale=args.scale)
    print(f"wrote {path}")


def cmd_map(args) -> int:
    from ..figures.territory_map import territory_map

    fig = territory_map(
        args.date,
        events=_events(args),
        control=_control(args),
        regions=_regions(args),
        print_mode=args.print_mode,
        window_days=args.window,
        title=args.title,
    )
    _write(fig, args.out, args)
    return 0


def cmd_timeline(args) -> int:
    from ..figures.timeline import timeline

    size = {k: v for k, v in (("width", args.width), ("height", args.height)) if v}
    fig = timeline(_events(args), date=args.date, title=args.title, **size)
    _write(fig, args.out, args)
    return 0


def cmd_html(args) -> int:
    from .. import export
    from ..linked import linked_view

    view = linked_view(_events(args), _control(args), _regions(args), title=args.title)
    export.write_html(view, args.out, mode=args.mode)
    print(f"wrote {args.out}")
    return 0


def cmd_frames(args) -> int:
    import geodata

    from .. import export
    from ..figures.territory_map import territory_map

    if not (args.out_dir or args.gif or args.mp4):
        raise ValueError(
            "give --out-dir DIR for frames, --gif FILE.gif and/or --mp4 FILE.mp4 for an animation"
        )
    control = _control(args)
    regions = _regions(args)
    if args.dates:
        dates = [d.strip() for d in args.dates.split(",") if d.strip()]
    elif control is None:
        dates = [d.strftime("%Y-%m-%d") for d in geodata.key_dates()]
    else:
        col = "date" if "date" in control.columns else "valid_from"
        dates = sorted({d.strftime("%Y-%m-%d") for d in control[col]})
    ev = _events(args)
    figs = [
        territory_map(d, events=ev, control=control, regions=regions, print_mode=args.print_mode)
        for d in dates
    ]
    if args.out_dir:
        out = Path(args.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        items = [(f, out / f"map-{d}.{args.format}") for f, d in zip(figs, dates, strict=True)]
        export.write_images(items, width=args.width, height=args.height, scale=args.scale)
        print(f"wrote {len(items)} frames to {out}")
    if args.gif:
        export.write_gif(
            figs, args.gif, duration_ms=args.frame_ms, width=args.width, height=args.height
        )
        print(f"wrote {args.gif}")
    if args.mp4:
        export.write_video(
            figs, args.mp4, fps=1000 / args.frame_ms, width=args.width, height=args.height
        )
        print(f"wrote {args.mp4}")
    return 0


def _size_args(p) -> None:
    p.add_argument("--width", type=int, help="pixels (default: the figure's own)")
    p.add_argument("--height", type=int)
    p.add_argument("--scale", type=float, help="e.g. 2 for print-quality PNG")


def _data_args(p, control=True) -> None:
    p.add_argument("--events", help="event file (default: the built-in catalogue)")
    p.add_argument("--from", dest="date_from", metavar="DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE")
    p.add_argument("--category", action="append")
    p.add_argument("--place", action="append")
    p.add_argument("--title", help="the figure's title (default: from the data)")
    if control:
        p.add_argument(
            "--control",
            help="a control series: from import-control, or a plain GeoJSON/GeoPackage/"
            "GeoParquet/CSV of date (or valid_from/valid_to), status, geometry "
            "(default: built-in)",
        )
        p.add_argument(
            "--regions",
            help="regions file (GeoJSON, GeoPackage, ...; default: Ukraine's 27 units)",
        )


def add_figure_commands(sub) -> None:
    """Register the figure sub-commands on the CLI's sub-parser."""
    p = sub.add_parser("map", help="the territory map on a date (PNG/SVG/PDF/HTML)")
    p.add_argument("--date", required=True, help="e.g. 2022-09-30")
    p.add_argument("--out", required=True, help="map.png, map.svg, map.pdf or map.html")
    p.add_argument("--print", dest="print_mode", action="store_true", help="hatching for print")
    p.add_argument("--window", type=int, default=365, help="show events of the last N days")
    p.add_argument("--mode", choices=("inline", "cdn", "fragment"), default="inline")
    _size_args(p)
    _data_args(p)
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("timeline", help="the event timeline (PNG/SVG/PDF/HTML)")
    p.add_argument("--out", required=True)
    p.add_argument("--date", help="draw the date cursor here")
    p.add_argument("--mode", choices=("inline", "cdn", "fragment"), default="inline")
    _size_args(p)
    _data_args(p, control=False)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("html", help="the linked timeline + map page")
    p.add_argument("--out", required=True, help="linked.html")
    p.add_argument("--mode", choices=("inline", "cdn", "fragment"), default="inline")
    _data_args(p)
    p.set_defaults(func=cmd_html)

    p = sub.add_parser("frames", help="the map at many dates: PNG frames and/or an animated GIF")
    p.add_argument("--dates", help="comma-separated dates (default: every key date)")
    p.add_argument("--out-dir", help="folder for map-<date>.<format> frames")
    p.add_argument("--gif", help="write an animated GIF here")
    p.add_argument("--mp4", help="write an H.264 video here (needs the 'video' extra)")
    p.add_argument("--format", choices=("png", "svg", "pdf"), default="png")
    p.add_argument("--frame-ms", type=int, default=1200, help="GIF frame duration")
    p.add_argument("--print", dest="print_mode", action="store_true")
    _size_args(p)
    _data_args(p)
    p.set_defaults(func=cmd_frames)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: borderlines COMMAND (see borderlines --help)")
