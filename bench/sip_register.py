"""SIP registrations per second through Kamailio against Patchbay's data (SIP-1 … SIP-3), and how
long a registration takes to show in the API.

    python3 bench/sip_register.py [--db sqlite|postgres|both] [--devices 200] [--seconds 10]
                                  [--workers 2] [--window 32]

For each database: a fresh release hub; a catalogue model marked as registering over UDP
(`sipTlsOnly: false`) and --devices devices of it for as many people, created through the API
with a known password; `patchbay sip config` writes Kamailio's
configuration for that hub's database (4 children per transport, the flood limit raised so one
load source is not banned) and Debian's `kamailio` 5.6 runs it. Then:

- status latency: one device registers (UDP, digest) and the API is polled every 20 ms until
  `connectionStatus` is `connected`; then it unregisters (Expires: 0) and the same until
  `disconnected`. Five rounds; medians.
- throughput: --workers processes, each with one UDP socket and --window registrations in flight
  (REGISTER, 401 challenge, REGISTER with the digest answer, 200), each over its share of the
  devices, for --seconds: accepted registrations per second (each is two requests), p50/p99 of the
  whole exchange, timeouts. Afterwards, how many devices the hub shows connected.

The clients are Python (hashlib MD5 per answer) on the same 2-core machine as Kamailio and the
hub: the figure is the whole system's, client included. Appends one JSON line per database to
bench/results/sip_register.jsonl. Requires: apt-get install kamailio kamailio-sqlite-modules
kamailio-postgres-modules kamailio-tls-modules.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import re
import shutil
import socket
import statistics
import subprocess
import time
import uuid

import pb

PASSWORD = "Xk7*mQ2_pL9=vR4+"


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def request(user: str, domain: str, src: tuple[str, int], call_id: str, cseq: int, expires: int,
            auth: str | None = None) -> bytes:
    lines = [
        f"REGISTER sip:{domain} SIP/2.0",
        f"Via: SIP/2.0/UDP {src[0]}:{src[1]};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport",
        "Max-Forwards: 70",
        f"From: <sip:{user}@{domain}>;tag={call_id[:8]}",
        f"To: <sip:{user}@{domain}>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} REGISTER",
        # Unregistering removes every binding of the line (the contact is another socket's).
        "Contact: *" if expires == 0 else f"Contact: <sip:{user}@{src[0]}:{src[1]}>",
        f"Expires: {expires}",
        "User-Agent: patchbay-bench",
    ]
    if auth:
        lines.append(auth)
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def answer(text: str, user: str, domain: str) -> str:
    m = re.search(r"WWW-Authenticate: Digest (.*)", text, re.I)
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', m.group(1) if m else ""))
    realm, nonce, uri = params.get("realm", domain), params.get("nonce", ""), f"sip:{domain}"
    ha1 = md5(f"{user}:{realm}:{PASSWORD}")
    ha2 = md5(f"REGISTER:{uri}")
    resp = md5(f"{ha1}:{nonce}:00000001:0a4f113b:auth:{ha2}")
    return (f'Authorization: Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{resp}", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"')


def header(text: str, name: str) -> str:
    m = re.search(rf"^{name}:\s*(.*?)\r?$", text, re.M | re.I)
    return m.group(1).strip() if m else ""


def register_once(port: int, user: str, domain: str, expires: int = 600) -> int:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(3)
    src = s.getsockname()
    cid = uuid.uuid4().hex
    s.sendto(request(user, domain, src, cid, 1, expires), ("127.0.0.1", port))
    text = s.recv(65535).decode(errors="replace")
    status = int(text.split(" ", 2)[1])
    if status == 401:
        s.sendto(request(user, domain, src, cid, 2, expires, answer(text, user, domain)), ("127.0.0.1", port))
        status = int(s.recv(65535).decode(errors="replace").split(" ", 2)[1])
    s.close()
    return status


def worker(port: int, users: list[tuple[str, str]], seconds: float, window: int, out: mp.Queue):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.settimeout(0.2)
    src = s.getsockname()
    pending: dict[str, tuple[str, str, float]] = {}
    ok = timeouts = refused = 0
    lat: list[float] = []
    nxt = 0
    end = time.time() + seconds
    while time.time() < end or pending:
        now = time.time()
        while now < end and len(pending) < window:
            user, domain = users[nxt % len(users)]
            nxt += 1
            cid = uuid.uuid4().hex
            pending[cid] = (user, domain, now)
            s.sendto(request(user, domain, src, cid, 1, 600), ("127.0.0.1", port))
        try:
            data = s.recv(65535)
        except socket.timeout:
            for cid, (_, _, t0) in list(pending.items()):
                if time.time() - t0 > 3:
                    del pending[cid]
                    timeouts += 1
            if time.time() > end + 5:
                break
            continue
        text = data.decode(errors="replace")
        cid = header(text, "Call-ID")
        if cid not in pending:
            continue
        user, domain, t0 = pending[cid]
        status = int(text.split(" ", 2)[1])
        if status == 401:
            s.sendto(request(user, domain, src, cid, 2, 600, answer(text, user, domain)), ("127.0.0.1", port))
        elif status == 200:
            del pending[cid]
            ok += 1
            lat.append(time.time() - t0)
        elif status >= 300:
            del pending[cid]
            refused += 1
    out.put((ok, timeouts, refused, lat))


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def run(db: str, args) -> dict:
    work = pb.fresh_dir(f"sip-{db}")
    url = pb.pg_create("pb_bench_sip") if db == "postgres" else None
    hub = pb.Hub(os.path.join(work, "data"), url)
    hub.migrate()
    hub.create_user("bench", "administrator")
    token = hub.token("bench")
    hub.start()
    kam = None
    try:
        api = pb.Api(hub.port, token)
        c = api.json("POST", "/v1/operations/customers", {"name": "SIP Bench", "customerId": "sip-bench",
                                                           "serviceUserName": "COMAdmin", "servicePassword": "Svc#Bench-2026"})
        org = c["id"]
        n = args.devices
        api.json("PUT", f"/v1/operations/customers/{org}/licenses", {"professional": n + 5, "basic": 5, "workspaces": 5})
        loc_id = api.json("POST", f"/v1/locations?orgId={org}", {"name": "HQ", "timeZone": "Europe/Paris",
                          "address": {"address1": "1 rue de la Paix", "city": "Paris",
                                      "postalCode": "75002", "country": "FR"}})["id"]
        lic = next(l["id"] for l in api.json("GET", f"/v1/licenses?orgId={org}")["items"]
                   if l["name"] == "Webex Calling - Professional")
        # A catalogue model able to register over UDP (the generic profiles are TLS only): the
        # clients here speak UDP.
        api.json("POST", "/v1/operations/deviceModels", {
            "model": "Bench UDP phone", "displayName": "Bench UDP phone", "vendor": "Generic",
            "type": "DESK_PHONE", "managedBy": "CUSTOMER", "supportedFor": ["PEOPLE"],
            "onboardingMethod": ["MAC_ADDRESS"], "numberOfLinePorts": 1, "sipTlsOnly": False})
        users: list[tuple[str, str, str]] = []
        t0 = time.time()
        for i in range(n):
            p = api.json("POST", "/v1/people",
                         {"emails": [f"b{i}@bench.test"], "firstName": "Bench", "lastName": f"P{i}",
                          "locationId": loc_id, "licenses": [lic], "orgId": org})
            mac = f"00163E{i:06X}"
            d = api.json("POST", f"/v1/devices?orgId={org}", {"mac": mac, "personId": p["id"],
                         "model": "Bench UDP phone", "password": PASSWORD})
            user, registrar = d["linePort"].split("@", 1)
            users.append((d["id"], user, registrar))
        pb.log(f"{db}: {n} people and devices in {time.time() - t0:.1f}s")
        sip_port, tls_port = pb.free_port(), pb.free_port()
        out = os.path.join(work, "kamailio")
        cfg = [a for a in (["--database-url", url] if url else [])]
        subprocess.run([pb.HUB_BIN, "sip", "config", "--data-dir", hub.data_dir, *cfg, "--out", out,
                        "--sip-listen", "127.0.0.1", "--sip-port", str(sip_port), "--tls-port", str(tls_port),
                        "--children", "4", "--flood-limit", "10000000"],
                       check=True, capture_output=True, env=hub.env())
        env = dict(os.environ, PGSSLMODE="disable", TZ="UTC")
        kam = subprocess.Popen(["kamailio", "-DD", "-E", "-f", os.path.join(out, "kamailio.cfg")],
                               stdout=open(os.path.join(work, "kamailio.log"), "wb"), stderr=subprocess.STDOUT,
                               env=env, start_new_session=True)
        time.sleep(2)
        # Status latency.
        dev_id, user, domain = users[0]
        up, down = [], []
        for _ in range(5):
            t = time.time()
            assert register_once(sip_port, user, domain) == 200
            while api.json("GET", f"/v1/devices/{dev_id}")["connectionStatus"] != "connected":
                time.sleep(0.02)
            up.append(time.time() - t)
            t = time.time()
            assert register_once(sip_port, user, domain, expires=0) == 200
            while api.json("GET", f"/v1/devices/{dev_id}")["connectionStatus"] != "disconnected":
                time.sleep(0.02)
            down.append(time.time() - t)
        pb.log(f"{db}: status shows in {statistics.median(up):.2f}s (register), {statistics.median(down):.2f}s (unregister)")
        # Throughput.
        q: mp.Queue = mp.Queue()
        share = [[(u, r) for k, (_, u, r) in enumerate(users) if k % args.workers == w] for w in range(args.workers)]
        procs = [mp.Process(target=worker, args=(sip_port, share[w], args.seconds, args.window, q))
                 for w in range(args.workers)]
        t0 = time.time()
        for p in procs:
            p.start()
        results = [q.get() for _ in procs]
        for p in procs:
            p.join()
        elapsed = max(args.seconds, time.time() - t0 - 0.5)
        ok = sum(r[0] for r in results)
        lat = [x for r in results for x in r[3]]
        time.sleep(3)
        connected = sum(1 for d in api.json("GET", f"/v1/devices?orgId={org}&max=1000")["items"]
                        if d["connectionStatus"] == "connected")
        rec = {
            "db": db, "devices": n, "workers": args.workers, "window": args.window, "seconds": args.seconds,
            "registrations_per_s": round(ok / elapsed, 1), "requests_per_s": round(2 * ok / elapsed, 1),
            "p50_ms": round(pct(lat, 0.5) * 1000, 2), "p99_ms": round(pct(lat, 0.99) * 1000, 2),
            "timeouts": sum(r[1] for r in results), "refused": sum(r[2] for r in results),
            "status_up_s": round(statistics.median(up), 2), "status_down_s": round(statistics.median(down), 2),
            "connected_after": connected, "machine": pb.machine(),
        }
        pb.log(f"{db}: {rec['registrations_per_s']} registrations/s, p50 {rec['p50_ms']} ms, p99 {rec['p99_ms']} ms, "
               f"timeouts {rec['timeouts']}, refused {rec['refused']}, connected after: {connected}/{n}")
        pb.write_result("sip_register", rec)
        return rec
    finally:
        if kam:
            kam.terminate()
            kam.wait(10)
        hub.stop()
        if url:
            pb.pg_drop("pb_bench_sip")
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--window", type=int, default=32)
    args = ap.parse_args()
    pb.need_binaries()
    if not shutil.which("kamailio"):
        raise SystemExit("kamailio not found: apt-get install kamailio kamailio-sqlite-modules "
                         "kamailio-postgres-modules kamailio-tls-modules")
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        run(db, args)


if __name__ == "__main__":
    main()
