#!/usr/bin/env bash
# Property-based fuzzing of the API against the OpenAPI document it serves (schemathesis, every
# operation, every phase), as a Customer administrator and then as an Administrator, on a hub of
# its own (the fuzzer deletes and renames what it finds, so it must not share a hub with other
# tests). Fails on any server error, any response that does not match its documented schema, any
# undocumented status code, content type or header.
#
# Environment:
#   PATCHBAY_BIN      the `patchbay` binary (required)
#   SCHEMATHESIS      the `st` command of a venv made from requirements.txt (required)
#   DATABASE_URL      postgres://… for a PostgreSQL hub (a database of its own is created and
#                     dropped); unset: SQLite in the temporary data dir
#   FUZZ_SECONDS      time budget per role (default 90)
#   FUZZ_REPORT_DIR   where schemathesis writes its JUnit report (default: the temporary dir)
set -euo pipefail

: "${PATCHBAY_BIN:?PATCHBAY_BIN must name the patchbay binary}"
: "${SCHEMATHESIS:?SCHEMATHESIS must name the schemathesis (st) command}"
seconds="${FUZZ_SECONDS:-90}"

fail() { printf 'api-fuzz: %s\n' "$*" >&2; exit 1; }

tmp="$(mktemp -d -t patchbay-fuzz.XXXXXX)"
hub_pid=""
pg_db=""
cleanup() {
  if [ -n "$hub_pid" ]; then
    kill -INT "$hub_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$hub_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_db" ]; then
    psql "$DATABASE_URL" -qc "drop database if exists $pg_db with (force)" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

db_args=()
if [ -n "${DATABASE_URL:-}" ]; then
  pg_db="pb_fuzz_$$"
  psql "$DATABASE_URL" -qc "create database $pg_db" >/dev/null || fail "cannot create database $pg_db"
  db_args=(--database-url "${DATABASE_URL%/*}/$pg_db")
  echo "hub on PostgreSQL database $pg_db"
else
  echo "hub on SQLite in $tmp/data"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="https://127.0.0.1:$port"
admin() { env -u PATCHBAY_CONFIG "$PATCHBAY_BIN" admin "$@" --data-dir "$tmp/data" "${db_args[@]}"; }

mkdir -p "$tmp/data"
env -u PATCHBAY_CONFIG -u PATCHBAY_DATABASE_URL PATCHBAY_LOG=warn \
  "$PATCHBAY_BIN" serve --data-dir "$tmp/data" --listen "127.0.0.1:$port" --proxy-listen 127.0.0.1:0 --phone-files-listen 127.0.0.1:0 "${db_args[@]}" \
  >"$tmp/serve.log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 60); do
  kill -0 "$hub_pid" 2>/dev/null || { cat "$tmp/serve.log"; fail "the hub exited"; }
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "$url/healthz" || true)" = 200 ] && break
  sleep 0.5
done

printf 'Fuzz#Admin-2026\n' | admin create-user --login fuzz-admin --role administrator --password-stdin >/dev/null
admin_token="$(admin create-token --login fuzz-admin --name fuzz)"
api() {
  curl -sfk -X "$1" "$url$2" -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -d "$3"
}
org="$(api POST /v1/operations/customers \
  '{"name":"Fuzz Org","customerId":"fuzz-org","serviceUserName":"COMAdmin","servicePassword":"Svc#Fuzz-2026"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" || fail "cannot create the fuzz customer"
api PUT "/v1/operations/customers/$org/licenses" '{"professional":50,"basic":50,"workspaces":50}' >/dev/null
api POST "/v1/locations?orgId=$org" \
  '{"name":"Fuzz HQ","timeZone":"Europe/Paris","address":{"address1":"1 rue du Test","city":"Paris","postalCode":"75001","country":"FR"}}' \
  >/dev/null || fail "cannot create the fuzz location"
printf 'Fuzz#Customer-2026\n' | admin create-user --login fuzz-custadm --role customer-admin --customer-id fuzz-org --password-stdin >/dev/null
customer_token="$(admin create-token --login fuzz-custadm --name fuzz)"

report_dir="${FUZZ_REPORT_DIR:-$tmp/report}"
mkdir -p "$report_dir"
status=0
# The customer administrator goes first: the administrator's run may delete its organisation.
for who in customer-admin administrator; do
  token="$customer_token"
  [ "$who" = administrator ] && token="$admin_token"
  echo "-- schemathesis as $who, ${seconds} s"
  # One worker: hypothesis' lambda descriptions are not thread-safe on CPython 3.11.
  if ! SCHEMATHESIS_HOOKS="$(dirname "$0")/hooks.py" "$SCHEMATHESIS" run "$url/v1/openapi.json" --url "$url" --tls-verify false \
      -H "Authorization: Bearer $token" \
      --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance,response_headers_conformance \
      --max-time "$seconds" --max-examples 50 --workers 1 \
      --report junit --report-junit-path "$report_dir/$who.xml" \
      --output-truncate true >"$tmp/st-$who.log" 2>&1; then
    status=1
    echo "schemathesis failed as $who:"
  fi
  sed -n '/SUMMARY/,$p' "$tmp/st-$who.log"
  if [ "$status" != 0 ]; then
    sed -n '/FAILURES\|ERRORS/,/SUMMARY/p' "$tmp/st-$who.log" | head -n 200
  fi
done
if grep -q 'panicked\|ERROR' "$tmp/serve.log"; then
  echo "---- hub log (errors) ----"
  grep -n 'panicked\|ERROR' "$tmp/serve.log" | head -n 50
  status=1
fi
exit "$status"
