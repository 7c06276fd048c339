#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/tus_upload.py (Python standard library).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 tus_upload.py "$@"
