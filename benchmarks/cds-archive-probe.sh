#!/usr/bin/env bash
# What putting the agent jar on the bootstrap class path costs a service that starts from a class data
# sharing (CDS) archive of its own classes. The JVM prints "Sharing is only supported for boot loader
# classes because bootstrap classpath has been appended" when an agent does that; this probe measures
# what it means, on the Java it is run with (JAVA=<java binary>, default: java on the PATH).
#   1. Dumps an archive of the benchmark service (benchmarks/target/bench-service.jar) without an
#      agent (-XX:ArchiveClassesAtExit), stopped after its first answer.
#   2. Classes: one launch per arm, with that archive and with the JDK's default archive only, counts
#      the classes loaded until the first answer and how many of them came from an archive (all, and
#      Tomcat's, org.apache.*) (-Xlog:class+load).
#   3. First answer: ROUNDS rounds, each launch alone on the second core, every arm with the
#      service's archive and, as a baseline, "none" and "agent" with the JDK's default archive only
#      ("none/default", "agent/default"); the launches take turns, in an order rotated every round.
#      Prints medians and each arm's difference to "none" (with the same archive), paired per round.
# Arms:
#   none    no agent
#   empty   an agent whose premain does nothing (built here): the JVM's own cost of -javaagent
#   append  an agent whose premain only appends a one-class jar to the bootstrap class path (built here)
#   agent   jwt-agent (HMAC secret), which appends its own jar
# Usage: benchmarks/cds-archive-probe.sh   (environment: JAVA=<java> ROUNDS=12 PORT=18131 AGENT_JAR=<jar>
#   RESULTS=<file.md>, default benchmarks/results/cds-archive-java<feature version>.md)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/bench-lib.sh"
java_bin="${JAVA:-java}"
rounds="${ROUNDS:-12}"
port="${PORT:-18131}"
agent_jar="${AGENT_JAR:-$root/agent/target/jwt-agent.jar}"
service_jar="$here/target/bench-service.jar"
bench_jar="$here/target/benchmarks.jar"
work="$here/target/cds-archive-probe"
arms=(none empty append agent)
url="http://127.0.0.1:$port/"
timed=(none empty append agent none/default agent/default)

log() { echo "cds-archive-probe: $*" >&2; }

ensure_bench_jars "$root" "$agent_jar" "$service_jar" "$bench_jar"
feature="$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')"
results="${RESULTS:-$here/results/cds-archive-java$feature.md}"
mkdir -p "$work/agents"
pin_client_to_first_core
java -cp "$bench_jar" dev.jwtagent.bench.TokenTool "$work/keys" 1 > /dev/null

# The two throwaway agents, compiled for Java 11 like the agent.
cat > "$work/agents/EmptyAgent.java" <<'EOF'
public final class EmptyAgent {
    public static void premain(String arguments, java.lang.instrument.Instrumentation instrumentation) {
    }
}
EOF
cat > "$work/agents/AppendAgent.java" <<'EOF'
public final class AppendAgent {
    public static void premain(String jar, java.lang.instrument.Instrumentation instrumentation) throws Exception {
        instrumentation.appendToBootstrapClassLoaderSearch(new java.util.jar.JarFile(jar));
    }
}
EOF
javac --release 11 -d "$work/agents" "$work/agents/EmptyAgent.java" "$work/agents/AppendAgent.java"
printf 'Premain-Class: EmptyAgent\n' > "$work/agents/empty.mf"
printf 'Premain-Class: AppendAgent\n' > "$work/agents/append.mf"
jar cfm "$work/empty-agent.jar" "$work/agents/empty.mf" -C "$work/agents" EmptyAgent.class
jar cfm "$work/append-agent.jar" "$work/agents/append.mf" -C "$work/agents" AppendAgent.class

arm_args() {
  case "$1" in
    none) ;;
    empty) printf '%s\n' -javaagent:"$work/empty-agent.jar" ;;
    append) printf '%s\n' -javaagent:"$work/append-agent.jar=$work/empty-agent.jar" ;;
    agent) printf '%s\n' -javaagent:"$agent_jar" -Djwt.agent.issuer=https://issuer.bench.test -Djwt.agent.audience=bench \
        -Djwt.agent.secret-file="$work/keys/hs256.secret" ;;
  esac
}

service=""
stop_service() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; service=""; fi
}
trap stop_service EXIT

# Launches the service (extra JVM options as arguments) on the second core and waits for its first
# answer; sets first_ms to the milliseconds from launch to it. Not to be called in a subshell, which
# would lose the service's process id.
launch_until_answer() {
  local t0
  if curl -s -o /dev/null --max-time 1 "$url"; then log "port $port is already taken"; exit 1; fi
  t0="$(date +%s%N)"
  ${service_pin[@]+"${service_pin[@]}"} "$java_bin" -Xms512m -Xmx512m -XX:+UseG1GC "$@" -jar "$service_jar" "$port" > "$work/service.log" 2>&1 &
  service=$!
  until curl -s -o /dev/null --max-time 1 "$url"; do
    if ! kill -0 "$service" 2>/dev/null; then log "the service ended before answering:"; cat "$work/service.log" >&2; exit 1; fi
    if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt 60 ]; then log "no answer within 60 s"; exit 1; fi
    sleep 0.005
  done
  first_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

log "dumping an archive of the service without an agent ($("$java_bin" -version 2>&1 | head -1))"
rm -f "$work/service.jsa"
launch_until_answer -XX:ArchiveClassesAtExit="$work/service.jsa"
stop_service
[ -s "$work/service.jsa" ] || { log "no archive was written"; cat "$work/service.log" >&2; exit 1; }

classes="$work/classes.tsv"
printf 'archive\tarm\tclasses\tfrom_archive\ttomcat\ttomcat_from_archive\tsharing_line\n' > "$classes"
for archive in service default; do
  archive_args=(); [ "$archive" = service ] && archive_args=(-XX:SharedArchiveFile="$work/service.jsa")
  for arm in "${arms[@]}"; do
    args=(); mapfile -t args < <(arm_args "$arm")
    launch_until_answer ${archive_args[@]+"${archive_args[@]}"} ${args[@]+"${args[@]}"} -Xlog:class+load:file="$work/classes.log"
    # What was loaded by the first answer, not what stopping the service loads.
    cp "$work/classes.log" "$work/classes-at-answer.log"
    stop_service
    awk -v archive="$archive" -v arm="$arm" -v line="$(grep -c 'Sharing is only supported' "$work/service.log" || true)" '
      / source: / { n++; shared = / source: shared objects file/; s += shared; if ($2 ~ /^org\.apache\./) { t++; ts += shared } }
      END { printf "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", archive, arm, n, s, t, ts, (line > 0 ? "yes" : "no") }' "$work/classes-at-answer.log" >> "$classes"
  done
done

starts="$work/starts.tsv"
printf 'round\tarm\tfirst_answer_ms\n' > "$starts"
for round in $(seq 1 "$rounds"); do
  for i in "${!timed[@]}"; do
    arm="${timed[$(( (i + round - 1) % ${#timed[@]} ))]}"
    archive_args=(-XX:SharedArchiveFile="$work/service.jsa")
    [[ "$arm" == */default ]] && archive_args=()
    args=(); mapfile -t args < <(arm_args "${arm%/default}")
    launch_until_answer ${archive_args[@]+"${archive_args[@]}"} ${args[@]+"${args[@]}"}
    stop_service
    printf '%s\t%s\t%s\n' "$round" "$arm" "$first_ms" >> "$starts"
  done
  log "round $round of $rounds: $(awk -F'\t' -v r="$round" '$1 == r { printf "%s %s ms  ", $2, $3 }' "$starts")"
done

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "–"; exit } print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
{
  echo "## CDS archive probe ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "Java: $("$java_bin" -version 2>&1 | head -2 | tail -1). Machine: $cpus cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))."
  echo "Service: benchmarks/target/bench-service.jar (embedded Tomcat 11), its archive dumped without an agent (-XX:ArchiveClassesAtExit)."
  echo "Arms: none; empty (an agent whose premain does nothing); append (an agent that only appends a one-class jar to the bootstrap class path); agent (jwt-agent, HMAC secret)."
  echo
  echo "Classes loaded until the first answer, one launch per arm:"
  echo
  echo "| archive | arm | classes | from an archive | Tomcat classes | Tomcat classes from the archive | \"Sharing is only supported\" line |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s |\n", ($1 == "service" ? "the service'"'"'s" : "the JDK'"'"'s default"), $2, $3, $4, $5, $6, $7 }' "$classes"
  echo
  where="alone on the service's core"; [ "$cpus" -ge 2 ] || where="alone on the one core"
  echo "First answer, $rounds rounds, the launches taking turns in an order rotated every round, each $where; with the service's archive, and (/default) with the JDK's default archive only."
  echo "Median; the difference to none with the same archive, paired per round, median:"
  echo
  echo "| arm | first answer (ms) | difference to none, paired (ms) |"
  echo "|---|---|---|"
  for arm in "${timed[@]}"; do
    first="$(awk -F'\t' -v a="$arm" '$2 == a { print $3 }' "$starts" | median)"
    base=none; [[ "$arm" == */default ]] && base=none/default
    if [ "$arm" = "$base" ]; then delta="–"; else
      delta="$(awk -F'\t' -v a="$arm" -v b="$base" 'NR > 1 { v[$1, $2] = $3; r[$1] = 1 } END { for (i in r) if ((i, a) in v && (i, b) in v) print v[i, a] - v[i, b] }' "$starts" | median)"
      delta="+$delta"; delta="${delta/+-/-}"
    fi
    echo "| $arm | $first | $delta |"
  done
} > "$results"
cat "$results"
log "per-launch figures: $classes, $starts; table: $results"
