#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/phone_files.py (Python standard library, curl, nginx).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 phone_files.py "$@"
