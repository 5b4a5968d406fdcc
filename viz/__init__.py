"""Figures and export: the timeline, the territory map, the area chart, the linked view.

Figure builders are pure (data in, ``plotly.graph_objects.Figure`` out); files are written only
by the export functions (:func:`write_html`, :func:`write_image`, :func:`write_gif`).

The names below are imported on first use (PEP 562), so ``import viz.cli`` and
``borderlines validate`` never load plotly.

>>> import events, viz
>>> fig = viz.timeline(events.load_catalog())
>>> viz.write_image(viz.territory_map("2022-09-30"), "map.png")      # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# public name -> the submodule that defines it
_WHERE = {
    "area_chart": "figures.area_chart",
    "ExportError": "export",
    "image_batch": "export",
    "to_html": "export",
    "to_image": "export",
    "write_gif": "export",
    "write_html": "export",
    "write_image": "export",
    "write_images": "export",
    "write_video": "export",
    "LinkedView": "linked",
    "linked_html": "linked",
    "linked_view": "linked",
    "territory_map": "figures.territory_map",
    "timeline": "figures.timeline",
}

__all__ = [
    "ExportError",
    "LinkedView",
    "area_chart",
    "image_batch",
    "linked_html",
    "linked_view",
    "territory_map",
    "timeline",
    "to_html",
    "to_image",
    "write_gif",
    "write_html",
    "write_image",
    "write_images",
    "write_video",
]

if TYPE_CHECKING:
    from .export import (
        ExportError,
        image_batch,
        to_html,
        to_image,
        write_gif,
        write_html,
        write_image,
        write_images,
        write_video,
    )
    from .figures.area_chart import area_chart
    from .figures.territory_map import territory_map
    from .figures.timeline import timeline
    from .linked import LinkedView, linked_html, linked_view


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
