#!/usr/bin/env bash
# Side-by-side benchmark: the same Tomcat 11 service (benchmarks/target/bench-service.jar) launched
# once per arm, all arms running and loaded at the same time on the same core, each by its own wrk
# on the other core. Whatever else slows the machine then slows every arm in the same second,
# which the whole-process benchmark (run-process-bench.sh), whose arms take turns, cannot promise:
# there, launches of the same code differ by several per cent from one run to the next.
#   none       no agent
#   none-rs256 no agent, sent the RS256 token: the rs256 arm's baseline
#   hs256      jwt-agent, HMAC secret
#   rs256      jwt-agent, RS256 public key from a PEM file
#   disabled   jwt-agent with enabled=false
#   none-work  no agent, the servlet spending EXTRA_WORK_NS (500) ns more per request on its own: a
#              calibration, not in the default arms (name it, e.g. ARMS="none hs256 none-work"), showing
#              what this benchmark makes of a service slower by that much for a reason of its own
# Every arm is launched LAUNCHES times (each time in another order, on other ports), because two
# launches of the same service differ by a few per cent. After each launch and a warm-up with every
# arm under load (each arm has a share of the core, so its JIT takes longer than alone), measures
# WINDOWS windows of WINDOW_SECONDS: per arm and window, the requests answered and the service's CPU
# time (user + system of the whole JVM, GC and JIT included). The figure that counts is CPU per
# request: the throughput ratio an arm would have on a core of its own. The report pairs each arm
# with its baseline window by window and gives the median ratio over all windows and per launch.
# Writes benchmarks/results/side-by-side.md (RESULTS=<file.md> to change). About LAUNCHES x
# (WARMUP + WINDOWS x WINDOW_SECONDS) seconds (12 minutes with the defaults).
#
# Usage: benchmarks/run-side-by-side.sh
# Settings (environment): ARMS="none none-rs256 hs256 rs256 disabled" LAUNCHES=3 WARMUP=120 WINDOWS=10 WINDOW_SECONDS=10
#   CONNECTIONS=16 PORT=18150 (the first of one port per arm) AGENT_JAR=<path> RESULTS=<file.md>
#   ALT_AGENT_JAR=<path>: arm "hs256-alt" is available, hs256 with another build of the agent
#   EXTRA_WORK_NS=500: the calibration arm's extra work per request
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/bench-lib.sh"
arms=(${ARMS:-none none-rs256 hs256 rs256 disabled})
launches="${LAUNCHES:-3}"
warmup="${WARMUP:-120}"
windows="${WINDOWS:-10}"
window_seconds="${WINDOW_SECONDS:-10}"
connections="${CONNECTIONS:-16}"
port="${PORT:-18150}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
service_jar="$here/target/bench-service.jar"
bench_jar="$here/target/benchmarks.jar"
work="$here/target/side-by-side"
keys="$work/keys"
results="${RESULTS:-$here/results/side-by-side.md}"
jvm_opts=(-Xms512m -Xmx512m -XX:+UseG1GC)

log() { echo "side-by-side: $*" >&2; }

ensure_bench_jars "$root" "$agent_jar" "$service_jar" "$bench_jar"
ensure_wrk
mkdir -p "$work" "$(dirname "$results")"
# Tokens are valid for two hours: new ones for every run (a run takes minutes).
java -cp "$bench_jar" dev.jwtagent.bench.TokenTool "$keys" 1 > /dev/null

pin_client_to_first_core

arm_args() {
  local agent_common=(-javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench)
  case "$1" in
    none|none-rs256) ;;
    none-work) printf '%s\n' -Dbench.extra-work-ns="${EXTRA_WORK_NS:-500}" ;;
    hs256) printf '%s\n' "${agent_common[@]}" -Djwt.agent.secret-file="$keys/hs256.secret" ;;
    rs256) printf '%s\n' "${agent_common[@]}" -Djwt.agent.public-key-file="$keys/rs256.pem" ;;
    hs256-alt) printf '%s\n' -javaagent:"${ALT_AGENT_JAR:?hs256-alt needs ALT_AGENT_JAR}" -Djwt.agent.issuer=https://issuer.bench.test \
            -Djwt.agent.audience=bench -Djwt.agent.secret-file="$keys/hs256.secret" ;;
    disabled) printf '%s\n' -javaagent:"$agent_jar" -Djwt.agent.enabled=false ;;
    *) log "unknown arm $1"; exit 2 ;;
  esac
}
# Checked before any service is launched: arm_args fails inside a process substitution, where set -e does not see it.
for arm in "${arms[@]}"; do arm_args "$arm" > /dev/null; done

token_of() { case "$1" in rs256|none-rs256) tr -d '\n' < "$keys/rs256.token" ;; *) tr -d '\n' < "$keys/hs256.token" ;; esac; }
expected_answer() { case "$1" in hs256|hs256-alt|rs256) echo user-0 ;; *) echo anonymous ;; esac; }

declare -A pid_of port_of
wrk_pids=()
stop_all() {
  local arm pid waited
  for pid in "${wrk_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wrk_pids=()
  for arm in "${!pid_of[@]}"; do
    pid="${pid_of[$arm]}"
    kill "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 1000 ]; do sleep 0.01; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
    unset "pid_of[$arm]"
  done
}
trap stop_all EXIT

# Launches every arm, one after another so that no arm's startup competes with another's, in the
# order of the arms rotated by $1 places (each launch starts them in another order, on other ports,
# while there are more arms than launches before it); $1 + 1 names the launch's log files.
launch_all() {
  local shift="$1" i arm p t0 answer args
  for i in "${!arms[@]}"; do
    arm="${arms[$(( (i + shift) % ${#arms[@]} ))]}"
    p=$((port + i))
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then log "port $p is already taken"; exit 1; fi
    args=(); mapfile -t args < <(arm_args "$arm")
    "${service_pin[@]}" java "${jvm_opts[@]}" "${args[@]}" -jar "$service_jar" "$p" > "$work/$arm.launch$((shift + 1)).log" 2>&1 &
    pid_of[$arm]=$!
    port_of[$arm]=$p
    t0="$(date +%s)"
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; do
      if ! kill -0 "${pid_of[$arm]}" 2>/dev/null; then log "$arm did not start:"; cat "$work/$arm.launch$((shift + 1)).log" >&2; exit 1; fi
      if [ $(($(date +%s) - t0)) -gt 60 ]; then log "$arm: no answer within 60 s"; exit 1; fi
      sleep 0.05
    done
    answer="$(curl -s -H "Authorization: Bearer $(token_of "$arm")" "http://127.0.0.1:$p/check")"
    if [ "$answer" != "$(expected_answer "$arm")" ]; then log "$arm answered '$answer', expected '$(expected_answer "$arm")'"; exit 1; fi
  done
}

# CPU time (user + system, in clock ticks) the service has used so far, all its threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clock_ticks="$(getconf CLK_TCK)"

# Loads every arm at once for $2 seconds; appends one line per arm to $1 unless it is empty ($3: the
# window's number, $4: the launch's).
load_all() {
  local out="$1" seconds="$2" window="$3" launch="$4" arm
  local -A before wrk_of
  for arm in "${arms[@]}"; do before[$arm]="$(cpu_ticks "${pid_of[$arm]}")"; done
  for arm in "${arms[@]}"; do
    wrk -t1 -c"$connections" -d"${seconds}s" -H "Authorization: Bearer $(token_of "$arm")" \
      "http://127.0.0.1:${port_of[$arm]}/orders" > "$work/$arm.wrk" &
    wrk_of[$arm]=$!
    wrk_pids+=("$!")
  done
  for arm in "${arms[@]}"; do
    # A failed wrk leaves the window without requests for that arm; the report leaves such a window out.
    wait "${wrk_of[$arm]}" || log "window $window $arm: wrk exited with status $?"
  done
  wrk_pids=()
  for arm in "${arms[@]}"; do
    local ticks=$(( $(cpu_ticks "${pid_of[$arm]}") - ${before[$arm]} ))
    local requests; requests="$(awk '/requests in/ { n = $1 } END { print n + 0 }' "$work/$arm.wrk")"
    local non2xx; non2xx="$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$work/$arm.wrk")"
    if grep -q "Socket errors" "$work/$arm.wrk"; then log "window $window $arm: $(grep "Socket errors" "$work/$arm.wrk")"; fi
    [ -z "$out" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$launch" "$window" "$arm" "$seconds" "$requests" \
      "$(awk -v t="$ticks" -v hz="$clock_ticks" 'BEGIN { printf "%.3f", t / hz }')" "$non2xx" >> "$out"
  done
}

windows_file="$work/windows.tsv"
printf 'launch\twindow\tarm\tseconds\trequests\tcpu_seconds\tnon2xx\n' > "$windows_file"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# Two launches of the same service differ by a few per cent in CPU per request (the code the JIT
# makes of it differs), which pairing windows within one launch cannot remove: every arm is
# launched LAUNCHES times, and the report gives each launch's ratio beside the pooled one.
window=0
for launch in $(seq 1 "$launches"); do
  launch_all $(( launch - 1 ))
  log "launch $launch of $launches: every arm answers; warming up every arm at once for $warmup s"
  load_all "" "$warmup" 0 "$launch"
  for w in $(seq 1 "$windows"); do
    window=$((window + 1))
    load_all "$windows_file" "$window_seconds" "$window" "$launch"
    log "launch $launch, window $w of $windows: $(awk -F'\t' -v w="$window" '$2 == w { printf "%s %s ", $3, $5 }' "$windows_file")"
  done
  stop_all
done

header="$work/header.md"
{
  echo "## Side-by-side benchmark ($started_at)"
  echo
  echo "Machine: $cpus cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(java -version 2>&1 | head -2 | tail -1)."
  echo "Load average (1, 5, 15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Service: embedded Tomcat 11, one servlet answering with the subject; JVM options: ${jvm_opts[*]}."
  if [ "$cpus" -ge 2 ]; then pinning="all pinned to core 1, each loaded by its own wrk -t1 -c$connections on core 0"
  else pinning="on the one core, each loaded by its own wrk -t1 -c$connections"; fi
  echo "Every arm running at once, $pinning with the same valid token on every request;"
  echo "$launches launches of every arm, each launch starting the arms in another order; after each, $warmup s of warm-up with every arm loaded, then $windows windows of $window_seconds s."
  echo "CPU per request: user + system time of the whole service JVM (GC and JIT included) over the requests it answered in the window."
  echo "× CPU-based: the arm's CPU per request against its baseline's in the same window ('none'; for rs256, 'none-rs256', the same requests without the agent),"
  echo "as a throughput ratio (baseline / arm): what the arm would answer per second on a core of its own, relative to its baseline."
} > "$header"
java -cp "$bench_jar" dev.jwtagent.bench.SideBySideReport "$windows_file" "$header" "$results"
log "per-window figures: $windows_file; table: $results"
