# Shared by the benchmark scripts (sourced, not run). Each script defines log() before calling these.

# Builds the agent and the benchmarks module when one of their jars is missing: ensure_bench_jars <root> <jar>...
ensure_bench_jars() {
  local root="$1" jar
  shift
  for jar in "$@"; do
    if [ ! -f "$jar" ]; then
      log "building the agent and the benchmarks module"
      (cd "$root" && mvn -q -ntp -pl agent,benchmarks package -Dmaven.test.skip=true)
      return
    fi
  done
}

# wrk from Debian's packages when it is missing.
ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    log "installing wrk"
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  fi
}

# The client side (the calling script, curl, wrk, jcmd) on the first core, the services on the
# second: sets cpus, and service_pin to the prefix that launches a service there (empty on one core).
pin_client_to_first_core() {
  cpus="$(nproc)"
  service_pin=()
  if [ "$cpus" -ge 2 ]; then
    taskset -cp 0 $$ >/dev/null
    service_pin=(taskset -c 1)
  fi
}
