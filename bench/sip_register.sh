#!/usr/bin/env bash
# See bench/README.md. Thin wrapper: the benchmark itself is bench/sip_register.py (Python standard library, Debian's kamailio).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 sip_register.py "$@"
