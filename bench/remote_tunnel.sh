#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/remote_tunnel.py (Python standard library).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 remote_tunnel.py "$@"
