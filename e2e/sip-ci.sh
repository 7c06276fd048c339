#!/usr/bin/env bash
# SIP-1 … SIP-4 against a running hub: `patchbay sip config` writes Kamailio's configuration for
# the hub's database, Kamailio (Debian's package) is started with it, and e2e/sip/registrar.py
# creates devices with wxc_sdk and registers them with baresip (see its docstring).
#
# Environment (all required unless marked):
#   PATCHBAY_BIN        the `patchbay` binary
#   PATCHBAY_URL        base URL of the running hub
#   PATCHBAY_DATA_DIR   the hub's data directory
#   PATCHBAY_DATABASE_URL  (optional) the hub's database when it is not the data dir's SQLite file
#   PATCHBAY_API_TOKEN  an Administrator's API token
#   PATCHBAY_ORG_ID     the customer (Webex orgId) with calling licences
#   PATCHBAY_CONSOLE_LOGIN / PATCHBAY_CONSOLE_PASSWORD  that Administrator's console login
#   WXC_PYTHON          a Python with wxc_sdk
#   PATCHBAY_PHONE_FILES_URL  (optional) the hub's phone file server, for the provisioning checks
#   SMTP_MAILDIR        (optional) the Maildir of the SMTP server the hub mails to, for the mobile
#                       line check (WGO-2, WGO-5; it also needs PATCHBAY_DATABASE_URL on PostgreSQL)
set -euo pipefail
: "${PATCHBAY_BIN:?}" "${PATCHBAY_URL:?}" "${PATCHBAY_DATA_DIR:?}" "${PATCHBAY_API_TOKEN:?}" "${PATCHBAY_ORG_ID:?}"
: "${PATCHBAY_CONSOLE_LOGIN:?}" "${PATCHBAY_CONSOLE_PASSWORD:?}" "${WXC_PYTHON:?}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port="$(free_port)"
tls_port="$(free_port)"
out="$(mktemp -d -t patchbay-sip.XXXXXX)"
KAM_PID=""
cleanup() {
  if [ -n "$KAM_PID" ]; then kill "$KAM_PID" 2>/dev/null || true; wait "$KAM_PID" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT

db_args=(--data-dir "$PATCHBAY_DATA_DIR")
if [ -n "${PATCHBAY_DATABASE_URL:-}" ]; then db_args+=(--database-url "$PATCHBAY_DATABASE_URL"); fi
env -u PATCHBAY_CONFIG "$PATCHBAY_BIN" sip config "${db_args[@]}" --out "$out" \
  --sip-listen 127.0.0.1 --sip-port "$sip_port" --tls-port "$tls_port" --children 2
kamailio -c -f "$out/kamailio.cfg" >/dev/null 2>&1 || { kamailio -c -f "$out/kamailio.cfg"; exit 1; }
# Kamailio 5.6's tls module and libpq must not both set up OpenSSL (a child crashes): the
# registrar talks to PostgreSQL without TLS (see docs/decisions/0002-sip-registrar.md).
TZ=UTC PGSSLMODE=disable kamailio -DD -E -f "$out/kamailio.cfg" >"$out/kamailio.log" 2>&1 &
KAM_PID=$!
for _ in $(seq 1 50); do
  (echo >"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && break
  sleep 0.2
done
if ! PATCHBAY_API_BASE="$PATCHBAY_URL/v1" PATCHBAY_CA_FILE="$PATCHBAY_DATA_DIR/identity.crt.pem" \
     SIP_HOST=127.0.0.1 SIP_PORT="$sip_port" SIP_TLS_PORT="$tls_port" \
     SMTP_MAILDIR="${SMTP_MAILDIR:-}" PATCHBAY_DATABASE_URL="${PATCHBAY_DATABASE_URL:-}" \
     "$WXC_PYTHON" "$here/sip/registrar.py"; then
  echo "---- kamailio log (last 60 lines) ----"
  tail -n 60 "$out/kamailio.log"
  exit 1
fi
