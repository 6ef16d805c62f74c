#!/usr/bin/env bash
# Whole-process benchmark: the same Tomcat 11 service (benchmarks/target/bench-service.jar) launched
# in each arm, the arms interleaved over several rounds:
#   none       no agent
#   none-rs256 no agent, sent the RS256 token: the rs256 arm's baseline (a longer header costs the
#              container more to parse, with or without an agent)
#   hs256      jwt-agent, HMAC secret
#   rs256      jwt-agent, RS256 public key from a PEM file
#   disabled   jwt-agent with enabled=false
#   otel       the OpenTelemetry Java agent, exporters off (the peer)
# Each round first launches every arm STARTS times for its startup alone, the arms taking turns (time
# from launch to first answer, polled every 10 ms, and the agent's own "started in N ms"; each
# service stopped once it answered), then launches every arm once more for load, warms each up until its throughput stops rising (15 to
# 45 s: with the service pinned to one core its JIT competes with it, and the agent arms have more to
# compile; the OpenTelemetry agent most), then measures requests/s and p99 latency in short slices with the arms taking turns
# (4 x 3 s each; per arm and round the median slice), so that whatever else runs on the
# machine hits every arm alike (the arms not being launched or loaded are frozen with SIGSTOP, so
# that their JIT and GC threads do not share the service core); beside requests/s, the service's
# CPU time per request (robust to other
# load on the machine). Load: wrk on one core, the service on the other, fixed concurrency, a
# valid token on every request. Then per arm: heap after a forced GC, thread count, and heap after
# 10,000 distinct valid tokens. Prints medians over rounds per arm and ratios to "none" as a markdown
# table, also written to benchmarks/results/latest.md (each slice and timed launch beside it, in
# latest-slices.tsv and latest-starts.tsv). About 7 to 10 minutes per round with every arm.
#
# Usage: benchmarks/run-process-bench.sh
# Settings (environment): ROUNDS=3 WARMUP_MIN=15 WARMUP_MAX=45 SLICES=4 SLICE_SECONDS=3 SETTLE_SECONDS=1 CONNECTIONS=16 PORT=18123 (the first
#   of one port per arm) DISTINCT_TOKENS=10000 DISTINCT_SECONDS=6
#   ARMS="none none-rs256 hs256 rs256 disabled otel" OTEL_VERSION=2.31.1 AGENT_JAR=<path> RESULTS=<file.md>
#   STARTS=3: launches per arm and round for startup alone (0: only the launch for load is timed)
#   ALT_AGENT_JAR=<path>: arm "hs256-alt" is available, hs256 with another build of the agent (e.g. ARMS="none hs256 hs256-alt")
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/bench-lib.sh"
rounds="${ROUNDS:-3}"
warmup_min="${WARMUP_MIN:-15}"
warmup_max="${WARMUP_MAX:-45}"
slices="${SLICES:-4}"
starts="${STARTS:-3}"
slice_seconds="${SLICE_SECONDS:-3}"
settle_seconds="${SETTLE_SECONDS:-1}"
connections="${CONNECTIONS:-16}"
port="${PORT:-18123}"
distinct="${DISTINCT_TOKENS:-10000}"
distinct_seconds="${DISTINCT_SECONDS:-6}"
arms=(${ARMS:-none none-rs256 hs256 rs256 disabled otel})
otel_version="${OTEL_VERSION:-2.31.1}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
service_jar="$here/target/bench-service.jar"
bench_jar="$here/target/benchmarks.jar"
work="$here/target/process-bench"
results="${RESULTS:-$here/results/latest.md}"
otel_jar="$work/opentelemetry-javaagent-$otel_version.jar"
jvm_opts=(-Xms512m -Xmx512m -XX:+UseG1GC)

log() { echo "process-bench: $*" >&2; }

ensure_bench_jars "$root" "$agent_jar" "$service_jar" "$bench_jar"
ensure_wrk
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

pin_client_to_first_core

arm_args() {
  local agent_common=(-javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench)
  case "$1" in
    none|none-rs256) ;;
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

token_prefix() { case "$1" in rs256|none-rs256) echo rs256 ;; *) echo hs256 ;; esac; }

heap_used_mb() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.1f", v / 1024; exit } }'
}

threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# wrk prints latencies as 850.00us, 1.20ms or 1.05s
to_ms() { awk -v x="$1" 'BEGIN { v = x + 0; if (x ~ /us$/) v /= 1000; else if (x ~ /ms$/) v += 0; else if (x ~ /s$/) v *= 1000; printf "%.3f", v }'; }

# One service per arm, all alive during a round, on ports port+i. Only the arm being launched or
# loaded runs: the others are frozen (SIGSTOP) meanwhile, so that their JIT and GC threads, which
# share the service core, cannot slow whichever arm happens to be measured next to them.
declare -A pid_of port_of first_of agent_of idle_of
only_running() {
  local keep="$1" arm
  for arm in "${!pid_of[@]}"; do
    if [ "$arm" = "$keep" ]; then kill -CONT "${pid_of[$arm]}" 2>/dev/null || true
    else kill -STOP "${pid_of[$arm]}" 2>/dev/null || true; fi
  done
}
# Stops a service: SIGTERM, and SIGKILL if it has not exited 10 s later (an OpenTelemetry agent
# stopped while it was still starting once never exited).
stop_service() {
  local pid="$1" waited=0
  kill -CONT "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 1000 ]; do sleep 0.01; waited=$((waited + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  local arm
  for arm in "${!pid_of[@]}"; do
    stop_service "${pid_of[$arm]}"
    unset "pid_of[$arm]"
  done
}
trap stop_all EXIT

token_of() { tr -d '\n' < "$work/keys/$(token_prefix "$1").token"; }

launch() {
  local round="$1" arm="$2" p="$3"
  local out="$work/$arm-$round.log"
  local args=(); mapfile -t args < <(arm_args "$arm")
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then log "port $p is already taken"; exit 1; fi
  only_running none-launched-yet
  local t0; t0="$(date +%s%N)"
  "${service_pin[@]}" java "${jvm_opts[@]}" "${args[@]}" -jar "$service_jar" "$p" > "$out" 2>&1 &
  local pid=$!
  pid_of[$arm]=$pid
  port_of[$arm]=$p
  until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$arm did not start:"; cat "$out" >&2; exit 1; fi
    if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 60000 ]; then log "$arm: no answer within 60 s"; exit 1; fi
    sleep 0.01
  done
  first_of[$arm]=$(( ($(date +%s%N) - t0) / 1000000 ))
  idle_of[$arm]="$(threads_of "$pid")"
  agent_of[$arm]="$(sed -n 's/.*jwt-agent .* started in \([0-9]*\) ms.*/\1/p' "$out" | head -1)"
  local expected=anonymous
  case "$arm" in hs256|hs256-alt|rs256) expected=user-0 ;; esac
  local answer; answer="$(curl -s -H "Authorization: Bearer $(token_of "$arm")" "http://127.0.0.1:$p/check")"
  if [ "$answer" != "$expected" ]; then log "$arm answered '$answer', expected '$expected'"; exit 1; fi
}

# One launch for startup alone: time to the first answer and the agent's "started in", then the service is stopped.
# Nothing else of the benchmark runs meanwhile (no arm of the round is alive yet).
time_start() {
  local round="$1" launch_no="$2" arm="$3" p="$4"
  local out="$work/$arm-$round-start$launch_no.log"
  local args=(); mapfile -t args < <(arm_args "$arm")
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then log "port $p is already taken"; exit 1; fi
  local t0; t0="$(date +%s%N)"
  "${service_pin[@]}" java "${jvm_opts[@]}" "${args[@]}" -jar "$service_jar" "$p" > "$out" 2>&1 &
  local pid=$!
  # Known to stop_all meanwhile, so that an interrupted run does not leave it holding the port.
  pid_of[_start]=$pid
  until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$arm did not start:"; cat "$out" >&2; exit 1; fi
    if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 60000 ]; then log "$arm: no answer within 60 s"; exit 1; fi
    sleep 0.01
  done
  local first=$(( ($(date +%s%N) - t0) / 1000000 ))
  stop_service "$pid"
  unset 'pid_of[_start]'
  local agent; agent="$(sed -n 's/.*jwt-agent .* started in \([0-9]*\) ms.*/\1/p' "$out" | head -1)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$launch_no" "$arm" "$first" "${agent:--}" >> "$starts_file"
}

# CPU time (user + system, in clock ticks) the service has used so far, all its threads (GC and JIT too).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clock_ticks="$(getconf CLK_TCK)"

# One wrk run against an arm: prints requests/s, p99 in ms, the non-2xx count and the service's CPU
# microseconds per request. Requests/s depends on whatever else the machine runs at that moment; CPU
# per request much less, so the report gives both.
load_arm() {
  local arm="$1" seconds="$2"
  local pid="${pid_of[$arm]}"
  only_running "$arm"
  local before; before="$(cpu_ticks "$pid")"
  local report; report="$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $(token_of "$arm")" \
    "http://127.0.0.1:${port_of[$arm]}/orders")"
  local after; after="$(cpu_ticks "$pid")"
  local requests; requests="$(awk '/requests in/ { print $1 }' <<< "$report")"
  printf '%s %s %s %s\n' "$(awk '/^Requests\/sec:/ { print $2 }' <<< "$report")" \
    "$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$report")")" \
    "$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' <<< "$report")" \
    "$(awk -v t=$((after - before)) -v hz="$clock_ticks" -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}

# Load in 3 s steps until throughput stops rising (by 5 %), at least WARMUP_MIN and at most WARMUP_MAX seconds.
warm_up() {
  local arm="$1" spent=0 best=0 rps rest
  while [ "$spent" -lt "$warmup_max" ]; do
    read -r rps rest < <(load_arm "$arm" 3)
    spent=$((spent + 3))
    if [ "$spent" -ge "$warmup_min" ] && awk -v r="$rps" -v b="$best" 'BEGIN { exit !(r < b * 1.05) }'; then break; fi
    best="$(awk -v r="$rps" -v b="$best" 'BEGIN { print (r > b ? r : b) }')"
  done
  log "round $round $arm: warmed up for $spent s"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

runs="$work/runs.tsv"
slices_file="$work/slices.tsv"
starts_file="$work/starts.tsv"
printf 'round\tarm\tfirst_answer_ms\tagent_start_ms\trps\tcpu_us_per_req\tp99_ms\tnon2xx\theap_load_mb\theap_10k_mb\tthreads_idle\tthreads_load\tagent_threads\n' > "$runs"
printf 'round\tslice\tarm\trps\tp99_ms\tnon2xx\tcpu_us_per_req\n' > "$slices_file"
printf 'round\tlaunch\tarm\tfirst_answer_ms\tagent_start_ms\n' > "$starts_file"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

for round in $(seq 1 "$rounds"); do
  n=${#arms[@]}
  # Rotate the order so that no arm always comes first (or right after a given other arm).
  order=()
  for i in $(seq 0 $((n - 1))); do order+=("${arms[$(( (i + round - 1) % n ))]}"); done
  for launch_no in $(seq 1 "$starts"); do
    for i in "${!order[@]}"; do time_start "$round" "$launch_no" "${order[$i]}" $((port + i)); done
    log "round $round: startup launch $launch_no of every arm done"
  done
  for i in "${!order[@]}"; do
    launch "$round" "${order[$i]}" $((port + i))
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$((starts + 1))" "${order[$i]}" "${first_of[${order[$i]}]}" "${agent_of[${order[$i]}]:--}" >> "$starts_file"
    log "round $round ${order[$i]}: first answer ${first_of[${order[$i]}]} ms, agent ${agent_of[${order[$i]}]:--} ms"
  done
  for arm in "${order[@]}"; do warm_up "$arm"; done
  # Throughput in short slices, arms taking turns, so that what else runs on the machine hits every arm alike.
  for slice in $(seq 1 "$slices"); do
    for arm in "${order[@]}"; do
      # An unmeasured second first: an arm just thawed catches up on GC and JIT work of its own.
      load_arm "$arm" "$settle_seconds" > /dev/null
      read -r rps p99 non2xx cpu < <(load_arm "$arm" "$slice_seconds")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$slice" "$arm" "$rps" "$p99" "$non2xx" "$cpu" >> "$slices_file"
    done
  done
  for arm in "${order[@]}"; do
    pid="${pid_of[$arm]}"
    only_running "$arm"
    rps="$(awk -F'\t' -v r="$round" -v a="$arm" '$1 == r && $3 == a { print $4 }' "$slices_file" | median)"
    p99="$(awk -F'\t' -v r="$round" -v a="$arm" '$1 == r && $3 == a { print $5 }' "$slices_file" | median)"
    non2xx="$(awk -F'\t' -v r="$round" -v a="$arm" '$1 == r && $3 == a { n += $6 } END { print n + 0 }' "$slices_file")"
    cpu="$(awk -F'\t' -v r="$round" -v a="$arm" '$1 == r && $3 == a { print $7 }' "$slices_file" | median)"
    threads_load="$(threads_of "$pid")"
    heap_load="$(heap_used_mb "$pid")"
    agent_threads="$(jcmd "$pid" Thread.print | sed -n 's/^"\([^"]*[Jj][Ww][Tt][^"]*\)".*/\1/p' | sort -u | paste -sd, -)"
    # wrk stops sending after the last token but exits only when its duration is over.
    BENCH_TOKENS="$work/keys/$(token_prefix "$arm")-tokens.txt" wrk -t1 -c"$connections" -d"${distinct_seconds}s" \
      -s "$work/distinct.lua" "http://127.0.0.1:${port_of[$arm]}/" > "$work/$arm-$round-distinct.txt"
    sent="$(awk '/requests in/ { print $1 }' "$work/$arm-$round-distinct.txt")"
    [ "${sent:-0}" -ge "$distinct" ] || log "round $round $arm: only ${sent:-0} of $distinct distinct tokens sent in ${distinct_seconds} s"
    heap_10k="$(heap_used_mb "$pid")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$arm" "${first_of[$arm]}" "${agent_of[$arm]:--}" "$rps" "$cpu" "$p99" \
      "$non2xx" "$heap_load" "$heap_10k" "${idle_of[$arm]}" "$threads_load" "${agent_threads:--}" >> "$runs"
    log "round $round $arm: ${rps} req/s, ${cpu} CPU µs/request, p99 ${p99} ms, heap ${heap_load} MB, after ${distinct} tokens ${heap_10k} MB, threads ${threads_load}"
  done
  stop_all
done

header="$work/header.md"
{
  echo "## Whole-process benchmark ($started_at)"
  echo
  echo "Machine: $cpus cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(java -version 2>&1 | head -2 | tail -1)."
  echo "Load average (1, 5, 15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Service: embedded Tomcat 11, one servlet answering with the subject; JVM options: ${jvm_opts[*]}; service pinned to core 1, wrk to core 0."
  echo "Startup: per round, every arm launched $starts times for its startup alone, arms taking turns, then once more for load; first answer and agent start are over all $((starts + 1)) launches per round."
  echo "Per round: every arm launched, warmed up until its throughput stopped rising ($warmup_min to $warmup_max s), then measured in $slices slices of $slice_seconds s each (each after $settle_seconds s of unmeasured load), arms taking turns; the arms not being launched or loaded are frozen (SIGSTOP) meanwhile"
  echo "(wrk -t1 -c$connections, the same valid token on every request; the median slice counts); heap is G1 used after jcmd GC.run;"
  echo "then $distinct distinct valid tokens are sent once each and the heap is measured again."
  echo "Service CPU per request: user + system time of the whole service JVM (GC and JIT included) over the requests of a slice;"
  echo "× CPU-based is the throughput ratio it implies on a dedicated core (CPU per request of 'none' / of the arm), robust to other load."
  echo "Medians over $rounds rounds; × is the ratio to the arm 'none' (for rs256: to 'none-rs256', the same requests without the agent), Δ the difference."
} > "$header"
java -cp "$bench_jar" dev.jwtagent.bench.ProcessBenchReport "$runs" "$header" "$results" "$slices_file" "$starts_file"
# Beside the tables (latest-slices.tsv, latest-starts.tsv), where PooledRuns can pool them with
# other runs: target/ is gone at the next clean.
cp "$slices_file" "${results%.md}-slices.tsv"
cp "$starts_file" "${results%.md}-starts.tsv"
log "per-launch figures: $runs; table: $results; slices and timed launches: ${results%.md}-slices.tsv, ${results%.md}-starts.tsv"
