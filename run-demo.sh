#!/usr/bin/env bash
# The jwt-agent demo in one command.
#
# Builds what is missing (the agent jar and the demo service jars), starts on loopback an identity
# provider and a chain of ordinary services with the agent (keys by OIDC discovery from the issuer),
# walks through the story with curl, prints it as a table, checks it, and stops everything it
# started (also on Ctrl-C). Exits 0 only if every step of the story holds.
#
#   gateway   Jetty 12, jakarta     -> orders with java.net.http.HttpClient
#   orders    Tomcat 11, jakarta    -> inventory twice in parallel on a thread pool: OkHttp, Apache HttpClient 5
#   inventory Jetty 9.4, javax      -> partner with HttpURLConnection, addressed as 127.0.0.1 (not allowed)
#   partner   an external API, no agent: reports whether an Authorization header arrived
#
# Environment: DEMO_PORT (the issuer's port, the others follow it as in demo-apps/README.md;
# default 18080, and a port in use is skipped), DEMO_JAVA_OPTS (JVM options for every service, in
# place of -XX:TieredStopAtLevel=1 -XX:+UseSerialGC; they come before the demo's own -Djwt.agent.*
# settings, so those four cannot be changed there), JAVA_HOME. Logs and the raw answers are left in demo-run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
AGENT=agent/target/jwt-agent.jar
RUN=demo-run
SERVICES=(issuer partner inventory orders gateway)
JVM_OPTS=(${DEMO_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC})

say() { printf '%s\n' "$*"; }
die() { printf 'run-demo: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null || die "curl is needed for the walkthrough"
command -v "$JAVA" >/dev/null || die "no java found (set JAVA_HOME)"
java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is needed (Tomcat 11 and Jetty 12), found ${java_major:-?}"

rm -rf "$RUN" && mkdir -p "$RUN"

# --- start and stop ----------------------------------------------------------------------------
PIDS=()
# The jars of a build that has not finished: an interrupted or failed build can leave one written
# but incomplete (the agent's before shading, a demo jar before its lib/), newer than its sources,
# which the next run would then take as built. Removed, so that the next run builds them again.
BUILDING=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  if [ ${#BUILDING[@]} -gt 0 ]; then rm -f "${BUILDING[@]}"; fi
}
trap cleanup EXIT
trap 'say ""; say "Interrupted: stopping the demo services."; exit 130' INT
trap 'exit 143' TERM

# --- build what is missing or older than its sources -------------------------------------------
stale() { # jar, then the files and folders it is built from
  local jar=$1; shift
  [ -f "$jar" ] || return 0
  [ -n "$(find "$@" -type f -newer "$jar" -print -quit 2>/dev/null)" ]
}
modules=()
stale "$AGENT" agent/src/main agent/pom.xml pom.xml && modules+=(agent)
demo=()
for m in "${SERVICES[@]}" story; do demo+=("demo-apps/$m"); done
for m in "${SERVICES[@]}" story; do # one stale demo jar: build them all (the story module names the others)
  if stale "demo-apps/$m/target/demo-$m.jar" "demo-apps/$m/src/main" "demo-apps/$m/pom.xml" demo-apps/pom.xml; then
    modules+=("${demo[@]}")
    break
  fi
done
if [ ${#modules[@]} -gt 0 ]; then
  command -v mvn >/dev/null || die "Maven is needed to build: ${modules[*]}"
  say "Building: ${modules[*]} ..."
  t0=$SECONDS
  for m in "${modules[@]}"; do
    case $m in
      agent) BUILDING+=("$AGENT") ;;
      demo-apps/*) BUILDING+=("$m/target/demo-${m#demo-apps/}.jar") ;;
    esac
  done
  # In the background and waited for, so that Ctrl-C stops the script at once (bash skips the INT
  # trap when a foreground java exits on its own after SIGINT) and cleanup stops the build.
  mvn -B -ntp -Dstyle.color=never -pl "$(IFS=,; printf '%s' "${modules[*]}")" package -Dmaven.test.skip=true \
    >"$RUN/build.log" 2>&1 &
  PIDS+=($!)
  built=0
  wait $! || built=$?
  PIDS=()
  if [ $built -ne 0 ]; then
    grep -E 'ERROR|FAIL' "$RUN/build.log" | head -20 >&2 || true # none when the build was stopped
    die "the build failed (log: $RUN/build.log)"
  fi
  BUILDING=()
  say "Built in $((SECONDS - t0)) s."
fi

# --- ports: each service's default port, or the next free one ---------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A PORT
taken=" "
for s in "${SERVICES[@]}"; do
  case $s in issuer) p=18080;; gateway) p=18081;; orders) p=18082;; inventory) p=18083;; partner) p=18090;; esac
  [ -n "${DEMO_PORT:-}" ] && p=$((DEMO_PORT + p - 18080))
  while [[ $taken == *" $p "* ]] || ! port_free "$p"; do p=$((p + 1)); done
  PORT[$s]=$p
  taken+="$p "
done
ISSUER="http://127.0.0.1:${PORT[issuer]}"
GATEWAY="http://127.0.0.1:${PORT[gateway]}"

# The agent's settings: the same for every service, all on the command line.
AGENT_OPTS=(
  "-javaagent:$AGENT"
  "-Djwt.agent.issuer=$ISSUER"                    # keys by OIDC discovery from the issuer
  "-Djwt.agent.audience=shop"
  "-Djwt.agent.outbound.allowed-hosts=localhost"  # the services call each other as localhost
  "-Djwt.agent.inbound.required=true"
)

start() { # name, then JVM options (agent and settings); the service's jar comes last
  local name=$1; shift
  "$JAVA" "${JVM_OPTS[@]}" "$@" -Dserver.port="${PORT[$name]}" -jar "demo-apps/$name/target/demo-$name.jar" \
    >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$name=$!"
}

wait_ready() { # name, url: any HTTP answer means the server is up
  local name=$1 url=$2 pid_var="PID_$1" deadline=$((SECONDS + 90))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" != "000" ]; do
    if ! kill -0 "${!pid_var}" 2>/dev/null; then
      tail -n 20 "$RUN/$name.log" >&2
      die "$name stopped while starting (log: $RUN/$name.log)"
    fi
    [ $SECONDS -lt $deadline ] || die "$name did not start within 90 s (log: $RUN/$name.log)"
    sleep 0.2
  done
}

say "Starting on 127.0.0.1 (the agent on gateway, orders and inventory; configured only by -Djwt.agent.*):"
say "  issuer     :${PORT[issuer]}  OIDC discovery + JWKS, mints ES256 tokens (JDK HttpServer)"
say "  gateway    :${PORT[gateway]}  Jetty 12, jakarta.servlet  -> orders with java.net.http.HttpClient"
say "  orders     :${PORT[orders]}  Tomcat 11, jakarta.servlet -> inventory, in parallel on a thread pool, with OkHttp and Apache HttpClient 5"
say "  inventory  :${PORT[inventory]}  Jetty 9.4, javax.servlet   -> partner with HttpURLConnection, addressed as 127.0.0.1"
say "  partner    :${PORT[partner]}  an external API, no agent: says whether an Authorization header arrived"
t0=$SECONDS
start issuer
start partner
wait_ready issuer "$ISSUER/.well-known/openid-configuration"
start inventory "${AGENT_OPTS[@]}" -Dpartner.url="http://127.0.0.1:${PORT[partner]}"
start orders "${AGENT_OPTS[@]}" -Dinventory.url="http://localhost:${PORT[inventory]}"
start gateway "${AGENT_OPTS[@]}" -Dorders.url="http://localhost:${PORT[orders]}"
wait_ready partner "http://127.0.0.1:${PORT[partner]}/"
wait_ready inventory "http://127.0.0.1:${PORT[inventory]}/stock"
wait_ready orders "http://127.0.0.1:${PORT[orders]}/orders"
wait_ready gateway "$GATEWAY/checkout"
say "All up in $((SECONDS - t0)) s. Agent settings of every service:"
say "  ${AGENT_OPTS[*]}"
say ""

# --- the walkthrough ---------------------------------------------------------------------------
token() { curl -sf -X POST "$ISSUER/token?$1" || die "the issuer gave no token for $1"; }
b64url_decode() {
  local s
  s=$(printf '%s' "$1" | tr '_-' '/+')
  while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done
  printf '%s' "$s" | base64 -d
}
b64url_encode() { base64 | tr -d '\n=' | tr '+/' '-_'; }
ask() { # step, url, then curl options
  local step=$1 url=$2; shift 2
  curl -s --max-time 30 -D "$RUN/$step.headers" -o "$RUN/$step.body" "$@" "$url" \
    || die "curl failed for step $step"
}

say "The walkthrough (tokens from the issuer: curl -X POST '$ISSUER/token?sub=alice&aud=shop&ttl=60'):"
VALID=$(token "sub=alice&aud=shop&ttl=60")
IFS=. read -r head payload signature <<<"$VALID"
forged=$(b64url_decode "$payload" | sed 's/"sub":"alice"/"sub":"mallory"/')
case "$forged" in *'"sub":"mallory"'*) ;; *) die "could not tamper with the token's payload";; esac
TAMPERED="$head.$(printf '%s' "$forged" | b64url_encode).$signature"
EXPIRED=$(token "sub=alice&aud=shop&ttl=-120")
WRONG_AUD=$(token "sub=alice&aud=partner-api&ttl=60")

say "  1. valid token            curl -H 'Authorization: Bearer \$VALID'     $GATEWAY/checkout?sku=book-42"
ask valid "$GATEWAY/checkout?sku=book-42" -H "Authorization: Bearer $VALID"
say "  2. host not allowed       the same token straight to inventory, which calls the partner as 127.0.0.1"
ask not-allowed "http://127.0.0.1:${PORT[inventory]}/stock?sku=book-42" -H "Authorization: Bearer $VALID"
say "  3. tampered token         same token, payload sub changed to mallory, signature kept"
ask tampered "$GATEWAY/checkout?sku=book-42" -H "Authorization: Bearer $TAMPERED"
say "  4. expired token          minted with ttl=-120"
ask expired "$GATEWAY/checkout?sku=book-42" -H "Authorization: Bearer $EXPIRED"
say "  5. wrong audience         minted with aud=partner-api"
ask wrong-audience "$GATEWAY/checkout?sku=book-42" -H "Authorization: Bearer $WRONG_AUD"
say "  6. no token               to the gateway, and straight to orders and inventory"
ask no-token-gateway "$GATEWAY/checkout?sku=book-42"
ask no-token-orders "http://127.0.0.1:${PORT[orders]}/orders?sku=book-42"
ask no-token-inventory "http://127.0.0.1:${PORT[inventory]}/stock?sku=book-42"
say ""

set +e
"$JAVA" -jar demo-apps/story/target/demo-story.jar "$RUN"
verdict=$?
set -e
say ""
say "The gateway's whole answer (the chain, nested): $RUN/valid.body; service logs: $RUN/*.log"
exit $verdict
