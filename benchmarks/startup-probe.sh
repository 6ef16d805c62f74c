#!/usr/bin/env bash
# Where the agent's startup time goes: launches the benchmark service (benchmarks/target/bench-service.jar)
# in variants that switch parts of the agent off with its own settings or JVM flags, interleaved over
# several rounds, and prints medians of
#   create-vm   the JVM's "Create VM" phase (-Xlog:startuptime); premain runs inside it
#   agent       the agent's own "started in N ms" (configuration, keys, policies, instrumentation)
#   config/instr  the two phases of that, from the agent's debug line
#   deferred    the agent's work deferred to the first request (publishing its metrics), from its
#               debug line; it delays the first answer
#   token work  the agent's work deferred to the first request with a valid token (instrumenting the
#               JDK classes loaded before it), from its debug line; it delays the first answer with a token
#   first       launch to first HTTP answer (polled every 10 ms, without a token, as a readiness probe)
#   first token launch to the answer of one request with a valid token, sent right after the first answer
#   cpu         CPU time the service had used by then (all its threads, user and system; 10 ms ticks):
#               unlike the wall clock, it leaves out the time the machine gave to anything else
#   classes     classes loaded until the first answer (-Xlog:class+load)
# Run benchmarks/run-process-bench.sh once first (it builds the jars and makes the keys).
# Usage: benchmarks/startup-probe.sh   (environment: ROUNDS=5 PORT=18124 VARIANTS="..." AGENT_JAR=<jar>
#   ALT_AGENT_JAR=<jar>: adds the variant "alt", the default settings with another build of the agent;
#   the variant "empty" is an agent whose premain does nothing, built here: the JVM's own cost of -javaagent)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${ROUNDS:-5}"
port="${PORT:-18124}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
service_jar="$here/target/bench-service.jar"
work="$here/target/startup-probe"
keys="$here/target/process-bench/keys"
url="http://127.0.0.1:$port"
alt_jar="${ALT_AGENT_JAR:-}"
default_variants="none default disabled no-concurrency no-instrumentation no-verify pem"
[ -n "$alt_jar" ] && default_variants="$default_variants alt alt-disabled"
variants=(${VARIANTS:-$default_variants})
concurrency_off=(-Djwt.agent.instrumentation.executor.enabled=false -Djwt.agent.instrumentation.fork-join.enabled=false
  -Djwt.agent.instrumentation.completable-future.enabled=false -Djwt.agent.instrumentation.thread.enabled=false
  -Djwt.agent.instrumentation.servlet-async.enabled=false)
[ -f "$keys/hs256.secret" ] || { echo "startup-probe: run benchmarks/run-process-bench.sh first (keys)" >&2; exit 1; }
mkdir -p "$work"
cpus="$(nproc)"
service_pin=()
if [ "$cpus" -ge 2 ]; then
  taskset -cp 0 $$ >/dev/null
  service_pin=(taskset -c 1)
fi

variant_args() {
  local agent=(-javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench
    -Djwt.agent.secret-file="$keys/hs256.secret" -Djwt.agent.log.level=debug)
  case "$1" in
    none) ;;
    default) printf '%s\n' "${agent[@]}" ;;
    disabled) printf '%s\n' -javaagent:"$agent_jar" -Djwt.agent.enabled=false ;;
    no-concurrency) printf '%s\n' "${agent[@]}" "${concurrency_off[@]}" ;;
    no-instrumentation) printf '%s\n' "${agent[@]}" "${concurrency_off[@]}" -Djwt.agent.instrumentation.servlet-jakarta.enabled=false \
        -Djwt.agent.instrumentation.servlet-javax.enabled=false -Djwt.agent.instrumentation.http-url-connection.enabled=false \
        -Djwt.agent.instrumentation.java-http-client.enabled=false ;;
    no-verify) printf '%s\n' "${agent[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote ;;
    alt) printf '%s\n' -javaagent:"$alt_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench \
        -Djwt.agent.secret-file="$keys/hs256.secret" -Djwt.agent.log.level=debug ;;
    alt-disabled) printf '%s\n' -javaagent:"$alt_jar" -Djwt.agent.enabled=false ;;
    empty) printf '%s\n' -javaagent:"$work/empty-agent.jar" ;;
    pem) printf '%s\n' -javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench \
        -Djwt.agent.public-key-file="$keys/rs256.pem" -Djwt.agent.log.level=debug ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

# Checked before anything runs: variant_args fails inside a process substitution, where set -e does not see it.
for variant in "${variants[@]}"; do variant_args "$variant" > /dev/null; done

if [[ " ${variants[*]} " == *" empty "* ]] && [ ! -f "$work/empty-agent.jar" ]; then
  mkdir -p "$work/empty-agent"
  printf 'public final class EmptyAgent { public static void premain(String arguments, java.lang.instrument.Instrumentation instrumentation) { } }\n' \
    > "$work/empty-agent/EmptyAgent.java"
  printf 'Premain-Class: EmptyAgent\n' > "$work/empty-agent/manifest.txt"
  javac --release 11 -d "$work/empty-agent" "$work/empty-agent/EmptyAgent.java"
  jar cfm "$work/empty-agent.jar" "$work/empty-agent/manifest.txt" -C "$work/empty-agent" EmptyAgent.class
fi
ticks="$(getconf CLK_TCK)"

# Quartiles of the numbers on stdin: "median [25th, 75th percentile] (lowest to highest)", signed.
spread() { sort -n | awk '{ a[NR] = $1 } function q(p,   h, i) { h = (NR - 1) * p + 1; i = int(h); return a[i] + (h - i) * (a[i + 1] - a[i]) }
  END { if (NR == 0) { print "–"; exit } printf "%+d [%+d, %+d] (%+d to %+d)", q(0.5), q(0.25), q(0.75), a[1], a[NR] }'; }

if [ "${TOGETHER:-0}" = 1 ]; then
  # Each variant launched at the same moment as a launch without an agent, one on each core (the
  # cores swapped every round), so that whatever slows the machine meanwhile slows both: on these
  # machines the difference is then a few tens of milliseconds from one round to the next, where
  # launches one after the other differ by hundreds. Both launches share the memory bus and the
  # disk cache, which a launch alone does not. Times are from the common start.
  [ "$cpus" -ge 2 ] || { echo "startup-probe: TOGETHER=1 needs two cores" >&2; exit 1; }
  taskset -cp 0-1 $$ >/dev/null
  pairs="$work/pairs.tsv"
  printf 'round\tvariant\tnone_core\tnone_first_ms\tvariant_first_ms\tnone_token_ms\tvariant_token_ms\n' > "$pairs"
  pids=()
  stop_pair() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
  trap stop_pair EXIT
  # Sends one request with a valid token in the background; its answer time goes to the file $3.
  token_request() {
    local token_file="$keys/hs256.token"; [ "$2" = pem ] && token_file="$keys/rs256.token"
    ( status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $(tr -d '\n' < "$token_file")" "http://127.0.0.1:$1/")"
      [ "$status" = 200 ] && echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$3" || echo "startup-probe: $2 answered $status to a valid token" >&2 ) &
  }
  for round in $(seq 1 "$rounds"); do
    for variant in "${variants[@]}"; do
      [ "$variant" = none ] && continue
      none_core=$(( round % 2 ))
      args=(); mapfile -t args < <(variant_args "$variant")
      rm -f "$work/pair-none.token" "$work/pair-variant.token"
      t0="$(date +%s%N)"
      taskset -c "$none_core" java -Xms512m -Xmx512m -XX:+UseG1GC -jar "$service_jar" "$port" > "$work/pair-none.log" 2>&1 &
      pids=($!)
      taskset -c $(( 1 - none_core )) java -Xms512m -Xmx512m -XX:+UseG1GC "${args[@]}" -jar "$service_jar" $(( port + 1 )) > "$work/pair-$variant.log" 2>&1 &
      pids+=($!)
      first_none=""; first_variant=""
      while [ -z "$first_none" ] || [ -z "$first_variant" ]; do
        if [ -z "$first_none" ] && curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
          first_none=$(( ($(date +%s%N) - t0) / 1000000 )); token_request "$port" none "$work/pair-none.token"
        fi
        if [ -z "$first_variant" ] && curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$(( port + 1 ))/"; then
          first_variant=$(( ($(date +%s%N) - t0) / 1000000 )); token_request $(( port + 1 )) "$variant" "$work/pair-variant.token"
        fi
        for p in "${pids[@]}"; do
          kill -0 "$p" 2>/dev/null || { echo "startup-probe: a launch of round $round ($variant) ended" >&2; cat "$work/pair-$variant.log" >&2; exit 1; }
        done
        sleep 0.005
      done
      for _ in $(seq 1 100); do [ -s "$work/pair-none.token" ] && [ -s "$work/pair-variant.token" ] && break; sleep 0.05; done
      token_none="$(cat "$work/pair-none.token" 2>/dev/null || echo -)"; token_variant="$(cat "$work/pair-variant.token" 2>/dev/null || echo -)"
      stop_pair
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$none_core" "$first_none" "$first_variant" "$token_none" "$token_variant" >> "$pairs"
      echo "startup-probe: round $round $variant (none on core $none_core): first answer $first_variant ms against $first_none ms, with a token $token_variant against $token_none ms" >&2
    done
  done
  echo
  echo "Launched together with a launch without the agent, $rounds rounds (load average now $(cut -d' ' -f1-3 /proc/loadavg)); the variant minus none of the same pair, median [25th, 75th percentile] (lowest to highest):"
  echo
  echo "| variant | first answer ms, none / variant (medians) | Δ first answer ms | Δ first answer with a token ms |"
  echo "|---|---|---|---|"
  for variant in "${variants[@]}"; do
    [ "$variant" = none ] && continue
    none_median="$(awk -F'\t' -v v="$variant" '$2 == v { print $4 }' "$pairs" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')"
    variant_median="$(awk -F'\t' -v v="$variant" '$2 == v { print $5 }' "$pairs" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')"
    delta="$(awk -F'\t' -v v="$variant" '$2 == v { print $5 - $4 }' "$pairs" | spread)"
    delta_token="$(awk -F'\t' -v v="$variant" '$2 == v && $6 != "-" && $7 != "-" { print $7 - $6 }' "$pairs" | spread)"
    echo "| $variant | $none_median / $variant_median | $delta | $delta_token |"
  done
  exit 0
fi

pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=""; }
trap cleanup EXIT

tsv="$work/probe.tsv"
printf 'round\tvariant\tcreate_vm_ms\tagent_ms\tconfig_ms\tinstr_ms\tfirst_ms\tclasses\tcpu_ms\tdeferred_ms\tfirst_token_ms\ttoken_work_ms\n' > "$tsv"
for round in $(seq 1 "$rounds"); do
  for variant in "${variants[@]}"; do
    args=(); mapfile -t args < <(variant_args "$variant")
    out="$work/$variant-$round"
    t0="$(date +%s%N)"
    "${service_pin[@]}" java -Xms512m -Xmx512m -XX:+UseG1GC "${args[@]}" -Xlog:startuptime:file="$out.vm" \
      -Xlog:class+load:file="$out.classes" -jar "$service_jar" "$port" > "$out.log" 2>&1 &
    pid=$!
    until curl -s -o /dev/null --max-time 1 "$url/"; do
      kill -0 "$pid" 2>/dev/null || { echo "startup-probe: $variant did not start" >&2; cat "$out.log" >&2; exit 1; }
      sleep 0.01
    done
    first=$(( ($(date +%s%N) - t0) / 1000000 ))
    cpu="$(awk -v ticks="$ticks" '{ printf "%d", ($14 + $15) * 1000 / ticks }' "/proc/$pid/stat")"
    classes="$(wc -l < "$out.classes")"
    token_file="$keys/hs256.token"; [ "$variant" = pem ] && token_file="$keys/rs256.token"
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $(tr -d '\n' < "$token_file")" "$url/")"
    first_token=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$status" = 200 ] || { echo "startup-probe: $variant answered $status to a valid token" >&2; cat "$out.log" >&2; exit 1; }
    cleanup
    vm="$(awk '/Create VM/ { for (i = 1; i <= NF; i++) if ($i == "secs") printf "%.0f", $(i - 1) * 1000 }' "$out.vm")"
    agent="$(sed -n 's/.* started in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    config="$(sed -n 's/.*configuration, keys and policies \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    instr="$(sed -n 's/.*instrumentation \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    deferred="$(sed -n 's/.*deferred to the first request done in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    token_work="$(sed -n 's/.*deferred to the first request with a token done in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$vm" "${agent:--}" "${config:--}" "${instr:--}" "$first" "$classes" "$cpu" "${deferred:--}" "$first_token" "${token_work:--}" >> "$tsv"
    echo "startup-probe: round $round $variant: create-vm $vm ms, agent ${agent:--} ms (config ${config:--}, instrumentation ${instr:--}), deferred ${deferred:--} ms, first answer $first ms (CPU $cpu ms), $classes classes; token work ${token_work:--} ms, first answer with a token $first_token ms" >&2
  done
done

echo
echo "Medians over $rounds rounds (load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
echo
echo "| variant | create VM ms | agent started in ms | config+keys+policies ms | instrumentation ms | deferred to the first request ms | first answer ms | Δ first answer vs none | CPU by first answer ms | Δ CPU vs none | classes loaded | token work ms | first answer with a token ms | Δ first answer with a token vs none |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' 'NR > 1 { key = $2; order[key] = order[key] ? order[key] : ++n; names[n] = key
  for (c = 3; c <= 12; c++) { v[key, c, ++cnt[key, c]] = $c } }
  function median(key, c,   k, i, j, t, a) {
    k = 0; for (i = 1; i <= cnt[key, c]; i++) if (v[key, c, i] != "-") a[++k] = v[key, c, i] + 0
    if (k == 0) return "–"
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END { base = median("none", 7); cpubase = median("none", 9); tokenbase = median("none", 11)
    for (i = 1; i <= n; i++) { key = names[i]; f = median(key, 7); c = median(key, 9); ft = median(key, 11)
      printf "| %s | %s | %s | %s | %s | %s | %s | %+d | %s | %+d | %s | %s | %s | %+d |\n", key, median(key, 3), median(key, 4), median(key, 5), median(key, 6), median(key, 10), f, f - base, c, c - cpubase, median(key, 8), median(key, 12), ft, ft - tokenbase } }' "$tsv"

echo
echo "Paired within each round (the variant minus none in the same round), median [lowest, highest]:"
echo
echo "| variant | Δ first answer ms | Δ CPU by first answer ms | Δ create VM ms | Δ first answer with a token ms |"
echo "|---|---|---|---|---|"
awk -F'\t' 'NR > 1 { first[$1, $2] = $7; vm[$1, $2] = $3; cpu[$1, $2] = $9; token[$1, $2] = $11; if (!($2 in seen)) { seen[$2] = 1; names[++n] = $2 } rounds[$1] = 1 }
  function stats(a, k,   i, j, t) {
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return sprintf("%+d [%+d, %+d]", k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2, a[1], a[k]) }
  END { for (i = 1; i <= n; i++) { key = names[i]; if (key == "none") continue
      k = 0; delete df; delete dv; delete dc; delete dt
      for (r in rounds) if (((r, key) in first) && ((r, "none") in first)) { k++; df[k] = first[r, key] - first[r, "none"]; dv[k] = vm[r, key] - vm[r, "none"]; dc[k] = cpu[r, key] - cpu[r, "none"]; dt[k] = token[r, key] - token[r, "none"] }
      if (k) printf "| %s | %s | %s | %s | %s |\n", key, stats(df, k), stats(dc, k), stats(dv, k), stats(dt, k) } }' "$tsv"
