#!/usr/bin/env bash
# Whole-process benchmark: the same Tomcat 11 service (benchmarks/target/bench-service.jar) launched
# in each arm, the arms interleaved over several rounds:
#   none       no agent
#   hs256      jwt-agent, HMAC secret
#   rs256      jwt-agent, RS256 public key from a PEM file
#   disabled   jwt-agent with enabled=false
#   otel       the OpenTelemetry Java agent, exporters off (the peer)
# A launch needs its 15 s warm-up: with the service pinned to one core its JIT competes with it, and the
# agent arms reach steady state later than the plain one. About 3 minutes per round.
# Per launch: time from launch to first answer (polled every 10 ms), the agent's own "started in N ms",
# requests/s and p99 latency under fixed concurrency with a valid token on every request (wrk pinned to
# one core, the service to the other), heap after a forced GC, thread count, and heap after 10,000
# distinct valid tokens. Prints medians per arm and ratios to "none" as a markdown table, also written
# to benchmarks/results/latest.md.
#
# Usage: benchmarks/run-process-bench.sh
# Settings (environment): ROUNDS=3 WARMUP=15 DURATION=10 CONNECTIONS=16 PORT=18123 DISTINCT_TOKENS=10000
#   ARMS="none hs256 rs256 disabled otel" OTEL_VERSION=2.31.1 AGENT_JAR=<path> RESULTS=<file.md>
#   ALT_AGENT_JAR=<path>: arm "hs256-alt" is available, hs256 with another build of the agent (e.g. ARMS="none hs256 hs256-alt")
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${ROUNDS:-3}"
warmup="${WARMUP:-15}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-16}"
port="${PORT:-18123}"
distinct="${DISTINCT_TOKENS:-10000}"
arms=(${ARMS:-none hs256 rs256 disabled otel})
otel_version="${OTEL_VERSION:-2.31.1}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
service_jar="$here/target/bench-service.jar"
bench_jar="$here/target/benchmarks.jar"
work="$here/target/process-bench"
results="${RESULTS:-$here/results/latest.md}"
otel_jar="$work/opentelemetry-javaagent-$otel_version.jar"
url="http://127.0.0.1:$port"
jvm_opts=(-Xms512m -Xmx512m -XX:+UseG1GC)

log() { echo "process-bench: $*" >&2; }

if [ ! -f "$agent_jar" ] || [ ! -f "$service_jar" ] || [ ! -f "$bench_jar" ]; then
  log "building the agent and the benchmarks module"
  (cd "$root" && mvn -q -ntp -pl agent,benchmarks package -Dmaven.test.skip=true)
fi
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
mkdir -p "$work" "$(dirname "$results")"
if [[ " ${arms[*]} " == *" otel "* ]] && [ ! -f "$otel_jar" ]; then
  log "fetching opentelemetry-javaagent $otel_version"
  mvn -q -ntp dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" \
    -DoutputDirectory="$work" -Dmdep.overWriteIfNewer=true
fi

# Tokens are valid for two hours: reuse them for an hour.
if [ -z "$(find "$work/keys/rs256-tokens.txt" -mmin -60 2>/dev/null)" ] || [ "$(wc -l < "$work/keys/rs256-tokens.txt")" -ne "$distinct" ]; then
  log "generating keys and tokens"
  java -cp "$bench_jar" dev.jwtagent.bench.TokenTool "$work/keys" "$distinct"
fi
cat > "$work/distinct.lua" <<'LUA'
-- Sends each token of BENCH_TOKENS once (cycling), stops when as many answers as tokens arrived.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local sent, answered = 0, 0
request = function()
  sent = sent % #tokens + 1
  return wrk.format("GET", "/distinct", { ["Authorization"] = "Bearer " .. tokens[sent] })
end
response = function(status)
  answered = answered + 1
  if answered >= #tokens then wrk.thread:stop() end
end
LUA

# Client side (this script, curl, wrk, jcmd) on the first core, the service alone on the second.
cpus="$(nproc)"
service_pin=()
if [ "$cpus" -ge 2 ]; then
  taskset -cp 0 $$ >/dev/null
  service_pin=(taskset -c 1)
fi

arm_args() {
  local agent_common=(-javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench)
  case "$1" in
    none) ;;
    hs256) printf '%s\n' "${agent_common[@]}" -Djwt.agent.secret-file="$work/keys/hs256.secret" ;;
    rs256) printf '%s\n' "${agent_common[@]}" -Djwt.agent.public-key-file="$work/keys/rs256.pem" ;;
    hs256-alt) printf '%s\n' -javaagent:"${ALT_AGENT_JAR:?hs256-alt needs ALT_AGENT_JAR}" -Djwt.agent.issuer=https://issuer.bench.test \
            -Djwt.agent.audience=bench -Djwt.agent.secret-file="$work/keys/hs256.secret" ;;
    disabled) printf '%s\n' -javaagent:"$agent_jar" -Djwt.agent.enabled=false ;;
    otel) printf '%s\n' -javaagent:"$otel_jar" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none \
            -Dotel.logs.exporter=none -Dotel.service.name=bench-service ;;
    *) log "unknown arm $1"; exit 2 ;;
  esac
}

token_prefix() { [ "$1" = rs256 ] && echo rs256 || echo hs256; }

heap_used_mb() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.1f", v / 1024; exit } }'
}

threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# wrk prints latencies as 850.00us, 1.20ms or 1.05s
to_ms() { awk -v x="$1" 'BEGIN { v = x + 0; if (x ~ /us$/) v /= 1000; else if (x ~ /ms$/) v += 0; else if (x ~ /s$/) v *= 1000; printf "%.3f", v }'; }

service_pid=""
stop_service() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  service_pid=""
}
trap stop_service EXIT

runs="$work/runs.tsv"
printf 'round\tarm\tfirst_answer_ms\tagent_start_ms\trps\tp99_ms\tnon2xx\theap_load_mb\theap_10k_mb\tthreads_idle\tthreads_load\tagent_threads\n' > "$runs"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

one_launch() {
  local round="$1" arm="$2"
  local prefix; prefix="$(token_prefix "$arm")"
  local token; token="$(tr -d '\n' < "$work/keys/$prefix.token")"
  local out="$work/$arm-$round.log"
  local args=(); mapfile -t args < <(arm_args "$arm")
  if curl -s -o /dev/null --max-time 1 "$url/"; then
    log "port $port is already taken"; exit 1
  fi

  local t0 t1
  t0="$(date +%s%N)"
  "${service_pin[@]}" java "${jvm_opts[@]}" "${args[@]}" -jar "$service_jar" "$port" > "$out" 2>&1 &
  service_pid=$!
  until curl -s -o /dev/null --max-time 1 "$url/"; do
    if ! kill -0 "$service_pid" 2>/dev/null; then log "$arm did not start:"; cat "$out" >&2; exit 1; fi
    if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 60000 ]; then log "$arm: no answer within 60 s"; exit 1; fi
    sleep 0.01
  done
  t1="$(date +%s%N)"
  local first_ms=$(( (t1 - t0) / 1000000 ))
  local threads_idle; threads_idle="$(threads_of "$service_pid")"
  local agent_ms; agent_ms="$(sed -n 's/.*jwt-agent .* started in \([0-9]*\) ms.*/\1/p' "$out" | head -1)"

  local expected=anonymous
  case "$arm" in hs256|hs256-alt|rs256) expected=user-0 ;; esac
  local answer; answer="$(curl -s -H "Authorization: Bearer $token" "$url/check")"
  if [ "$answer" != "$expected" ]; then log "$arm answered '$answer', expected '$expected'"; exit 1; fi

  wrk -t1 -c"$connections" -d"${warmup}s" -H "Authorization: Bearer $token" "$url/orders" > /dev/null
  local report; report="$(wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url/orders")"
  local rps; rps="$(awk '/^Requests\/sec:/ { print $2 }' <<< "$report")"
  local p99; p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$report")")"
  local non2xx; non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<< "$report")"
  local threads_load; threads_load="$(threads_of "$service_pid")"
  local heap_load; heap_load="$(heap_used_mb "$service_pid")"
  local agent_threads; agent_threads="$(jcmd "$service_pid" Thread.print | sed -n 's/^"\([^"]*[Jj][Ww][Tt][^"]*\)".*/\1/p' | sort -u | paste -sd, -)"

  BENCH_TOKENS="$work/keys/$prefix-tokens.txt" wrk -t1 -c"$connections" -d60s -s "$work/distinct.lua" "$url/" > "$work/$arm-$round-distinct.txt"
  local heap_10k; heap_10k="$(heap_used_mb "$service_pid")"
  stop_service

  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$arm" "$first_ms" "${agent_ms:--}" "$rps" "$p99" \
    "${non2xx:-0}" "$heap_load" "$heap_10k" "$threads_idle" "$threads_load" "${agent_threads:--}" >> "$runs"
  log "round $round $arm: first answer ${first_ms} ms, agent ${agent_ms:--} ms, ${rps} req/s, p99 ${p99} ms, heap ${heap_load} MB, after ${distinct} tokens ${heap_10k} MB, threads ${threads_load}"
}

for round in $(seq 1 "$rounds"); do
  # Rotate the order so that no arm always runs first (or right after a given other arm).
  n=${#arms[@]}
  for i in $(seq 0 $((n - 1))); do
    one_launch "$round" "${arms[$(( (i + round - 1) % n ))]}"
  done
done

header="$work/header.md"
{
  echo "## Whole-process benchmark ($started_at)"
  echo
  echo "Machine: $cpus cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(java -version 2>&1 | head -2 | tail -1)."
  echo "Load average (1, 5, 15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Service: embedded Tomcat 11, one servlet answering with the subject; JVM options: ${jvm_opts[*]}; service pinned to core 1, wrk to core 0."
  echo "Per launch: $warmup s warm-up, then $duration s measured with wrk -t1 -c$connections and the same valid token on every request;"
  echo "heap is G1 used after jcmd GC.run; then $distinct distinct valid tokens are sent once each and the heap is measured again."
  echo "Medians over $rounds rounds, arms interleaved; × is the ratio to the arm 'none', Δ the difference."
} > "$header"
java -cp "$bench_jar" dev.jwtagent.bench.ProcessBenchReport "$runs" "$header" "$results"
log "per-launch figures: $runs; table: $results"
