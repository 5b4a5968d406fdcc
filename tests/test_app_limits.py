"""Work per request is bounded: uploads are read in a child with a time and memory budget."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from test_app_sessions import upload  # the HTTP helper

import app
from viz.app import budget, callbacks


def test_time_budget_kills_the_child_and_removes_its_folder():
    seen = {}

    def slow():
        import tempfile

        seen["dir"] = tempfile.mkdtemp()  # inside the job's work folder
        time.sleep(30)

    with pytest.raises(budget.WorkLimit) as err:
        budget.run(slow, seconds=0.5)
    assert err.value.kind == "time"
    assert list(budget.work_root().iterdir()) == []  # nothing left behind


def test_memory_budget_ends_the_child_not_the_worker():
    with pytest.raises(budget.WorkLimit) as err:
        budget.run(lambda: len(bytearray(800 * 2**20)), memory_mb=200)
    assert err.value.kind == "memory"
    assert budget.run(lambda: len(bytearray(2**20)), memory_mb=200) == 2**20  # still serving


def test_a_child_that_dies_or_fails_is_reported():
    with pytest.raises(budget.WorkLimit) as err:
        budget.run(os._exit, 3)
    assert err.value.kind == "crashed"

    def fails():
        raise ValueError("the pieces could not be built")

    with pytest.raises(RuntimeError, match="pieces could not be built"):
        budget.run(fails)


def test_a_worker_runs_a_bounded_number_of_children(monkeypatch):
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(budget, "_SLOTS", slots)
    slots.acquire()  # another upload is being read
    try:
        with pytest.raises(budget.WorkLimit) as err:
            budget.run(lambda: 1)
        assert err.value.kind == "busy"
    finally:
        slots.release()


def test_stale_work_folders_are_removed_at_start():
    root = budget.work_root()
    root.mkdir(parents=True, exist_ok=True)
    old, new = root / "job-old", root / "job-new"
    old.mkdir()
    new.mkdir()
    (old / "part.geojson").write_text("{}")
    os.utime(old, (time.time() - 2 * budget.STALE_S,) * 2)
    assert budget.clean_stale() == 1
    assert not old.exists() and new.exists()
    new.rmdir()


def holes_file(n: int) -> bytes:
    """One polygon with ``n`` small holes: valid, a few MiB, and slow to check and cut."""
    holes = []
    for i in range(n):
        x, y = 30 + (i % 400) * 0.02, 45 + (i // 400) * 0.02
        holes.append([[x, y], [x + 0.005, y], [x + 0.005, y + 0.005], [x, y]])
    outer = [[29, 44], [40, 44], [40, 52], [29, 52], [29, 44]]
    geom = {"type": "Polygon", "coordinates": [outer, *holes]}
    feats = [{"type": "Feature", "properties": {}, "geometry": geom}]
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


def test_an_upload_past_its_budget_gets_a_message_over_http(monkeypatch):
    # was: 10⁵ holes took 33 s in the request thread and gunicorn killed the worker silently
    monkeypatch.setattr(budget, "SECONDS", 1.5)
    client = app.app.server.test_client()
    raw = holes_file(30_000)
    t = time.perf_counter()
    payload, msg = upload(client, raw, "deepstatemap_data_20230101.geojson", "control")
    assert payload is None
    assert "needs more work than one upload may take" in msg
    assert time.perf_counter() - t < 15  # the request came back (the child was killed)
    assert list(budget.work_root().iterdir()) == []


def test_an_upload_within_budget_is_remembered_by_the_worker():
    from viz import _appstate as A

    csv = (
        b"id,title,start,category,places,summary,source_title,source_url\n"
        b"kid-event,Built in the child,2023-05-01,military,UA-14,Something,A report,"
        b"https://example.org/r\n"
    )
    client = app.app.server.test_client()
    payload, msg = upload(client, csv, "child.csv")
    assert "Loaded 1 events" in msg
    kept = A.stored(payload)
    assert "upload-" + kept.key in A._CACHE  # built in the child, kept by this worker


def test_exports_wait_for_a_machine_wide_slot(monkeypatch):
    # was: every ~300-byte export POST forked a job and started a Chromium, with no cap
    from viz import _appstate as A

    monkeypatch.setattr(budget, "EXPORTS", 2)
    held = [budget.Slot("export"), budget.Slot("export")]
    assert all(s.__enter__() for s in held)  # two exports are running (any worker)
    try:
        data, status = callbacks.export_view("html", "2022-09-30", A.default_view(), None)
        assert data is callbacks.no_update and "2 exports are already being made" in status
    finally:
        for s in held:
            s.__exit__(None, None, None)
    data, status = callbacks.export_view("html", "2022-09-30", A.default_view(), None)
    assert data["filename"] == "borderlines-map-2022-09-30.html"


def test_a_killed_export_frees_its_slot():
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()

    def hold():
        with budget.Slot("export", n=1):
            ready.set()
            time.sleep(60)

    proc = ctx.Process(target=hold)
    proc.start()
    assert ready.wait(10)
    with budget.Slot("export", n=1) as free:
        assert not free
    proc.kill()
    proc.join(5)
    with budget.Slot("export", n=1) as free:
        assert free


def test_a_child_finds_the_same_store_without_a_configured_cache_folder(monkeypatch, tmp_path):
    # the child's temp dir is its work folder; the default cache folder must not follow it,
    # or the child signs uploads with another secret and every upload is "no longer kept"
    from viz.app import store as S

    monkeypatch.delenv(S.CACHE_ENV, raising=False)
    monkeypatch.setattr(S, "_DEFAULT_DIR", tmp_path / "default-cache")
    monkeypatch.setattr(S, "_STORE", None)
    ref = budget.run(lambda: S.store().put({"events": {"records": [], "name": "a.yaml"}}))
    assert S.store().get(ref).parts == {"events": {"records": [], "name": "a.yaml"}}
