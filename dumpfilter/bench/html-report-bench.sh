#!/usr/bin/env bash
# What --html-report costs: pmemdump makedumpfile with and without it on the same input, run back
# to back (best of N runs each, JVM start-up included), and the page's size.
# Usage: dumpfilter/bench/html-report-bench.sh [VMCORE] [RUNS]
# Default VMCORE: the 6.1 fixture, unpacked to target/ on first use. A built scenario's vmcore
# (pmemdump image build --out DIR; DIR/vmcore) shows pmem and a finer page mix.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
vmcore="${1:-}"
runs="${2:-5}"
if [ -z "$vmcore" ]; then
    vmcore="$here/target/bench/vmcore.raw"
    if [ ! -f "$vmcore" ]; then
        mkdir -p "$(dirname "$vmcore")"
        zstd -q -d --sparse "$here/fixtures/linux-6.1-qemu/kdump-file/vmcore.raw.zst" -o "$vmcore"
    fi
fi
"$here/bin/pmemdump" --version >/dev/null 2>&1   # build the tool if needed, outside the timings
java="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)}"
pmemdump() { "$java" --enable-native-access=ALL-UNNAMED -jar "$here/cli/target/pmemdump.jar" "$@"; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

best() {  # best wall time in seconds of "$@" over $runs runs
    local b="" t s e
    for _ in $(seq "$runs"); do
        rm -f "$out"/dump* "$out"/report.html
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}

printf '%-10s %10s %14s %8s %12s\n' "options" "plain" "--html-report" "ratio" "page bytes"
for opts in "-l -d 31" "-E -d 31"; do
    # shellcheck disable=SC2086
    p=$(best pmemdump makedumpfile $opts "$vmcore" "$out/dump")
    # shellcheck disable=SC2086
    h=$(best pmemdump makedumpfile $opts --html-report "$out/report.html" "$vmcore" "$out/dump")
    printf '%-10s %9.3fs %13.3fs %8.2f %12d\n' "$opts" "$p" "$h" "$(echo "$h / $p" | bc -l)" \
        "$(stat -c %s "$out/report.html")"
done
