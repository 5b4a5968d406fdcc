"""Rebuild ``viz/assets/plotly/``: plotly.js with only the traces Borderlines draws.

Usage::

    python scripts/build_assets.py            # rebuild, check the checksums, write the files
    python scripts/build_assets.py --check    # rebuild in a temp folder, compare, write nothing
    python scripts/build_assets.py --update   # after a deliberate version bump: record new sums

The views draw four trace types: ``scatter`` and ``bar`` (timeline, area chart),
``scattergeo`` and ``choropleth`` (map). plotly's own geo partial bundle
(npm ``plotly.js-geo-dist-min``) has no ``bar``: plotly.js would silently draw the timeline's
spans as stray scatter points. So this script makes a partial bundle the way plotly's
``npm run custom-bundle -- --traces bar,scattergeo,choropleth`` does (``lib/core`` plus the
traces' ``lib/`` modules, esbuild, minified), without the ``calendars`` component, which no
figure uses. The result is about the size of the geo bundle (1.41 MB against 1.40 MB; the full
bundle is 4.8 MB).

Inputs are pinned in ``viz/assets/plotly/manifest.json``: the plotly.js version (the one
plotly.py ships, ``plotly.offline.get_plotlyjs_version()``), the sha512 integrity of its npm
tarball, the esbuild version, and a date that npm resolves every other dependency as of
(``npm install --before``), so a rebuild gives the same bytes; the bundle's sha256 is checked
against the manifest before anything is written. Needs ``node`` and ``npm`` (build time only:
the package never touches the network).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "viz" / "assets" / "plotly"
MANIFEST = OUT / "manifest.json"

# plotly's partial bundles are wrapped like this (UMD; the page gets ``window.Plotly``)
HEADER = """/**
* plotly.js ({name} - minified) v{version}
* Copyright 2012-{year}, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/
(
 function(root, factory) {{
  if (typeof module === "object" && module.exports) {{
   module.exports = factory();
  }} else {{
   root.moduleName = factory();
  }}
}} (typeof self !== "undefined" ? self : this, () => {{
"""
FOOTER = """
window.Plotly = Plotly;
return Plotly;
}));
"""

# plotly.js's esbuild-config.js, less the plugins the chosen traces do not need (glsl shaders
# and maplibre's CSS belong to the WebGL and tile-map traces; CSS imports become empty)
BUILD_MJS = """import { build } from "esbuild";
await build({
  entryPoints: ["entry.js"], outfile: "bundle.min.js", bundle: true, minify: true,
  format: "iife", globalName: "Plotly", target: "es2016", sourcemap: false, logLevel: "warning",
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  alias: { regl: "@plotly/regl" },
  plugins: [{ name: "no-css", setup(b) { b.onLoad({ filter: /\\.css$/ }, () => ({ contents: "", loader: "js" })); } }],
});
"""


def entry_js(traces: list[str]) -> str:
    """``lib/index-<name>.js`` as plotly's custom bundle writes it (scatter is in the core)."""
    extra = [t for t in traces if t != "scatter"]
    lines = "".join(f"    require('plotly.js/lib/{t}'),\n" for t in extra)
    return (
        "'use strict';\n\nvar Plotly = require('plotly.js/lib/core');\n\n"
        f"Plotly.register([\n{lines}]);\n\nmodule.exports = Plotly;\n"
    )


def run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")


def build(pins: dict, work: Path) -> tuple[bytes, bytes]:
    """The bundle and plotly.js's LICENSE, built in ``work`` from the pinned registry versions."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} not found: install Node.js 20 or later (Debian: apt-get install nodejs npm)"
            )
    package = {
        "private": True,
        "dependencies": {"plotly.js": pins["version"], "esbuild": pins["esbuild"]},
    }
    (work / "package.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    run(
        ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund",
         f"--before={pins['npm_before']}"],
        work,
    )  # fmt: skip
    lock = json.loads((work / "node_modules" / ".package-lock.json").read_text(encoding="utf-8"))
    got = lock["packages"]["node_modules/plotly.js"]
    if (got["version"], got["integrity"]) != (pins["version"], pins["integrity"]):
        sys.exit(
            f"npm installed plotly.js {got['version']} with integrity {got['integrity']}; "
            f"the manifest pins {pins['version']} with {pins['integrity']}"
        )
    (work / "entry.js").write_text(entry_js(pins["traces"]), encoding="utf-8")
    (work / "build.mjs").write_text(BUILD_MJS, encoding="utf-8")
    run(["node", "build.mjs"], work)
    body = (work / "bundle.min.js").read_text(encoding="utf-8")
    with open(work / "node_modules/plotly.js/dist/plotly.js", encoding="utf-8") as fh:
        year = fh.read(300).split("Copyright 2012-", 1)[1][:4]
    header = HEADER.format(name=pins["name"], version=pins["version"], year=year)
    bundle = (header + body.rstrip("\n") + FOOTER).encode("utf-8")
    licence = (work / "node_modules/plotly.js/LICENSE").read_bytes()
    return bundle, licence


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="rebuild and compare; write nothing")
    group.add_argument("--update", action="store_true", help="record the new bundle's checksum")
    args = ap.parse_args(argv)
    pins = json.loads(MANIFEST.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="borderlines-plotlyjs-") as tmp:
        bundle, licence = build(pins, Path(tmp))
    digest = hashlib.sha256(bundle).hexdigest()
    if digest != pins["sha256"] and not args.update:
        sys.exit(
            f"the rebuilt {pins['file']} has sha256 {digest} ({len(bundle):,} bytes); the "
            f"manifest records {pins['sha256']} ({pins['bytes']:,} bytes). If the pins were "
            "changed on purpose, rerun with --update."
        )
    if args.check:
        shipped = OUT / pins["file"]
        same = shipped.is_file() and hashlib.sha256(shipped.read_bytes()).hexdigest() == digest
        print(f"{pins['file']}: rebuilt {digest}; shipped file {'matches' if same else 'DIFFERS'}")
        return 0 if same else 1
    (OUT / pins["file"]).write_bytes(bundle)
    (OUT / "LICENSE").write_bytes(licence)
    if args.update:
        pins.update(sha256=digest, bytes=len(bundle))
        MANIFEST.write_text(json.dumps(pins, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT / pins['file']} ({len(bundle):,} bytes, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
