-- wrk script for bench/alarm_ingest.py --peer: posts the benchmark's alarm mix to Alertmanager's
-- API (POST /api/v2/alerts), AM_BATCH alerts per request. The mix is the simulator's: AM_SYSTEMS
-- systems, about 15 alarm keys each, severities critical/major/minor/warning, six types, and
-- about one event in ten a resolution (an alert whose endsAt is in the past).

local batch = tonumber(os.getenv("AM_BATCH") or "1")
local systems = tonumber(os.getenv("AM_SYSTEMS") or "1000")

local kinds = {
  {"sip-registration-failure", "major", "trunk", "SIP registration failed on trunk"},
  {"trunk-1-busy", "critical", "trunk", "All channels busy on trunk 1"},
  {"trunk-2-busy", "critical", "trunk", "All channels busy on trunk 2"},
  {"qos-jitter-trunk-1", "warning", "qos", "Jitter above threshold on trunk 1"},
  {"qos-jitter-trunk-2", "warning", "qos", "Jitter above threshold on trunk 2"},
  {"config-change", "warning", "configuration", "Configuration changed by Administrator"},
  {"link-trunk-1", "major", "link", "Link to SIP provider lost on trunk 1"},
  {"link-trunk-2", "major", "link", "Link to SIP provider lost on trunk 2"},
  {"login-failures", "major", "security", "Repeated login failures for user admin"},
  {"licence-usage", "minor", "services", "Licence usage at 95 %"},
  {"rtp-loss", "minor", "qos", "Call dropped: no RTP received"},
  {"trunk-1-down", "major", "trunk", "SIP trunk 1 out of service"},
  {"voicemail-stopped", "critical", "services", "Voicemail service stopped"},
  {"certificate-expiry", "warning", "security", "Identity certificate expires in 10 days"},
  {"trunk-3-busy", "critical", "trunk", "All channels busy on trunk 3"},
}

local headers = {["Content-Type"] = "application/json"}

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

local function alert()
  local k = kinds[math.random(#kinds)]
  local sys = math.random(systems)
  local ends = ""
  if math.random(10) == 1 then
    ends = ',"endsAt":"2001-01-01T00:00:00Z"'
  end
  return string.format(
    '{"labels":{"alertname":"%s","instance":"ai-%05d-sys","severity":"%s","type":"%s"},' ..
    '"annotations":{"description":"%s"}%s}', k[1], sys, k[2], k[3], k[4], ends)
end

function request()
  local parts = {}
  for i = 1, batch do
    parts[i] = alert()
  end
  return wrk.format("POST", "/api/v2/alerts", headers, "[" .. table.concat(parts, ",") .. "]")
end

function done(summary, latency, requests)
  io.write(string.format("REQUESTS %d ERRORS %d STATUS %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
