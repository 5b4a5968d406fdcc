"""The single views, one module each: ``timeline``, ``territory_map``, ``area_chart``.

Builders are pure (data in, a plotly Figure out); use them as ``viz.timeline(...)`` etc.
"""
