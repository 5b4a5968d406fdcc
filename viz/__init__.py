"""Figures and export: the timeline, the territory map, the linked view, and writers."""

__all__: list[str] = []
