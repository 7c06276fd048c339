"""The phone file server (VNT-1, WPL-1) side by side with nginx serving the same files.

    python3 bench/phone_files.py [--mib 512] [--clients 32] [--seconds 10]

Starts a fresh release hub (SQLite, blobs in its data dir) and uploads one tar to its Vantage
folder: a --mib MiB firmware file and 200 small files of 4 KiB (phone settings and images). The
same files are written to a folder that nginx (Debian's `nginx-light`: `sendfile on`, 2 workers,
no access log) serves over plain HTTP on another port — what an operator would otherwise put in
front of the phones. Then, for each server, on the same machine in one run:

- firmware: `curl` downloads the big file whole (median of 3, MiB/s);
- resume: `curl --range <half>-` fetches the second half (what a phone resuming a cut download
  asks), checked byte-for-byte against the file;
- small files: --clients threads, each on its own kept-alive connection, GET a random small file
  (one in four with `If-Modified-Since` of its date, answered 304) for --seconds: requests per
  second and the p50/p99 latency;
- memory: the hub's peak RSS (VmHWM) before and after.

Both servers are measured by the same clients, so the ratio holds on a noisy machine. Appends one
JSON line to bench/results/phone_files.jsonl.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import shutil
import statistics
import subprocess
import tarfile
import threading
import time

import pb

SMALL = 200
SMALL_BYTES = 4096


def write_files(root: str, mib: int) -> str:
    """The firmware and small files under `root/vantage/`; returns the firmware's path."""
    fw = os.path.join(root, "vantage", "fw", "K1xx_bench.bin")
    os.makedirs(os.path.dirname(fw), exist_ok=True)
    block = os.urandom(1 << 20)
    with open(fw, "wb") as f:
        for i in range(mib):
            f.write(block[i % 97:] + block[: i % 97])
    cfg = os.path.join(root, "vantage", "cfg")
    os.makedirs(cfg, exist_ok=True)
    for i in range(SMALL):
        with open(os.path.join(cfg, f"f{i}.txt"), "wb") as f:
            f.write(os.urandom(SMALL_BYTES))
    return fw


def upload_tar(hub: pb.Hub, token: str, root: str, work: str):
    tar_path = os.path.join(work, "vantage.tar")
    with tarfile.open(tar_path, "w", format=tarfile.GNU_FORMAT) as t:
        for name in ("fw", "cfg"):
            t.add(os.path.join(root, "vantage", name), arcname=name)
    size = os.path.getsize(tar_path)
    c = pb.https(hub.port, timeout=900)
    c.putrequest("POST", "/v1/operations/phone-files/vantage/archives")
    c.putheader("Authorization", f"Bearer {token}")
    c.putheader("Content-Type", "application/x-tar")
    c.putheader("Content-Length", str(size))
    c.endheaders()
    with open(tar_path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            c.send(b)
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError(f"upload: HTTP {r.status} {body[:200]!r}")
    os.remove(tar_path)


def start_nginx(root: str, work: str) -> tuple[subprocess.Popen, int]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    port = pb.free_port()
    tmp = os.path.join(work, "nginx")
    os.makedirs(tmp, exist_ok=True)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    root {root};
  }}
}}
""")
    proc = subprocess.Popen([nginx, "-c", conf, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/vantage/cfg/f0.txt")
            if c.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("nginx did not start")


def curl_speed(url: str, extra: list[str] | None = None, out: str = "/dev/null") -> float:
    r = subprocess.run(["curl", "-sS", "-f", "-o", out, "-w", "%{speed_download}", *(extra or []), url],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"curl {url}: {r.stderr.strip()}")
    return float(r.stdout) / (1 << 20)


def small_files(port: int, clients: int, seconds: float) -> dict:
    """Requests per second and latencies of GETs of the small files over kept-alive connections."""
    stop = time.perf_counter() + seconds
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    not_modified = [0] * clients

    def run(i: int):
        rng = random.Random(i)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        since = None
        while time.perf_counter() < stop:
            headers = {}
            if since and rng.random() < 0.25:
                headers["If-Modified-Since"] = since
            t0 = time.perf_counter()
            try:
                c.request("GET", f"/vantage/cfg/f{rng.randrange(SMALL)}.txt", headers=headers)
                r = c.getresponse()
                r.read()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            lat[i].append(time.perf_counter() - t0)
            if r.status == 304:
                not_modified[i] += 1
            elif r.status != 200:
                errors[i] += 1
            since = since or r.getheader("Last-Modified")
        c.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    all_lat = sorted(x for l in lat for x in l)
    n = len(all_lat)
    return {
        "requests": n,
        "per_s": round(n / took, 1),
        "p50_ms": round(all_lat[n // 2] * 1000, 2) if n else None,
        "p99_ms": round(all_lat[min(n - 1, int(n * 0.99))] * 1000, 2) if n else None,
        "not_modified": sum(not_modified),
        "errors": sum(errors),
    }


def measure(name: str, base: str, fw: str, clients: int, seconds: float, work: str) -> dict:
    url = f"{base}/vantage/fw/K1xx_bench.bin"
    speeds = [curl_speed(url) for _ in range(3)]
    half = os.path.getsize(fw) // 2
    part = os.path.join(work, f"{name}.part")
    curl_speed(url, ["--range", f"{half}-"], out=part)
    with open(fw, "rb") as f, open(part, "rb") as p:
        f.seek(half)
        while True:
            a, b = f.read(1 << 20), p.read(1 << 20)
            if a != b:
                raise RuntimeError(f"{name}: the second half differs")
            if not a:
                break
    os.remove(part)
    port = int(base.rsplit(":", 1)[1])
    small = small_files(port, clients, seconds)
    pb.log(f"{name}: firmware {statistics.median(speeds):.0f} MiB/s, small files {small['per_s']}/s "
           f"p99 {small['p99_ms']} ms, errors {small['errors']}")
    return {"firmware_mib_s": round(statistics.median(speeds), 1), "small": small}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=512)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10)
    a = ap.parse_args()
    pb.need_binaries()
    work = pb.fresh_dir("phone_files")
    root = os.path.join(work, "www")
    hub = pb.Hub(os.path.join(work, "data"))
    rec: dict = {"mib": a.mib, "clients": a.clients, "seconds": a.seconds, **pb.machine()}
    nginx = None
    try:
        pb.log(f"writing a {a.mib} MiB firmware file and {SMALL} small files")
        fw = write_files(root, a.mib)
        hub.migrate()
        hub.create_user("bench-admin", "administrator")
        hub.start()
        token = hub.token("bench-admin")
        t0 = time.perf_counter()
        upload_tar(hub, token, root, work)
        rec["upload_s"] = round(time.perf_counter() - t0, 2)
        rec["hub_hwm_before_mib"] = round(pb.hwm_kib(hub.pid) / 1024, 1)
        rec["patchbay"] = measure("patchbay", f"http://127.0.0.1:{hub.phone_port}", fw, a.clients,
                                  a.seconds, work)
        rec["hub_hwm_after_mib"] = round(pb.hwm_kib(hub.pid) / 1024, 1)
        nginx, nport = start_nginx(root, work)
        rec["nginx"] = measure("nginx", f"http://127.0.0.1:{nport}", fw, a.clients, a.seconds, work)
        v = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
        rec["nginx_version"] = (v.stderr or v.stdout).strip()
        rec["ratio_firmware"] = round(rec["patchbay"]["firmware_mib_s"] / rec["nginx"]["firmware_mib_s"], 2)
        rec["ratio_small"] = round(rec["patchbay"]["small"]["per_s"] / rec["nginx"]["small"]["per_s"], 2)
        pb.write_result("phone_files", rec)
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        hub.stop()


if __name__ == "__main__":
    main()
