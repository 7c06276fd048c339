"""100,000 connected systems over several hub nodes on one PostgreSQL, then a reconnect storm.

    python3 bench/scale_out.py [--nodes 6] [--systems 100000] [--db-connections 6]
                               [--ramp-secs 120] [--settle-secs 45] [--timeout-secs 600]

Starts `--nodes` release hubs (`patchbay serve`, one data dir, each its own port) on a fresh
PostgreSQL database, seeds `--systems` simulated customers by SQL, and runs one `patchbay-agent sim`
per node (each process and each node stays under this machine's 20,000 open files). Measures:

- the ramp: time until every system shows connected in the database;
- memory: (sum of the nodes' RSS once connected and idle − their RSS before the simulators) / N,
  after `--settle-secs` of heartbeats;
- the reconnect storm: every node stopped (SIGINT) and started again on its port; time from the
  first node starting again until every system shows connected again, whether every node stayed
  up, and the simulators' failed attempts meanwhile.

Appends one JSON line to bench/results/scale_out.jsonl.
"""

from __future__ import annotations

import argparse
import os
import re
import time

import pb


def wait_connected(hub: pb.Hub, n: int, timeout: float, hubs: list[pb.Hub], label: str) -> dict:
    t0 = time.time()
    marks: dict[float, float] = {}
    connected = 0
    last_log = 0.0
    while time.time() - t0 < timeout:
        time.sleep(1)
        connected = pb.count_connected(hub)
        el = time.time() - t0
        for frac in (0.5, 0.9, 0.99, 1.0):
            if frac not in marks and connected >= frac * n:
                marks[frac] = round(el, 1)
        if connected >= n:
            break
        if any(h.proc and h.proc.poll() is not None for h in hubs):
            pb.log(f"{label}: a node exited")
            break
        if el - last_log >= 10:
            last_log = el
            pb.log(f"{label}: t={el:.0f}s connected {connected}/{n}")
    return {"connected": connected, "secs_to_50pct": marks.get(0.5), "secs_to_90pct": marks.get(0.9),
            "secs_to_99pct": marks.get(0.99), "secs_to_all": marks.get(1.0)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=6)
    ap.add_argument("--systems", type=int, default=100_000)
    ap.add_argument("--db-connections", type=int, default=6,
                    help="each node's main PostgreSQL pool (nodes together within max_connections)")
    ap.add_argument("--ramp-secs", type=float, default=120,
                    help="each simulator spreads its first connections over this long")
    ap.add_argument("--settle-secs", type=float, default=45)
    ap.add_argument("--timeout-secs", type=float, default=600)
    a = ap.parse_args()
    pb.need_binaries()
    nofile = pb.raise_nofile()
    per = -(-a.systems // a.nodes)
    if per + 200 > nofile:
        raise SystemExit(f"{per} systems per node do not fit the open-files limit {nofile}: use more --nodes")
    work = pb.fresh_dir("scale_out")
    db = f"pb_bench_scale_{os.getpid()}"
    url = pb.pg_create(db)
    data = os.path.join(work, "data")
    os.makedirs(data)
    hubs = []
    for k in range(a.nodes):
        h = pb.Hub(data, url)
        h.log_path = os.path.join(work, f"hub{k}.log")
        h.extra_args = ["--db-connections", str(a.db_connections)]
        hubs.append(h)
    password = "Sim#Passw0rd-bench"
    pwfile = os.path.join(work, "password")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    sims: list[pb.Sim] = []
    rec: dict = {"bench": "scale_out", "db": "postgres", "nodes": a.nodes, "systems": a.systems,
                 "per_node": per, "db_connections": a.db_connections, "nofile": nofile,
                 "machine": pb.machine()}
    try:
        first = hubs[0]
        first.migrate()
        first.create_user("bench", "administrator")
        token = first.token("bench")
        for h in hubs:
            h.start()
        api = pb.Api(first.port, token)
        counts = [min(per, a.systems - k * per) for k in range(a.nodes)]
        t = 0.0
        for k, c in enumerate(counts):
            t += pb.seed_sim_customers(first, api, f"n{k}", c, password)
        api.conn.close()
        pb.log(f"seeded {a.systems} customers in {t:.1f}s; {a.nodes} nodes on ports "
               f"{[h.port for h in hubs]}")
        time.sleep(5)
        rss0 = [pb.rss_kib(h.pid) for h in hubs]
        duration = a.ramp_secs + 3 * a.timeout_secs + a.settle_secs + 300
        for k, (h, c) in enumerate(zip(hubs, counts)):
            sims.append(pb.Sim(h, c, f"n{k}", pwfile, ramp=a.ramp_secs, alarm_interval=0,
                               duration=duration, log_path=os.path.join(work, f"sim{k}.log")))
        ramp = wait_connected(first, a.systems, a.ramp_secs + a.timeout_secs, hubs, "ramp")
        rec["ramp"] = ramp
        pb.log(f"ramp: {ramp}")
        pb.log(f"settling {a.settle_secs:.0f}s")
        cpu0 = [pb.cpu_secs(h.pid) for h in hubs]
        w0 = time.time()
        time.sleep(a.settle_secs)
        wall = time.time() - w0
        rss1 = [pb.rss_kib(h.pid) for h in hubs]
        still = pb.count_connected(first)
        rec.update(
            connected_after_settle=still,
            node_rss_before_kib=rss0,
            node_rss_after_kib=rss1,
            node_cpu_pct_idle=[round(100 * (pb.cpu_secs(h.pid) - c) / wall, 1) for h, c in zip(hubs, cpu0)],
            sim_rss_kib=[pb.rss_kib(s.pid) for s in sims],
        )
        if still:
            rec["hub_kib_per_connection"] = round((sum(rss1) - sum(rss0)) / still, 1)
        pb.log(f"idle: {still} connected, nodes' RSS {sum(rss0)} -> {sum(rss1)} KiB "
               f"({rec.get('hub_kib_per_connection')} KiB per connection)")

        # The storm: every node stopped, then started again on its port.
        failures_before = sum(failures(s) for s in sims)
        t_stop = time.time()
        for h in hubs:
            h.stop(timeout=120)
        rec["secs_to_stop_all_nodes"] = round(time.time() - t_stop, 1)
        rec["connected_after_stop"] = pb.count_connected(first)
        pb.log(f"all nodes stopped in {rec['secs_to_stop_all_nodes']}s; "
               f"{rec['connected_after_stop']} still shown connected")
        for h in hubs:
            h.start(keep_ports=True)
        storm = wait_connected(first, a.systems, a.timeout_secs, hubs, "storm")
        storm["nodes_up"] = sum(1 for h in hubs if h.proc and h.proc.poll() is None)
        storm["sim_failed_attempts"] = sum(failures(s) for s in sims) - failures_before
        storm["node_rss_peak_kib"] = [pb.hwm_kib(h.pid) for h in hubs]
        rec["storm"] = storm
        pb.log(f"storm: {storm}")
        rec["hub_log_warnings"] = sum(len(pb.log_problems(h.log_path)) for h in hubs)
    finally:
        for s in sims:
            s.stop(timeout=120)
        for h in hubs:
            h.stop()
        pb.pg_drop(db)
    pb.write_result("scale_out", rec)
    print(rec)


def failures(sim: pb.Sim) -> int:
    """Failed connection attempts so far, from the simulator's last summary line
    (`… (welcomes W, refusals R, failures F, losses L; …)`)."""
    m = re.search(r"failures (\d+)", sim.last_summary())
    return int(m.group(1)) if m else 0


if __name__ == "__main__":
    main()
