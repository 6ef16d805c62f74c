#!/usr/bin/env bash
# Runs every test: the full build and test suite on the default JDK (17), then the
# instrumentation tests again on JDK 25 (virtual threads live there).
set -euo pipefail
cd "$(dirname "$0")"

mvn -B -ntp verify

jdk25="${JDK25_HOME:-}"
if [ -z "$jdk25" ]; then
  for candidate in /usr/lib/jvm/temurin-25*; do
    [ -x "$candidate/bin/java" ] && jdk25="$candidate" && break
  done
fi
if [ -z "$jdk25" ]; then
  echo "run-tests: no JDK 25 found (set JDK25_HOME); the instrumentation tests ran on the default JDK only" >&2
  exit 0
fi
echo "run-tests: instrumentation tests again on $("$jdk25/bin/java" -version 2>&1 | head -1)"
mvn -B -ntp -pl instrumentation-tests,instrumentation-tests/jetty12 verify -Djvm="$jdk25/bin/java"
