"""Figures and export: the timeline, the territory map, the area chart, the linked view.

Figure builders are pure (data in, ``plotly.graph_objects.Figure`` out); files are written only
by the export functions (:func:`write_html`, :func:`write_image`, :func:`write_gif`).

>>> import events, viz
>>> fig = viz.timeline(events.load_catalog())
>>> viz.write_image(viz.territory_map("2022-09-30"), "map.png")      # doctest: +SKIP
"""

from .area_chart import area_chart
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
from .linked import LinkedView, linked_html, linked_view
from .territory_map import territory_map
from .timeline import timeline

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
