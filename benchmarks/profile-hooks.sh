#!/usr/bin/env bash
# What share of the benchmark service's Java time the agent's servlet hooks take under load: launches
# the service (benchmarks/target/bench-service.jar) with the agent, loads it as run-process-bench.sh
# does (wrk -t1 -c16, the same valid token on every request, the service pinned to one core and wrk
# to the other), and after a warm-up records JFR execution samples every millisecond, with
# -XX:+DebugNonSafepoints so that samples land where the time is spent. Then counts the samples
# whose stack passes through ServletHooks.enter or exit (the decision, request attributes and
# scope) and those with any agent frame at all, per launch and in total.
# Also lists, per arm, the methods the samples under the hooks were in.
# Run benchmarks/run-process-bench.sh once first (it builds the jars and makes the keys).
# Usage: benchmarks/profile-hooks.sh   (environment: ARMS="hs256 rs256" LAUNCHES=2 WARMUP=40 SECONDS_RECORDED=30
#   PORT=18126 AGENT_JAR=<jar>; ALT_AGENT_JAR=<jar> adds the arm hs256-alt, another build with the HS256 settings)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/bench-lib.sh"
launches="${LAUNCHES:-2}"
warmup="${WARMUP:-40}"
recorded="${SECONDS_RECORDED:-30}"
port="${PORT:-18126}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
alt_jar="${ALT_AGENT_JAR:-}"
default_arms="hs256 rs256"
[ -n "$alt_jar" ] && default_arms="$default_arms hs256-alt"
arms=(${ARMS:-$default_arms})
service_jar="$here/target/bench-service.jar"
keys="$here/target/process-bench/keys"
work="$here/target/profile-hooks"
url="http://127.0.0.1:$port"
[ -f "$keys/hs256.secret" ] || { echo "profile-hooks: run benchmarks/run-process-bench.sh first (keys)" >&2; exit 1; }
mkdir -p "$work"
cat > "$work/samples.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="execution samples every millisecond">
  <event name="jdk.ExecutionSample">
    <setting name="enabled">true</setting>
    <setting name="period">1 ms</setting>
  </event>
</configuration>
JFC
pin_client_to_first_core

arm_args() {
  local common=(-Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench)
  case "$1" in
    hs256) printf '%s\n' -javaagent:"$agent_jar" "${common[@]}" -Djwt.agent.secret-file="$keys/hs256.secret" ;;
    rs256) printf '%s\n' -javaagent:"$agent_jar" "${common[@]}" -Djwt.agent.public-key-file="$keys/rs256.pem" ;;
    hs256-alt) printf '%s\n' -javaagent:"${alt_jar:?hs256-alt needs ALT_AGENT_JAR}" "${common[@]}" -Djwt.agent.secret-file="$keys/hs256.secret" ;;
    *) echo "profile-hooks: unknown arm $1" >&2; exit 2 ;;
  esac
}
# Checked before anything runs: arm_args fails inside a process substitution, where set -e does not see it.
for arm in "${arms[@]}"; do arm_args "$arm" > /dev/null; done

token_of() { case "$1" in rs256) cat "$keys/rs256.token" ;; *) cat "$keys/hs256.token" ;; esac; }

pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=""; }
trap cleanup EXIT

# Samples in a recording: all of them, those under the servlet hooks, those with any agent frame.
count_samples() {
  jfr print --events jdk.ExecutionSample --stack-depth 256 "$1" | awk '
    $1 == "jdk.ExecutionSample" { if (n) { hooks += inHooks; agent += inAgent } n++; inHooks = 0; inAgent = 0 }
    /dev\.jwtagent\.bootstrap\.ServletHooks\.(enter|exit)/ { inHooks = 1 }
    /dev\.jwtagent\./ { inAgent = 1 }
    END { if (n) { hooks += inHooks; agent += inAgent } printf "%d %d %d\n", n, hooks, agent }'
}

# For each sample under the hooks, the method they were in: the first frame below ServletHooks.enter or
# exit that is not reflection or method-handle plumbing (the hook's own name when it is the leaf).
hook_callees() {
  jfr print --events jdk.ExecutionSample --stack-depth 256 "$1" | awk '
    function flush(   i, k, c) {
      k = -1
      for (i = 0; i < n; i++) if (frame[i] ~ /^dev\.jwtagent\.bootstrap\.ServletHooks\.(enter|exit)$/) { k = i; break }
      if (k >= 0) {
        c = frame[k]
        for (i = k - 1; i >= 0; i--) if (frame[i] !~ /(\$Methods\.call|reflect\.|java\.lang\.invoke\.)/) { c = frame[i]; break }
        print c
      }
      n = 0
    }
    $1 == "jdk.ExecutionSample" { flush() }
    # A frame: "name(arguments)", then " line: N" unless the method has no line numbers (native ones).
    /^ +[a-zA-Z_$][^ ]*\(.*\)( line: -?[0-9]+)?$/ { f = $1; sub(/\(.*$/, "", f); frame[n++] = f }
    END { flush() }'
}

tsv="$work/samples.tsv"
rm -f "$work"/*-callees.txt
printf 'launch\tarm\tsamples\tunder_hooks\twith_agent_frames\n' > "$tsv"
for launch in $(seq 1 "$launches"); do
  for arm in "${arms[@]}"; do
    args=(); mapfile -t args < <(arm_args "$arm")
    "${service_pin[@]}" java -Xms512m -Xmx512m -XX:+UseG1GC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
      -XX:FlightRecorderOptions:stackdepth=256 \
      "${args[@]}" -jar "$service_jar" "$port" > "$work/$arm-$launch.log" 2>&1 &
    pid=$!
    until curl -s -o /dev/null --max-time 1 "$url/"; do
      kill -0 "$pid" 2>/dev/null || { echo "profile-hooks: $arm did not start" >&2; cat "$work/$arm-$launch.log" >&2; exit 1; }
      sleep 0.05
    done
    token="$(token_of "$arm")"
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/orders")"
    [ "$status" = 200 ] || { echo "profile-hooks: the benchmark token got $status (tokens are valid for two hours:" \
      "run benchmarks/run-process-bench.sh again for new ones)" >&2; exit 1; }
    wrk -t1 -c16 -d"${warmup}s" -H "Authorization: Bearer $token" "$url/orders" > /dev/null
    recording="$work/$arm-$launch.jfr"
    jcmd "$pid" JFR.start name=hooks settings="$work/samples.jfc" filename="$recording" > /dev/null
    report="$(wrk -t1 -c16 -d"${recorded}s" -H "Authorization: Bearer $token" "$url/orders")"
    jcmd "$pid" JFR.stop name=hooks > /dev/null
    cleanup
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' <<< "$report")"
    [ "$non2xx" -eq 0 ] || { echo "profile-hooks: $arm answered $non2xx requests with an error" >&2; exit 1; }
    if grep -q "Socket errors" <<< "$report"; then echo "profile-hooks: $arm: $(grep "Socket errors" <<< "$report")" >&2; exit 1; fi
    counts="$(count_samples "$recording")"
    hook_callees "$recording" >> "$work/$arm-callees.txt"
    read -r samples hooks agent <<< "$counts"
    [ "$samples" -gt 0 ] || { echo "profile-hooks: no samples in $recording" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$launch" "$arm" "$samples" "$hooks" "$agent" >> "$tsv"
    echo "profile-hooks: launch $launch $arm: $samples samples, $hooks under the servlet hooks, $agent with agent frames," \
      "$(awk '/^Requests\/sec:/ { print $2 }' <<< "$report") req/s" >&2
  done
done

echo
echo "JFR execution samples (every 1 ms, $recorded s after $warmup s of warm-up, $launches launches per arm; load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
echo
echo "| arm | samples | under the servlet hooks | share | with any agent frame | share | per launch (share under the hooks) |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' 'NR > 1 { if (!($2 in seen)) { seen[$2] = 1; names[++n] = $2 }
    s[$2] += $3; h[$2] += $4; a[$2] += $5; per[$2] = per[$2] (per[$2] ? ", " : "") sprintf("%.1f %%", $3 ? 100 * $4 / $3 : 0) }
  END { for (i = 1; i <= n; i++) { k = names[i]
      printf "| %s | %d | %d | %.1f %% | %d | %.1f %% | %s |\n", k, s[k], h[k], 100 * h[k] / s[k], a[k], 100 * a[k] / s[k], per[k] } }' "$tsv"

echo
echo "Under the hooks, by the method they were in (share of all the arm's samples; top 8):"
for arm in "${arms[@]}"; do
  total="$(awk -F'\t' -v a="$arm" 'NR > 1 && $2 == a { n += $3 } END { print n + 0 }' "$tsv")"
  echo
  echo "$arm:"
  sort "$work/$arm-callees.txt" | uniq -c | sort -rn | awk -v t="$total" 'NR <= 8 { printf "  %5.2f %%  %s\n", 100 * $1 / t, $2 }'
done
