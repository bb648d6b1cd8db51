#!/usr/bin/env bash
# Runs the vmcoreinfo JMH benchmarks (VmcoreBench) on the real 6.1 vmcore fixture.
# Usage: vmcoreinfo/bench/jmh.sh [JMH options, e.g. -f 1 -wi 1 -i 3 walkVmemmap]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cp_file="$root/vmcoreinfo/target/bench.classpath"
# One reactor run, so the io module resolves to its build output (nothing is installed); the
# vmcoreinfo module runs last and leaves its class path in cp_file.
mvn -B -q -pl vmcoreinfo -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >/dev/null
java=""
for j in /usr/lib/jvm/*/bin/java; do
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
    if [ "${v:-0}" -ge 22 ]; then java="$j"; fi
done
[ -n "$java" ] || { echo "jmh.sh: no JDK >= 22 in /usr/lib/jvm" >&2; exit 1; }
exec "$java" --enable-native-access=ALL-UNNAMED -Dpmemdump.fixtures="$root/fixtures" \
    -cp "$root/vmcoreinfo/target/test-classes:$root/vmcoreinfo/target/classes:$(cat "$cp_file")" \
    org.openjdk.jmh.Main "${@:-dev.pmemdump.vmcore.bench.VmcoreBench}"
