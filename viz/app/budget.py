"""Bounded work for one request: run a function in a forked child with a time and memory
budget, in a work folder that is removed however the child ends.

An upload within the byte limits can still be hours of work (a 10⁶-vertex ring on four
points in ``is_valid``, 10⁵ holes, a small zip of 199 MiB of features, twenty snapshots of
dense fronts). The child is killed at the deadline; its address space is capped, so a GEOS
``bad_alloc`` or a ``MemoryError`` ends the child, not the worker. A worker killed on its way
(gunicorn's timeout, OOM) leaves a work folder; :func:`clean_stale` removes those at start.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from .store import cache_dir

SECONDS = float(os.environ.get("BORDERLINES_UPLOAD_SECONDS", 20))
MEMORY_MB = int(os.environ.get("BORDERLINES_UPLOAD_MEMORY_MB", 2048))
CHILDREN = int(os.environ.get("BORDERLINES_UPLOAD_CHILDREN", 2))  # per worker, at once
STALE_S = 3600

_SLOTS = threading.BoundedSemaphore(CHILDREN)


class WorkLimit(RuntimeError):
    """The work did not fit its budget: ``kind`` is "time", "memory", "crashed" or "busy"."""

    def __init__(self, kind: str, limit=None):
        super().__init__(kind)
        self.kind, self.limit = kind, limit


def work_root() -> Path:
    return cache_dir() / "work"


def clean_stale(max_age_s: float = STALE_S) -> int:
    """Remove work folders older than ``max_age_s`` (left by killed workers); how many."""
    root = work_root()
    if not root.is_dir():
        return 0
    gone = 0
    now = time.time()
    for p in root.iterdir():
        try:
            if now - p.stat().st_mtime > max_age_s:
                shutil.rmtree(p, ignore_errors=True)
                gone += 1
        except FileNotFoundError:
            continue
    return gone


def _vm_size() -> int | None:
    """This process's virtual size in bytes (Linux), for an address-space cap above it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _child(conn, fn, args, kwargs, workdir, memory):
    try:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        tempfile.tempdir = workdir  # every TemporaryDirectory of the work lands here
        try:
            result = ("ok", fn(*args, **kwargs))
        except MemoryError:
            result = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - sent back as text: not every error pickles
            text = str(exc)
            result = (
                ("memory", None) if "bad_alloc" in text else ("error", (type(exc).__name__, text))
            )
        conn.send(result)
    except BaseException:  # noqa: BLE001 - the parent reports a crash
        pass
    finally:
        conn.close()
        os._exit(0)


def run(fn, *args, seconds: float | None = None, memory_mb: int | None = None, **kwargs):
    """``fn(*args, **kwargs)`` in a forked child within ``seconds`` and ``memory_mb`` more
    memory than this process has; its return value (picklable). Raises :class:`WorkLimit`,
    or ``RuntimeError`` with the child's error text."""
    seconds = SECONDS if seconds is None else seconds
    memory_mb = MEMORY_MB if memory_mb is None else memory_mb
    if not _SLOTS.acquire(timeout=1.0):
        raise WorkLimit("busy", CHILDREN)
    root = work_root()
    root.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="job-", dir=root)
    try:
        vm = _vm_size()
        memory = vm + memory_mb * 2**20 if vm is not None else None
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, workdir, memory))
        proc.start()
        child.close()
        try:
            if not parent.poll(seconds):
                raise WorkLimit("time", seconds)
            try:
                status, value = parent.recv()
            except (EOFError, OSError):
                raise WorkLimit("crashed") from None  # killed (e.g. by the kernel's OOM killer)
        finally:
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGKILL)
            proc.join(5)
            parent.close()
        if status == "ok":
            return value
        if status == "memory":
            raise WorkLimit("memory", memory_mb)
        name, text = value
        raise RuntimeError(text or name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        _SLOTS.release()


EXPORTS = int(os.environ.get("BORDERLINES_EXPORTS", 2))  # at once, across the machine's workers


class Slot:
    """One of ``n`` machine-wide slots (``flock`` on files in the cache folder), or none.

    The kernel drops a lock when its process ends, however it ends, so a killed export job
    never keeps its slot.
    """

    def __init__(self, name: str = "export", n: int | None = None):
        self.folder = cache_dir() / "slots"
        self.name, self.n = name, EXPORTS if n is None else n
        self._fh = None

    def __enter__(self) -> bool:
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        for i in range(self.n):
            fh = open(self.folder / f"{self.name}-{i}.lock", "a")  # noqa: SIM115 - held until exit
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                continue
            self._fh = fh
            return True
        return False

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the file releases the lock
            self._fh = None
