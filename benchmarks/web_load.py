"""The web platform under load, on the Flemish-scale synthetic region, side by side with computing
each zone's diagnosis per request (``serve --no-cache``, the baseline).

Steps (each server is ``python -m mesocare serve`` in a process of its own, as a user starts it, with
this checkout's ``src`` on PYTHONPATH):
1. a temporary data folder with the region (territory ``flanders``), an admin account and an API
   token made with the CLI (``mesocare users create`` / ``users token``);
2. a cold start (no diagnoses cached): seconds from launching ``serve`` until ``/healthz`` answers
   and until the territory's status is ``ready``; then a warm restart (cache present), the same;
3. on the warm server: one first view of every zone (its page and its API diagnosis, rendered once
   and kept), then ``--clients`` clients for ``--seconds`` s on loopback, half asking for zone
   workspace pages (logged-in session cookie), half for the API's zone diagnosis (bearer token),
   each cycling over all the zones from its own starting zone; every request's latency, and its
   time inside the app (the server logs each request's milliseconds);
4. ``serve --no-cache`` with ``--baseline-clients`` clients for ``--baseline-seconds`` s (each
   request computes the diagnosis, seconds each: fewer clients, to keep memory in bounds), and the
   cached server again at that same concurrency, for a like-for-like p95;
5. the ratios, the goals (p95 < 150 ms at 50 clients, >= 20x the throughput of computing per
   request, ready within 10 s of ``serve``) and one JSON line.

The load generator is asyncio with raw HTTP/1.1 keep-alive connections (``asyncio.open_connection``,
uvloop when installed); its own CPU time is printed beside the server's. A run stops sending at the
deadline and waits for the requests in flight; throughput is the requests answered over that time.

    PYTHONPATH=src .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 30]
        [--baseline-clients 4] [--baseline-seconds 30] [--zones N] [--log FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from mesocare.territory import save_territory
from mesocare.territory.synthetic import generate

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
TERRITORY = "flanders"
EMAIL = "bench@example.org"
PASSWORD = "bench-password-1"
HOST = "127.0.0.1"
GOAL_P95_MS = 150.0
GOAL_RATIO = 20.0
GOAL_READY_S = 10.0
REQUEST_TIMEOUT_S = 600.0


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def cli(*args: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "mesocare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=child_env(),
    )
    if out.returncode != 0:
        raise RuntimeError(f"mesocare {' '.join(args[:2])} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Server:
    """``python -m mesocare serve`` in its own process (and process group); stopped on exit."""

    def __init__(self, data: Path, log: Path, *extra: str) -> None:
        self.data, self.log, self.extra = data, log, extra
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self._log = self.log.open("ab")
        self._log.write(f"===== mesocare serve {' '.join(self.extra)}\n".encode())
        self._log.flush()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mesocare", "serve", "--data", str(self.data)]
            + ["--port", str(self.port), *self.extra],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_env(),
            start_new_session=True,  # Ctrl-C reaches this script, which stops the server
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # the diagnoses' process, if the server was stopped while it computed
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc = None
        self._log.close()

    def check_alive(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"serve exited with {self.proc.returncode}:\n{tail}")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", path, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def wait_healthy(self, timeout: float = 300) -> float:
        """Seconds from launching ``serve`` until ``/healthz`` says ok."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.check_alive()
            try:
                status, body = self.get("/healthz")
                if status == 200 and json.loads(body).get("status") == "ok":
                    return time.perf_counter() - self.started
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.02)
        raise RuntimeError("/healthz did not answer in time")

    def wait_ready(self, token: str, timeout: float = 600) -> float:
        """Seconds from launching ``serve`` until the territory's diagnoses are ready."""
        end = time.perf_counter() + timeout
        auth = {"Authorization": f"Bearer {token}"}
        while time.perf_counter() < end:
            self.check_alive()
            status, body = self.get(f"/api/v1/territories/{TERRITORY}/status", auth)
            state = json.loads(body).get("state") if status == 200 else None
            if state in ("ready", "on-demand"):
                return time.perf_counter() - self.started
            if state == "failed":
                raise RuntimeError(f"the diagnoses failed: {body.decode()}")
            time.sleep(0.1)
        raise RuntimeError("the diagnoses were not ready in time")

    def login(self) -> str:
        """A logged-in session: the ``Cookie`` header value."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request("GET", "/login")
            r = conn.getresponse()
            page = r.read().decode()
            jar = SimpleCookie()
            for c in r.msg.get_all("Set-Cookie") or []:
                jar.load(c)
            m = re.search(r'name="csrf_token" value="([^"]+)"', page)
            if r.status != 200 or m is None or "mc_csrf" not in jar:
                raise RuntimeError(f"GET /login: {r.status}, no CSRF token")
            form = urlencode(
                {"email": EMAIL, "password": PASSWORD, "csrf_token": m.group(1), "next": "/"}
            )
            conn.request(
                "POST",
                "/login",
                body=form,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"mc_csrf={jar['mc_csrf'].value}",
                },
            )
            r = conn.getresponse()
            r.read()
            jar = SimpleCookie()
            for c in r.msg.get_all("Set-Cookie") or []:
                jar.load(c)
            if r.status != 303 or "mc_session" not in jar:
                raise RuntimeError(f"POST /login: {r.status}, no session cookie")
            return f"mc_session={jar['mc_session'].value}"
        finally:
            conn.close()


# ----- the load generator --------------------------------------------------------------------
@dataclass
class Sample:
    kind: str
    seconds: float
    status: int
    size: int


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """One HTTP/1.1 response: its status, body size and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        k, v = k.strip().lower(), v.strip().lower()
        if k == b"content-length":
            length = int(v)
        elif k == b"transfer-encoding":
            chunked = b"chunked" in v
        elif k == b"connection":
            keep = v != b"close"
    if not chunked:
        await reader.readexactly(length)
        return status, length, keep
    size = 0
    while True:
        n = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(n + 2)
        size += n
        if n == 0:
            return status, size, keep


async def client(
    port: int, kind: str, paths: list[bytes], headers: bytes, deadline: float, out: list[Sample]
) -> None:
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    i = 0
    try:
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
                assert reader is not None
                writer.write(
                    b"GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (path, HOST.encode(), headers)
                )
                status, size, keep = await asyncio.wait_for(
                    read_response(reader), REQUEST_TIMEOUT_S
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                status, size, keep = 0, 0, False
            out.append(Sample(kind, time.perf_counter() - t0, status, size))
            if not keep and writer is not None:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (linear between the closest ranks)."""
    if not values:
        return float("nan")
    v = sorted(values)
    x = (len(v) - 1) * q / 100
    lo = int(x)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (x - lo)


@dataclass
class LoadResult:
    clients: int
    seconds: float  # the deadline
    elapsed: float  # until the last request in flight was answered
    samples: list[Sample] = field(repr=False)
    client_cpu: float
    server_cpu: float
    #: each request's time inside the app, from the server's log (ms)
    server_ms: list[float] = field(default_factory=list, repr=False)

    def lat_ms(self, kind: str | None = None) -> list[float]:
        return [s.seconds * 1000 for s in self.samples if kind in (None, s.kind)]

    @property
    def rps(self) -> float:
        return len(self.samples) / self.elapsed

    @property
    def bad(self) -> int:
        return sum(s.status != 200 for s in self.samples)

    def figures(self, prefix: str) -> dict[str, float | int]:
        out: dict[str, float | int] = {
            f"{prefix}_clients": self.clients,
            f"{prefix}_seconds": self.seconds,
            f"{prefix}_elapsed_s": round(self.elapsed, 2),
            f"{prefix}_requests": len(self.samples),
            f"{prefix}_rps": round(self.rps, 2),
            f"{prefix}_non200": self.bad,
            f"{prefix}_client_cpu_s": round(self.client_cpu, 2),
            f"{prefix}_server_cpu_s": round(self.server_cpu, 2),
            f"{prefix}_in_app_p50_ms": round(pct(self.server_ms, 50), 1),
            f"{prefix}_in_app_p95_ms": round(pct(self.server_ms, 95), 1),
        }
        for kind in (None, "page", "api"):
            lat = self.lat_ms(kind)
            name = prefix if kind is None else f"{prefix}_{kind}"
            for q in (50, 95, 99):
                out[f"{name}_p{q}_ms"] = round(pct(lat, q), 1)
        return out


def run_load(
    server: Server,
    clients: int,
    seconds: float,
    zones: list[str],
    cookie: str,
    token: str,
) -> LoadResult:
    page = [f"/t/{TERRITORY}/z/{z}".encode() for z in zones]
    api = [f"/api/v1/territories/{TERRITORY}/zones/{z}/diagnosis".encode() for z in zones]
    page_headers = f"Cookie: {cookie}\r\n".encode()
    api_headers = f"Authorization: Bearer {token}\r\n".encode()
    samples: list[Sample] = []

    async def main() -> float:
        t0 = time.perf_counter()
        deadline = t0 + seconds
        tasks = []
        for i in range(clients):
            start = (i // 2 * 7) % len(zones)  # each client from a zone of its own
            if i % 2 == 0:
                paths, kind, headers = page[start:] + page[:start], "page", page_headers
            else:
                paths, kind, headers = api[start:] + api[:start], "api", api_headers
            tasks.append(client(server.port, kind, paths, headers, deadline, samples))
        await asyncio.gather(*tasks)
        return time.perf_counter() - t0

    logged = server.log.stat().st_size
    cpu0, srv0 = time.process_time(), proc_cpu(server.pid)
    elapsed = asyncio_run(main())
    cpu1, srv1 = time.process_time(), proc_cpu(server.pid)
    time.sleep(0.2)  # the last lines of the server's log
    with server.log.open("rb") as fh:
        fh.seek(logged)
        lines = fh.read().decode(errors="replace")
    in_app = [float(m[1]) for m in LOGGED.finditer(lines)]
    return LoadResult(clients, seconds, elapsed, samples, cpu1 - cpu0, srv1 - srv0, in_app)


#: a request's line in the server's log: "GET /t/flanders/z/Z01 200 4.4ms rid=…"
LOGGED = re.compile(r"GET /(?:t/\S+/z/\S+|api/v1/\S+/diagnosis) \d{3} ([\d.]+)ms")


def asyncio_run(coro):  # type: ignore[no-untyped-def]
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def first_views(server: Server, zones: list[str], cookie: str, token: str) -> list[float]:
    """Each zone's page and API diagnosis once, one after the other (rendered and kept)."""
    out = []
    for z in zones:
        for path, headers in (
            (f"/t/{TERRITORY}/z/{z}", {"Cookie": cookie}),
            (
                f"/api/v1/territories/{TERRITORY}/zones/{z}/diagnosis",
                {"Authorization": f"Bearer {token}"},
            ),
        ):
            t0 = time.perf_counter()
            status, _body = server.get(path, headers)
            out.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status}")
    return out


def show_load(name: str, r: LoadResult) -> None:
    print(
        f"{name}: {r.clients} clients, {r.seconds:g} s (+{r.elapsed - r.seconds:.1f} s for the "
        f"requests in flight): {len(r.samples):,} requests, {r.rps:,.1f} req/s, non-200: {r.bad}",
        flush=True,
    )
    for kind, label in ((None, "all"), ("page", "workspace page"), ("api", "API diagnosis")):
        lat = r.lat_ms(kind)
        sizes = [s.size for s in r.samples if kind in (None, s.kind)]
        kb = sum(sizes) / len(sizes) / 1000 if sizes else 0
        print(
            f"  {label:<15} n={len(lat):>6,}  p50 {pct(lat, 50):9.1f} ms  p95 {pct(lat, 95):9.1f} ms"
            f"  p99 {pct(lat, 99):9.1f} ms  ({kb:,.0f} kB)"
        )
    print(
        f"  in the app (the server's log, {len(r.server_ms):,} lines): "
        f"p50 {pct(r.server_ms, 50):.1f} ms, p95 {pct(r.server_ms, 95):.1f} ms"
    )
    share = r.client_cpu / r.elapsed * 100
    print(
        f"  CPU: load generator {r.client_cpu:.1f} s ({share:.0f}% of one core), "
        f"server {r.server_cpu:.1f} s ({r.server_cpu / r.elapsed * 100:.0f}% of one core)",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--baseline-clients", type=int, default=4)
    ap.add_argument("--baseline-seconds", type=float, default=30)
    ap.add_argument("--zones", type=int, default=0, help="use the first N zones (default: all)")
    ap.add_argument("--log", type=Path, help="keep the servers' log (a line per request) here")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers are stopped

    tmp = Path(tempfile.mkdtemp(prefix="mesocare-web-load-"))
    data = tmp / "data"
    log = tmp / "serve.log"
    try:
        t0 = time.perf_counter()
        save_territory(generate(TERRITORY), data / TERRITORY)
        print(f"generate and save '{TERRITORY}': {time.perf_counter() - t0:.1f} s", flush=True)
        cli(
            *("users", "create", EMAIL, "--data", str(data), "--role", "admin"),
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        token = cli("users", "token", EMAIL, "--data", str(data)).strip().splitlines()[-1]

        with Server(data, log) as s:
            cold_health = s.wait_healthy()
            cold_ready = s.wait_ready(token)
        print(
            f"cold start:   /healthz ok {cold_health:5.2f} s, diagnoses ready {cold_ready:5.2f} s"
        )
        with Server(data, log) as s:
            warm_health = s.wait_healthy()
            warm_ready = s.wait_ready(token)
            print(
                f"warm restart: /healthz ok {warm_health:5.2f} s, diagnoses ready {warm_ready:5.2f} s"
            )
            cookie = s.login()
            auth = {"Authorization": f"Bearer {token}"}
            _status, body = s.get(f"/api/v1/territories/{TERRITORY}/zones?limit=500", auth)
            zones = [z["code"] for z in json.loads(body)["items"]]
            zones = zones[: args.zones] if args.zones else zones
            firsts = first_views(s, zones, cookie, token)
            print(
                f"first views of {len(zones)} zones (page + API each, one at a time): "
                f"{sum(firsts) / 1000:.1f} s, p50 {pct(firsts, 50):.0f} ms, max {max(firsts):.0f} ms"
            )
            print(
                f"zones: all {len(zones)}, each client cycling over them from its own", flush=True
            )
            cached = run_load(s, args.clients, args.seconds, zones, cookie, token)
            show_load("cached", cached)
            low_seconds = min(args.seconds, 10)
            cached_low = run_load(s, args.baseline_clients, low_seconds, zones, cookie, token)
            show_load("cached, at the baseline's concurrency", cached_low)
            server_peak = proc_peak_mb(s.pid)
        with Server(data, log, "--no-cache") as s:
            s.wait_healthy()
            s.wait_ready(token)
            cookie = s.login()
            base = run_load(s, args.baseline_clients, args.baseline_seconds, zones, cookie, token)
            show_load("per request (--no-cache)", base)
            base_peak = proc_peak_mb(s.pid)
        print(f"server peak memory: cached {server_peak:,.0f} MB, per request {base_peak:,.0f} MB")

        ratio = cached.rps / base.rps
        p95, p95_low, p95_base = (pct(r.lat_ms(), 95) for r in (cached, cached_low, base))
        print(
            f"throughput cached ({args.clients} clients) / per request ({args.baseline_clients} "
            f"clients): {ratio:.1f}x"
        )
        print(
            f"p95 per request / cached: {p95_base / p95:.1f}x ({args.baseline_clients} vs "
            f"{args.clients} clients), {p95_base / p95_low:.1f}x at the same "
            f"{args.baseline_clients} clients"
        )
        goals = {
            f"p95 < {GOAL_P95_MS:g} ms at {args.clients} clients": p95 < GOAL_P95_MS,
            f">= {GOAL_RATIO:g}x the throughput of computing per request": ratio >= GOAL_RATIO,
            f"ready within {GOAL_READY_S:g} s of serve, cold start": cold_ready <= GOAL_READY_S,
            f"ready within {GOAL_READY_S:g} s of serve, warm restart": warm_ready <= GOAL_READY_S,
        }
        for goal, met in goals.items():
            print(f"goal {goal}: {'met' if met else 'NOT met'}")
        bad = cached.bad + cached_low.bad + base.bad
        if bad:
            print(f"ERROR: {bad} answers were not 200 (--log FILE keeps the servers' log)")
        result = {
            "benchmark": "web_load",
            "territory": TERRITORY,
            "zones": len(zones),
            "cold_healthz_s": round(cold_health, 2),
            "cold_ready_s": round(cold_ready, 2),
            "warm_healthz_s": round(warm_health, 2),
            "warm_ready_s": round(warm_ready, 2),
            "first_views_s": round(sum(firsts) / 1000, 2),
            "first_view_max_ms": round(max(firsts), 1),
            **cached.figures("cached"),
            **cached_low.figures("cached_low"),
            **base.figures("per_request"),
            "server_peak_mb": round(server_peak),
            "per_request_server_peak_mb": round(base_peak),
            "ratio_rps": round(ratio, 1),
            "ratio_p95": round(p95_base / p95, 1),
            "ratio_p95_same_clients": round(p95_base / p95_low, 1),
            "goal_p95": goals[next(iter(goals))],
            "goal_ratio": ratio >= GOAL_RATIO,
            "goal_ready_cold": cold_ready <= GOAL_READY_S,
            "goal_ready_warm": warm_ready <= GOAL_READY_S,
            "goal_met": all(goals.values()) and bad == 0,
        }
        print(json.dumps(result))
    finally:
        if args.log and log.exists():
            shutil.copy(log, args.log)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary folder removed", file=sys.stderr)
        sys.exit(130)
