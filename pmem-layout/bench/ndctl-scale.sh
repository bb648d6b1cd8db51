#!/usr/bin/env bash
# Benchmark: pmemdump ndctl init-labels + create-namespace + list on sparse images of several
# sizes (default 512M and 1T), in one JVM after warm-up. Usage: ndctl-scale.sh [SIZE...]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
(cd "$here" && mvn -q -B -DskipTests package >&2)
java="$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n1)"
java="${JAVA:-${java:-java}}"
[ "$#" -gt 0 ] || set -- 512M 1T
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$here/cli/target/pmemdump.jar" \
    "$here/pmem-layout/bench/NdctlScaleBench.java" "$@"
