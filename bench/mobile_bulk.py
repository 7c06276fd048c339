"""A bulk import of N mobile lines from one CSV file (WGO-4), SQLite or PostgreSQL.

    python3 bench/mobile_bulk.py N [--pg] [--bad-every K] [--timeout-secs 600]

Starts a fresh release hub, makes one customer through the API (professional licences and a
mobile subscription for N lines, a French location with N free numbers), writes its N people
straight into the hub's schema (each professional, in that location, without a number), then
uploads ONE file of N rows through `POST /v1/telephony/config/mobileLines/bulk` (codes not
e-mailed, so every line's code goes into the result file) and polls the import until it is
finished. Every K-th row (default: none) names nobody, so it is refused with its reason.

Measures: the upload's answer time (the whole file read and checked before the 202), the wall
time from the upload to the import's end, rows per second, the hub's CPU, its resident set before
the upload and at its peak while the import runs (sampled every 0.25 s) — the goal is a peak that
does not grow with N — and the result file's download (size, time). Checks that exactly the
expected rows succeeded. Appends one JSON line to bench/results/mobile_bulk.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import time

import pb

SUB = "Sub-bench-go"


def seed_people(hub: pb.Hub, db: str | None, customer: str, location: str, n: int):
    """N professional people of `customer` in `location`, with no number, in one transaction."""
    rng = random.Random(20261127)
    now = int(time.time() * 1000)
    rows = []
    for i in range(n):
        email = f"b{i:06d}@bulk.bench"
        name = f"Bulk P{i:06d}"
        rows.append((pb.det_uuid(rng), customer, email, name, "Bulk", f"P{i:06d}",
                     f"{name} bulk p{i:06d} {email}".lower(), location, "professional", now))
    cols = ("id, customer_id, email, display_name, first_name, last_name, search_key, "
            "location_id, license_kind, created_at")
    if db is None:
        con = sqlite3.connect(hub.sqlite_path, timeout=60)
        try:
            con.executemany(f"INSERT INTO people ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            con.commit()
        finally:
            con.close()
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerows(rows)
        pb.psql(db, stdin=f"COPY people ({cols}) FROM STDIN WITH (FORMAT csv);\n{buf.getvalue()}\\.\n")


def location_uuid(hub: pb.Hub, db: str | None, customer: str) -> str:
    sql = f"SELECT id FROM locations WHERE customer_id = '{customer}'"
    if db is None:
        con = sqlite3.connect(f"file:{hub.sqlite_path}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    return pb.psql(db, sql)


def number(i: int) -> str:
    return f"+3317{i:07d}"


def the_file(n: int, bad_every: int) -> tuple[bytes, int]:
    """The CSV and how many of its rows are good."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["User Name", "Type", "Extension", "Phone Number", "Device Type", "Model",
                "MAC Address", "Location", f"Webex Go [Sub-{SUB}]"])
    good = 0
    for i in range(n):
        user = f"b{i:06d}@bulk.bench"
        if bad_every and i % bad_every == bad_every - 1:
            user = f"nobody{i:06d}@bulk.bench"
        else:
            good += 1
        w.writerow([user, "USER", "", number(i), "WEBEX_CALLING", "Webex Go Device", "", "HQ", "TRUE"])
    return buf.getvalue().encode(), good


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--pg", action="store_true", help="PostgreSQL (PB_BENCH_PG) instead of SQLite")
    ap.add_argument("--bad-every", type=int, default=0)
    ap.add_argument("--timeout-secs", type=float, default=600)
    a = ap.parse_args()
    pb.need_binaries()
    n = a.n
    name = f"mobile-bulk-{'pg' if a.pg else 'sqlite'}-{n}"
    work = pb.fresh_dir(name)
    db = f"pb_bench_bulk_{n}" if a.pg else None
    url = pb.pg_create(db) if db else None
    hub = pb.Hub(os.path.join(work, "data"), url)
    os.makedirs(hub.data_dir)
    rec: dict = {"bench": "mobile_bulk", "db": "postgres" if db else "sqlite", "n": n,
                 "bad_every": a.bad_every, "machine": pb.machine()}
    try:
        hub.migrate()
        hub.create_user("bench", "administrator")
        token = hub.token("bench")
        hub.start()
        api = pb.Api(hub.port, token)
        org = api.json("POST", "/v1/operations/customers", {
            "name": "Bulk Bench", "customerId": "bulk-bench", "serviceUserName": "COMAdmin",
            "servicePassword": "Svc#Bench-2026"})["id"]
        api.json("PUT", f"/v1/operations/customers/{org}/licenses",
                 {"professional": n + 10, "basic": 5, "workspaces": 5,
                  "mobileSubscriptions": {SUB: n + 10}})
        loc = api.json("POST", f"/v1/locations?orgId={org}", {
            "name": "HQ", "timeZone": "Europe/Paris",
            "address": {"address1": "1 rue de la Paix", "city": "Paris", "postalCode": "75002",
                        "country": "FR"}})["id"]
        t0 = time.time()
        for start in range(0, n, 1000):
            nums = [number(i) for i in range(start, min(n, start + 1000))]
            api.json("POST", f"/v1/telephony/config/locations/{loc}/numbers?orgId={org}",
                     {"phoneNumbers": nums})
        seed_people(hub, db, org, location_uuid(hub, db, org), n)
        pb.log(f"{n} numbers and people in {time.time() - t0:.1f}s")
        body, good = the_file(n, a.bad_every)
        rec["file_bytes"] = len(body)
        rss0, cpu0 = pb.rss_kib(hub.pid), pb.cpu_secs(hub.pid)
        conn = pb.https(hub.port, timeout=600)
        t0 = time.time()
        conn.request("POST", f"/v1/telephony/config/mobileLines/bulk?orgId={org}"
                     f"&emailActivationCodes=false&fileName=bench.csv", body=body,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
        r = conn.getresponse()
        answer = json.loads(r.read())
        if r.status != 202:
            raise RuntimeError(f"upload: {r.status} {answer}")
        rec["upload_secs"] = round(time.time() - t0, 2)
        imp = answer["id"]
        peak = pb.rss_kib(hub.pid)
        samples = []
        d: dict = answer
        deadline = time.time() + a.timeout_secs
        while time.time() < deadline:
            rss = pb.rss_kib(hub.pid)
            peak = max(peak, rss)
            d = api.json("GET", f"/v1/telephony/config/mobileLines/bulk/{imp}?orgId={org}")
            samples.append((round(time.time() - t0, 2), d["doneRows"], rss))
            if d["status"] in ("done", "failed"):
                break
            time.sleep(0.25)
        secs = time.time() - t0
        rec.update(
            status=d["status"], import_secs=round(secs, 1), rows_per_sec=round(n / secs),
            succeeded=d["succeededRows"], failed=d["failedRows"], expected_good=good,
            hub_cpu_secs=round(pb.cpu_secs(hub.pid) - cpu0, 1),
            hub_rss_before_kib=rss0, hub_rss_peak_kib=peak,
            hub_rss_growth_kib=peak - rss0,
            progress=[s for k, s in enumerate(samples) if k % max(1, len(samples) // 10) == 0],
        )
        pb.log(f"{d['status']} in {secs:.1f}s ({n / secs:.0f} rows/s): {d['succeededRows']} lines, "
               f"{d['failedRows']} refused; RSS {rss0} -> peak {peak} KiB")
        t1 = time.time()
        status, payload, _ = api.request("GET", f"/v1/telephony/config/mobileLines/bulk/{imp}/results"
                                         f"?orgId={org}&language=en")
        rec.update(results_status=status, results_bytes=len(payload),
                   results_secs=round(time.time() - t1, 2),
                   results_rows=payload.count(b"\n") - 1)
        ok = d["status"] == "done" and d["succeededRows"] == good and d["failedRows"] == n - good
        rec["ok"] = ok
        if not ok:
            pb.log(f"UNEXPECTED: {d}")
        pb.log(f"result file: {len(payload)} bytes in {rec['results_secs']}s")
    finally:
        hub.stop()
        if db:
            pb.pg_drop(db)
    pb.write_result("mobile_bulk", rec)
    print(f"| {rec['db']} | {n:,} | {rec.get('upload_secs')} s | {rec.get('import_secs')} s | "
          f"{rec.get('rows_per_sec')} | {rec.get('hub_rss_before_kib', 0) // 1024} → "
          f"{rec.get('hub_rss_peak_kib', 0) // 1024} MiB | {rec.get('ok')} |")


if __name__ == "__main__":
    main()
