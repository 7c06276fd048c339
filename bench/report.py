"""Render bench/results/*.jsonl as the markdown tables of docs/PERFORMANCE.md.

    python3 bench/report.py            # every record
    python3 bench/report.py --last 4   # only the last 4 records of each file
"""

from __future__ import annotations

import argparse
import json
import os

import pb


def load(name: str, last: int | None) -> list[dict]:
    path = os.path.join(pb.RESULTS, name + ".jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = [json.loads(l) for l in f if l.strip()]
    return rows[-last:] if last else rows


def build(r: dict) -> str:
    b = r.get("machine", {}).get("binaries", "")
    return f"{r.get('machine', {}).get('commit', '')} ({os.path.basename(b)})"


def fmt(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--last", type=int, default=None)
    a = ap.parse_args()

    rows = load("connections", a.last)
    if rows:
        print("| N | connected | ramp offered (s) | time to 50 % / 99 % / all (s) | connect rate (/s) | hub CPU ms per connect "
              "| hub RSS idle → N connected (MiB) | **hub KiB / connection** | hub idle CPU % | sim KiB / connection "
              "| sim failures during ramp | hub WARN lines (ramp + idle) | all disconnects recorded (s) | build |")
        print("|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
        for r in rows:
            fails = r.get("sim_summary", "").split("failures ")[-1].split(",")[0] if "failures" in r.get("sim_summary", "") else "–"
            print(f"| {fmt(r['n'])} | {fmt(r.get('connected_after_settle'))} | {fmt(r['ramp_secs'])} "
                  f"| {fmt(r.get('secs_to_50pct'))} / {fmt(r.get('secs_to_99pct'))} / {fmt(r.get('secs_to_all'))} "
                  f"| {fmt(r.get('connect_rate_per_sec'), 0)} | {fmt(r.get('hub_cpu_ms_per_connect'), 2)} "
                  f"| {r['hub_rss_before_kib'] / 1024:,.0f} → {r.get('hub_rss_after_kib', 0) / 1024:,.0f} "
                  f"| **{fmt(r.get('hub_kib_per_connection'))}** | {fmt(r.get('hub_cpu_pct_idle'), 2)} "
                  f"| {fmt(r.get('sim_kib_per_connection'))} | {fails} | {fmt(r.get('hub_warn_lines_until_settled'))} "
                  f"| {fmt(r.get('secs_to_record_all_disconnects'))} | {build(r)} |")
        print()

    rows = load("alarm_ingest", a.last)
    if rows:
        print("| database | systems | interval (s) | events sent /s | **raises ingested /s** | new alarm rows /s "
              "| hub CPU % | PostgreSQL CPU % | sim CPU % | hub WARN lines in window | build |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in rows:
            print(f"| {r['db']} | {fmt(r['systems'])} | {r['interval_secs']} | {fmt(r.get('events_sent_per_sec'), 0)} "
                  f"| **{fmt(r.get('raises_per_sec'), 0)}** | {fmt(r.get('new_rows_per_sec'), 0)} "
                  f"| {fmt(r.get('hub_cpu_pct'))} | {fmt(r.get('postgres_cpu_pct'))} | {fmt(r.get('sim_cpu_pct'))} "
                  f"| {fmt(r.get('hub_warn_lines_until_window_end'))} | {build(r)} |")
        print()

    rows = load("list_latency", a.last * 20 if a.last else None)
    builds = []
    for r in rows:
        if build(r) not in builds:
            builds.append(build(r))
    for b in builds:
        brows = [r for r in rows if build(r) == b]
        cases = []
        for r in brows:
            if r["case"] not in cases:
                cases.append(r["case"])
        by = {(r["db"], r["role"], r["case"]): r for r in brows}
        dbs = [d for d in ("sqlite", "postgres") if any(k[0] == d for k in by)]
        print(f"Build {b}: p50 / p99 ms (n requests)")
        print()
        print("| case | " + " | ".join(f"{d} admin" for d in dbs) + " | " + " | ".join(f"{d} operator" for d in dbs) + " |")
        print("|---|" + "---:|" * (2 * len(dbs)))
        for c in cases:
            cells = []
            for role in ("administrator", "operator"):
                for d in dbs:
                    r = by.get((d, role, c))
                    cells.append("–" if not r else f"{r['p50_ms']:,.1f} / {r['p99_ms']:,.1f} ({r['n']})")
            print(f"| {c} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
