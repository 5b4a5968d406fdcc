"""The Dash app (``app.py`` is its entry point).

- :mod:`~viz.app.layout`: the page, and the parts callbacks rebuild;
- :mod:`~viz.app.callbacks`: the callbacks as plain functions, and ``register``;
- :mod:`~viz.app.server`: ``create_app``, the offline routes, exports' background manager,
  ``main``;
- :mod:`~viz.app.store`: uploads kept on the server behind a signed reference;
- :mod:`~viz.app.budget`: bounded work per request (uploads in a child with a time and memory
  budget; machine-wide export slots).

The datasets, the URL state and the map's state are in :mod:`viz._appstate`; the browser's
date engine is ``viz/assets/dash/borderlines.js``.
"""
