#!/usr/bin/env bash
# Browser test of the calling-provisioning console (e2e/calling.test.mjs) against a running hub.
# Called from .ci/run after the other browser tests; it prepares what the test needs:
#   - customer `e2e-console` (POST /v1/operations/customers) with calling licences
#     (PUT /v1/operations/customers/{id}/licenses),
#   - a Customer administrator of it (`patchbay admin create-user --role customer-admin`),
# then runs the Node test, which creates a location, a number and a person through the pages and
# adds a device to the person with the wizard.
#
# Environment (all required):
#   PATCHBAY_BIN        the `patchbay` binary
#   PATCHBAY_URL        base URL of the running hub, e.g. https://127.0.0.1:17443
#   PATCHBAY_DATA_DIR   the hub's data directory (for `patchbay admin`)
#   PATCHBAY_API_TOKEN  an Administrator's API token
# Optional: PATCHBAY_CHROMIUM (passed on to the test).
#
# Run it once per hub: the customer and the account it creates must not exist yet.
set -euo pipefail

: "${PATCHBAY_BIN:?PATCHBAY_BIN must name the patchbay binary}"
: "${PATCHBAY_URL:?PATCHBAY_URL must be the hub URL}"
: "${PATCHBAY_DATA_DIR:?PATCHBAY_DATA_DIR must be the hub data directory}"
: "${PATCHBAY_API_TOKEN:?PATCHBAY_API_TOKEN must be an Administrator API token}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -t patchbay-calling-ci.XXXXXX)"
trap 'rm -f "$out"' EXIT

fail() { printf 'calling-ci: %s\n' "$*" >&2; exit 1; }

# api METHOD PATH JSON: the body goes to $out, the HTTP status to stdout.
api() {
  curl -sk -o "$out" -w '%{http_code}' -X "$1" "$PATCHBAY_URL$2" \
    -H "Authorization: Bearer $PATCHBAY_API_TOKEN" -H 'Content-Type: application/json' -d "$3" || true
}

status="$(api POST /v1/operations/customers \
  '{"name":"E2E Console","customerId":"e2e-console","serviceUserName":"COMAdmin","servicePassword":"Svc#Console-2026"}')"
case "$status" in 2??) ;; *) cat "$out"; echo; fail "creating customer e2e-console: HTTP $status" ;; esac
org_id="$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))' <"$out")" \
  || fail "no id in the created customer: $(cat "$out")"
[ -n "$org_id" ] && [ "$org_id" != undefined ] || fail "no id in the created customer: $(cat "$out")"
echo "customer e2e-console: $org_id"

status="$(api PUT "/v1/operations/customers/$org_id/licenses" '{"professional":5,"basic":5,"workspaces":5,"mobileSubscriptions":{"Sub-go-e2e":5}}')"
case "$status" in 200|204) ;; *) cat "$out"; echo; fail "setting the calling licences of e2e-console: HTTP $status" ;; esac
# WGO-2: the organisation suppresses e-mail, so the browser test sees the activation code.
status="$(api PUT "/v1/telephony/config/mobileSettings?orgId=$org_id" '{"suppressEmail":true}')"
case "$status" in 200) ;; *) cat "$out"; echo; fail "suppressing e-mail for e2e-console: HTTP $status" ;; esac

# MOB-1: a mobile operator of the hub; the browser test answers the authorisation request with
# its token, as the operator's own system would.
status="$(api POST /v1/operations/mobileOperators '{"name":"E2E Mobile"}')"
case "$status" in 201) ;; *) cat "$out"; echo; fail "adding a mobile operator: HTTP $status" ;; esac
operator_token="$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))' <"$out")"

login=e2e-console-ca   # logins are at most 15 characters
password='Console#Admin-2026'
new_password='Console#Admin-2027x'
printf '%s\n' "$password" \
  | env -u PATCHBAY_DATABASE_URL -u PATCHBAY_CONFIG "$PATCHBAY_BIN" admin create-user \
      --login "$login" --role customer-admin --customer-id e2e-console --password-stdin --data-dir "$PATCHBAY_DATA_DIR"

cd "$here"
PATCHBAY_URL="$PATCHBAY_URL" \
PATCHBAY_CALLING_LOGIN="$login" \
PATCHBAY_CALLING_PASSWORD="$password" \
PATCHBAY_CALLING_NEW_PASSWORD="$new_password" \
PATCHBAY_OPERATOR_TOKEN="$operator_token" \
  node --test calling.test.mjs

# WGO-1: a second person of the same location, with a number and no mobile line, so that the
# accessibility walk (e2e/a11y.test.mjs) reaches the mobile line form from a person's page.
field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log($1))" <"$out"; }
status="$(curl -sk -o "$out" -w '%{http_code}' "$PATCHBAY_URL/v1/locations?orgId=$org_id" -H "Authorization: Bearer $PATCHBAY_API_TOKEN")"
[ "$status" = 200 ] || fail "listing the locations: HTTP $status"
loc_id="$(field 'JSON.parse(s).items[0].id')"
status="$(curl -sk -o "$out" -w '%{http_code}' "$PATCHBAY_URL/v1/licenses?orgId=$org_id" -H "Authorization: Bearer $PATCHBAY_API_TOKEN")"
[ "$status" = 200 ] || fail "listing the licences: HTTP $status"
lic_id="$(field 'JSON.parse(s).items.find(l=>l.name==="Webex Calling - Professional").id')"
number="+3316099$(date +%s | tail -c 5)"
status="$(api POST "/v1/telephony/config/locations/$loc_id/numbers?orgId=$org_id" "{\"phoneNumbers\":[\"$number\"]}")"
case "$status" in 2??) ;; *) cat "$out"; echo; fail "adding $number: HTTP $status" ;; esac
status="$(api POST /v1/people "{\"emails\":[\"ada.lindqvist@example.test\"],\"firstName\":\"Ada\",\"lastName\":\"Lindqvist\",\"locationId\":\"$loc_id\",\"licenses\":[\"$lic_id\"],\"phoneNumbers\":[{\"type\":\"work\",\"value\":\"$number\"}],\"orgId\":\"$org_id\"}")"
case "$status" in 2??) ;; *) cat "$out"; echo; fail "adding Ada Lindqvist: HTTP $status" ;; esac
echo "person Ada Lindqvist ($number), for the mobile line form"

# MOB-1: a second location without an operator account, so that the accessibility walk reaches
# the request form.
status="$(api POST "/v1/locations?orgId=$org_id" '{"name":"Annex Lyon","timeZone":"Europe/Paris","address":{"address1":"2 quai Saint-Antoine","city":"Lyon","postalCode":"69002","country":"FR"}}')"
case "$status" in 2??) ;; *) cat "$out"; echo; fail "adding the location Annex Lyon: HTTP $status" ;; esac
echo "location Annex Lyon, for the operator account request form"
