"""Shared helpers of the Patchbay benchmarks (Python standard library only).

Starts and stops the release hub, creates accounts and tokens offline, talks to the API over a
kept-alive HTTPS connection, reads RSS/CPU from /proc, and creates/drops the PostgreSQL databases
of a run. Every wait here is bounded.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
# PB_BENCH_BIN names a directory holding copies of the two release binaries (so that a rebuild
# by someone else in the same tree cannot change them between runs); default target/release.
BIN_DIR = os.environ.get("PB_BENCH_BIN") or os.path.join(ROOT, "target", "release")
HUB_BIN = os.path.join(BIN_DIR, "patchbay")
AGENT_BIN = os.path.join(BIN_DIR, "patchbay-agent")
WORK = os.path.join(BENCH, "work")
RESULTS = os.path.join(BENCH, "results")
PG_BASE = os.environ.get("PB_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def need_binaries():
    for b in (HUB_BIN, AGENT_BIN):
        if not os.access(b, os.X_OK):
            sys.exit(
                f"{b} missing: build with `cargo build --release -p patchbay-hub -p patchbay-agent`"
            )


def raise_nofile() -> int:
    """Raise this process's soft open-files limit to the hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    commit = os.environ.get("PB_BENCH_COMMIT", "")  # the commit the binaries were built from
    try:
        commit = commit or subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
    except Exception:  # noqa: BLE001
        commit = ""
    try:
        dirty = -1 if os.environ.get("PB_BENCH_COMMIT") else subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "crates"],
                               capture_output=True, text=True, timeout=10).stdout.count("\n")
    except Exception:  # noqa: BLE001
        dirty = -1
    return {
        "nproc": os.cpu_count(),
        "mem_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "cpu": cpu,
        "commit": commit,
        "crates_files_modified": dirty,
        "binaries": BIN_DIR,
        "loadavg_start": os.getloadavg()[0],
    }


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fresh_dir(name: str) -> str:
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write_result(name: str, record: dict):
    os.makedirs(RESULTS, exist_ok=True)
    record = {"at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **record}
    with open(os.path.join(RESULTS, name + ".jsonl"), "a") as f:
        f.write(json.dumps(record) + "\n")
    print("RESULT " + json.dumps(record), flush=True)


# --- /proc ----------------------------------------------------------------------------------


def hwm_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_secs(pid: int) -> float:
    """utime + stime of the process (all threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError):
        return 0.0


def fd_count(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def postgres_cpu_secs() -> float:
    """CPU of every `postgres` process (the server is shared: a rough figure)."""
    total = 0.0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
        except OSError:
            continue
        total += cpu_secs(int(p))
    return total


# --- PostgreSQL ------------------------------------------------------------------------------


def psql(db: str, sql: str | None = None, *, stdin: str | bytes | None = None, file: str | None = None,
         timeout: float = 1800) -> str:
    args = ["psql", f"{PG_BASE}/{db}", "-v", "ON_ERROR_STOP=1", "-qAt"]
    if sql is not None:
        args += ["-c", sql]
    if file is not None:
        args += ["-f", file]
    r = subprocess.run(args, input=stdin, capture_output=True, timeout=timeout,
                       text=not isinstance(stdin, bytes))
    if r.returncode != 0:
        err = r.stderr if isinstance(r.stderr, str) else r.stderr.decode()
        raise RuntimeError(f"psql failed: {err.strip()}")
    out = r.stdout if isinstance(r.stdout, str) else r.stdout.decode()
    return out.strip()


def pg_create(db: str) -> str:
    pg_drop(db)
    psql("postgres", f"CREATE DATABASE {db}")
    return f"{PG_BASE}/{db}"


def pg_drop(db: str):
    psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


# --- the hub -----------------------------------------------------------------------------------


class Hub:
    """One `patchbay serve` process on a data dir (SQLite by default, or `database_url`)."""

    def __init__(self, data_dir: str, database_url: str | None = None):
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = 0
        # The remote-support proxy's port (RMT-3), picked at start.
        self.proxy_port = 0
        # The phone file server's port (VNT-1), picked at start.
        self.phone_port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(data_dir, "hub.log")
        # More `serve` flags (`--db-connections 8` …).
        self.extra_args: list[str] = []

    def _cfg(self) -> list[str]:
        a = ["--data-dir", self.data_dir]
        if self.database_url:
            a += ["--database-url", self.database_url]
        return a

    def env(self) -> dict:
        e = dict(os.environ)
        e.setdefault("PATCHBAY_LOG", "warn")
        e["NO_COLOR"] = "1"
        return e

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 120) -> str:
        r = subprocess.run([HUB_BIN, *args[:2], *self._cfg(), *args[2:]], input=stdin,
                           capture_output=True, text=True, timeout=timeout, env=self.env())
        if r.returncode != 0:
            raise RuntimeError(f"patchbay {' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout.strip()

    def migrate(self):
        r = subprocess.run([HUB_BIN, "migrate", *self._cfg()], capture_output=True, text=True,
                           timeout=300, env=self.env())
        if r.returncode != 0:
            raise RuntimeError(f"patchbay migrate failed: {r.stderr.strip()}")

    def create_user(self, login: str, role: str, password: str = "Bench#Passw0rd1"):
        self.cli("admin", "create-user", "--login", login, "--role", role, "--password-stdin",
                 stdin=password + "\n")

    def token(self, login: str) -> str:
        return self.cli("admin", "create-token", "--login", login).splitlines()[-1].strip()

    def start(self, timeout: float = 60, keep_ports: bool = False):
        """Serve on free ports (`keep_ports`: on the ports of the previous start)."""
        if not (keep_ports and self.port):
            self.port = free_port()
            self.proxy_port = free_port()
            self.phone_port = free_port()
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [HUB_BIN, "serve", *self._cfg(), "--listen", f"127.0.0.1:{self.port}",
             "--proxy-listen", f"127.0.0.1:{self.proxy_port}",
             "--phone-files-listen", f"127.0.0.1:{self.phone_port}", *self.extra_args],
            stdout=logf, stderr=subprocess.STDOUT, env=self.env(), start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode}; see {self.log_path}")
            try:
                c = https(self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("hub did not become healthy")

    @property
    def pid(self) -> int:
        assert self.proc
        return self.proc.pid

    def stop(self, timeout: float = 60):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    @property
    def ca_file(self) -> str:
        return os.path.join(self.data_dir, "identity.crt.pem")

    @property
    def sqlite_path(self) -> str:
        return os.path.join(self.data_dir, "patchbay.db")


def https(port: int, timeout: float = 120) -> http.client.HTTPSConnection:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the hub's own self-signed identity, on loopback
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)


class Api:
    """A kept-alive HTTPS client of the hub's API."""

    def __init__(self, port: int, token: str | None = None, cookie: str | None = None):
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if cookie:
            self.headers["Cookie"] = cookie
        self.conn = https(port)

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes, float]:
        """Returns status, body and the seconds from sending the request to the last byte."""
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                t0 = time.perf_counter()
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                payload = r.read()
                return r.status, payload, time.perf_counter() - t0
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = https(self.port)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body=None):
        status, payload, _ = self.request(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


# --- seeding helpers ---------------------------------------------------------------------------


def det_uuid(rng) -> str:
    """A UUID drawn from a seeded random.Random (reproducible ids)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sealed_password_of(hub: Hub, customer_id: str) -> str:
    sql = f"SELECT service_password FROM customers WHERE customer_id = '{customer_id}'"
    if hub.database_url:
        return psql(hub.database_url.rsplit("/", 1)[1], sql)
    import sqlite3

    con = sqlite3.connect(hub.sqlite_path, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def count_connected(hub: Hub) -> int:
    sql = "SELECT COUNT(*) FROM systems WHERE connected_node IS NOT NULL"
    if hub.database_url:
        return int(psql(hub.database_url.rsplit("/", 1)[1], sql))
    import sqlite3

    con = sqlite3.connect(f"file:{hub.sqlite_path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def seed_sim_customers(hub: Hub, api: Api, prefix: str, count: int, password: str) -> float:
    """Customers `{prefix}-00001`…: the first through the API (so the hub seals the service
    password), the rest by SQL with a copy of that sealed value. Returns seconds spent."""
    t0 = time.time()
    api.json("POST", "/v1/operations/customers", {
        "name": f"{prefix} 00001", "customerId": f"{prefix}-00001",
        "serviceUserName": "COMAdmin", "servicePassword": password,
    })
    sealed = sealed_password_of(hub, f"{prefix}-00001")
    now = int(time.time() * 1000)
    import random

    rng = random.Random(f"sim-customers-{prefix}")
    rows = []
    for i in range(2, count + 1):
        name = f"{prefix} {i:05}"
        rows.append((det_uuid(rng), name, name.lower(), f"{prefix}-{i:05}", "COMAdmin", sealed, now, now))
    if hub.database_url:
        db = hub.database_url.rsplit("/", 1)[1]
        buf = "".join("\t".join(map(str, r)) + "\n" for r in rows)
        psql(db, stdin="\\copy customers (id, name, name_key, customer_id, service_user_name, "
             "service_password, created_at, updated_at) FROM STDIN\n" + buf + "\\.\n")
    else:
        import sqlite3

        con = sqlite3.connect(hub.sqlite_path, timeout=60)
        with con:
            con.executemany(
                "INSERT INTO customers (id, name, name_key, customer_id, service_user_name, "
                "service_password, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", rows)
        con.close()
    return time.time() - t0


class Sim:
    """`patchbay-agent sim` against a hub; stderr (the summary lines) goes to a log file."""

    def __init__(self, hub: Hub, count: int, prefix: str, password_file: str, *, ramp: float,
                 alarm_interval: float, duration: float, summary: float = 5, log_path: str,
                 data_root: str | None = None, alarm_burst: int = 1):
        self.log_path = log_path
        args = [AGENT_BIN, "sim", "--hub", f"wss://localhost:{hub.port}", "--count", str(count),
                "--customers-prefix", prefix, "--password-file", password_file,
                "--ca-file", hub.ca_file, "--ramp-secs", str(ramp),
                "--alarm-interval-secs", str(alarm_interval), "--duration-secs", str(duration),
                "--summary-secs", str(summary)]
        if alarm_burst > 1:
            args += ["--alarm-burst", str(alarm_burst)]
        if data_root:
            args += ["--data-root", data_root]
        env = dict(os.environ)
        env.setdefault("PATCHBAY_AGENT_LOG", "info")
        env["NO_COLOR"] = "1"
        self.logf = open(log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, timeout: float = 60):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.logf.close()

    def last_summary(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                lines = [l.decode(errors="replace") for l in f.read().splitlines() if b"connected " in l]
            return ANSI.sub("", lines[-1]) if lines else ""
        except OSError:
            return ""


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_problems(path: str) -> list[str]:
    """WARN and ERROR lines of a hub or sim log (colour codes stripped)."""
    try:
        with open(path, "rb") as f:
            lines = [ANSI.sub("", l.decode(errors="replace")) for l in f.read().splitlines()]
    except OSError:
        return []
    return [l for l in lines if " WARN " in l or " ERROR " in l]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]
