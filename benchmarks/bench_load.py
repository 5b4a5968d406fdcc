"""Load test: ``gunicorn -w 2 app:server`` on loopback, many clients replaying real sessions.

Run ``python benchmarks/bench_load.py [--clients 32] [--duration 60] [--think 0]``.

1. Starts ``python -m gunicorn -w 2 -b 127.0.0.1:<free port> app:server`` from the repository
   root in its own process group and waits until it serves.
2. Records one real session in headless Chromium (``_load_record.py``): the page load (HTML,
   ``/_dash-layout``, ``/_dash-dependencies``, component bundles, assets) with its initial
   callbacks, then a slider move, an event picked in the table, a region clicked on the map and
   the language switched; every ``POST /_dash-update-component`` body is kept as sent.
3. Replays it from ``--clients`` threads for ``--duration`` seconds, each with its own
   ``http.client`` connection (re-opened when the server closes it; gunicorn's sync workers
   close after every response). Each session swaps the recorded date for one of the built-in
   key dates. A client's first page load fetches every asset; later ones skip what the browser
   caches (``max-age`` > 0) and revalidate the rest with the ``ETag``/``Last-Modified`` they
   got (a 304 answer), as a returning reader's browser does. ``--think``
   adds a pause between a reader's actions (0: back to back, the hardest case).
4. Prints requests/s, p50/p95/p99 latency (all requests and per kind), errors (exceptions,
   timeouts, status >= 400) and the RSS of each gunicorn worker (at the end and the peak),
   then the targets: zero errors and p95 <= 300 ms. Exit status 1 when a target is missed.

gunicorn is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_record import RECORD_DATE, Session, record  # noqa: E402

TARGET_P95_MS = 300
OK_STATUS = (200, 204, 304)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:server"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def wait_serving(port: int, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise TimeoutError(f"gunicorn did not serve within {timeout_s} s")


def workers(proc: subprocess.Popen) -> list[psutil.Process]:
    try:
        return psutil.Process(proc.pid).children()
    except psutil.NoSuchProcess:
        return []


def real_dates() -> list[str]:
    import geodata

    return [d.strftime("%Y-%m-%d") for d in geodata.key_dates()]


class Client(threading.Thread):
    """One reader: page loads and actions, back to back, until the deadline."""

    def __init__(self, port, session: Session, dates, deadline, think_s, seed):
        super().__init__(daemon=True)
        self.port, self.session, self.dates = port, session, dates
        self.deadline, self.think_s = deadline, think_s
        self.rng = random.Random(seed)
        self.samples: list[tuple[str, float]] = []  # (kind, seconds)
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cached: set[str] = set()  # max-age > 0: not asked again
        validators: dict[str, dict[str, str]] = {}  # ETag / Last-Modified: asked conditionally
        try:
            while time.monotonic() < self.deadline:
                date = self.rng.choice(self.dates)
                step = None
                for req in self.session.requests:
                    if time.monotonic() >= self.deadline:
                        return
                    if req.method == "GET" and req.cacheable and req.path in cached:
                        continue
                    if req.step != step:
                        if step is not None and self.think_s:
                            time.sleep(
                                min(self.think_s, max(0.0, self.deadline - time.monotonic()))
                            )
                        step = req.step
                    conn = self._one(conn, req, date, validators)
                    if req.method == "GET" and req.cacheable:
                        cached.add(req.path)
        finally:
            conn.close()

    def _one(self, conn, req, date, validators):
        path = req.path.replace(RECORD_DATE, date)
        body = req.body.replace(RECORD_DATE.encode(), date.encode()) if req.body else None
        headers = {**req.headers, **validators.get(path, {})}
        t0 = time.perf_counter()
        try:
            conn.request(req.method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            elapsed = time.perf_counter() - t0
            if resp.status not in OK_STATUS:
                self.errors.append(f"{req.method} {path[:60]} -> {resp.status}")
            self.samples.append((req.kind, elapsed))
            if req.method == "GET" and resp.status == 200:
                v = {"If-None-Match": resp.getheader("ETag"),
                     "If-Modified-Since": resp.getheader("Last-Modified")}  # fmt: skip
                if any(v.values()):
                    validators[path] = {k: x for k, x in v.items() if x}
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(f"{req.method} {path[:60]} -> {type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return conn


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]
        if len(values) > 1
        else values[0]
    )


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of replay")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds between a reader's actions"
    )
    args = parser.parse_args(argv)

    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in the finally below
    port = free_port()
    proc = start_gunicorn(port, log)
    try:
        wait_serving(port, proc)
        base = f"http://127.0.0.1:{port}"
        session = record(base)
        bad = [r for r in session.requests if r.status not in OK_STATUS]
        if bad:
            raise RuntimeError(
                f"the recorded session itself failed: {[(r.path, r.status) for r in bad]}"
            )
        dates = real_dates()
        print(
            f"gunicorn -w 2 app:server on 127.0.0.1:{port}; workers {[w.pid for w in workers(proc)]}"
        )
        print(f"recorded session: {len(session.requests)} requests ({session.summary()})")
        print(
            f"replay: {args.clients} clients, {args.duration:.0f} s, think {args.think} s, {len(dates)} dates"
        )

        deadline = time.monotonic() + args.duration
        clients = [
            Client(port, session, dates, deadline, args.think, seed=i) for i in range(args.clients)
        ]
        t0 = time.perf_counter()
        for c in clients:
            c.start()
        peak: dict[int, int] = {}
        while time.monotonic() < deadline and any(c.is_alive() for c in clients):
            for w in workers(proc):
                with contextlib.suppress(psutil.NoSuchProcess):
                    peak[w.pid] = max(peak.get(w.pid, 0), w.memory_info().rss)
            time.sleep(1)
        for c in clients:
            c.join(timeout=60)  # a request in flight has a 30 s socket timeout
        wall = time.perf_counter() - t0
        stuck = sum(c.is_alive() for c in clients)

        samples = [s for c in clients for s in c.samples]
        errors = [e for c in clients for e in c.errors] + [f"{stuck} clients did not stop"] * bool(
            stuck
        )
        lat = [s * 1000 for _, s in samples]
        if not lat:
            raise RuntimeError("no request completed")
        p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
        print(f"\nrequests: {len(lat)} in {wall:.1f} s = {len(lat) / wall:.1f} req/s; "
              f"sessions started: {sum(1 for k, _ in samples if k == 'page')}")  # fmt: skip
        print(f"latency ms: p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}  max {max(lat):.0f}")
        print("per kind (n, p50, p95 ms):")
        for kind in sorted({k for k, _ in samples}):
            xs = [s * 1000 for k, s in samples if k == kind]
            print(f"  {kind:<18} {len(xs):>6}  {pct(xs, 50):>6.0f}  {pct(xs, 95):>6.0f}")
        print(f"errors: {len(errors)}")
        for e in sorted(set(errors))[:10]:
            print(f"  {e}")
        for w in workers(proc):
            try:
                rss = w.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            print(f"worker {w.pid}: RSS {mib(rss)} at the end, peak {mib(peak.get(w.pid, rss))}")
        ok_err, ok_p95 = not errors, p95 <= TARGET_P95_MS
        print(f"target: zero errors -> {'PASS' if ok_err else 'MISS'}; "
              f"p95 <= {TARGET_P95_MS} ms -> {'PASS' if ok_p95 else 'MISS'}")  # fmt: skip
        return 0 if ok_err and ok_p95 else 1
    except BaseException:
        log.seek(0)
        tail = log.read()[-3000:]
        if tail:
            print("gunicorn log (end):\n" + tail, file=sys.stderr)
        raise
    finally:
        stop_gunicorn(proc)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
