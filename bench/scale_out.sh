#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/scale_out.py (Python standard library).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 scale_out.py "$@"
