"""Idle agent connections held by one hub node (SQLite): ramp time, RSS per connection, CPU.

    python3 bench/connections.py N [--ramp-secs R] [--settle-secs S]

Starts a fresh release hub, seeds N simulated customers (one through the API, the others by SQL
with a copy of its sealed service password), runs `patchbay-agent sim --count N` with alarms off,
waits (bounded) until the hub's `systems` table shows N connected, then samples RSS and CPU of
the hub while the connections sit idle (heartbeats only). Appends one JSON line to
bench/results/connections.jsonl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import pb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--ramp-secs", type=float, default=None,
                    help="spread the sim's first connections over this long (default N/1000 s, at least 1)")
    ap.add_argument("--settle-secs", type=float, default=45,
                    help="idle time after all are connected before measuring (covers two heartbeats)")
    ap.add_argument("--timeout-secs", type=float, default=300, help="give up waiting for N connected")
    a = ap.parse_args()
    pb.need_binaries()
    n = a.n
    ramp = a.ramp_secs if a.ramp_secs is not None else max(1.0, n / 1000)
    nofile = pb.raise_nofile()
    if n + 100 > nofile:
        print(f"warning: open-files limit {nofile} is below N + 100 = {n + 100}: the hub "
              f"(one fd per connection) cannot hold N connections", file=sys.stderr)
    work = pb.fresh_dir(f"connections-{n}")
    hub = pb.Hub(os.path.join(work, "data"))
    os.makedirs(hub.data_dir)
    password = "Sim#Passw0rd-bench"
    pwfile = os.path.join(work, "password")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    prefix = "cb"
    sim = None
    rec: dict = {"bench": "connections", "db": "sqlite", "n": n, "ramp_secs": ramp,
                 "nofile": nofile, "machine": pb.machine()}
    try:
        hub.migrate()
        hub.create_user("bench", "administrator")
        token = hub.token("bench")
        hub.start()
        api = pb.Api(hub.port, token)
        seed = pb.seed_sim_customers(hub, api, prefix, n, password)
        pb.log(f"seeded {n} customers in {seed:.1f}s")
        api.conn.close()
        time.sleep(5)
        rss0 = pb.rss_kib(hub.pid)
        fd0 = pb.fd_count(hub.pid)
        cpu0 = pb.cpu_secs(hub.pid)
        rec.update(hub_rss_before_kib=rss0, hub_fds_before=fd0)
        pb.log(f"hub idle: RSS {rss0} KiB, {fd0} fds")

        duration = ramp + a.timeout_secs + a.settle_secs + 60  # the sim stops by itself
        t0 = time.time()
        sim = pb.Sim(hub, n, prefix, pwfile, ramp=ramp, alarm_interval=0, duration=duration,
                     log_path=os.path.join(work, "sim.log"))
        marks = {}
        peak_rss = 0
        deadline = t0 + ramp + a.timeout_secs
        connected = 0
        while time.time() < deadline:
            time.sleep(0.5)
            connected = pb.count_connected(hub)
            peak_rss = max(peak_rss, pb.rss_kib(hub.pid))
            el = time.time() - t0
            for frac in (0.5, 0.9, 0.99, 1.0):
                if frac not in marks and connected >= frac * n:
                    marks[frac] = el
            if connected >= n:
                break
            if sim.proc.poll() is not None:
                break
            if int(el * 2) % 20 == 0:
                pb.log(f"t={el:.0f}s connected {connected}/{n}, hub RSS {pb.rss_kib(hub.pid)} KiB")
        t_all = time.time() - t0
        cpu_ramp = pb.cpu_secs(hub.pid) - cpu0
        sim_cpu_ramp = pb.cpu_secs(sim.pid)
        r1 = lambda v: None if v is None else round(v, 1)  # noqa: E731
        rec.update(connected=connected,
                   secs_to_50pct=r1(marks.get(0.5)), secs_to_90pct=r1(marks.get(0.9)),
                   secs_to_99pct=r1(marks.get(0.99)), secs_to_all=r1(marks.get(1.0)),
                   hub_cpu_secs_ramp=round(cpu_ramp, 2), sim_cpu_secs_ramp=round(sim_cpu_ramp, 2),
                   hub_rss_peak_ramp_kib=peak_rss)
        if 1.0 in marks:
            rec["connect_rate_per_sec"] = round(n / marks[1.0], 1)
            rec["hub_cpu_ms_per_connect"] = round(1000 * cpu_ramp / n, 3)
        pb.log(f"connected {connected}/{n} after {t_all:.1f}s; sim: {sim.last_summary()}")

        # Idle: heartbeats only.
        pb.log(f"settling {a.settle_secs:.0f}s")
        c1, s1, w1 = pb.cpu_secs(hub.pid), pb.cpu_secs(sim.pid), time.time()
        samples = []
        end = time.time() + a.settle_secs
        while time.time() < end:
            time.sleep(1)
            samples.append(pb.rss_kib(hub.pid))
        wall = time.time() - w1
        rss1 = pb.rss_kib(hub.pid)
        still = pb.count_connected(hub)
        rec.update(
            hub_warn_lines_until_settled=len(pb.log_problems(hub.log_path)),
            connected_after_settle=still,
            hub_rss_after_kib=rss1,
            hub_fds_after=pb.fd_count(hub.pid),
            sim_rss_kib=pb.rss_kib(sim.pid),
            hub_cpu_pct_idle=round(100 * (pb.cpu_secs(hub.pid) - c1) / wall, 2),
            sim_cpu_pct_idle=round(100 * (pb.cpu_secs(sim.pid) - s1) / wall, 2),
            sim_summary=sim.last_summary(),
        )
        if still:
            rec["hub_kib_per_connection"] = round((rss1 - rss0) / still, 1)
            rec["sim_kib_per_connection"] = round(rec["sim_rss_kib"] / still, 1)
        pb.log(f"after settle: {still} connected, hub RSS {rss1} KiB "
               f"({rec.get('hub_kib_per_connection')} KiB/conn), hub CPU {rec['hub_cpu_pct_idle']}%")

        # Disconnect all: how long until the hub has recorded every disconnection.
        t2 = time.time()
        sim.stop(timeout=120)
        left = still
        while time.time() - t2 < 120:
            left = pb.count_connected(hub)
            if left == 0:
                break
            time.sleep(0.5)
        rec["secs_to_record_all_disconnects"] = round(time.time() - t2, 1) if left == 0 else None
        rec["connected_left_after_disconnect"] = left
        bad = pb.log_problems(hub.log_path)
        rec["hub_log_warnings"] = len(bad)
        rec["hub_log_sample"] = [l[-240:] for l in bad[:3]]
    finally:
        if sim:
            sim.stop()
        hub.stop()
    pb.write_result("connections", rec)
    print(f"| {n} | {rec.get('connected')} | {rec.get('secs_to_all')} | {rec.get('connect_rate_per_sec')} "
          f"| {rec.get('hub_rss_before_kib')} | {rec.get('hub_rss_after_kib')} | {rec.get('hub_kib_per_connection')} "
          f"| {rec.get('hub_cpu_ms_per_connect')} | {rec.get('hub_cpu_pct_idle')} | {rec.get('sim_kib_per_connection')} |")


if __name__ == "__main__":
    main()
