"""Reproducible bulk seed for the list benchmarks: customers, tags, alarms, one operator's
assignments. Written straight into the hub's schema (after `patchbay migrate`), SQLite or
PostgreSQL. Everything derives from random.Random(SEED), so two runs produce the same rows.

Shape (defaults: 100,000 customers, 1,000,000 alarms):
- customers `lt-000001`…, names "<Adjective> <Trade> <n>" (so a search for a trade such as
  "dental" matches ~1/16 of them), connectivity 85 % green / 7 % amber / 8 % red with matching
  status codes, a profile and version, 0–2 tags out of 24;
- alarms spread over customers with a skew (low-numbered customers have more), 25 fingerprints'
  worth of descriptions, severities 5/20/35/40 % critical/major/minor/warning, last occurrences
  over the past 30 days, 10 % ongoing; `customers.alarm_count` matches;
- the operator account (login given) is assigned manually to every 1000th customer (100 of them).
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import time

import pb

SEED = 20250601
ADJ = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Alpine", "Royal",
       "United", "Metro", "City", "County", "Harbour", "Valley", "Summit", "Riverside"]
TRADE = ["Dental", "Legal", "Motors", "Bakery", "Clinic", "Logistics", "Hotel", "School",
         "Pharmacy", "Insurance", "Builders", "Florist", "Garage", "Accounting", "Travel", "Media"]
TAGS = [f"tag-{w}" for w in ["gold", "silver", "bronze", "vip", "pilot", "legacy", "eu", "us", "apac",
                              "retail", "health", "public", "edu", "finance", "hosting", "sme",
                              "enterprise", "trial", "renewal", "migrating", "priority", "watch",
                              "partner", "internal"]]
PROFILES = [("ip500v2", 37), ("server-edition", 45), ("accs", 15), ("legacy", 3)]
VERSIONS = {"ip500v2": ["11.1.3.3.0.7", "12.0.0.0.0.45", "12.1.0.0.0.123"],
            "server-edition": ["12.0.0.0.0.45", "12.1.0.0.0.123", "12.1.0.1.0.12"],
            "accs": ["7.1.2.0.12", "7.1.3.0.4"], "legacy": ["9.1.12.0.1", "10.0.0.8.0.3"]}
AMBER = ["upgradeRightsNotEnabled", "remoteOperationsNotAllowed", "legacy", "insufficientRights"]
RED = ["unreachableSince", "waitingForInitialConnection", "authorisationFailed", "invalidCredentials"]
SEVERITIES = [("critical", 0, 5), ("major", 1, 20), ("minor", 2, 35), ("warning", 3, 40)]
ALARMS = [("trunk", "SIP trunk {k} out of service"), ("services", "Voicemail service stopped"),
          ("security", "SIP registration failed from 203.0.113.{k}"),
          ("qos", "Jitter above threshold on trunk {k}"), ("configuration", "Configuration changed by Administrator"),
          ("link", "Link to SIP provider lost on trunk {k}"), ("security", "Repeated login failures for user admin"),
          ("services", "Licence usage at 9{k} %"), ("qos", "Call dropped: no RTP received from 203.0.113.{k}"),
          ("trunk", "All channels busy on trunk {k}")]


def weighted(rng, pairs):
    r = rng.uniform(0, sum(w for *_, w in pairs))
    for p in pairs:
        r -= p[-1]
        if r <= 0:
            return p
    return pairs[-1]


def generate(customers: int, alarms: int):
    rng = random.Random(SEED)
    now = int(time.time() * 1000)
    day = 86_400_000
    cust, tags = [], []
    ids = []
    sysnames = []
    for i in range(1, customers + 1):
        cid = pb.det_uuid(rng)
        ids.append(cid)
        name = f"{rng.choice(ADJ)} {rng.choice(TRADE)} {i}"
        profile = weighted(rng, PROFILES)[0]
        version = rng.choice(VERSIONS[profile])
        roll = rng.random()
        if roll < 0.85:
            light, status = "green", "connectionSuccessful"
        elif roll < 0.92:
            light, status = "amber", rng.choice(AMBER)
        else:
            light, status = "red", rng.choice(RED)
        sysname = f"lt-{i:06}-sys"
        sysnames.append(sysname)
        created = now - rng.randrange(400 * day)
        cust.append([cid, name, name.lower(), f"lt-{i:06}", "COMAdmin", "not-a-real-sealed-value",
                     light, status, sysname, profile, version, f"10.{i >> 8 & 255}.{i & 255}.10", 443,
                     now - rng.randrange(3_600_000), 1 if light == "amber" else 0, 0, created, created])
        picked = rng.sample(TAGS, rng.choice([0, 1, 1, 2]))
        for t in picked:
            tags.append((cid, t, t))
        cust[-1].append("|".join(sorted(picked)))
    alarm_rows = []
    counts = [0] * customers
    for j in range(alarms):
        c = int(customers * rng.random() ** 2)
        counts[c] += 1
        sev, rank, _ = weighted(rng, SEVERITIES)
        atype, text = rng.choice(ALARMS)
        last = now - rng.randrange(30 * day)
        first = last - rng.randrange(5 * day)
        alarm_rows.append((pb.det_uuid(rng), hashlib.sha256(b"%d" % j).hexdigest(), ids[c], sysnames[c],
                           sev, rank, atype, text.format(k=rng.randrange(1, 10)), first, last,
                           rng.randrange(1, 50), 1 if rng.random() < 0.1 else 0))
    for k, n in enumerate(counts):
        cust[k][15] = n
    return cust, tags, alarm_rows, ids


CUST_COLS = ("id, name, name_key, customer_id, service_user_name, service_password, light, status_code, "
             "system_name, profile, version, address, port, last_seen_at, needs_attention, alarm_count, "
             "created_at, updated_at, tag_text")
ALARM_COLS = ("id, fingerprint, customer_id, system_name, severity, severity_rank, alarm_type, description, "
              "first_occurrence, last_occurrence, occurrences, ongoing")


def seed(hub: pb.Hub, customers: int, alarms: int, operator_login: str) -> dict:
    t0 = time.time()
    cust, tags, alarm_rows, ids = generate(customers, alarms)
    t_gen = time.time() - t0
    assigned = ids[::1000][:100]
    if hub.database_url:
        db = hub.database_url.rsplit("/", 1)[1]
        op = pb.psql(db, f"SELECT id FROM accounts WHERE login_key = '{operator_login.lower()}'")

        def copy(table, cols, rows):
            buf = "".join("\t".join(map(str, r)) + "\n" for r in rows)
            pb.psql(db, stdin=f"\\copy {table} ({cols}) FROM STDIN\n{buf}\\.\n")

        copy("customers", CUST_COLS, cust)
        copy("customer_tags", "customer_id, tag, tag_key", tags)
        copy("alarms", ALARM_COLS, alarm_rows)
        copy("customer_operators", "customer_id, account_id", [(c, op) for c in assigned])
        pb.psql(db, "VACUUM ANALYZE")
    else:
        con = sqlite3.connect(hub.sqlite_path, timeout=60)
        con.execute("PRAGMA synchronous = OFF")
        op = con.execute("SELECT id FROM accounts WHERE login_key = ?", (operator_login.lower(),)).fetchone()[0]
        with con:
            con.executemany(f"INSERT INTO customers ({CUST_COLS}) VALUES ({','.join('?' * 19)})", cust)
            con.executemany("INSERT INTO customer_tags (customer_id, tag, tag_key) VALUES (?,?,?)", tags)
            con.executemany(f"INSERT INTO alarms ({ALARM_COLS}) VALUES ({','.join('?' * 12)})", alarm_rows)
            con.executemany("INSERT INTO customer_operators (customer_id, account_id) VALUES (?,?)",
                            [(c, op) for c in assigned])
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return {"seed_secs": round(time.time() - t0, 1), "generate_secs": round(t_gen, 1),
            "customers": len(cust), "tags": len(tags), "alarms": len(alarm_rows),
            "operator_customers": len(assigned),
            "operator_alarms": sum(c[15] for c in cust if c[0] in set(assigned))}
