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
#   transformer the time the agent's class file transformer took until the first request, and the part
#               of it spent rewriting the classes its rules match, from its debug line (wall clock of the
#               threads that loaded classes, the time the JIT compiler took the core from them included)
#   first       launch to first HTTP answer (polled every 10 ms, without a token, as a readiness probe)
#   first token launch to the answer of one request with a valid token, sent right after the first answer
#   cpu         CPU time the service had used by then (all its threads, user and system; 10 ms ticks):
#               unlike the wall clock, it leaves out the time the machine gave to anything else
#   classes     classes loaded until the first answer (-Xlog:class+load)
# Run benchmarks/run-process-bench.sh once first (it builds the jars and makes the keys).
# TOGETHER=1: each variant launched at the same moment as a launch without the agent, one per core (the
#   other on port PORT + 1); prints paired differences of the first answers (see the comment there).
# Usage: benchmarks/startup-probe.sh   (environment: ROUNDS=5 PORT=18124 VARIANTS="..." AGENT_JAR=<jar> TOGETHER=1
#   ALT_AGENT_JAR=<jar>: adds the variant "alt", the default settings with another build of the agent;
#   the variant "empty" is an agent whose premain does nothing, built here: the JVM's own cost of -javaagent)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/bench-lib.sh"
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
pin_client_to_first_core

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
  END { if (NR == 0) { print "–"; exit } printf "%+.0f [%+.0f, %+.0f] (%+d to %+d)", q(0.5), q(0.25), q(0.75), a[1], a[NR] }'; }

if [ "${TOGETHER:-0}" = 1 ]; then
  # Each variant launched at the same moment as a launch without an agent (on port PORT + 1), one on
  # each core (swapped every round, and which is started first alternates too), so that whatever
  # slows the machine meanwhile slows both: on these machines the difference is then a few tens of
  # milliseconds from one round to the next, where launches one after the other differ by hundreds.
  # Both launches share the memory bus and the disk cache, which a launch alone does not, and there
  # is no class-load log: the absolute times are not those of the sequential probe. Times are from
  # the common start; each launch has a poller of its own, which then sends one request with a token.
  [ "$cpus" -ge 2 ] || { echo "startup-probe: TOGETHER=1 needs two cores" >&2; exit 1; }
  if [ "$cpus" -ge 3 ]; then taskset -cp 2-$(( cpus - 1 )) $$ >/dev/null; else taskset -cp 0-1 $$ >/dev/null; fi
  pairs="$work/pairs.tsv"
  printf 'round\tvariant\tnone_core\tnone_first_ms\tvariant_first_ms\tnone_token_ms\tvariant_token_ms\n' > "$pairs"
  children=()
  stop_children() { for p in ${children[@]+"${children[@]}"}; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; children=(); }
  trap stop_children EXIT
  # Polls the service of process $2 on port $1 until it answers, then sends one request with the
  # token of variant $3; writes "first_ms<TAB>token_ms" (token_ms "-" if that was not a 200) to $4.
  poll_launch() {
    local port="$1" service="$2" variant="$3" result="$4" first status token_file="$keys/hs256.token"
    [ "$variant" = pem ] && token_file="$keys/rs256.token"
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; do
      kill -0 "$service" 2>/dev/null || { echo "dead" > "$result"; return; }
      sleep 0.005
    done
    first=$(( ($(date +%s%N) - t0) / 1000000 ))
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $(tr -d '\n' < "$token_file")" "http://127.0.0.1:$port/" || true)"
    if [ "$status" = 200 ]; then
      printf '%s\t%s\n' "$first" $(( ($(date +%s%N) - t0) / 1000000 )) > "$result"
    else
      echo "startup-probe: $variant answered ${status:-nothing} to a valid token" >&2
      printf '%s\t-\n' "$first" > "$result"
    fi
  }
  launch() { # variant core port log
    local args=(); mapfile -t args < <(variant_args "$1")
    taskset -c "$2" java -Xms512m -Xmx512m -XX:+UseG1GC ${args[@]+"${args[@]}"} -jar "$service_jar" "$3" > "$4" 2>&1 &
    children+=($!)
  }
  for round in $(seq 1 "$rounds"); do
    for variant in "${variants[@]}"; do
      [ "$variant" = none ] && continue
      none_core=$(( round % 2 ))
      rm -f "$work/pair-none.result" "$work/pair-variant.result"
      t0="$(date +%s%N)"
      if (( round % 4 < 2 )); then
        launch none "$none_core" "$port" "$work/pair-none.log"; launch "$variant" $(( 1 - none_core )) $(( port + 1 )) "$work/pair-$variant.log"
      else
        launch "$variant" $(( 1 - none_core )) $(( port + 1 )) "$work/pair-$variant.log"; launch none "$none_core" "$port" "$work/pair-none.log"
      fi
      none_pid="${children[0]}"; variant_pid="${children[1]}"
      (( round % 4 < 2 )) || { none_pid="${children[1]}"; variant_pid="${children[0]}"; }
      poll_launch "$port" "$none_pid" none "$work/pair-none.result" & pollers=($!)
      poll_launch $(( port + 1 )) "$variant_pid" "$variant" "$work/pair-variant.result" & pollers+=($!)
      wait "${pollers[@]}"
      for side in none variant; do
        if ! [ -s "$work/pair-$side.result" ] || [ "$(cat "$work/pair-$side.result")" = dead ]; then
          log_of="$work/pair-none.log"; [ "$side" = variant ] && log_of="$work/pair-$variant.log"
          echo "startup-probe: the $side launch of round $round ($variant) ended before answering" >&2; cat "$log_of" >&2; exit 1
        fi
      done
      IFS=$'\t' read -r first_none token_none < "$work/pair-none.result"
      IFS=$'\t' read -r first_variant token_variant < "$work/pair-variant.result"
      stop_children
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
printf 'round\tvariant\tcreate_vm_ms\tagent_ms\tconfig_ms\tinstr_ms\tfirst_ms\tclasses\tcpu_ms\tdeferred_ms\tfirst_token_ms\ttoken_work_ms\ttransformer_ms\trewriting_ms\n' > "$tsv"
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
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $(tr -d '\n' < "$token_file")" "$url/" || true)"
    first_token=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$status" = 200 ] || { echo "startup-probe: $variant answered ${status:-nothing} to a valid token" >&2; cat "$out.log" >&2; exit 1; }
    cleanup
    vm="$(awk '/Create VM/ { for (i = 1; i <= NF; i++) if ($i == "secs") printf "%.0f", $(i - 1) * 1000 }' "$out.vm")"
    agent="$(sed -n 's/.* started in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    config="$(sed -n 's/.*configuration, keys and policies \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    instr="$(sed -n 's/.*instrumentation \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    deferred="$(sed -n 's/.*deferred to the first request done in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    token_work="$(sed -n 's/.*deferred to the first request with a token done in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    transformer="$(sed -n 's/.*the transformer looked at [0-9]* classes in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    rewriting="$(sed -n 's/.*the transformer looked at .* rewritten in \([0-9]*\) ms.*/\1/p' "$out.log" | head -1)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$vm" "${agent:--}" "${config:--}" "${instr:--}" "$first" "$classes" "$cpu" "${deferred:--}" "$first_token" "${token_work:--}" "${transformer:--}" "${rewriting:--}" >> "$tsv"
    echo "startup-probe: round $round $variant: create-vm $vm ms, agent ${agent:--} ms (config ${config:--}, instrumentation ${instr:--}), deferred ${deferred:--} ms, transformer ${transformer:--} ms (rewriting ${rewriting:--}), first answer $first ms (CPU $cpu ms), $classes classes; token work ${token_work:--} ms, first answer with a token $first_token ms" >&2
  done
done

echo
echo "Medians over $rounds rounds (load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
echo
echo "| variant | create VM ms | agent started in ms | config+keys+policies ms | instrumentation ms | deferred to the first request ms | first answer ms | Δ first answer vs none | CPU by first answer ms | Δ CPU vs none | classes loaded | token work ms | first answer with a token ms | Δ first answer with a token vs none | transformer until the first request ms | of which rewriting ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' 'NR > 1 { key = $2; order[key] = order[key] ? order[key] : ++n; names[n] = key
  for (c = 3; c <= 14; c++) { v[key, c, ++cnt[key, c]] = $c } }
  function median(key, c,   k, i, j, t, a) {
    k = 0; for (i = 1; i <= cnt[key, c]; i++) if (v[key, c, i] != "-") a[++k] = v[key, c, i] + 0
    if (k == 0) return "–"
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END { base = median("none", 7); cpubase = median("none", 9); tokenbase = median("none", 11)
    for (i = 1; i <= n; i++) { key = names[i]; f = median(key, 7); c = median(key, 9); ft = median(key, 11)
      printf "| %s | %s | %s | %s | %s | %s | %s | %+d | %s | %+d | %s | %s | %s | %+d | %s | %s |\n", key, median(key, 3), median(key, 4), median(key, 5), median(key, 6), median(key, 10), f, f - base, c, c - cpubase, median(key, 8), median(key, 12), ft, ft - tokenbase, median(key, 13), median(key, 14) } }' "$tsv"

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
