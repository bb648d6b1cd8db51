#!/usr/bin/env bash
# Fuzz bench (outside CI): runs each parser's @FuzzTest alone, coverage-guided, for 10^6 inputs
# (the `fuzz` Maven profile), one after the other, and prints one line per parser: inputs, seconds,
# inputs/s, coverage (libFuzzer's cov: edges and ft: features) and the verdict. Logs, the grown
# corpus and any crashing input are kept under target/fuzz-bench and each module's target/fuzz.
#
#   bench/fuzz.sh                      every parser, binary formats first
#   bench/fuzz.sh KdumpReaderFuzzTest  only the named ones
#   FUZZ_RUNS=100000 FUZZ_SECONDS=600 bench/fuzz.sh   a smaller budget (runs, then a time cap)
set -euo pipefail
cd "$(dirname "$0")/.."
all=(vmcoreinfo:ElfCoreFuzzTest dumpfilter:KdumpReaderFuzzTest dumpfilter:FlattenedReaderFuzzTest
     pmem-layout:LabelAreaFuzzTest pmem-layout:InfoBlockFuzzTest pmem-layout:BttFuzzTest
     vmcoreinfo:VmcoreInfoFuzzTest vmcoreinfo:NoteSegmentFuzzTest vmcoreinfo:DevmMemmapListFuzzTest
     kexec-loadplan:IomemFuzzTest kexec-loadplan:CrashKernelSpecFuzzTest
     dumpfilter:MakedumpfileArgsFuzzTest native-test-images:ScenarioFuzzTest)
selected=()
for t in "${all[@]}"; do
    if [ $# -eq 0 ]; then selected+=("$t"); continue; fi
    for want in "$@"; do [ "${t#*:}" = "$want" ] && selected+=("$t"); done
done
java_version="$("${JAVA_HOME:-/nonexistent}/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
if [ "${java_version:-0}" -lt 22 ]; then
    echo "bench/fuzz.sh: set JAVA_HOME to a JDK >= 22 (Maven must run on it for the fuzz-smoke execution)" >&2
    exit 2
fi
runs="${FUZZ_RUNS:-1000000}"
seconds="${FUZZ_SECONDS:-7200}"
out=target/fuzz-bench
mkdir -p "$out"
mvn -o -q -B -pl dumpfilter,native-test-images -am test-compile
printf '%-26s %10s %8s %9s %6s %7s  %s\n' parser inputs seconds inputs/s cov ft verdict
for t in "${selected[@]}"; do
    module="${t%%:*}" test="${t#*:}" log="$out/${t#*:}.log"
    start=$(date +%s)
    verdict=ok
    mvn -o -B -Pfuzz -Dfuzz.runs="$runs" -Dfuzz.seconds="$seconds" -pl "$module" -am \
        test-compile surefire:test@fuzz-smoke -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 \
        || verdict="FINDING (see $log)"
    wall=$(( $(date +%s) - start ))
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1 || true)
    fuzzed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
    printf '%-26s %10s %8s %9s %6s %7s  %s (wall %ss)\n' "$test" "${inputs:-?}" "${fuzzed:-?}" "${speed:-?}" \
        "$(echo "$cov" | awk '{print $2}')" "$(echo "$cov" | awk '{print $4}')" "$verdict" "$wall"
done
