#!/usr/bin/env bash
# Phone file server and customization files with stock tools only (VNT-1, WPL-1, CST-4), against
# a running hub and a real patchbay-agent process:
#
#   - a .tar (GNU tar) uploaded to the Vantage folder and a .zip (Python's zipfile) to the
#     Workplace folder through the API, unpacked on arrival
#   - curl over plain HTTP: the whole file, `--range` slices byte-for-byte, a download cut
#     half-way and resumed with `-C -` (what a phone does), `If-Modified-Since` answered 304 and
#     an older date answered 200, `--path-as-is` traversal and unknown paths 404
#   - curl over HTTPS on the same port, checked against the hub's certificate
#   - a customization refresh job: CustomPhoneFiles.tar (made with `tar -C dir -cf … .`) and
#     CustomTemplates.tar in the customer's folder, the job completes, and the agent's system
#     directory holds the files
#
# Environment: PATCHBAY_URL, PATCHBAY_API_TOKEN (an Administrator's), PHONE_FILES_PORT,
# PATCHBAY_CA_FILE (the hub's certificate), CUSTOMER (customer ID of a connected agent with
# central management on), SYSTEM_DIR (that agent's system directory).
set -euo pipefail

: "${PATCHBAY_URL:?}" "${PATCHBAY_API_TOKEN:?}" "${PHONE_FILES_PORT:?}" "${PATCHBAY_CA_FILE:?}"
: "${CUSTOMER:?}" "${SYSTEM_DIR:?}"

fail() { printf 'phonefiles-ci: %s\n' "$*" >&2; exit 1; }
for c in curl tar python3 cmp head tail dd; do command -v "$c" >/dev/null || fail "$c is not installed"; done

tmp="$(mktemp -d -t patchbay-phonefiles-ci.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
api() { curl -sS -k -H "Authorization: Bearer $PATCHBAY_API_TOKEN" "$@"; }
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
plain="http://127.0.0.1:$PHONE_FILES_PORT"

# --- VNT-1: a tar of firmware and an app ---------------------------------------------------------
mkdir -p "$tmp/vantage/fw" "$tmp/vantage/apps"
head -c 3000000 /dev/urandom >"$tmp/vantage/fw/K1xx_2.1.0.bin"
printf 'dialer' >"$tmp/vantage/apps/dialer.apk"
tar -C "$tmp/vantage" -cf "$tmp/vantage.tar" fw apps
got="$(api -X POST "$PATCHBAY_URL/v1/operations/phone-files/vantage/archives" \
  -H 'Content-Type: application/x-tar' --data-binary "@$tmp/vantage.tar")"
[ "$(echo "$got" | json 'v["files"]')" = 2 ] || fail "the tar was not unpacked: $got"

# --- WPL-1: a zip of an installer and appcast.xml ------------------------------------------------
python3 - "$tmp/workplace.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("win/Workplace-4.0.msi", b"MSI" * 100000)
    z.writestr("appcast.xml", b"<rss version='2.0'><channel/></rss>")
PY
got="$(api -X POST "$PATCHBAY_URL/v1/operations/phone-files/workplace/archives" \
  -H 'Content-Type: application/zip' --data-binary "@$tmp/workplace.zip")"
[ "$(echo "$got" | json 'v["files"]')" = 2 ] || fail "the zip was not unpacked: $got"

fw="$tmp/vantage/fw/K1xx_2.1.0.bin"
url="$plain/vantage/fw/K1xx_2.1.0.bin"

# Whole file over plain HTTP.
curl -sSf -o "$tmp/whole" "$url"
cmp -s "$tmp/whole" "$fw" || fail "the whole file differs"

# --range slices, byte for byte.
for r in 0-99 1000-1999 2999000-; do
  code="$(curl -sS -o "$tmp/slice" -w '%{http_code}' --range "$r" "$url")"
  [ "$code" = 206 ] || fail "--range $r: HTTP $code"
  start="${r%-*}"; end="${r#*-}"
  if [ -z "$end" ]; then tail -c +"$((start + 1))" "$fw" >"$tmp/want"
  else dd if="$fw" of="$tmp/want" iflag=skip_bytes,count_bytes skip="$start" count="$((end - start + 1))" bs=64k status=none; fi
  cmp -s "$tmp/slice" "$tmp/want" || fail "--range $r: wrong bytes"
done
code="$(curl -sS -o /dev/null -w '%{http_code}' --range 5000000- "$url")"
[ "$code" = 416 ] || fail "a range past the end: HTTP $code"

# A download cut half-way, resumed with -C - (a Range request from where the file ends).
head -c 1234567 "$fw" >"$tmp/resumed"
curl -sSf -C - -o "$tmp/resumed" "$url"
cmp -s "$tmp/resumed" "$fw" || fail "the resumed download differs"

# If-Modified-Since: the Last-Modified date gives 304, an older one the file.
last="$(curl -sSf -I "$url" | tr -d '\r' | awk -F': ' 'tolower($1)=="last-modified" {print $2}')"
[ -n "$last" ] || fail "no Last-Modified"
code="$(curl -sS -o "$tmp/empty" -w '%{http_code}' -H "If-Modified-Since: $last" "$url")"
[ "$code" = 304 ] && [ ! -s "$tmp/empty" ] || fail "If-Modified-Since $last: HTTP $code"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT' "$url")"
[ "$code" = 200 ] || fail "an older If-Modified-Since: HTTP $code"
# curl's own -z (If-Modified-Since from a local file's date): the local copy is newer, 304.
touch -d '+1 hour' "$tmp/whole"
code="$(curl -sS -o /dev/null -w '%{http_code}' -z "$tmp/whole" "$url")"
[ "$code" = 304 ] || fail "curl -z with a newer local copy: HTTP $code"

# Outside the folders: 404, also with the dots sent as they are.
for p in /vantage/../workplace/appcast.xml /../../etc/passwd /vantage/fw/missing.bin /nowhere/x /; do
  code="$(curl -sS -o /dev/null -w '%{http_code}' --path-as-is "$plain$p")"
  [ "$code" = 404 ] || fail "$p: HTTP $code"
done

# HTTPS on the same port, verified against the hub's certificate.
curl -sSf --cacert "$PATCHBAY_CA_FILE" -o "$tmp/appcast.xml" \
  "https://localhost:$PHONE_FILES_PORT/workplace/appcast.xml"
grep -q '<rss' "$tmp/appcast.xml" || fail "appcast.xml over HTTPS"
code="$(curl -sS --cacert "$PATCHBAY_CA_FILE" -o /dev/null -w '%{http_code}' --range 0-2 \
  "https://localhost:$PHONE_FILES_PORT/workplace/win/Workplace-4.0.msi")"
[ "$code" = 206 ] || fail "a range over HTTPS: HTTP $code"
echo "phone file server: whole, ranges, resume, If-Modified-Since, 404s, HTTPS: ok"

# --- CST-4: a refresh job on the agent's system ---------------------------------------------------
cid="$(api "$PATCHBAY_URL/v1/operations/customers?search=$CUSTOMER" | json 'v["items"][0]["id"]')"
mkdir -p "$tmp/custom"
printf 'SET SCREENSAVERON 600\n' >"$tmp/custom/46xxspecials.txt"
# As operators make it: the folder's content with `.`, so the archive starts with a `./` entry.
tar -C "$tmp/custom" -cf "$tmp/CustomPhoneFiles.tar" .
mkdir -p "$tmp/templates"
printf '<template name="trunk"/>' >"$tmp/templates/trunk-1.xml"
tar -C "$tmp/templates" -cf "$tmp/CustomTemplates.tar" trunk-1.xml
for f in CustomPhoneFiles.tar CustomTemplates.tar; do
  code="$(api -o "$tmp/put.out" -w '%{http_code}' -X PUT \
    "$PATCHBAY_URL/v1/operations/customization/folders/customer:$cid/files/$f" --data-binary "@$tmp/$f")"
  [ "$code" = 200 ] || fail "upload of $f: HTTP $code $(cat "$tmp/put.out")"
done
job="$(api -X POST "$PATCHBAY_URL/v1/operations/jobs" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Refresh $CUSTOMER\",\"operation\":\"customizationRefresh\",\"customerIds\":[\"$cid\"]}" | json 'v["id"]')"
status=""
for _ in $(seq 1 60); do
  status="$(api "$PATCHBAY_URL/v1/operations/jobs/$job" | json 'v["status"]')"
  case "$status" in completed|failed) break ;; esac
  sleep 1
done
[ "$status" = completed ] || fail "the refresh job ended $status: $(api "$PATCHBAY_URL/v1/operations/jobs/$job")"
cmp -s "$SYSTEM_DIR/custom/phone-files/46xxspecials.txt" "$tmp/custom/46xxspecials.txt" \
  || fail "46xxspecials.txt is not on the system"
cmp -s "$SYSTEM_DIR/custom/templates/trunk-1.xml" "$tmp/templates/trunk-1.xml" \
  || fail "trunk-1.xml is not on the system"
echo "customization refresh: the agent's system directory holds the files: ok"
