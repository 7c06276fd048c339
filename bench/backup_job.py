"""One backup job over N simulated systems, and one 1 GiB backup through the hub (SQLite).

    python3 bench/backup_job.py N [--big-mib 1024] [--timeout-secs 600]

Starts a fresh release hub, seeds simulated customers, runs `patchbay-agent sim` (each system
backs up generated files under the run's data root: ~70 KiB of configuration, prompts and
mailboxes), waits until they are connected, and creates ONE backup job over the first N systems
whose remote-backup flag is on. Measures the wall time from the request to the job's end, the
hub's CPU and its peak RSS meanwhile. Then a real `patchbay-agent run` whose custom prompts hold
one file of --big-mib MiB backs up through the same hub: the hub's RSS growth during that upload
shows whether a backup is streamed (the goal: < 50 MB for 1 GiB). Appends one JSON line to
bench/results/backup_job.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import time

import pb


def capable_customers(hub: pb.Hub, n: int) -> list[str]:
    """The customer ids (UUIDs) of the first n connected systems that may be backed up."""
    con = sqlite3.connect(f"file:{hub.sqlite_path}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            "SELECT s.customer_id, s.flags, s.profile FROM systems s "
            "WHERE s.connected_node IS NOT NULL ORDER BY s.name").fetchall()
    finally:
        con.close()
    out = []
    for cid, flags, profile in rows:
        if profile != "legacy" and json.loads(flags or "{}").get("remoteUpgradeBackup"):
            out.append(cid)
    return out[:n]


def wait_job(api: pb.Api, hub: pb.Hub, job: str, timeout: float) -> tuple[dict, float, int]:
    """Poll until the job ends; (details, seconds, peak hub RSS KiB)."""
    t0 = time.time()
    peak = 0
    d: dict = {}
    while time.time() - t0 < timeout:
        peak = max(peak, pb.rss_kib(hub.pid))
        d = api.json("GET", f"/v1/operations/jobs/{job}")
        if d["status"] in ("completed", "failed"):
            break
        time.sleep(0.25)
    return d, time.time() - t0, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--big-mib", type=int, default=1024)
    ap.add_argument("--timeout-secs", type=float, default=600)
    a = ap.parse_args()
    pb.need_binaries()
    pb.raise_nofile()
    n = a.n
    sims = int(n * 1.3) + 10  # some simulated systems have remote backup off
    work = pb.fresh_dir(f"backup-{n}")
    hub = pb.Hub(os.path.join(work, "data"))
    os.makedirs(hub.data_dir)
    password = "Sim#Passw0rd-bench"
    pwfile = os.path.join(work, "password")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    rec: dict = {"bench": "backup_job", "db": "sqlite", "n": n, "machine": pb.machine()}
    sim = agent = None
    try:
        hub.migrate()
        hub.create_user("bench", "administrator")
        token = hub.token("bench")
        hub.start()
        api = pb.Api(hub.port, token)
        pb.seed_sim_customers(hub, api, "bk", sims, password)
        sim = pb.Sim(hub, sims, "bk", pwfile, ramp=max(1.0, sims / 500), alarm_interval=0,
                     duration=a.timeout_secs * 3, log_path=os.path.join(work, "sim.log"),
                     data_root=os.path.join(work, "sim-data"))
        deadline = time.time() + 300
        while time.time() < deadline and pb.count_connected(hub) < sims:
            time.sleep(0.5)
        time.sleep(3)  # reports in
        ids = capable_customers(hub, n)
        rec["systems"] = len(ids)
        pb.log(f"{pb.count_connected(hub)} connected; backing up {len(ids)}")
        rss0, cpu0 = pb.rss_kib(hub.pid), pb.cpu_secs(hub.pid)
        t0 = time.time()
        job = api.json("POST", "/v1/operations/jobs",
                       {"name": "Bench", "operation": "backup", "customerIds": ids})["id"]
        d, secs, peak = wait_job(api, hub, job, a.timeout_secs)
        parts = d.get("parts", [])
        rec.update(
            job_status=d.get("status"), job_secs=round(time.time() - t0, 1),
            parts=len(parts), parts_completed=sum(p["status"] == "completed" for p in parts),
            parts_failed=sum(p["status"] == "failed" for p in parts),
            hub_cpu_secs=round(pb.cpu_secs(hub.pid) - cpu0, 2),
            hub_rss_before_kib=rss0, hub_rss_peak_kib=peak,
            sim_cpu_secs=round(pb.cpu_secs(sim.pid), 2),
        )
        pb.log(f"job {d.get('status')} in {rec['job_secs']}s: {rec['parts_completed']}/{len(parts)} "
               f"parts, hub CPU {rec['hub_cpu_secs']}s, RSS {rss0} -> peak {peak} KiB")
        sim.stop()
        sim = None

        # One big backup through a real agent.
        if a.big_mib > 0:
            sysdir = os.path.join(work, "big-system")
            prompts = os.path.join(sysdir, "data", "custom-prompts")
            os.makedirs(prompts)
            with open(os.path.join(sysdir, "system.toml"), "w") as f:
                f.write('name = "big-ipo"\nprofile = "server-edition"\nversion = "12.1"\n'
                        'address = "192.0.2.20"\n[flags]\ncentral_management = true\n'
                        'remote_upgrade_backup = true\n[service_account]\n'
                        'rights = ["status-read", "configuration", "upgrade"]\n')
            chunk = os.urandom(1 << 20)
            with open(os.path.join(prompts, "big.bin"), "wb") as f:
                for _ in range(a.big_mib):
                    f.write(chunk)
            big = api.json("POST", "/v1/operations/customers", {
                "name": "Big", "customerId": "big", "serviceUserName": "COMAdmin",
                "servicePassword": password})["id"]
            agent = subprocess.Popen(
                [pb.AGENT_BIN, "run", "--hub", f"wss://localhost:{hub.port}", "--customer-id", "big",
                 "--password-file", pwfile, "--system-dir", sysdir, "--ca-file", hub.ca_file],
                stdout=open(os.path.join(work, "agent.log"), "ab"), stderr=subprocess.STDOUT,
                start_new_session=True)
            deadline = time.time() + 60
            while time.time() < deadline:
                systems = api.json("GET", f"/v1/operations/customers/{big}/systems")["items"]
                if systems and systems[0]["connected"] and systems[0]["remoteOperations"].get("remoteUpgradeBackup"):
                    break
                time.sleep(0.5)
            time.sleep(2)
            rss1 = pb.rss_kib(hub.pid)
            t1 = time.time()
            job = api.json("POST", "/v1/operations/jobs", {
                "name": "Big", "operation": "backup", "customerIds": [big],
                "items": ["customPrompts"]})["id"]
            d, secs, peak = wait_job(api, hub, job, a.timeout_secs)
            rec.update(big_mib=a.big_mib, big_status=d.get("status"),
                       big_secs=round(time.time() - t1, 1), big_hub_rss_before_kib=rss1,
                       big_hub_rss_peak_kib=peak, big_hub_rss_growth_kib=peak - rss1,
                       big_reason=(d.get("parts") or [{}])[0].get("reason", ""))
            pb.log(f"{a.big_mib} MiB backup {d.get('status')} in {rec['big_secs']}s; hub RSS "
                   f"{rss1} -> peak {peak} KiB (+{peak - rss1} KiB)")
        rec["hub_log_warnings"] = len(pb.log_problems(hub.log_path))
    finally:
        if sim:
            sim.stop()
        if agent:
            agent.terminate()
            agent.wait(timeout=30)
        hub.stop()
    pb.write_result("backup_job", rec)


if __name__ == "__main__":
    main()
