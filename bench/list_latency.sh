#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/list_latency.py (Python standard library).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 list_latency.py "$@"
