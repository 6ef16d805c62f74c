#!/usr/bin/env bash
# Starts one demo service in the foreground, with the agent and the demo's settings, so you can
# try your own: every argument after the name is a JVM option placed after the defaults, so it
# wins (for -D options the last one counts).
#
#   demo-apps/run-service.sh issuer
#   demo-apps/run-service.sh gateway -Djwt.agent.mode=monitor
#   demo-apps/run-service.sh --no-agent orders
#
# Names: issuer, gateway, orders, inventory, partner (issuer and partner never get the agent).
# Ports are the defaults of demo-apps/README.md. It prints the exact command before running it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

with_agent=1
if [ "${1:-}" = "--no-agent" ]; then with_agent=0; shift; fi
name="${1:-}"
[ $# -gt 0 ] && shift
case "$name" in
  issuer)    port=18080; app=();                                             with_agent=0 ;;
  gateway)   port=18081; app=(-Dorders.url=http://localhost:18082) ;;
  orders)    port=18082; app=(-Dinventory.url=http://localhost:18083) ;;
  inventory) port=18083; app=(-Dpartner.url=http://127.0.0.1:18090) ;;
  partner)   port=18090; app=();                                             with_agent=0 ;;
  *) echo "usage: demo-apps/run-service.sh [--no-agent] issuer|gateway|orders|inventory|partner [JVM options...]" >&2
     exit 2 ;;
esac

jar="demo-apps/$name/target/demo-$name.jar"
agent_jar=agent/target/jwt-agent.jar
if [ ! -f "$jar" ] || { [ $with_agent = 1 ] && [ ! -f "$agent_jar" ]; }; then
  echo "Building the agent and demo-apps/$name ..." >&2
  mvn -q -B -ntp -Dstyle.color=never -pl "agent,demo-apps/$name" package -Dmaven.test.skip=true
fi

agent=()
if [ $with_agent = 1 ]; then
  agent=(
    "-javaagent:$agent_jar"
    -Djwt.agent.issuer=http://127.0.0.1:18080
    -Djwt.agent.audience=shop
    -Djwt.agent.outbound.allowed-hosts=localhost
    -Djwt.agent.inbound.required=true
  )
fi
command=("$JAVA" "${agent[@]}" -Dserver.port=$port "${app[@]}" "$@" -jar "$jar")
echo "${command[*]}" >&2
exec "${command[@]}"
