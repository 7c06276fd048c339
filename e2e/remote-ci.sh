#!/usr/bin/env bash
# Remote support with stock clients only (RMT-1…3, RMT-8): Debian's proxytunnel and OpenSSH
# against a hub of its own, through a real patchbay-agent process.
#
#   - an Operator sets the reseller's maintenance proxy account (PUT /v1/operations/proxyAccounts)
#   - a real sshd on a loopback port is the system's SSH service (`[remote] ssh = …` in system.toml)
#   - `ssh -o ProxyCommand="proxytunnel -E …" … true` succeeds; a 4 MiB file copied with scp arrives
#     intact (same SHA-256)
#   - `proxytunnel --standalone` on 127.0.0.1 carries a TCP stream to a co-located target (a tunnel
#     entry of the system)
#   - a wrong password: proxytunnel prints the hub's reason phrase
#   - the session audit lists the ssh/scp sessions with byte counts at least the file's size, and
#     the proxy password is in no log line of the hub or the agent
#
# Environment: PATCHBAY_BIN, AGENT_BIN (required). Needs proxytunnel, ssh, scp, sshd (.ci/run
# installs the Debian packages proxytunnel, openssh-client, openssh-server).
set -euo pipefail

: "${PATCHBAY_BIN:?PATCHBAY_BIN must name the patchbay binary}"
: "${AGENT_BIN:?AGENT_BIN must name the patchbay-agent binary}"

fail() { printf 'remote-ci: %s\n' "$*" >&2; exit 1; }
for c in proxytunnel ssh scp ssh-keygen /usr/sbin/sshd python3 curl; do
  command -v "$c" >/dev/null || fail "$c is not installed"
done

tmp="$(mktemp -d -t patchbay-remote-ci.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
show_logs() {
  for f in "$tmp"/*.log; do echo "---- $f"; tail -n 60 "$f"; done
}
trap 'show_logs' ERR

# --- the hub --------------------------------------------------------------------------------------
port="$(free_port)"
proxy_port="$(free_port)"
url="https://127.0.0.1:$port"
mkdir "$tmp/data"
env -u PATCHBAY_DATABASE_URL -u PATCHBAY_CONFIG -u PATCHBAY_DATA_DIR -u PATCHBAY_LISTEN \
  "$PATCHBAY_BIN" serve --data-dir "$tmp/data" --listen "127.0.0.1:$port" \
  --proxy-listen "127.0.0.1:$proxy_port" --phone-files-listen 127.0.0.1:0 --remote-domain example.net --public-address "localhost:$port" >"$tmp/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "$url/healthz" || true)" = 200 ] && break
  sleep 0.5
done
[ "$(curl -sk -o /dev/null -w '%{http_code}' "$url/healthz" || true)" = 200 ] || { show_logs; fail "hub not healthy"; }
admin_cli() { env -u PATCHBAY_DATABASE_URL -u PATCHBAY_CONFIG "$PATCHBAY_BIN" admin "$@" --data-dir "$tmp/data"; }
printf 'Remote#Admin-2026\n' | admin_cli create-user --login rmt-admin --role administrator --password-stdin >/dev/null
printf 'Remote#Operator-2026\n' | admin_cli create-user --login rmt-op --role operator --password-stdin >/dev/null
admin_token="$(admin_cli create-token --login rmt-admin --name ci | tail -n 1)"
op_token="$(admin_cli create-token --login rmt-op --name ci | tail -n 1)"

out="$tmp/out.json"
# api TOKEN METHOD PATH [JSON]: body to $out, status to stdout.
api() {
  curl -sk -o "$out" -w '%{http_code}' -X "$2" "$url$3" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' ${4:+-d "$4"} || true
}
ok() { case "$1" in 2??) return 0 ;; *) return 1 ;; esac; }
field() { python3 -c "import json,sys; print(json.load(open('$out'))$1)"; }

ok "$(api "$admin_token" POST /v1/operations/distributors '{"name":"RMT Distribution"}')" || fail "distributor: $(cat "$out")"
dist="$(field '["id"]')"
ok "$(api "$admin_token" POST /v1/operations/resellers "{\"name\":\"RMT Reseller\",\"distributorId\":\"$dist\"}")" || fail "reseller: $(cat "$out")"
resl="$(field '["id"]')"
op_id="$(api "$admin_token" GET '/v1/operations/accounts?search=rmt-op' >/dev/null; field '["items"][0]["id"]')"
ok "$(api "$admin_token" POST /v1/operations/customers "{\"name\":\"RMT Acme\",\"customerId\":\"rmt-acme\",\"serviceUserName\":\"COMAdmin\",\"servicePassword\":\"Svc#Rmt-2026\",\"distributorId\":\"$dist\",\"resellerId\":\"$resl\",\"operators\":[\"$op_id\"]}")" \
  || fail "customer: $(cat "$out")"

# RMT-2: the Operator sets the reseller's proxy account; the password has $ @ # & and non-ASCII.
proxy_user="rmt-reseller"
proxy_pw='Pr0xy$@#&-wörd'
[ "$(api "$op_token" GET /v1/operations/proxyAccounts)" = 200 ] || fail "proxy accounts: $(cat "$out")"
acct="$(python3 -c "import json; print(next(a['id'] for a in json.load(open('$out'))['items'] if a['providerId'] == '$resl'))")"
body="$(python3 -c "import json,sys; print(json.dumps({'userName': '$proxy_user', 'password': sys.argv[1]}))" "$proxy_pw")"
[ "$(api "$op_token" PUT "/v1/operations/proxyAccounts/$acct" "$body")" = 204 ] || fail "setting the proxy account: $(cat "$out")"

# --- the system: sshd, an echo service on the co-located "host", the agent ----------------------
ssh_port="$(free_port)"
mkdir -p "$tmp/ssh" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh/client_key"
cp "$tmp/ssh/client_key.pub" "$tmp/ssh/authorized_keys"
chmod 600 "$tmp/ssh/authorized_keys"
cat >"$tmp/ssh/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $ssh_port
HostKey $tmp/ssh/host_key
AuthorizedKeysFile $tmp/ssh/authorized_keys
PidFile $tmp/ssh/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
EOF
/usr/sbin/sshd -D -e -f "$tmp/ssh/sshd_config" >"$tmp/sshd.log" 2>&1 &
PIDS+=($!)

echo_port="$(free_port)"
python3 - "$echo_port" >"$tmp/echo.log" 2>&1 <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
def serve(c):
    c.sendall(b"COLOCATED READY\n")
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.shutdown(socket.SHUT_WR); c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
PIDS+=($!)

# The system's web control panel: an HTTPS page (the hub's own certificate will do for a test).
web_port="$(free_port)"
mkdir -p "$tmp/web/login"
printf '<!doctype html><title>rmt-ipo</title><p>Web control panel of rmt-ipo</p>\n' >"$tmp/web/login/index.html"
python3 - "$web_port" "$tmp/web" "$tmp/data/identity.crt.pem" "$tmp/data/identity.key.pem" >"$tmp/web.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
port, root, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
PY
PIDS+=($!)

mkdir -p "$tmp/system"
cat >"$tmp/system/system.toml" <<EOF
name = "rmt-ipo"
profile = "server-edition"
version = "12.1.0.0.123"
address = "192.0.2.20"
[flags]
central_management = true
remote_access = true
colocated_servers = true
[service_account]
rights = ["status-read", "configuration", "upgrade"]
[remote]
ssh = "127.0.0.1:$ssh_port"
web_control = "127.0.0.1:$web_port"
[[remote.tunnels]]
application = "rdp"
address = "127.0.0.1"
port = $echo_port
EOF
printf 'Svc#Rmt-2026\n' >"$tmp/agent.password"
PATCHBAY_LOG=info "$AGENT_BIN" run --hub "wss://localhost:$port" --customer-id rmt-acme --service-user COMAdmin \
  --password-file "$tmp/agent.password" --system-dir "$tmp/system" --ca-file "$tmp/data/identity.crt.pem" >"$tmp/agent.log" 2>&1 &
PIDS+=($!)
cust="$(api "$admin_token" GET '/v1/operations/customers?search=rmt-acme' >/dev/null; field '["items"][0]["id"]')"
up=0
for _ in $(seq 1 60); do
  api "$admin_token" GET "/v1/operations/customers/$cust/systems" >/dev/null
  if python3 -c "import json,sys; s=json.load(open('$out'))['items']; sys.exit(0 if s and s[0]['connected'] and s[0]['remoteOperations'].get('remoteAccess') else 1)" 2>/dev/null; then
    up=1; break
  fi
  sleep 0.5
done
[ "$up" = 1 ] || { show_logs; fail "the agent did not connect"; }

# --- ssh and scp through proxytunnel --------------------------------------------------------------
ca="$tmp/data/identity.crt.pem"
ptun=(proxytunnel -E -p "localhost:$proxy_port" -C "$ca" -P "$proxy_user:$proxy_pw")
ssh_opts=(-i "$tmp/ssh/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
target="rmt-acme.maint.example.net"
proxy_cmd="$(printf '%q ' "${ptun[@]}") -d $target:22"
ssh "${ssh_opts[@]}" -o ProxyCommand="$proxy_cmd" "root@$target" true \
  || { show_logs; fail "ssh … true through proxytunnel failed"; }
echo "ssh through the proxy: ok"

head -c 4194304 /dev/urandom >"$tmp/payload.bin"
scp -q "${ssh_opts[@]}" -o ProxyCommand="$proxy_cmd" "$tmp/payload.bin" "root@$target:$tmp/copied.bin" \
  || { show_logs; fail "scp through proxytunnel failed"; }
[ "$(sha256sum <"$tmp/payload.bin")" = "$(sha256sum <"$tmp/copied.bin")" ] || fail "the copied file differs"
echo "scp of 4 MiB through the proxy: identical"

# --- proxytunnel --standalone to a co-located target ---------------------------------------------
local_port="$(free_port)"
"${ptun[@]}" -a "$local_port" -d "rmt-acme-127.0.0.1.maint.example.net:$echo_port" >"$tmp/standalone.log" 2>&1 &
PIDS+=($!)
sleep 1
python3 - "$local_port" <<'PY' || { show_logs; fail "the standalone tunnel to the co-located host failed"; }
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
want = b"COLOCATED READY\nhello co-located\n"
c.sendall(b"hello co-located\n")
got = b""
while len(got) < len(want):
    d = c.recv(65536)
    if not d: break
    got += d
assert got == want, got
c.close()
print("standalone tunnel to the co-located host: ok")
PY

# --- a wrong password: proxytunnel says why -------------------------------------------------------
if proxytunnel -E -p "localhost:$proxy_port" -C "$ca" -P "$proxy_user:wrong-password" -d "$target:22" </dev/null >"$tmp/wrong.log" 2>&1; then
  fail "a wrong proxy password was accepted"
fi
grep -q "Proxy user name or password is wrong" "$tmp/wrong.log" || { cat "$tmp/wrong.log"; fail "proxytunnel did not print the reason"; }
echo "wrong password: proxytunnel printed the reason"

# --- Chromium with the PAC file: an HTTPS page behind the agent -------------------------------
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! (cd "$here" && PATCHBAY_URL="https://localhost:$port" PATCHBAY_REMOTE_URL="https://$target:7071/login/" \
      PATCHBAY_PROXY_USER="$proxy_user" PATCHBAY_PROXY_PASSWORD="$proxy_pw" PATCHBAY_REMOTE_TEXT="Web control panel of rmt-ipo" \
      node --test remote-browser.test.mjs); then
  show_logs; fail "Chromium with the PAC file did not reach the page behind the agent"
fi
echo "Chromium through the PAC file: ok"

# --- RMT-8: the audit ----------------------------------------------------------------------------
sleep 1
[ "$(api "$admin_token" GET '/v1/operations/remoteSessions?search=rmt-acme&max=100')" = 200 ] || fail "sessions: $(cat "$out")"
python3 - "$out" <<'PY' || fail "the session audit is not as expected"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
ssh = [s for s in items if s["target"].endswith(":22") and s["outcome"] == "closed"]
assert len(ssh) >= 2, items
assert max(s["bytesUp"] for s in ssh) >= 4194304, ssh
assert all(s["proxyUser"] == "rmt-reseller" and s["customerName"] == "RMT Acme" for s in ssh), ssh
print(f"audited: {len(items)} sessions, largest upload {max(s['bytesUp'] for s in ssh)} bytes")
PY
if grep -aF "$proxy_pw" "$tmp"/*.log; then fail "the proxy password is in a log line"; fi
echo "remote-ci: ok"
