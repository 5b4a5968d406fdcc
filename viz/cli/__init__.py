"""The ``borderlines`` command line.

Each sub-command imports what it needs when it runs, so ``borderlines validate`` stays quick.
Errors in the user's input are printed as one clear message (exit status 1); they never show
a traceback.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
import unicodedata
import warnings

from .figures import add_figure_commands


def _term(text, keep: str = "") -> str:
    """Text safe to print on a terminal: control characters (ESC sequences that recolour or
    retitle the terminal, bells, bidi overrides) shown escaped, as ``\\x1b``."""
    out = []
    for ch in str(text):
        if ch in keep or (ch.isprintable() and unicodedata.category(ch) != "Cf"):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def _events_table(df, width: int) -> str:
    """A plain-text table: date, category, id and title, wrapped to the terminal width."""
    if df.empty:
        return "no events match"
    date_w = min(max(len(s) for s in df["date_label"]), 30)
    cat_w = max(len(c) for c in df["category"])
    title_w = max(20, width - date_w - cat_w - 6)
    lines = [f"{'date':<{date_w}}  {'category':<{cat_w}}  event", "-" * min(width, 120)]
    for _, r in df.iterrows():
        label = _term(r["date_label"][:date_w])
        places = ", ".join(list(r["places"]) + [p["name"] for p in r["points"]])
        text = _term(f"{r['title']} [{r['id']}]" + (f" ({places})" if places else ""))
        wrapped = textwrap.wrap(text, title_w) or [""]
        lines.append(f"{label:<{date_w}}  {_term(r['category']):<{cat_w}}  {wrapped[0]}")
        lines += [f"{'':<{date_w}}  {'':<{cat_w}}  {w}" for w in wrapped[1:]]
    lines.append(f"{len(df)} event{'s' if len(df) != 1 else ''}")
    return "\n".join(lines)


def cmd_validate(args) -> int:
    import events

    df = events.load_catalog(args.file, strict=args.strict)
    print(f"OK: {args.file} holds {len(df)} valid events")
    unsourced = int((~df["sourced"]).sum())
    if unsourced:
        print(f"note: {unsourced} of {len(df)} events without a source (--strict requires one)")
    return 0


def cmd_events(args) -> int:
    import events

    df = events.load_catalog(args.file)
    df = events.query(
        df,
        start=args.date_from,
        end=args.date_to,
        category=args.category,
        place=args.place,
        text=args.text,
    )
    if args.format == "table":
        print(_events_table(df, shutil.get_terminal_size((100, 20)).columns))
    else:
        text = events._io.to_text(df, args.format)
        # to a terminal, escapes stay visible; to a file or a pipe, the data is written as is
        print(_term(text, keep="\n\t") if sys.stdout.isatty() else text, end="")
    return 0


def cmd_import_control(args) -> int:
    import geodata

    with warnings.catch_warnings():
        # the same lines come back in the report, printed below
        warnings.simplefilter("ignore", geodata.ImportReportWarning)
        gdf = geodata.read_control(args.path, source=args.source)
    for line in gdf.attrs.get("report", []):
        print(line, file=sys.stderr)
    geodata.write_series(gdf, args.out)
    dates = gdf["date"].nunique() if len(gdf) else 0
    print(f"wrote {len(gdf)} rows ({dates} dates) to {args.out}")
    return 0


def cmd_areas(args) -> int:
    import geodata
    from events._csv import safe_cell

    series = geodata.read_series(args.series) if args.series else None
    regions = geodata.read_regions(args.regions) if args.regions else None
    table = geodata.area_series(series, None, regions, total_km2=args.total_km2)
    table = table.assign(
        date=table["date"].dt.strftime("%Y-%m-%d"),
        area_km2=table["area_km2"].round(0).astype(int),
        share=(table["share"] * 100).round(2),
        status=table["status"].map(safe_cell),  # a status named "=cmd|…" stays text
    ).rename(columns={"share": "share_pct"})
    text = table.to_csv(index=False) if args.csv or args.out else table.to_string(index=False)
    if args.out:
        from events._io import atomic_write

        atomic_write(args.out, text)
        print(f"wrote {len(table)} rows to {args.out}")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="borderlines",
        description="Linked timeline and map views of territorial change.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check an event file and list every problem")
    p.add_argument("file", help="a .yaml, .csv or .json event file (TimelineJS sheets too)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="also require a category and at least one source on every event",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("events", help="list events as a table")
    p.add_argument("--file", help="event file (default: the built-in catalogue)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="e.g. 2014 or 2022-02-24")
    p.add_argument(
        "--to", dest="date_to", metavar="DATE", help="inclusive: 2022 means to 31 Dec 2022"
    )
    p.add_argument("--category", action="append", help="repeatable: annexation, treaty, ...")
    p.add_argument("--place", action="append", help="region code, e.g. UA-43 (UA matches all)")
    p.add_argument("--text", help="case-insensitive text search")
    p.add_argument("--format", choices=("table", "csv", "json", "yaml"), default="table")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("import-control", help="import a control-of-terrain archive")
    p.add_argument("path", help="a file, a folder or a glob of DeepStateMap / ISW files")
    p.add_argument("--out", required=True, help="series.gpkg or series.parquet")
    p.add_argument(
        "--source", default="auto", help="auto (default), deepstate, deepstate-daily, isw"
    )
    p.set_defaults(func=cmd_import_control)

    p = sub.add_parser("areas", help="area per status and share of the regions by date")
    p.add_argument("series", nargs="?", help="a control series (default: built-in)")
    p.add_argument("--regions", help="regions file the shares are of (default: Ukraine's)")
    p.add_argument("--total-km2", type=float, help="divide shares by this area instead")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.add_argument("--out", help="write CSV to this file")
    p.set_defaults(func=cmd_areas)

    add_figure_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``borderlines`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        from ..export import ExportError  # a missing or dying Chromium: a message, not a traceback

        if not isinstance(exc, ExportError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
