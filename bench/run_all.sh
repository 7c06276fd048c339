#!/usr/bin/env bash
# Every benchmark of docs/PERFORMANCE.md, one after the other (about 50 minutes on 2 cores).
# Each writes its JSON lines to bench/results/; `python3 bench/report.py` renders the tables.
set -uo pipefail
cd "$(dirname "$0")"
for n in 1000 5000 10000 19800; do ./connections.sh "$n"; done
for db in sqlite postgres; do
  for interval in 0.5 0.2 0.1; do ./alarm_ingest.sh --db "$db" --systems 1000 --interval "$interval" --window 60; done
done
for db in sqlite postgres; do ./list_latency.sh --db "$db" --case-secs 25; done
./remote_tunnel.sh
./tus_upload.sh
./phone_files.sh
./sip_register.sh
for n in 10000 100000; do ./mobile_bulk.sh "$n"; done
python3 report.py
