"""Server time of the customer and alarm lists, summary and dashboard over a large seed.

    python3 bench/list_latency.py --db sqlite|postgres [--customers 100000] [--alarms 1000000]
                                  [--requests 200] [--case-secs 40]

Seeds a fresh hub by SQL (bench/seed.py, fixed RNG seed), starts the release hub, then for each
case sends up to `--requests` sequential requests on one kept-alive HTTPS connection (after 3
warm-up requests) and records the time from sending the request to the last byte of the answer,
as an Administrator (all customers) and as an Operator assigned to 100 customers. A case stops
early after `--case-secs` seconds, so slow cases are reported with fewer samples. The console page
`/com/customers` is timed too, with a session inserted directly into the sessions table.
Appends one JSON line per case to bench/results/list_latency.jsonl.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import sqlite3
import statistics
import time

import pb
import seed as seeder

CASES = [
    ("customers: first page", "/v1/operations/customers?max=25"),
    ("customers: sort alarmCount desc", "/v1/operations/customers?max=25&sortBy=alarmCount&sortOrder=desc"),
    ("customers: search 'dental'", "/v1/operations/customers?max=25&search=dental"),
    ("customers: filter connectivity=red", "/v1/operations/customers?max=25&connectivity=red"),
    ("customers: page 100 (start=2475)", "/v1/operations/customers?max=25&start=2475"),
    ("alarms: first page", "/v1/operations/alarms?max=25"),
    ("alarms: severity=critical", "/v1/operations/alarms?max=25&severity=critical"),
    ("alarms: summary", "/v1/operations/alarms/summary"),
    ("dashboard", "/v1/operations/dashboard"),
    ("console: /com/customers", "/com/customers"),
]


def add_session(hub: pb.Hub, login: str) -> str:
    """A console session for `login` (terms accepted, no forced password change)."""
    token = secrets.token_urlsafe(32)
    now = int(time.time() * 1000)
    h = hashlib.sha256(token.encode()).hexdigest()
    stmts = [
        f"UPDATE accounts SET terms_accepted_at = {now}, force_password_change = 0 WHERE login_key = '{login}'",
        f"INSERT INTO sessions (id, account_id, csrf_token, language, source, created_at, last_seen_at) "
        f"SELECT '{h}', id, '{secrets.token_hex(16)}', 'en', '127.0.0.1', {now}, {now} FROM accounts "
        f"WHERE login_key = '{login}'",
    ]
    if hub.database_url:
        pb.psql(hub.database_url.rsplit("/", 1)[1], ";".join(stmts))
    else:
        con = sqlite3.connect(hub.sqlite_path, timeout=60)
        with con:
            for s in stmts:
                con.execute(s)
        con.close()
    return f"pb_session={token}"


def run_case(api: pb.Api, path: str, requests: int, case_secs: float) -> dict:
    status, body, _ = api.request("GET", path)
    info: dict = {"status": status, "bytes": len(body)}
    if status == 200 and body[:1] == b"{":
        doc = json.loads(body)
        if "items" in doc:
            info["items"] = len(doc["items"])
        elif "total" in doc:
            info["total"] = doc["total"]
    for _ in range(2):
        api.request("GET", path)
    times = []
    end = time.time() + case_secs
    while len(times) < requests and time.time() < end:
        st, _, dt = api.request("GET", path)
        if st != status:
            info["status_changed"] = st
        times.append(dt * 1000)
    info.update(n=len(times), p50_ms=round(pb.pct(times, 50), 2), p90_ms=round(pb.pct(times, 90), 2),
                p99_ms=round(pb.pct(times, 99), 2), max_ms=round(max(times), 2),
                mean_ms=round(statistics.fmean(times), 2))
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--alarms", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--case-secs", type=float, default=40)
    ap.add_argument("--only", default="", help="run only cases whose label contains this")
    a = ap.parse_args()
    pb.need_binaries()
    work = pb.fresh_dir(f"list_latency-{a.db}")
    pgdb = None
    url = None
    if a.db == "postgres":
        pgdb = f"pb_bench_list_{os.getpid()}"
        url = pb.pg_create(pgdb)
    hub = pb.Hub(os.path.join(work, "data"), url)
    os.makedirs(hub.data_dir)
    mach = pb.machine()
    rows = []
    try:
        hub.migrate()
        hub.create_user("bench", "administrator")
        hub.create_user("bench-op", "operator")
        tokens = {"administrator": hub.token("bench"), "operator": hub.token("bench-op")}
        pb.log(f"seeding {a.customers} customers, {a.alarms} alarms ({a.db})")
        seeded = seeder.seed(hub, a.customers, a.alarms, "bench-op")
        pb.log(f"seeded: {seeded}")
        cookies = {"administrator": add_session(hub, "bench"), "operator": add_session(hub, "bench-op")}
        if not hub.database_url:
            seeded["sqlite_db_mib"] = round(os.path.getsize(hub.sqlite_path) / 2**20, 1)
        hub.start()
        time.sleep(2)
        for role in ("administrator", "operator"):
            api = pb.Api(hub.port, tokens[role])
            console = pb.Api(hub.port, cookie=cookies[role])
            for label, path in CASES:
                if a.only and a.only not in label:
                    continue
                client = console if path.startswith("/com") else api
                cpu0 = pb.cpu_secs(hub.pid)
                t0 = time.time()
                r = run_case(client, path, a.requests, a.case_secs)
                r["hub_cpu_pct"] = round(100 * (pb.cpu_secs(hub.pid) - cpu0) / max(1e-6, time.time() - t0), 1)
                rec = {"bench": "list_latency", "db": a.db, "role": role, "case": label, "path": path,
                       "customers": a.customers, "alarms": a.alarms, **r}
                rows.append(rec)
                pb.log(f"{a.db} {role:13} {label:38} n={r['n']:3} p50 {r['p50_ms']:9.2f} ms  "
                       f"p99 {r['p99_ms']:9.2f} ms  (status {r['status']}, {r.get('items', r.get('total', ''))})")
            api.conn.close()
            console.conn.close()
        rss = pb.rss_kib(hub.pid)
    finally:
        hub.stop()
        if pgdb:
            pb.pg_drop(pgdb)
    for rec in rows:
        pb.write_result("list_latency", {**rec, "seed": seeded, "hub_rss_kib": rss, "machine": mach})
    print()
    print(f"| case | role | n | p50 ms | p90 ms | p99 ms | max ms |  ({a.db})")
    for r in rows:
        print(f"| {r['case']} | {r['role']} | {r['n']} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['max_ms']} |")


if __name__ == "__main__":
    main()
