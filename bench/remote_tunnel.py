"""Remote-support tunnel throughput, connect overhead and memory per tunnel (RMT-3).

    python3 bench/remote_tunnel.py [--mib 1024] [--connects 50] [--tunnels 200]

Starts a fresh release hub (SQLite) and a real `patchbay-agent run` whose system's SSH service
(`[remote] ssh = …`) is a sink on loopback. Then, on the same machine, in one run:

- direct: --mib MiB sent over plain TCP straight to the sink, timed until the sink has all of it;
- tunnel: the same payload through the proxy (TLS to :proxy, CONNECT, the agent's dial-back
  WebSocket, the agent's TCP to the sink) — the ratio to direct is the figure (goal >= 0.8);
- connect overhead: --connects times, from sending CONNECT to the first byte of the target's banner
  (median and p95; goal <= 20 ms);
- --tunnels concurrent idle tunnels: the hub's and the agent's RSS growth, per tunnel.

The client and the sink are Python (standard library, OpenSSL through `ssl`), in this process:
both paths pay the same Python cost. Appends one JSON line to bench/results/remote_tunnel.jsonl.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import ssl
import subprocess
import threading
import time

import pb

BANNER = b"SSH-2.0-bench\r\n"
CHUNK = 1 << 20


class Sink:
    """Greets every connection with BANNER, then counts what arrives; `done(n)` waits for n bytes
    on the latest connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        self.cv = threading.Condition()
        self.received = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            c, _ = self.sock.accept()
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c: socket.socket):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.sendall(BANNER)
        buf = bytearray(CHUNK)
        while True:
            n = c.recv_into(buf)
            if n == 0:
                break
            with self.cv:
                self.received += n
                self.cv.notify_all()
        c.close()

    def reset(self):
        with self.cv:
            self.received = 0

    def wait_for(self, n: int, timeout: float):
        deadline = time.time() + timeout
        with self.cv:
            while self.received < n:
                left = deadline - time.time()
                if left <= 0:
                    raise RuntimeError(f"sink got {self.received} of {n} bytes")
                self.cv.wait(left)


def read_banner(s, first: bytes) -> None:
    got = first
    while len(got) < len(BANNER):
        d = s.recv(4096)
        if not d:
            raise RuntimeError("closed before the banner")
        got += d


def tunnel(hub: pb.Hub, target: str, auth: str) -> tuple[ssl.SSLSocket, float]:
    """A CONNECTed tunnel and the seconds from CONNECT to the banner's first byte."""
    ctx = ssl.create_default_context(cafile=hub.ca_file)
    raw = socket.create_connection(("127.0.0.1", hub.proxy_port))
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    t0 = time.perf_counter()
    s.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic {auth}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            raise RuntimeError(f"proxy closed: {head!r}")
        head += d
    line, _, rest = head.partition(b"\r\n\r\n")
    if not line.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"proxy refused: {line!r}")
    if not rest:
        rest = s.recv(4096)
    elapsed = time.perf_counter() - t0
    read_banner(s, rest)
    return s, elapsed


def send_all(sock, total: int, sink: Sink, timeout: float) -> float:
    payload = os.urandom(CHUNK)
    sink.reset()
    t0 = time.perf_counter()
    sent = 0
    while sent < total:
        sock.sendall(payload)
        sent += len(payload)
    sink.wait_for(total, timeout)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--connects", type=int, default=50)
    ap.add_argument("--tunnels", type=int, default=200)
    ap.add_argument("--timeout-secs", type=float, default=300)
    a = ap.parse_args()
    pb.need_binaries()
    pb.raise_nofile()
    work = pb.fresh_dir("remote_tunnel")
    hub = pb.Hub(os.path.join(work, "data"))
    agent = None
    rec: dict = {"mib": a.mib, **pb.machine()}
    sink = Sink()
    try:
        hub.migrate()
        hub.create_user("bench-admin", "administrator")
        hub.create_user("bench-op", "operator")
        hub.start()
        admin = pb.Api(hub.port, hub.token("bench-admin"))
        op_token = hub.token("bench-op")
        dist = admin.json("POST", "/v1/operations/distributors", {"name": "Bench Dist"})["id"]
        resl = admin.json("POST", "/v1/operations/resellers", {"name": "Bench Resl", "distributorId": dist})["id"]
        op_id = next(x["id"] for x in admin.json("GET", "/v1/operations/accounts?search=bench-op")["items"])
        password = "Svc#Bench-2026"
        admin.json("POST", "/v1/operations/customers", {
            "name": "Bench Remote", "customerId": "bench", "serviceUserName": "COMAdmin",
            "servicePassword": password, "distributorId": dist, "resellerId": resl,
            "operators": [op_id]})
        op = pb.Api(hub.port, op_token)
        acct = next(x["id"] for x in op.json("GET", "/v1/operations/proxyAccounts")["items"]
                    if x["providerId"] == resl)
        op.json("PUT", f"/v1/operations/proxyAccounts/{acct}",
                {"userName": "bench-proxy", "password": "Bench#Proxy-2026"})
        auth = base64.b64encode(b"bench-proxy:Bench#Proxy-2026").decode()
        sysdir = os.path.join(work, "system")
        os.makedirs(sysdir)
        with open(os.path.join(sysdir, "system.toml"), "w") as f:
            f.write('name = "bench-ipo"\nprofile = "server-edition"\nversion = "12.1"\n'
                    'address = "192.0.2.30"\n[flags]\nremote_access = true\n'
                    '[service_account]\nrights = ["status-read"]\n'
                    f'[remote]\nssh = "127.0.0.1:{sink.port}"\n')
        pwfile = os.path.join(work, "agent.password")
        with open(pwfile, "w") as f:
            f.write(password + "\n")
        agent = subprocess.Popen(
            [pb.AGENT_BIN, "run", "--hub", f"wss://localhost:{hub.port}", "--customer-id", "bench",
             "--password-file", pwfile, "--system-dir", sysdir, "--ca-file", hub.ca_file],
            stdout=open(os.path.join(work, "agent.log"), "ab"), stderr=subprocess.STDOUT,
            env={**os.environ, "PATCHBAY_LOG": "warn"}, start_new_session=True)
        target = "bench.maint.patchbay.local:22"
        deadline = time.time() + 60
        while True:
            try:
                s, _ = tunnel(hub, target, auth)
                s.close()
                break
            except (RuntimeError, OSError) as e:
                if time.time() > deadline:
                    raise RuntimeError(f"no tunnel within 60 s: {e}")
                time.sleep(0.5)
        total = a.mib * CHUNK

        # Direct TCP to the sink.
        d = socket.create_connection(("127.0.0.1", sink.port))
        d.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        read_banner(d, b"")
        direct = send_all(d, total, sink, a.timeout_secs)
        d.close()
        # The same through one tunnel.
        s, _ = tunnel(hub, target, auth)
        cpu_hub0, cpu_agent0 = pb.cpu_secs(hub.pid), pb.cpu_secs(agent.pid)
        through = send_all(s, total, sink, a.timeout_secs)
        rec.update(hub_cpu_secs=round(pb.cpu_secs(hub.pid) - cpu_hub0, 2),
                   agent_cpu_secs=round(pb.cpu_secs(agent.pid) - cpu_agent0, 2))
        s.close()
        rec.update(direct_mib_s=round(a.mib / direct, 1), tunnel_mib_s=round(a.mib / through, 1),
                   ratio=round(direct / through, 3))
        pb.log(f"direct {rec['direct_mib_s']} MiB/s, tunnel {rec['tunnel_mib_s']} MiB/s "
               f"(ratio {rec['ratio']}); hub CPU {rec['hub_cpu_secs']} s, agent CPU {rec['agent_cpu_secs']} s")

        # Connect overhead.
        times = []
        for _ in range(a.connects):
            s, t = tunnel(hub, target, auth)
            times.append(t * 1000)
            s.close()
        times.sort()
        rec.update(connect_ms_median=round(pb.pct(times, 50), 2), connect_ms_p95=round(pb.pct(times, 95), 2))
        pb.log(f"CONNECT to first byte: median {rec['connect_ms_median']} ms, p95 {rec['connect_ms_p95']} ms")

        # Concurrent idle tunnels.
        time.sleep(1)
        hub0, agent0 = pb.rss_kib(hub.pid), pb.rss_kib(agent.pid)
        held = []
        t0 = time.time()
        for _ in range(a.tunnels):
            s, _ = tunnel(hub, target, auth)
            held.append(s)
        rec["tunnels_open_secs"] = round(time.time() - t0, 2)
        time.sleep(2)
        hub1, agent1 = pb.rss_kib(hub.pid), pb.rss_kib(agent.pid)
        rec.update(tunnels=a.tunnels, hub_rss_before_kib=hub0, hub_rss_with_tunnels_kib=hub1,
                   hub_kib_per_tunnel=round((hub1 - hub0) / a.tunnels, 1),
                   agent_rss_before_kib=agent0, agent_rss_with_tunnels_kib=agent1,
                   agent_kib_per_tunnel=round((agent1 - agent0) / a.tunnels, 1))
        pb.log(f"{a.tunnels} tunnels open in {rec['tunnels_open_secs']} s: hub +{hub1 - hub0} KiB "
               f"({rec['hub_kib_per_tunnel']} KiB each), agent +{agent1 - agent0} KiB")
        for s in held:
            s.close()
        rec["hub_log_warnings"] = len(pb.log_problems(hub.log_path))
    finally:
        if agent:
            agent.terminate()
            agent.wait(timeout=30)
        hub.stop()
    pb.write_result("remote_tunnel", rec)


if __name__ == "__main__":
    main()
