"""Borderlines as a Dash app: timeline, map and area chart linked by a date, with the state in
the URL.

Run it with ``python app.py [--host 127.0.0.1] [--port 8050]`` or serve ``app:server`` with
gunicorn (``gunicorn -w 4 app:server``). :func:`create_app` builds it for other data.

The date and the view live in the URL; the date moves in the browser. Uploads are validated
and kept on the server (``BORDERLINES_CACHE_DIR``), the browser holds a signed reference to
them; any worker of the machine can answer any request. The app itself is in
:mod:`viz.app` (``layout``, ``callbacks``, ``server``, ``store``, ``budget``); this file is
its entry point.

Exports (PNG, SVG, standalone HTML, the linked page) run as Dash background callbacks:

* by default on a local DiskCache manager whose folder is ``BORDERLINES_CACHE_DIR`` (default:
  ``<temp dir>/borderlines-cache``); gunicorn workers on one machine share it;
* with ``REDIS_URL`` set (e.g. ``redis://localhost:6379/0``), on a Celery manager using that
  Redis as broker and result store, so exports scale across machines. Install the ``redis``
  extra and start workers with ``celery -A app:celery_app worker``.
"""

from __future__ import annotations

from viz.app import server as _server
from viz.app.server import create_app, main

app = create_app()
server = app.server
celery_app = _server.celery_app  # ``celery -A app:celery_app worker`` (with REDIS_URL set)

__all__ = ["app", "celery_app", "create_app", "main", "server"]

if __name__ == "__main__":
    main(app=app)
