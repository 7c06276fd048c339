"""Alarm events ingested per second, with de-duplication, on SQLite or PostgreSQL.

    python3 bench/alarm_ingest.py --db sqlite|postgres [--systems 1000] [--interval 0.5]
                                  [--burst 1] [--window 60] [--warmup 15] [--peer]

A fresh release hub and N simulated systems (`patchbay-agent sim`) that each send an alarm event
about every `--interval` seconds (the simulator's mix: ~15 fingerprints per system, so most events
are repeats folded into an existing row). Over a fixed window the benchmark reads the alarms table
(rows, SUM(occurrences)): every raise adds exactly one occurrence, so the growth of the sum is the
number of raises ingested. Clears (about 1 in 10 events) only flip `ongoing` and are not counted.
`--burst N` makes each simulated system produce N events at a time (the mean rate stays one per
`--interval`), so they travel in one `alarms` batch.

`--peer` then feeds the same mix (same number of systems, ~15 alarm keys each, ~10 % resolutions)
to Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed when missing) with `wrk`
for the same window, one alert per request and then 64 per request, and prints the three rates
and Patchbay's ratio to each. Alertmanager keeps alerts in memory; Patchbay's figure is raises
committed to its database.

Appends one JSON line to bench/results/alarm_ingest.jsonl.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time

import pb


def snapshot(hub: pb.Hub) -> tuple[int, int]:
    sql = "SELECT COUNT(*), COALESCE(SUM(occurrences), 0) FROM alarms"
    if hub.database_url:
        out = pb.psql(hub.database_url.rsplit("/", 1)[1], sql)
        rows, occ = out.split("|")
        return int(rows), int(occ)
    con = sqlite3.connect(f"file:{hub.sqlite_path}?mode=ro", uri=True, timeout=60)
    try:
        rows, occ = con.execute(sql).fetchone()
        return int(rows), int(occ)
    finally:
        con.close()


SUMMARY = re.compile(r"connected (\d+).*?welcomes (\d+), refusals (\d+), failures (\d+), losses (\d+); "
                     r"reports (\d+), alarms (\d+)")


def sim_counters(sim: pb.Sim) -> dict:
    m = SUMMARY.search(sim.last_summary())
    if not m:
        return {}
    keys = ["connected", "welcomes", "refusals", "failures", "losses", "reports", "alarms_sent"]
    return dict(zip(keys, map(int, m.groups())))


def ensure_peer_tools():
    missing = [p for p, b in (("prometheus-alertmanager", "prometheus-alertmanager"), ("wrk", "wrk"))
               if not shutil.which(b)]
    if missing:
        pb.log(f"installing {' '.join(missing)}")
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True,
                       stdout=subprocess.DEVNULL)


def alertmanager_version() -> str:
    out = subprocess.run(["prometheus-alertmanager", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "?"


def run_alertmanager(work: str, systems: int, batch: int, window: float, warmup: float) -> dict:
    """Alertmanager on a free loopback port, fed by wrk with `batch` alerts per request."""
    d = os.path.join(work, f"alertmanager-{batch}")
    os.makedirs(d, exist_ok=True)
    cfg = os.path.join(d, "alertmanager.yml")
    with open(cfg, "w") as f:
        f.write("route:\n  receiver: none\n  group_by: ['alertname', 'instance']\nreceivers:\n  - name: none\n")
    port = pb.free_port()
    logf = open(os.path.join(d, "alertmanager.log"), "ab")
    am = subprocess.Popen(["prometheus-alertmanager", f"--config.file={cfg}", f"--storage.path={d}",
                           f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
                          stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            r = subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}/-/ready"], capture_output=True)
            if r.returncode == 0:
                break
            time.sleep(0.2)
        env = dict(os.environ, AM_BATCH=str(batch), AM_SYSTEMS=str(systems))
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alertmanager.lua")
        wrk = ["wrk", "-t2", "-c64", "-s", script, f"http://127.0.0.1:{port}"]
        subprocess.run([*wrk, "-d", f"{max(1, int(warmup))}s"], env=env, capture_output=True)
        c0 = pb.cpu_secs(am.pid)
        t0 = time.time()
        out = subprocess.run([*wrk, "-d", f"{int(window)}s"], env=env, capture_output=True, text=True)
        wall = time.time() - t0
        c1 = pb.cpu_secs(am.pid)
        m = re.search(r"REQUESTS (\d+) ERRORS (\d+) STATUS (\d+)", out.stdout)
        reqs, errs, status = (int(x) for x in m.groups()) if m else (0, 0, 0)
        ok = reqs - status
        return {"batch": batch, "requests": reqs, "errors": errs, "non_2xx": status,
                "alerts_per_sec": round(ok * batch / window, 1),
                "requests_per_sec": round(reqs / window, 1),
                "cpu_pct": round(100 * (c1 - c0) / wall, 1), "rss_kib": pb.rss_kib(am.pid)}
    finally:
        am.send_signal(signal.SIGTERM)
        try:
            am.wait(timeout=20)
        except subprocess.TimeoutExpired:
            am.kill()
        logf.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--systems", type=int, default=1000)
    ap.add_argument("--interval", type=float, default=0.5, help="mean seconds between events of one system")
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=15)
    ap.add_argument("--burst", type=int, default=1, help="events a simulated system makes at a time")
    ap.add_argument("--peer", action="store_true", help="also feed the same mix to Alertmanager")
    a = ap.parse_args()
    if a.peer:
        ensure_peer_tools()
    pb.need_binaries()
    pb.raise_nofile()
    n = a.systems
    tag = f"alarm_ingest-{a.db}-{n}-{a.interval}-{a.burst}"
    work = pb.fresh_dir(tag)
    pgdb = None
    url = None
    if a.db == "postgres":
        pgdb = f"pb_bench_ingest_{os.getpid()}"
        url = pb.pg_create(pgdb)
    hub = pb.Hub(os.path.join(work, "data"), url)
    os.makedirs(hub.data_dir)
    password = "Sim#Passw0rd-bench"
    pwfile = os.path.join(work, "password")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    sim = None
    rec: dict = {"bench": "alarm_ingest", "db": a.db, "systems": n, "interval_secs": a.interval,
                 "burst": a.burst, "window_secs": a.window, "machine": pb.machine()}
    try:
        hub.migrate()
        hub.create_user("bench", "administrator")
        token = hub.token("bench")
        hub.start()
        api = pb.Api(hub.port, token)
        pb.seed_sim_customers(hub, api, "ai", n, password)
        api.conn.close()
        ramp = max(2.0, n / 500)
        total = ramp + 120 + a.warmup + a.window + 30
        sim = pb.Sim(hub, n, "ai", pwfile, ramp=ramp, alarm_interval=a.interval, duration=total,
                     summary=2, log_path=os.path.join(work, "sim.log"), alarm_burst=a.burst)
        deadline = time.time() + ramp + 120
        while time.time() < deadline and pb.count_connected(hub) < n:
            time.sleep(1)
        rec["connected"] = pb.count_connected(hub)
        pb.log(f"{rec['connected']}/{n} connected; warm-up {a.warmup:.0f}s")
        time.sleep(a.warmup)
        rows0, occ0 = snapshot(hub)
        s0 = sim_counters(sim)
        hc0, sc0 = pb.cpu_secs(hub.pid), pb.cpu_secs(sim.pid)
        pg0 = pb.postgres_cpu_secs() if pgdb else 0.0
        t0 = time.time()
        time.sleep(a.window)
        rows1, occ1 = snapshot(hub)
        wall = time.time() - t0
        s1 = sim_counters(sim)
        hc1, sc1 = pb.cpu_secs(hub.pid), pb.cpu_secs(sim.pid)
        pg1 = pb.postgres_cpu_secs() if pgdb else 0.0
        # sim summaries lag by up to --summary-secs; close enough for the offered rate.
        sent = (s1.get("alarms_sent", 0) - s0.get("alarms_sent", 0))
        rec.update(
            alarm_rows_before=rows0, alarm_rows_after=rows1, new_rows=rows1 - rows0,
            raises_ingested=occ1 - occ0,
            raises_per_sec=round((occ1 - occ0) / wall, 1),
            new_rows_per_sec=round((rows1 - rows0) / wall, 1),
            events_sent_per_sec=round(sent / wall, 1),
            hub_cpu_pct=round(100 * (hc1 - hc0) / wall, 1),
            sim_cpu_pct=round(100 * (sc1 - sc0) / wall, 1),
            hub_rss_kib=pb.rss_kib(hub.pid),
            sim_end=s1,
        )
        rec["hub_warn_lines_until_window_end"] = len(pb.log_problems(hub.log_path))
        if pgdb:
            rec["postgres_cpu_pct"] = round(100 * (pg1 - pg0) / wall, 1)
        pb.log(f"{a.db}: {rec['raises_per_sec']} raises/s ingested ({rec['new_rows_per_sec']} new rows/s), "
               f"{rec['events_sent_per_sec']} events/s sent, hub CPU {rec['hub_cpu_pct']}%")
    finally:
        if sim:
            sim.stop()
        hub.stop()
        if pgdb:
            pb.pg_drop(pgdb)
    bad = pb.log_problems(hub.log_path)
    rec["hub_log_warnings"] = len(bad)
    rec["hub_log_sample"] = [l[-240:] for l in bad[:3]]
    if a.peer:
        rec["peer"] = {"name": alertmanager_version(), "runs": []}
        for batch in (1, 64):
            r = run_alertmanager(work, n, batch, a.window, a.warmup)
            rec["peer"]["runs"].append(r)
            pb.log(f"Alertmanager, {batch} per request: {r['alerts_per_sec']} alerts/s accepted "
                   f"({r['requests_per_sec']} requests/s, {r['non_2xx']} refused), CPU {r['cpu_pct']}%")
        ours = rec.get("raises_per_sec") or 0
        for r in rec["peer"]["runs"]:
            r["patchbay_ratio"] = round(ours / r["alerts_per_sec"], 2) if r["alerts_per_sec"] else None
        pb.log("Patchbay / Alertmanager: " + ", ".join(
            f"{r['patchbay_ratio']} (×{r['batch']} per request)" for r in rec["peer"]["runs"]))
    pb.write_result("alarm_ingest", rec)
    print(f"| {a.db} | {n} | {a.interval} | {rec.get('events_sent_per_sec')} | {rec.get('raises_per_sec')} "
          f"| {rec.get('new_rows_per_sec')} | {rec.get('hub_cpu_pct')} | {rec.get('postgres_cpu_pct', '–')} "
          f"| {rec['hub_log_warnings']} |")


if __name__ == "__main__":
    main()
